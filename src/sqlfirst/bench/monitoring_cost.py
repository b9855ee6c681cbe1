"""What monitoring costs per call: statistics and OpenTelemetry tracing on, against both off.

For each ``[monitoring.<contest>]`` table of budgets.toml (the point lookup and the page of 50), the
side-by-side contest of that name lends its raw-asyncpg and sqlfirst contenders and its draws, and
five slots run every round on one held connection:

* ``asyncpg`` and ``asyncpg_aa``: the raw driver call, twice (the A/A control of the side-by-side runs);
* ``off``: the sqlfirst call with statistics off (:func:`sqlfirst.monitoring.disable_statistics`) and
  tracing off: what is left is a clock read and the slow-query threshold check;
* ``statistics``: the same call with statistics on (the default);
* ``tracing``: statistics on and a span per call through the real OpenTelemetry SDK, a
  ``TracerProvider`` with a ``SimpleSpanProcessor`` into an ``InMemorySpanExporter``: creating,
  ending and exporting every span is on the timed path (a ``BatchSpanProcessor`` moves the export to
  a thread, so this is the most a call pays).

The fair-contest rules of :mod:`sqlfirst.bench.sidebyside` hold: rounds walk all 120 orders of the five
slots equally often, every slot gets the same drawn inputs each round, ratios of medians come with
paired 95% bootstrap intervals, and an A/A control outside 1.00 ± 5% marks the result unreliable.

Gate (a timing target: gated at medium and large scale, reported at small): statistics on within the
per-call target, ``statistics / asyncpg <= max_ratio_vs_asyncpg``. Checked at every scale (a failure
otherwise): the tracing slot exported one span per typed call, and the statistics counted exactly the
calls of the statistics and tracing slots, none of the off slot's, so every slot measured what its
name says.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from sqlfirst import monitoring

from .registry import Contest
from .sidebyside import AA_SLOT, ContestContext, scaled_iterations, warm_calls
from .slotted import SlotPlan, SlottedResult

SLOTS = ("asyncpg", AA_SLOT, "off", "statistics", "tracing")
ORDERS = math.factorial(len(SLOTS))
RATIOS = {  # JSON key -> (numerator slot, denominator slot)
    "aa_ci": (AA_SLOT, "asyncpg"),
    "statistics_vs_off_ci": ("statistics", "off"),
    "tracing_vs_off_ci": ("tracing", "off"),
    "tracing_vs_statistics_ci": ("tracing", "statistics"),
    "off_vs_asyncpg_ci": ("off", "asyncpg"),
    "statistics_vs_asyncpg_ci": ("statistics", "asyncpg"),
    "tracing_vs_asyncpg_ci": ("tracing", "asyncpg"),
}


@dataclass
class MonitoringResult(SlottedResult):
    traced_calls: int = 0
    """Calls timed (and warmed) in the tracing slot: each is one call per slot of the statistics slot too."""
    spans: int = 0
    """Spans the SDK exported during the run (all from the tracing slot)."""
    counted: int = 0
    """Calls the statistics counted during the run (statistics and tracing slots)."""

    RATIOS: ClassVar[dict[str, tuple[str, str]]] = RATIOS
    ORDERS: ClassVar[int] = ORDERS
    LABEL: ClassVar[str] = "monitoring"

    def check(self) -> None:
        if self.spans == 0 or self.spans % self.traced_calls:
            self.failures.append(
                f"{self.label}: the tracing slot made {self.traced_calls} calls but {self.spans} spans were "
                "exported (expected one or more per call, the same number each)"
            )
        if self.counted != 2 * self.spans:
            self.failures.append(
                f"{self.label}: statistics counted {self.counted} calls; the statistics and tracing slots "
                f"made {2 * self.spans} (the off slot must count none)"
            )
        self.gate("statistics_vs_asyncpg_ci", "with statistics on, sqlfirst")

    def extra_json(self) -> dict[str, Any]:
        return {"spans": self.spans, "counted": self.counted}


def _sdk() -> tuple[Any, Any]:
    """A real SDK provider exporting every span, synchronously, into memory."""
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider, exporter


def _switch(slot: str, provider: Any) -> None:
    """Statistics and tracing as ``slot`` wants them (the raw slots run with both off)."""
    if slot in ("statistics", "tracing"):
        monitoring.enable_statistics()
    else:
        monitoring.disable_statistics()
    if slot == "tracing":
        monitoring.enable_tracing(tracer_provider=provider)
    else:
        monitoring.disable_tracing()


async def run_monitoring_contest(
    ctx: ContestContext,
    domain: str,
    contest: Contest,
    max_ratio_vs_asyncpg: float | None,
    *,
    iterations: int,
    seed: int,
) -> MonitoringResult:
    """Run ``contest``'s raw and sqlfirst contenders in the five slots (see the module docstring).

    Leaves statistics on and tracing off, the process's defaults, and the statistics reset."""
    result = MonitoringResult.of(domain, contest, max_ratio_vs_asyncpg)
    try:
        provider, exporter = _sdk()
    except ImportError as exc:
        if result.error is None:  # a missing contender is the error to report first
            result.error = f"opentelemetry-sdk is missing ({exc}): pip install -e '.[bench]'"
    if result.error is not None:
        result.evaluate()
        return result
    plan = SlotPlan.of(result, contest, SLOTS, ("asyncpg", AA_SLOT), iterations=iterations, seed=seed)
    rng, batch = plan.rng, plan.batch
    warm = warm_calls(iterations)
    shared = contest.contenders["sqlfirst"].prepare if contest.shared_input else None
    monitoring.reset()
    exporter.clear()
    try:
        for slot in SLOTS:  # warm: statement cache, validators, the SDK's first spans
            prepare = plan.contenders[slot].prepare
            for _ in range(warm):
                _switch("off", provider)  # inputs are prepared unmonitored
                arg = await prepare(ctx, rng) if prepare else None
                _switch(slot, provider)
                await plan.contenders[slot].call(ctx, arg)
        for order in plan.orders():
            _switch("off", provider)
            inputs = [await shared(ctx, rng) for _ in range(batch)] if shared is not None else None
            for slot in order:
                _switch("off", provider)
                args = inputs
                if args is None:
                    prepare = plan.contenders[slot].prepare
                    args = [await prepare(ctx, rng) if prepare else None for _ in range(batch)]
                _switch(slot, provider)
                for arg in args:
                    await plan.timed(slot, ctx, arg)
            result.spans += len(exporter.get_finished_spans())
            exporter.clear()
        result.spans += len(exporter.get_finished_spans())
    except Exception as exc:
        result.error = f"{type(exc).__name__}: {exc}"
    finally:
        monitoring.enable_statistics()
        monitoring.disable_tracing()
        exporter.clear()
    if result.error is None:
        result.counted = sum(s.calls for s in monitoring.stats().values())
        result.traced_calls = warm + plan.rounds * batch
    monitoring.reset()
    plan.finish(result)
    return result


async def run_monitoring(
    conn: Any,
    entries: list[tuple[str, Contest, Any]],
    targets: Mapping[str, float | None],
    *,
    factor: float,
    seed: int,
) -> list[MonitoringResult]:
    """``entries``: (domain, contest, samples) of the contests named in ``targets`` (budgets.toml
    ``[monitoring.<contest>]``), run on the held connection ``conn``."""
    results = []
    for domain, contest, samples in entries:
        ctx = ContestContext(conn=conn, orm=None, samples=samples, footing="held")
        iterations = scaled_iterations(contest.iterations, factor)
        results.append(
            await run_monitoring_contest(
                ctx, domain, contest, targets.get(contest.name), iterations=iterations, seed=seed
            )
        )
    return results
