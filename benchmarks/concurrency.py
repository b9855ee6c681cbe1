"""N concurrent clients on sqlfirst's pool for a fixed time: throughput, p50/p99, errors, pool timeouts."""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field
from typing import Any

from sqlfirst.binding import Declaration

from .measure import Stats, call_once, resolve
from .registry import QueryWorkload

ACQUIRE_TIMEOUT_S = 5.0


@dataclass(frozen=True, slots=True)
class ConcurrencyResult:
    clients: int
    pool_max: int
    seconds: float
    operations: int
    stats: Stats
    errors: dict[str, int] = field(default_factory=dict)
    pool_timeouts: int = 0

    @property
    def throughput(self) -> float:
        return self.operations / self.seconds if self.seconds else 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "clients": self.clients,
            "pool_max_size": self.pool_max,
            "seconds": round(self.seconds, 2),
            "operations": self.operations,
            "throughput_ops_s": round(self.throughput, 1),
            **{k: v for k, v in self.stats.as_json().items() if k != "calls"},
            "errors": self.errors,
            "pool_timeouts": self.pool_timeouts,
        }


async def run_concurrency(
    pool: Any,
    mix: list[tuple[Declaration, QueryWorkload, int, Any]],
    *,
    clients: int,
    duration_s: float,
    seed: int,
) -> ConcurrencyResult:
    """Every client loops until the deadline: pick a query by weight, acquire, call, release."""
    functions = [(resolve(d), d.kind, w, weight, samples) for d, w, weight, samples in mix]
    weights = [f[3] for f in functions]
    timings: list[float] = []
    errors: dict[str, int] = {}
    timeouts = 0
    clock = time.perf_counter
    deadline = clock() + duration_s

    async def client(number: int) -> None:
        nonlocal timeouts
        rng = random.Random(f"{seed}:client:{number}")
        while clock() < deadline:
            fn, kind, workload, _, samples = rng.choices(functions, weights)[0]
            t0 = clock()
            try:
                params = workload.params(samples, rng)
                async with pool.acquire(timeout=ACQUIRE_TIMEOUT_S) as conn:
                    await call_once(fn, kind, conn, params)
            except TimeoutError:
                timeouts += 1
                continue
            except Exception as exc:
                errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                continue
            timings.append(clock() - t0)

    started = clock()
    await asyncio.gather(*(client(n) for n in range(clients)))
    elapsed = clock() - started
    return ConcurrencyResult(
        clients=clients,
        pool_max=pool.get_max_size(),
        seconds=elapsed,
        operations=len(timings),
        stats=Stats.of(timings),
        errors=errors,
        pool_timeouts=timeouts,
    )
