"""Latency of every budgeted query: p50/p95/p99 over many calls with varied parameters, plus its plan."""

from __future__ import annotations

import contextlib
import importlib
import math
import random
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from sqlfirst.binding import Declaration
from sqlfirst.errors import ConfigurationError

from . import usercode
from .callers import Caller, owner_of
from .dataset import HotColdRandom
from .plans import (
    PLAN_MODES,
    PlanReport,
    check_plan,
    cost_problems,
    explain_analyze,
    plan_cost,
    small_tables,
)
from .registry import Budget, DomainBench, QueryWorkload


@dataclass(frozen=True, slots=True)
class Stats:
    calls: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float

    @classmethod
    def of(cls, samples_s: Sequence[float]) -> Stats:
        ordered = sorted(samples_s)
        n = len(ordered)
        if n == 0:
            return cls(0, math.nan, math.nan, math.nan, math.nan, math.nan)

        def pct(q: float) -> float:
            # nearest-rank percentile
            return ordered[min(n - 1, max(0, math.ceil(q * n) - 1))] * 1000

        return cls(n, pct(0.50), pct(0.95), pct(0.99), sum(ordered) / n * 1000, ordered[-1] * 1000)

    def as_json(self) -> dict[str, Any]:
        return {
            "calls": self.calls,
            "p50_ms": round(self.p50_ms, 4),
            "p95_ms": round(self.p95_ms, 4),
            "p99_ms": round(self.p99_ms, 4),
            "mean_ms": round(self.mean_ms, 4),
            "max_ms": round(self.max_ms, 4),
        }


@dataclass(frozen=True, slots=True)
class PlanGates:
    """budgets.toml ``[settings]``: draws per plan check and the per-row ceilings."""

    draws: int = 6
    max_removed_per_row: float = 10.0
    max_blocks_per_row: float = 10.0
    slack_rows: int = 1000
    slack_blocks: int = 64


@dataclass(frozen=True, slots=True)
class QueryResult:
    domain: str
    query: str
    function: str
    stats: Stats
    budget_ms: float
    plan: PlanReport
    error: str | None = None
    hot: Stats | None = None
    """The same workload with a hot/cold key mix (:class:`sqlfirst.bench.dataset.HotColdRandom`), reported
    beside the uniform draw; budgets gate the uniform one."""
    timings_ms: tuple[float, ...] = ()
    """Every timed call (uniform draw), for confidence intervals against a baseline."""

    @property
    def within_budget(self) -> bool:
        return self.error is None and self.stats.p95_ms <= self.budget_ms

    def as_json(self) -> dict[str, Any]:
        return {
            "domain": self.domain,
            "query": self.query,
            "function": self.function,
            **self.stats.as_json(),
            "budget_p95_ms": self.budget_ms,
            "within_budget": self.within_budget,
            "plan": self.plan.as_json(),
            "error": self.error,
            "hot": None if self.hot is None else {k: v for k, v in self.hot.as_json().items()},
        }


def resolve(decl: Declaration) -> Callable[..., Any]:
    """The bound, typed function of a declaration (``sqlfirst.agent_hub.users.get_by_id``)."""
    module, _, name = decl.function.rpartition(".")
    fn: Callable[..., Any] = getattr(importlib.import_module(module), name)
    return fn


async def call_once(fn: Callable[..., Any], kind: str, conn: Any, params: dict[str, Any]) -> None:
    if kind == "stream":
        async for _ in fn(conn, **params):
            pass
    else:
        await fn(conn, **params)


def _collecting(fn: Callable[..., Any], kind: str) -> Callable[[Any, dict[str, Any]], Awaitable[object]]:
    """``fn`` as ``call(conn, params)`` returning its result (a stream's models as a list)."""

    async def call(conn: Any, params: dict[str, Any]) -> object:
        if kind == "stream":
            return [model async for model in fn(conn, **params)]
        result: object = await fn(conn, **params)
        return result

    return call


