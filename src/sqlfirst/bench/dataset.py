"""Deterministic data at scale: COPY every domain's tables, report rows/s, analyze, sample parameters."""

from __future__ import annotations

import os
import random
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import count, islice
from typing import TYPE_CHECKING, Any, TypeVar

import asyncpg
import orjson
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from sqlfirst.errors import DRIVER_ERRORS, ConfigurationError, from_driver

from .registry import DomainBench, TableLoad
from .usercode import blamed

if TYPE_CHECKING:
    from _typeshed import SupportsLenAndGetItem

T = TypeVar("T")

CHUNK = 20_000

_COPY_ERRORS: tuple[type[BaseException], ...] = (*DRIVER_ERRORS, asyncpg.exceptions.DataError)
"""What a COPY of generated rows can raise: the server's errors and a value asyncpg cannot encode."""

PASSWORD_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$c3FsZmlyc3QtYmVuY2gtc2FsdA$Ohxc6JfHVvzJyFjLbzXXzCNQNohrVNsdLKxHAC0HB2I"
)
BENCH_PASSWORD = "benchmark-password"
"""One precomputed Argon2id hash (of ``BENCH_PASSWORD``) for every generated user: hashing 100k
passwords would dominate
the load and measure nothing the benchmark is about."""

_DATASETS = """
create table if not exists public.sqlfirst_bench_datasets (
    domain text primary key,
    scale text not null,
    seed integer not null,
    version integer not null,
    loaded_at timestamptz not null default now(),
    tables jsonb not null
);
alter table public.sqlfirst_bench_datasets add column if not exists shape jsonb
"""


@dataclass(frozen=True, slots=True)
class TableResult:
    table: str
    rows: int
    seconds: float

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "rows": self.rows,
            "seconds": round(self.seconds, 3),
            "rows_per_s": round(self.rows_per_s),
        }


def rand_uuid(rng: Any) -> uuid.UUID:
    """A version-4 UUID drawn from ``rng`` (deterministic for a seed, unlike ``uuid4``)."""
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def jsonb(value: object) -> str:
    """jsonb for COPY through a plain (codec-less) connection."""
    return orjson.dumps(value).decode()


async def stored_dataset(conn: asyncpg.Connection[Any], domain: str) -> dict[str, Any] | None:
    await conn.execute(_DATASETS)
    row = await conn.fetchrow(
        "select scale, seed, version, loaded_at, tables::text as tables, shape::text as shape"
        " from public.sqlfirst_bench_datasets where domain = $1",
        domain,
    )
    if row is None:
        return None
    return {
        "scale": row["scale"],
        "seed": row["seed"],
        "version": row["version"],
        "loaded_at": row["loaded_at"].isoformat(),
        "tables": orjson.loads(row["tables"]),
        "shape": orjson.loads(row["shape"]) if row["shape"] is not None else None,
    }


def shape(loads: Sequence[TableLoad]) -> list[dict[str, Any]]:
    """What a generator declares (each table, its columns and row count): part of a stored dataset's
    identity, so a generator that now fills other tables or columns, or more rows, gets a new load."""
    return [{"table": t.table, "columns": list(t.columns), "rows": t.rows} for t in loads]


def generated_tables(bench: DomainBench, factor: float, seed: int) -> list[TableLoad]:
    """``bench.tables(factor, seed)``; what it raises names the domain."""
    with blamed(f"{bench.domain}: BENCH.tables"):
        loads = bench.tables(factor, seed)
    if not isinstance(loads, list | tuple) or not all(isinstance(t, TableLoad) for t in loads):
        raise ConfigurationError(
            f"{bench.domain}: BENCH.tables must return a list of TableLoad, not {loads!r:.80}"
        )
    return list(loads)


