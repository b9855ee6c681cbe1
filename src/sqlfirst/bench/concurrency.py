"""Load on sqlfirst's pool: throughput, p50/p99, errors, pool timeouts.

* **Closed loop** (``run_concurrency``): N clients, each sending its next call when the last one
  returned. It finds the throughput ceiling, but hides queueing: a slow server slows the clients.
* **Open loop** (``run_open_loop``): calls *arrive* at a fixed rate (Poisson arrivals), whatever the
  server does, and each latency is measured from the call's scheduled arrival, so time spent waiting
  for a pool connection counts (no coordinated omission). Its p99 is what users see at that load.
* **Hot row** (``run_hot_row``): every client on the same row (one user's tokens, one market's rate
  limit): the row lock serialises them, and p99 and throughput show what that contention costs.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field
from typing import Any

from sqlfirst.binding import Declaration

from .measure import Stats, call_once, resolve
from .registry import HotRow, QueryWorkload

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
    samples: tuple[float, ...] = field(default=(), repr=False)
    """Every completed call's latency in seconds (not in the JSON: :meth:`merged` pools runs)."""

    @property
    def throughput(self) -> float:
        return self.operations / self.seconds if self.seconds else 0.0

    @classmethod
    def merged(cls, runs: list[ConcurrencyResult]) -> ConcurrencyResult:
        """Runs of one contender (e.g. the two halves of an ABBA order) as one result."""
        errors: dict[str, int] = {}
        for run in runs:
            for name, count in run.errors.items():
                errors[name] = errors.get(name, 0) + count
        samples = tuple(t for run in runs for t in run.samples)
        return cls(
            clients=runs[0].clients,
            pool_max=runs[0].pool_max,
            seconds=sum(run.seconds for run in runs),
            operations=sum(run.operations for run in runs),
            stats=Stats.of(samples),
            errors=errors,
            pool_timeouts=sum(run.pool_timeouts for run in runs),
            samples=samples,
        )

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
        samples=tuple(timings),
    )


@dataclass(frozen=True, slots=True)
class OpenLoopResult:
    rate: float
    seconds: float
    arrivals: int
    stats: Stats
    max_in_flight: int
    errors: dict[str, int] = field(default_factory=dict)
    pool_timeouts: int = 0

    @property
    def throughput(self) -> float:
        return self.stats.calls / self.seconds if self.seconds else 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "rate_ops_s": round(self.rate, 1),
            "seconds": round(self.seconds, 2),
            "arrivals": self.arrivals,
            "completed": self.stats.calls,
            "throughput_ops_s": round(self.throughput, 1),
            **{k: v for k, v in self.stats.as_json().items() if k != "calls"},
            "max_in_flight": self.max_in_flight,
            "errors": self.errors,
            "pool_timeouts": self.pool_timeouts,
        }


async def run_open_loop(
    pool: Any,
    mix: list[tuple[Declaration, QueryWorkload, int, Any]],
    *,
    rate: float,
    duration_s: float,
    seed: int,
) -> OpenLoopResult:
    """Poisson arrivals at ``rate`` per second for ``duration_s``; latency from the scheduled arrival."""
    functions = [(resolve(d), d.kind, w, weight, samples) for d, w, weight, samples in mix]
    weights = [f[3] for f in functions]
    rng = random.Random(f"{seed}:open-loop")
    timings: list[float] = []
    errors: dict[str, int] = {}
    timeouts = 0
    in_flight = 0
    max_in_flight = 0
    clock = time.perf_counter
    tasks: set[asyncio.Task[None]] = set()

    async def call(scheduled: float, fn: Any, kind: str, workload: QueryWorkload, samples: Any) -> None:
        nonlocal timeouts, in_flight, max_in_flight
        in_flight += 1
        max_in_flight = max(max_in_flight, in_flight)
        try:
            params = workload.params(samples, random.Random(scheduled))
            async with pool.acquire(timeout=ACQUIRE_TIMEOUT_S) as conn:
                await call_once(fn, kind, conn, params)
            timings.append(clock() - scheduled)
        except TimeoutError:
            timeouts += 1
        except Exception as exc:
            errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
        finally:
            in_flight -= 1

    started = clock()
    deadline = started + duration_s
    at = started
    arrivals = 0
    while True:
        at += rng.expovariate(rate)
        if at >= deadline:
            break
        delay = at - clock()
        if delay > 0:
            await asyncio.sleep(delay)
        fn, kind, workload, _, samples = rng.choices(functions, weights)[0]
        task = asyncio.create_task(call(at, fn, kind, workload, samples))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        arrivals += 1
    if tasks:
        await asyncio.gather(*tasks)
    return OpenLoopResult(
        rate=rate,
        seconds=clock() - started,
        arrivals=arrivals,
        stats=Stats.of(timings),
        max_in_flight=max_in_flight,
        errors=errors,
        pool_timeouts=timeouts,
    )


@dataclass(frozen=True, slots=True)
class HotRowResult:
    domain: str
    name: str
    description: str
    clients: int
    seconds: float
    stats: Stats
    errors: dict[str, int] = field(default_factory=dict)

    @property
    def throughput(self) -> float:
        return self.stats.calls / self.seconds if self.seconds else 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "domain": self.domain,
            "name": self.name,
            "description": self.description,
            "clients": self.clients,
            "seconds": round(self.seconds, 2),
            "operations": self.stats.calls,
            "throughput_ops_s": round(self.throughput, 1),
            **{k: v for k, v in self.stats.as_json().items() if k != "calls"},
            "errors": self.errors,
        }


async def run_hot_row(
    pool: Any,
    domain: str,
    hot: HotRow,
    declarations: dict[str, Declaration],
    samples: Any,
    *,
    clients: int,
    duration_s: float,
    seed: int,
) -> HotRowResult:
    """``clients`` closed-loop clients on one row, taking ``hot.calls`` in turn."""
    key = hot.key(samples)
    calls = [(resolve(declarations[name]), declarations[name].kind, params) for name, params in hot.calls]
    timings: list[float] = []
    errors: dict[str, int] = {}
    clock = time.perf_counter
    deadline = clock() + duration_s

    async def client(number: int) -> None:
        rng = random.Random(f"{seed}:hot:{hot.name}:{number}")
        turn = number
        while clock() < deadline:
            fn, kind, params = calls[turn % len(calls)]
            turn += 1
            t0 = clock()
            try:
                async with pool.acquire(timeout=ACQUIRE_TIMEOUT_S) as conn:
                    await call_once(fn, kind, conn, params(key, rng))
            except Exception as exc:
                errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                continue
            timings.append(clock() - t0)

    started = clock()
    await asyncio.gather(*(client(n) for n in range(clients)))
    return HotRowResult(
        domain, hot.name, hot.description, clients, clock() - started, Stats.of(timings), errors
    )