async def measure_query(
    conn: Any,
    decl: Declaration,
    workload: QueryWorkload,
    budget: Budget,
    samples: Any,
    rng: random.Random,
    *,
    iterations: int,
    warmup: int,
    time_cap_s: float,
    seq_scan_rows: int,
    gates: PlanGates | None = None,
    caller: Caller | None = None,
) -> QueryResult:
    """Plan and latency of ``decl``'s calls on ``conn`` (the bench's login), or on ``caller``'s
    connection acting for each draw's owner (:mod:`sqlfirst.bench.callers`); draws and ``prepare``
    run on ``conn``."""
    fn = resolve(decl)
    gates = gates or PlanGates()
    on = conn if caller is None else caller.conn

    async def draw(r: random.Random = rng) -> dict[str, Any]:
        return await usercode.arguments(decl, workload, conn, samples, r, every=True)

    async def act(params: dict[str, Any]) -> None:
        if caller is not None:
            await caller.act(params)

    assert budget.p95_ms is not None
    try:
        explain_params = await draw()
        await act(explain_params)
        plan = await check_plan(
            on,
            decl.query.sql,
            [explain_params[p] for p in decl.query.parameters],
            seq_scan_rows=seq_scan_rows,
            allow_seq_scan=budget.allow_seq_scan,
            prunes=budget.prunes,
            max_partitions=budget.max_partitions,
        )
        # Several draws (and the workload's heaviest keys), custom and generic plan, executed.
        draws = [explain_params] + [await draw() for _ in range(gates.draws - 1)]
        # One execution first, not counted: a session's first run of a statement reads catalog and
        # free-space pages that no later call does.
        await explain_analyze(on, decl.query.sql, [draws[0][p] for p in decl.query.parameters], mode="custom")
        if workload.heavy is not None:
            draws.append(usercode.draw(decl, workload, samples, rng, heavy=True, every=True))
        if caller is not None:
            differed = await caller.differences(decl, _collecting(fn, decl.kind), conn, draws)
            if differed is not None:
                raise ConfigurationError(f"{usercode.where(decl)}: {differed}")
        for params in draws:
            args = [params[p] for p in decl.query.parameters]
            await act(params)
            for mode in PLAN_MODES:
                plan.costs.append(
                    plan_cost(
                        mode,
                        executed := await explain_analyze(on, decl.query.sql, args, mode=mode),
                        small=await small_tables(on, executed, seq_scan_rows),
                    )
                )
        if not budget.plan_exception:
            plan.problems.extend(
                cost_problems(
                    plan.costs,
                    max_removed_per_row=budget.max_removed_per_row or gates.max_removed_per_row,
                    max_blocks_per_row=budget.max_blocks_per_row or gates.max_blocks_per_row,
                    slack_rows=gates.slack_rows,
                    slack_blocks=gates.slack_blocks,
                )
            )
        for _ in range(warmup):
            await act(params := await draw())
            await call_once(fn, decl.kind, on, params)
        timings: list[float] = []
        started = time.perf_counter()
        clock = time.perf_counter
        for i in range(iterations):
            params = await draw()
            await act(params)
            t0 = clock()
            await call_once(fn, decl.kind, on, params)
            timings.append(clock() - t0)
            if i >= 50 and clock() - started > time_cap_s:
                break
        stats = Stats.of(timings)
        # The hot/cold mix: same workload, 80% of the draws on 1% of the keys; half the calls.
        skewed = HotColdRandom(f"{rng.random()}:hot")
        hot_timings: list[float] = []
        started = clock()
        for i in range(max(1, len(timings) // 2)):
            params = await draw(skewed)
            await act(params)
            t0 = clock()
            await call_once(fn, decl.kind, on, params)
            hot_timings.append(clock() - t0)
            if i >= 25 and clock() - started > time_cap_s / 2:
                break
        hot = Stats.of(hot_timings)
        error = None
    except Exception as exc:  # a broken workload is reported, and fails the run
        stats = Stats.of([])
        hot = None
        timings = []
        plan = PlanReport(problems=[])
        error = usercode.without_where(decl, exc)
    return QueryResult(
        decl.domain,
        decl.query.name,
        decl.function,
        stats,
        budget.p95_ms,
        plan,
        error,
        hot=hot,
        timings_ms=tuple(t * 1000 for t in timings),
    )


def progress_bar(label: str, console: Console) -> Progress:
    """The bar a bench step shows while it runs items one by one: ``label``, done of total, and
    the item in hand as the task's description; it disappears when the step ends."""
    return Progress(
        TextColumn(f"[bold]{label}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        console=console,
        transient=True,
    )


async def measure_queries(
    pool: Any,
    items: list[tuple[Declaration, QueryWorkload, Budget, Any, DomainBench]],
    *,
    seed: int,
    iterations: int,
    warmup: int,
    time_cap_s: float,
    seq_scan_rows: int,
    console: Console,
    gates: PlanGates | None = None,
    roles: Mapping[str, Any] | None = None,
) -> list[QueryResult]:
    """Measure every item on one connection of ``pool`` (the bench's login), or of ``roles[name]``
    (a pool per role) for a domain that names its ``app_role``/``worker_role``."""
    results: list[QueryResult] = []
    roles = roles or {}
    with progress_bar("queries", console) as progress:
        async with contextlib.AsyncExitStack() as held:
            task = progress.add_task("", total=len(items))
            conn = await held.enter_async_context(pool.acquire())
            role_conns: dict[str, Any] = {}
            for decl, workload, budget, samples, bench in items:
                progress.update(task, description=f"{decl.domain}.{decl.query.name}")
                rng = random.Random(f"{seed}:{decl.domain}.{decl.query.name}")
                caller = None
                role = bench.worker_role if workload.role == "worker" else bench.app_role
                if role is not None:
                    if role not in role_conns:
                        role_conns[role] = await held.enter_async_context(roles[role].acquire())
                    if workload.role == "worker":  # bypasses row-level security: nobody acts
                        caller = Caller(role_conns[role], role)
                    else:
                        owner, how = owner_of(decl, workload, bench.owners, conn)
                        caller = Caller(role_conns[role], role, owner, how)
                results.append(
                    await measure_query(
                        conn,
                        decl,
                        workload,
                        budget,
                        samples,
                        rng,
                        iterations=iterations,
                        warmup=warmup,
                        time_cap_s=time_cap_s,
                        seq_scan_rows=seq_scan_rows,
                        gates=gates,
                        caller=caller,
                    )
                )
                progress.advance(task)
    return results
