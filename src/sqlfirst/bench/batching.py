"""Batched keyed lookups against one call per key: 50 keys, three ways, on one held connection.

* ``single``: 50 sequential single-key calls (50 round trips);
* ``batch``: one call with all 50 keys (``where id = any($1)``, one round trip, results in order);
* ``loader``: 50 concurrent ``load(key)`` calls that :class:`sqlfirst.loader.Loader` coalesces into
  one batch call, what an application's fan-out gets without asking for a batch.

Slots run in all six orders equally often with the same keys each round; the speedups are ratios of
medians (``single / batch``, ``single / loader``) with paired bootstrap intervals.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import time
from dataclasses import dataclass
from typing import Any

from sqlfirst.loader import Loader

from .measure import Stats
from .registry import BatchContest
from .sidebyside import balanced_rounds, scaled_iterations
from .stats import Interval, ratio_interval

SLOTS = ("single", "batch", "loader")
ORDERS = tuple(itertools.permutations(SLOTS))


@dataclass(frozen=True, slots=True)
class BatchResult:
    domain: str
    name: str
    description: str
    keys: int
    stats: dict[str, Stats]
    speedup: Interval | None
    loader_speedup: Interval | None
    min_speedup: float | None
    error: str | None = None

    @property
    def misses(self) -> list[str]:
        if self.error is not None:
            return [f"batching {self.name}: {self.error}"]
        if (
            self.min_speedup is not None
            and self.speedup is not None
            and self.speedup.value < self.min_speedup
        ):
            return [
                f"batching {self.name}: {self.keys} keys in one call are {self.speedup}x faster than "
                f"{self.keys} single calls (target >= {self.min_speedup:g}x)"
            ]
        return []

    def as_json(self) -> dict[str, Any]:
        return {
            "domain": self.domain,
            "name": self.name,
            "description": self.description,
            "keys": self.keys,
            "error": self.error,
            "slots": {name: s.as_json() for name, s in self.stats.items()},
            "speedup_ci": None if self.speedup is None else self.speedup.as_json(),
            "loader_speedup_ci": None if self.loader_speedup is None else self.loader_speedup.as_json(),
            "min_speedup": self.min_speedup,
            "met": not self.misses,
        }


async def run_batch_contest(
    conn: Any,
    domain: str,
    contest: BatchContest,
    samples: Any,
    *,
    min_speedup: float | None,
    factor: float,
    seed: int,
) -> BatchResult:
    rng = random.Random(f"{seed}:{contest.name}")
    rounds = balanced_rounds(scaled_iterations(contest.iterations, factor, floor=len(ORDERS)), 1, len(ORDERS))
    timings: dict[str, list[float]] = {slot: [] for slot in SLOTS}

    async def single(keys: list[Any]) -> object:
        return [await contest.single(conn, key) for key in keys]

    async def batch(keys: list[Any]) -> object:
        return await contest.batch(conn, keys)

    async def loader(keys: list[Any]) -> object:
        coalescing: Loader[Any, object] = Loader(lambda ks: contest.batch(conn, ks))
        return await asyncio.gather(*(coalescing.load(key) for key in keys))

    run = {"single": single, "batch": batch, "loader": loader}
    clock = time.perf_counter
    try:
        for slot in SLOTS:
            for _ in range(3):
                await run[slot]([contest.draw(samples, rng) for _ in range(contest.keys)])
        cycle: list[tuple[str, ...]] = []
        for _ in range(rounds):
            if not cycle:
                cycle = list(ORDERS)
                rng.shuffle(cycle)
            order = cycle.pop()
            keys = [contest.draw(samples, rng) for _ in range(contest.keys)]
            for slot in order:
                t0 = clock()
                await run[slot](keys)
                timings[slot].append(clock() - t0)
    except Exception as exc:
        return BatchResult(
            domain,
            contest.name,
            contest.description,
            contest.keys,
            {},
            None,
            None,
            min_speedup,
            error=f"{type(exc).__name__}: {exc}",
        )
    return BatchResult(
        domain,
        contest.name,
        contest.description,
        contest.keys,
        {slot: Stats.of(values) for slot, values in timings.items()},
        ratio_interval(timings["single"], timings["batch"], seed=seed),
        ratio_interval(timings["single"], timings["loader"], seed=seed),
        min_speedup,
    )
