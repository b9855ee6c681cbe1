"""``sqlfirst bench --replicas N``: the concurrency mix's reads with and without streaming replicas.

The embedded bench server gets N streaming replicas (``pg_basebackup -R``, as ``sqlfirst db start
--replicas N`` makes them). Two contenders then run the same closed loop of the mix's read-only
queries, each call in :meth:`Database.reader` (a read-only transaction):

* **primary only**: a :class:`Database` without replicas, so every read is the primary's;
* **with replicas**: a :class:`Database` with the replica URLs, so reads go to replicas that have
  caught up, and to the primary otherwise.

They run in ABBA order (each contender once early and once late, half the duration each) so drift
over the run (caches warming, autovacuum) does not favour one. On one machine the replicas share its
cores with the primary: the figures say what routing costs or gains here, not what separate hosts
would give.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg

from sqlfirst import embedded, replication
from sqlfirst.binding import Declaration
from sqlfirst.db import Connection, Database, connect

from .concurrency import ConcurrencyResult, run_concurrency
from .registry import QueryWorkload

READ_KINDS = frozenset({"one", "many", "stream", "value"})
_WRITES = re.compile(
    r"\b(insert|update|delete|merge|for\s+(no\s+key\s+)?update|for\s+(key\s+)?share|nextval|setval)\b"
    r"|\b\w+\.\w+\s*\(",  # a schema-qualified function call: the domains' functions write
    re.IGNORECASE,
)
CATCH_UP_TIMEOUT_S = 120.0

Mix = list[tuple[Declaration, QueryWorkload, int, Any]]


def is_read(decl: Declaration) -> bool:
    """Whether a named query only reads (so a replica can serve it): a row- or value-returning kind
    whose SQL neither writes, locks rows, draws a sequence nor calls a schema's function."""
    body = re.sub(r"--[^\n]*", "", decl.query.sql)
    return decl.kind in READ_KINDS and _WRITES.search(body) is None


def read_mix(mix: Mix) -> Mix:
    return [entry for entry in mix if is_read(entry[0])]


@dataclass(frozen=True, slots=True)
class ReplicaComparison:
    replicas: int
    queries: tuple[str, ...]
    primary_only: ConcurrencyResult | None = None
    with_replicas: ConcurrencyResult | None = None
    served_by_replicas: int = 0
    error: str | None = None

    @property
    def throughput_ratio(self) -> float | None:
        """With replicas over primary only (reads per second)."""
        if self.primary_only is None or self.with_replicas is None or not self.primary_only.throughput:
            return None
        return self.with_replicas.throughput / self.primary_only.throughput

    def as_json(self) -> dict[str, Any]:
        ratio = self.throughput_ratio
        return {
            "replicas": self.replicas,
            "queries": list(self.queries),
            "order": "ABBA",
            "primary_only": self.primary_only.as_json() if self.primary_only else None,
            "with_replicas": self.with_replicas.as_json() if self.with_replicas else None,
            "served_by_replicas": self.served_by_replicas,
            "throughput_ratio": round(ratio, 3) if ratio is not None else None,
            "error": self.error,
        }


class _Readers:
    """What :func:`run_concurrency` acquires from: each call in a :meth:`Database.reader`."""

    def __init__(self, db: Database, max_size: int) -> None:
        self.db = db
        self.max_size = max_size

    def acquire(self, *, timeout: float) -> AbstractAsyncContextManager[Connection]:
        return self._reader()  # waiting is bounded by the pools' own acquire timeout

    @asynccontextmanager
    async def _reader(self) -> AsyncIterator[Connection]:
        async with self.db.reader() as conn:
            yield conn

    def get_max_size(self) -> int:
        return self.max_size


def with_database(url: str, name: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{name}"


async def _wait_caught_up(primary_url: str, replica_urls: list[str]) -> None:
    primary = await asyncpg.connect(primary_url)
    try:
        target = await primary.fetchval("select pg_current_wal_insert_lsn()")
    finally:
        await primary.close()
    deadline = time.monotonic() + CATCH_UP_TIMEOUT_S
    for url in replica_urls:
        conn = await asyncpg.connect(url)
        try:
            while not await conn.fetchval("select pg_last_wal_replay_lsn() >= $1::pg_lsn", target):
                if time.monotonic() > deadline:
                    raise TimeoutError(f"a replica did not catch up in {CATCH_UP_TIMEOUT_S:g} s")
                await asyncio.sleep(0.1)
        finally:
            await conn.close()


async def run_replica_comparison(
    url: str, database: str, count: int, mix: Mix, *, clients: int, duration_s: float, seed: int
) -> ReplicaComparison:
    """Start ``count`` replicas of the embedded server holding ``url`` and run the read mix on the
    primary alone and with the replicas, in ABBA order; the replicas are stopped afterwards."""
    reads = read_mix(mix)
    names = tuple(sorted({decl.query.name for decl, *_ in reads}))
    if not reads:
        return ReplicaComparison(count, names, error="the concurrency mix has no read-only query")
    primary_dir = embedded.data_dir()
    try:
        return await _compare(url, database, count, reads, names, primary_dir, clients, duration_s, seed)
    except Exception as exc:  # reported as the run's failure, with what to do about it
        return ReplicaComparison(
            count,
            names,
            error=f"{type(exc).__name__}: {exc} (replicas left by an earlier run are reused: remove"
            f" {primary_dir}-replica* for fresh base backups)",
        )
    finally:
        await asyncio.to_thread(replication.stop_replicas, primary_dir)


async def _compare(
    url: str,
    database: str,
    count: int,
    reads: Mix,
    names: tuple[str, ...],
    primary_dir: Path,
    clients: int,
    duration_s: float,
    seed: int,
) -> ReplicaComparison:
    started = await asyncio.to_thread(replication.start_replicas, count, primary_dir)
    replica_urls = [with_database(r.url, database) for r in started]
    await _wait_caught_up(url, replica_urls)
    pool_max = 20
    alone = await connect(database_url=url, min_size=1, max_size=pool_max)
    routed = await connect(database_url=url, replica_urls=tuple(replica_urls), min_size=1, max_size=pool_max)
    try:
        half = duration_s / 2
        runs: dict[str, list[ConcurrencyResult]] = {"primary": [], "replicas": []}
        for contender in ("primary", "replicas", "replicas", "primary"):
            db = alone if contender == "primary" else routed
            runs[contender].append(
                await run_concurrency(
                    _Readers(db, pool_max), reads, clients=clients, duration_s=half, seed=seed
                )
            )
        assert routed.replicas is not None
        served = sum(state.served for state in routed.replicas.states)
    finally:
        await routed.close()
        await alone.close()
    return ReplicaComparison(
        count,
        names,
        primary_only=ConcurrencyResult.merged(runs["primary"]),
        with_replicas=ConcurrencyResult.merged(runs["replicas"]),
        served_by_replicas=served,
    )
