"""Latency of every budgeted query: p50/p95/p99 over many calls with varied parameters, plus its plan."""

from __future__ import annotations

import importlib
import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from sqlfirst.binding import Declaration

from . import usercode
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
from .registry import Budget, QueryWorkload


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
) -> QueryResult:
    fn = resolve(decl)
    gates = gates or PlanGates()

    async def draw(r: random.Random = rng) -> dict[str, Any]:
        return await usercode.arguments(decl, workload, conn, samples, r, every=True)

    assert budget.p95_ms is not None
    try:
        explain_params = await draw()
        plan = await check_plan(
            conn,
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
        await explain_analyze(
            conn, decl.query.sql, [draws[0][p] for p in decl.query.parameters], mode="custom"
        )
        if workload.heavy is not None:
            draws.append(usercode.draw(decl, workload, samples, rng, heavy=True, every=True))
        for params in draws:
            args = [params[p] for p in decl.query.parameters]
            for mode in PLAN_MODES:
                plan.costs.append(
                    plan_cost(
                        mode,
                        executed := await explain_analyze(conn, decl.query.sql, args, mode=mode),
                        small=await small_tables(conn, executed, seq_scan_rows),
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
            await call_once(fn, decl.kind, conn, await draw())
        timings: list[float] = []
        started = time.perf_counter()
        clock = time.perf_counter
        for i in range(iterations):
            params = await draw()
            t0 = clock()
            await call_once(fn, decl.kind, conn, params)
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
            t0 = clock()
            await call_once(fn, decl.kind, conn, params)
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
    items: list[tuple[Declaration, QueryWorkload, Budget, Any]],
    *,
    seed: int,
    iterations: int,
    warmup: int,
    time_cap_s: float,
    seq_scan_rows: int,
    console: Console,
    gates: PlanGates | None = None,
) -> list[QueryResult]:
    results: list[QueryResult] = []
    with progress_bar("queries", console) as progress:
        task = progress.add_task("", total=len(items))
        async with pool.acquire() as conn:
            for decl, workload, budget, samples in items:
                progress.update(task, description=f"{decl.domain}.{decl.query.name}")
                rng = random.Random(f"{seed}:{decl.domain}.{decl.query.name}")
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
                    )
                )
                progress.advance(task)
    return results
