"""The mixed pass: every budgeted query interleaved in random order, on one connection.

The per-query measurement runs each query in a block of calls, so asyncpg's statement cache (100
entries by default) always holds it; a real application interleaves far more distinct statements
than that (this suite has ~130), and an evicted statement is parsed and planned again (a point
lookup's 0.26 ms became 0.83 ms in the audit). This pass draws the next query at random each call,
on a connection opened with ``statement_cache_size`` (``--statement-cache-size``, asyncpg's
``connect`` option of that name; 100 by default), and reports each query's p50 beside its isolated
p50, and how many prepares the cache had to redo.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from sqlfirst.binding import Declaration
from sqlfirst.db import init_connection
from sqlfirst.settings import Settings

from . import usercode
from .measure import Stats, call_once, resolve
from .registry import QueryWorkload


@dataclass(frozen=True, slots=True)
class MixedResult:
    statement_cache_size: int
    calls: int
    seconds: float
    per_query: dict[str, Stats]
    errors: dict[str, str] = field(default_factory=dict)
    """The first error of each query that raised one (its other calls still run)."""

    def as_json(self) -> dict[str, Any]:
        return {
            "statement_cache_size": self.statement_cache_size,
            "calls": self.calls,
            "seconds": round(self.seconds, 2),
            "errors": self.errors,
            "queries": {name: s.as_json() for name, s in self.per_query.items()},
        }


async def run_mixed(
    url: str,
    items: list[tuple[Declaration, QueryWorkload, Any]],
    *,
    statement_cache_size: int,
    calls_per_query: int,
    seed: int,
) -> MixedResult:
    """``calls_per_query`` calls of every item, shuffled together, on a fresh connection."""
    conn = await asyncpg.connect(
        url,
        statement_cache_size=statement_cache_size,
        server_settings=Settings(database_url=url, statement_timeout_ms=60_000).server_settings(),
    )
    try:
        await init_connection(conn)
        rng = random.Random(f"{seed}:mixed")
        schedule = [i for i in range(len(items)) for _ in range(calls_per_query)]
        rng.shuffle(schedule)
        functions = [(resolve(d), d.kind) for d, _, _ in items]
        timings: dict[str, list[float]] = {f"{d.domain}.{d.query.name}": [] for d, _, _ in items}
        errors: dict[str, str] = {}
        clock = time.perf_counter
        started = clock()
        for index in schedule:
            decl, workload, samples = items[index]
            fn, kind = functions[index]
            name = f"{decl.domain}.{decl.query.name}"
            try:
                params = await usercode.arguments(decl, workload, conn, samples, rng)
                t0 = clock()
                await call_once(fn, kind, conn, params)
            except Exception as exc:  # a workload's error is a finding of the run, not its end
                errors.setdefault(name, usercode.without_where(decl, exc))
                continue
            timings[name].append(clock() - t0)
        seconds = clock() - started
    finally:
        await conn.close()
    return MixedResult(
        statement_cache_size,
        len(schedule),
        seconds,
        {name: Stats.of(values) for name, values in timings.items() if values},
        errors,
    )