async def dataset(
    conn: asyncpg.Connection[Any],
    bench: DomainBench,
    *,
    scale: str,
    factor: float,
    seed: int,
    fresh: bool,
    console: Console,
) -> tuple[list[TableResult], bool]:
    """The domain's dataset at this scale and seed: the stored one when scale, seed, ``BENCH.version``
    and what the generator declares (:func:`shape`) all match and ``fresh`` is false (tables vacuumed),
    else a new load. Returns its tables and whether it was reused."""
    domain = bench.domain
    loads = generated_tables(bench, factor, seed)
    stored = await stored_dataset(conn, domain)
    if stored is not None and not fresh:
        same = (stored["scale"], stored["seed"], stored["version"]) == (scale, seed, bench.version)
        if same and stored["shape"] == shape(loads):
            console.print(
                f"{domain}: reusing the {scale} dataset (seed {seed}) loaded {stored['loaded_at']}"
                " (--fresh regenerates)"
            )
            # Earlier runs' writes leave dead rows; with autovacuum off (as on some servers) they pile
            # up run after run and the tails measure bloat, not the queries.
            await vacuum_analyze(conn, [t["table"] for t in stored["tables"]], console)
            return [TableResult(t["table"], t["rows"], t["seconds"]) for t in stored["tables"]], True
        if same and stored["shape"] is None:
            console.print(f"{domain}: the stored dataset records no shape (loaded by an older sqlfirst)")
        elif same:
            console.print(
                f"{domain}: the generator's tables, columns or row counts changed since its last load"
            )
    console.print(f"{domain}: generating the {scale} dataset (seed {seed})")
    results = await load_domain(
        conn, bench, scale=scale, factor=factor, seed=seed, console=console, loads=loads
    )
    return results, False


async def vacuum_analyze(conn: asyncpg.Connection[Any], tables: list[str], console: Console) -> None:
    """``vacuum (analyze)`` every table of the schemas ``tables`` are in: fresh statistics, and a
    visibility map as autovacuum would leave it (index-only scans need it; nothing guarantees
    autovacuum runs during a benchmark, and some servers run without it). The whole schemas, not only
    the generated tables: a table that ``BENCH.after_load`` derives from them (devskyy's product
    facets) would otherwise be planned on default estimates, as no production table is."""
    start = time.perf_counter()
    everything = await conn.fetchval(
        """
        select array_agg(c.oid::regclass::text order by c.oid::regclass::text)
          from pg_class as c
         where c.relnamespace::regnamespace::text = any($1::text[])
           and c.relkind in ('r', 'p') and not c.relispartition
        """,
        sorted({table.split(".", 1)[0] for table in tables if "." in table}),
    )
    await conn.execute(f"vacuum (analyze) {', '.join(everything or tables)}")
    console.print(f"vacuum (analyze) {len(everything or tables)} tables: {time.perf_counter() - start:.1f} s")
    # The load (or the last run's cleanup) and this vacuum leave the shared buffers dirty: flushed
    # now, not by a checkpoint in the middle of the timed calls.
    try:
        await conn.execute("checkpoint")
    except asyncpg.exceptions.InsufficientPrivilegeError:
        console.print("no CHECKPOINT (needs superuser or pg_checkpoint): the writes flush while timing")


