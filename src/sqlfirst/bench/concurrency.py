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
from sqlfirst.errors import ConfigurationError

from . import usercode
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


_Choice = tuple[Any, Declaration, QueryWorkload, int, Any]
"""One query of a mix: the resolved function, its declaration, its workload, its weight, its samples."""


class _Mix:
    """A weighted mix of queries to pick the next call from."""

    def __init__(self, mix: list[tuple[Declaration, QueryWorkload, int, Any]]) -> None:
        self.choices: list[_Choice] = [(resolve(d), d, w, weight, samples) for d, w, weight, samples in mix]
        self.weights = [c[3] for c in self.choices]

    def pick(self, rng: random.Random) -> _Choice:
        return rng.choices(self.choices, self.weights)[0]


@dataclass
class _Tally:
    """What the calls of one load run came to: the latencies of those that completed, the others'
    errors by type, and the pool timeouts apart."""

    timings: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    timeouts: int = 0

    def error(self, exc: Exception) -> None:
        # A workload's own error is counted by what it says (it names the query), others by type.
        key = str(exc) if isinstance(exc, ConfigurationError) else type(exc).__name__
        self.errors[key] = self.errors.get(key, 0) + 1

    async def call(self, pool: Any, choice: _Choice, rng: random.Random, since: float) -> None:
        """Draw ``choice``'s parameters with ``rng``, take a connection and make the call; a call
        that completes counts its latency from ``since``."""
        fn, decl, workload, _, samples = choice
        try:
            params = usercode.draw(decl, workload, samples, rng)
            async with pool.acquire(timeout=ACQUIRE_TIMEOUT_S) as conn:
                await call_once(fn, decl.kind, conn, params)
        except TimeoutError:
            self.timeouts += 1
            return
        except Exception as exc:
            self.error(exc)
            return
        self.timings.append(time.perf_counter() - since)


async def run_concurrency(
    pool: Any,
    mix: list[tuple[Declaration, QueryWorkload, int, Any]],
    *,
    clients: int,
    duration_s: float,
    seed: int,
) -> ConcurrencyResult:
    """Every client loops until the deadline: pick a query by weight, acquire, call, release."""
    queries = _Mix(mix)
    tally = _Tally()
    clock = time.perf_counter
    deadline = clock() + duration_s

    async def client(number: int) -> None:
        rng = random.Random(f"{seed}:client:{number}")
        while clock() < deadline:
            choice = queries.pick(rng)
            await tally.call(pool, choice, rng, clock())

    started = clock()
    await asyncio.gather(*(client(n) for n in range(clients)))
    elapsed = clock() - started
    return ConcurrencyResult(
        clients=clients,
        pool_max=pool.get_max_size(),
        seconds=elapsed,
        operations=len(tally.timings),
        stats=Stats.of(tally.timings),
        errors=tally.errors,
        pool_timeouts=tally.timeouts,
        samples=tuple(tally.timings),
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
    queries = _Mix(mix)
    rng = random.Random(f"{seed}:open-loop")
    tally = _Tally()
    in_flight = 0
    max_in_flight = 0
    clock = time.perf_counter
    tasks: set[asyncio.Task[None]] = set()

    async def call(scheduled: float, choice: _Choice) -> None:
        nonlocal in_flight, max_in_flight
        in_flight += 1
        max_in_flight = max(max_in_flight, in_flight)
        try:
            await tally.call(pool, choice, random.Random(scheduled), scheduled)
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
        task = asyncio.create_task(call(at, queries.pick(rng)))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        arrivals += 1
    if tasks:
        await asyncio.gather(*tasks)
    return OpenLoopResult(
        rate=rate,
        seconds=clock() - started,
        arrivals=arrivals,
        stats=Stats.of(tally.timings),
        max_in_flight=max_in_flight,
        errors=tally.errors,
        pool_timeouts=tally.timeouts,
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
    tally = _Tally()  # a pool timeout is one more error here: nothing else is waited for
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
                tally.error(exc)
                continue
            tally.timings.append(clock() - t0)

    started = clock()
    await asyncio.gather(*(client(n) for n in range(clients)))
    return HotRowResult(
        domain, hot.name, hot.description, clients, clock() - started, Stats.of(tally.timings), tally.errors
    )
