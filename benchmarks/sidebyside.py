"""The same workloads through raw asyncpg, sqlfirst and the SQLAlchemy 2 async ORM, in one process.

Contenders are interleaved in small batches, rotating which goes first each round, so machine noise
(other processes, CPU frequency, autovacuum) hits all of them alike; read-only contests hand every
contender the same drawn inputs each round, so all read the same rows. Raw asyncpg and sqlfirst share
one pooled connection with sqlfirst's codecs (the same statement cache, the same jsonb decoding), so
the difference is exactly what the binding layer and the models cost; the ORM runs on its own
engine in autocommit (its cheapest configuration: no BEGIN/ROLLBACK round trips) with a session per
call, as applications use it.

Ratios compare medians: ``ratio_vs_asyncpg = sqlfirst p50 / asyncpg p50`` and
``speedup_vs_sqlalchemy = sqlalchemy p50 / sqlfirst p50``; for bulk ingest the throughput ratio is
``asyncpg p50 / sqlfirst p50`` (time per 10k rows).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from .measure import Stats
from .registry import CONTENDERS, Contest, ContestTarget

BATCH = 5


@dataclass
class ContestContext:
    conn: Any
    orm: Any
    samples: Any


@dataclass(frozen=True, slots=True)
class ContestResult:
    domain: str
    name: str
    description: str
    rows_per_call: int
    stats: dict[str, Stats]
    target: ContestTarget
    error: str | None = None
    misses: list[str] = field(default_factory=list)

    def ratio_vs_asyncpg(self) -> float:
        return self.stats["sqlfirst"].p50_ms / self.stats["asyncpg"].p50_ms

    def speedup_vs_sqlalchemy(self) -> float:
        return self.stats["sqlalchemy"].p50_ms / self.stats["sqlfirst"].p50_ms

    def throughput_vs_asyncpg(self) -> float:
        return self.stats["asyncpg"].p50_ms / self.stats["sqlfirst"].p50_ms

    def rows_per_s(self, contender: str) -> float:
        return self.rows_per_call / (self.stats[contender].p50_ms / 1000)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "domain": self.domain,
            "workload": self.name,
            "description": self.description,
            "rows_per_call": self.rows_per_call,
            "error": self.error,
            "contenders": {},
        }
        if self.error is None:
            out["contenders"] = {
                name: {**s.as_json(), "rows_per_s": round(self.rows_per_s(name))}
                for name, s in self.stats.items()
            }
            out["ratio_vs_asyncpg"] = round(self.ratio_vs_asyncpg(), 4)
            out["speedup_vs_sqlalchemy"] = round(self.speedup_vs_sqlalchemy(), 4)
            out["throughput_vs_asyncpg"] = round(self.throughput_vs_asyncpg(), 4)
        out["targets"] = {
            "max_ratio_vs_asyncpg": self.target.max_ratio_vs_asyncpg,
            "min_speedup_vs_sqlalchemy": self.target.min_speedup_vs_sqlalchemy,
            "min_throughput_vs_asyncpg": self.target.min_throughput_vs_asyncpg,
        }
        out["met"] = self.error is None and not self.misses
        out["misses"] = self.misses
        return out


def evaluate(result: ContestResult) -> list[str]:
    """The targets this result misses, as sentences."""
    if result.error is not None:
        return [f"{result.name}: {result.error}"]
    t = result.target
    misses = []
    if t.max_ratio_vs_asyncpg is not None and result.ratio_vs_asyncpg() > t.max_ratio_vs_asyncpg:
        misses.append(
            f"{result.name}: sqlfirst is {result.ratio_vs_asyncpg():.2f}x raw asyncpg "
            f"(target <= {t.max_ratio_vs_asyncpg:.2f}x)"
        )
    if (
        t.min_speedup_vs_sqlalchemy is not None
        and result.speedup_vs_sqlalchemy() < t.min_speedup_vs_sqlalchemy
    ):
        misses.append(
            f"{result.name}: sqlfirst is {result.speedup_vs_sqlalchemy():.2f}x faster than SQLAlchemy "
            f"(target >= {t.min_speedup_vs_sqlalchemy:.1f}x)"
        )
    if (
        t.min_throughput_vs_asyncpg is not None
        and result.throughput_vs_asyncpg() < t.min_throughput_vs_asyncpg
    ):
        misses.append(
            f"{result.name}: sqlfirst ingests {result.throughput_vs_asyncpg():.2f}x raw COPY throughput "
            f"(target >= {t.min_throughput_vs_asyncpg:.2f}x)"
        )
    return misses


async def run_contest(
    ctx: ContestContext, domain: str, contest: Contest, target: ContestTarget, *, iterations: int, seed: int
) -> ContestResult:
    rng = random.Random(f"{seed}:{contest.name}")
    timings: dict[str, list[float]] = {name: [] for name in CONTENDERS}

    def failed(error: str) -> ContestResult:
        return ContestResult(
            domain, contest.name, contest.description, contest.rows_per_call, {}, target, error=error
        )

    missing = [c for c in CONTENDERS if c not in contest.contenders]
    if missing:
        return failed(f"no contender {missing}")
    if contest.shared_input and len({c.prepare for c in contest.contenders.values()}) != 1:
        return failed("shared_input needs one prepare shared by every contender")
    batch = BATCH if contest.rows_per_call == 1 else 1
    warm = max(1, min(20, iterations // 10)) if contest.rows_per_call < 1000 else 1
    clock = time.perf_counter
    try:
        for name in CONTENDERS:  # warm statement caches and the ORM's compiled-SQL cache
            contender = contest.contenders[name]
            for _ in range(warm):
                arg = await contender.prepare(ctx, rng) if contender.prepare else None
                await contender.call(ctx, arg)
        rounds = max(1, iterations // batch)
        shared = contest.contenders[CONTENDERS[0]].prepare if contest.shared_input else None
        for round_no in range(rounds):
            order = CONTENDERS[round_no % 3 :] + CONTENDERS[: round_no % 3]
            inputs = [await shared(ctx, rng) for _ in range(batch)] if shared is not None else None
            for name in order:
                contender = contest.contenders[name]
                for i in range(batch):
                    if inputs is not None:
                        arg = inputs[i]
                    else:
                        arg = await contender.prepare(ctx, rng) if contender.prepare else None
                    t0 = clock()
                    await contender.call(ctx, arg)
                    timings[name].append(clock() - t0)
    except Exception as exc:
        return failed(f"{type(exc).__name__}: {exc}")
    stats = {name: Stats.of(values) for name, values in timings.items()}
    result = ContestResult(domain, contest.name, contest.description, contest.rows_per_call, stats, target)
    result.misses.extend(evaluate(result))
    return result


async def run_contests(
    pool: Any,
    entries: list[tuple[str, Contest, ContestTarget, Any, Any]],
    *,
    factor: float,
    seed: int,
    console: Console,
) -> list[ContestResult]:
    """``entries``: (domain, contest, target, samples, orm state)."""
    results = []
    with Progress(
        TextColumn("[bold]side by side"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("", total=len(entries))
        async with pool.acquire() as conn:
            for domain, contest, target, samples, orm in entries:
                progress.update(task, description=contest.name)
                iterations = max(6, int(contest.iterations * min(1.0, max(factor, 0.1))))
                ctx = ContestContext(conn=conn, orm=orm, samples=samples)
                results.append(
                    await run_contest(ctx, domain, contest, target, iterations=iterations, seed=seed)
                )
                progress.advance(task)
    return results