async def load_domain(
    conn: asyncpg.Connection[Any],
    bench: DomainBench,
    *,
    scale: str,
    factor: float,
    seed: int,
    console: Console,
    loads: list[TableLoad] | None = None,
) -> list[TableResult]:
    """Empty the domain's tables (their identities restarted, so a generator's foreign keys may count
    ids from 1) and COPY its generated rows, with a progress bar per table."""
    loads = generated_tables(bench, factor, seed) if loads is None else loads
    names = ", ".join(load.table for load in loads)
    try:
        await conn.execute(f"truncate {names} restart identity cascade")
    except DRIVER_ERRORS as exc:
        raise ConfigurationError(f"{bench.domain}: cannot empty {names}: {from_driver(exc, conn)}") from exc
    results: list[TableResult] = []
    try:
        if bench.before_load is not None:
            with blamed(f"{bench.domain}: BENCH.before_load"):
                await bench.before_load(conn, factor, seed)
        with Progress(
            TextColumn("[bold]{task.description:<28}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        ) as progress:
            for load in loads:
                task = progress.add_task(load.table, total=load.rows, rate="")
                results.append(await _copy(conn, load, progress, task))
    finally:
        if bench.after_load is not None:
            with blamed(f"{bench.domain}: BENCH.after_load"):
                await bench.after_load(conn)
    await vacuum_analyze(conn, [load.table for load in loads], console)
    await conn.execute(
        "insert into public.sqlfirst_bench_datasets (domain, scale, seed, version, tables, shape)"
        " values ($1, $2, $3, $4, $5::text::jsonb, $6::text::jsonb)"
        " on conflict (domain) do update set scale = excluded.scale, seed = excluded.seed,"
        " version = excluded.version, loaded_at = now(), tables = excluded.tables, shape = excluded.shape",
        bench.domain,
        scale,
        seed,
        bench.version,
        jsonb([r.as_json() for r in results]),
        jsonb(shape(loads)),
    )
    return results


async def _copy(conn: asyncpg.Connection[Any], load: TableLoad, progress: Progress, task: Any) -> TableResult:
    schema, _, name = load.table.partition(".")
    with blamed(f"loading {load.table}: the generator"):
        records = load.records()
    written = 0
    start = time.perf_counter()
    while True:
        with blamed(f"loading {load.table}: the generator"):
            chunk = list(islice(records, CHUNK))
        if not chunk:
            break
        try:
            await conn.copy_records_to_table(
                name, schema_name=schema, columns=list(load.columns), records=chunk
            )
        except _COPY_ERRORS as exc:
            raise ConfigurationError(
                f"loading {load.table} failed (rows {written + 1} to {written + len(chunk)}):"
                f" {from_driver(exc, conn)}"
            ) from exc
        written += len(chunk)
        elapsed = time.perf_counter() - start
        progress.update(task, completed=written, rate=f"{written / elapsed:,.0f} rows/s")
    return TableResult(load.table, written, time.perf_counter() - start)


@dataclass(kw_only=True)
class Unique:
    """A base for a domain's ``Samples`` dataclass: :meth:`unique` names for the rows its write
    workloads create, distinct across runs (a random token per sample) and calls (a counter).
    Its fields are keyword-only, so a subclass's own fields need no defaults."""

    token: str = field(default_factory=lambda: os.urandom(4).hex())
    serial: Iterator[int] = field(default_factory=count)
    prefix: str = ""
    """Put before every name (e.g. a marker the domain's cleanup deletes by)."""

    def unique(self, prefix: str) -> str:
        return f"{self.prefix}{prefix}{self.token}{next(self.serial)}"


def month_starts(start: datetime, end: datetime) -> list[datetime]:
    """The first instant (UTC) of every month from ``start``'s up to ``end``: a monthly partition's
    lower bounds."""
    month = datetime(start.year, start.month, 1, tzinfo=UTC)
    out = []
    while month < end:
        out.append(month)
        month = datetime(month.year + month.month // 12, month.month % 12 + 1, 1, tzinfo=UTC)
    return out


SAMPLE_KEYS = 50_000
"""Distinct keys a workload draws from (where the table has that many): uniform over the whole table,
so a run reads what production reads, not a cached corner of it."""


async def sample_rows(
    conn: Any, table: str, columns: Sequence[str], n: int, *, seed: int, where: str = ""
) -> list[asyncpg.Record]:
    """``n`` rows of ``table`` drawn uniformly over the whole table (repeatable for a seed).

    A ``TABLESAMPLE BERNOULLI`` pass keeps every row with the same probability, wherever it lies on
    disk (about twice ``n`` rows); the rows kept are then drawn down to ``n`` uniformly at random in
    Python. (A ``LIMIT`` straight on the sample would keep the rows of the table's first pages.)
    """
    schema, _, name = table.partition(".")
    estimate = await conn.fetchval(
        "select greatest(c.reltuples, 1)::float8 from pg_class c"
        " join pg_namespace s on s.oid = c.relnamespace"
        " where s.nspname = $1 and c.relname = $2",
        schema,
        name,
    )
    percent = min(100.0, 100.0 * n * 2 / float(estimate or 1) + 0.01)
    cond = f"where {where}" if where else ""
    rows: list[asyncpg.Record] = await conn.fetch(
        f"select {', '.join(columns)} from {table} tablesample bernoulli ({percent}) repeatable ({seed})"
        f" {cond}"
    )
    if len(rows) < n and percent < 100.0:  # a rare condition: every matching row (bounded)
        rows = await conn.fetch(f"select {', '.join(columns)} from {table} {cond} limit {n * 5}")
    if len(rows) > n:
        rows = random.Random(seed).sample(rows, n)
    return rows


class HotColdRandom(random.Random):
    """A ``random.Random`` whose ``choice`` is skewed: ``hot`` of the draws (80%) go to the first
    ``hot_share`` (1%) of the sequence, the rest uniformly over all of it.

    Workloads pick their keys with ``rng.choice(samples.<list>)`` from uniform samples, so handing
    them this generator turns the same workload into a hot/cold mix (a few popular users, sessions
    and deals take most of the traffic, as in production) without any change to the workload.
    """

    def __init__(self, seed: object, *, hot: float = 0.8, hot_share: float = 0.01) -> None:
        super().__init__(seed)  # type: ignore[arg-type]
        self.hot = hot
        self.hot_share = hot_share

    def choice(self, seq: SupportsLenAndGetItem[T]) -> T:
        if len(seq) > 1 and self.random() < self.hot:
            return seq[self.randrange(max(1, int(len(seq) * self.hot_share)))]
        return super().choice(seq)


def batched(items: Iterator[Any], size: int) -> Iterator[list[Any]]:
    while chunk := list(islice(items, size)):
        yield chunk
