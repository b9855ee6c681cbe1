"""Per-machine baselines: budgets that catch a regression, not just a missed ceiling.

A p95 budget in budgets.toml is an SLO: generous, machine-independent, and far too loose to notice a
query getting 3x slower. A baseline is the opposite: the figures *this* machine measured at *this*
scale, saved with ``sqlfirst bench --save-baseline PATH`` and compared with ``--baseline PATH``.
A query regresses when its p50 or p95 is beyond ``FACTOR`` (1.5x) its baseline *with confidence*:
the lower end of today's 95% bootstrap interval is above 1.5x the baseline figure, so a noisy
tail alone does not trip it while a real 1.5x slowdown of a stable query does. The
concurrency run regresses when its p99 rises, or its throughput falls, beyond the same factor.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlfirst.errors import ConfigurationError

from .concurrency import ConcurrencyResult, HotRowResult, OpenLoopResult
from .measure import QueryResult
from .stats import median_interval, quantile_interval

SCHEMA = "sqlfirst-bench-baseline/1"
FACTOR = 1.5


@dataclass(frozen=True, slots=True)
class Regression:
    what: str
    metric: str
    baseline: float
    now: float
    now_low: float

    def __str__(self) -> str:
        return (
            f"{self.what}: {self.metric} {self.now:.3f} (>= {self.now_low:.3f}) against baseline "
            f"{self.baseline:.3f}: beyond {FACTOR}x"
        )


def query_figures(q: QueryResult) -> dict[str, list[float]]:
    """p50 and p95 with their intervals ([value, low, high], ms)."""
    return {
        "p50_ms": median_interval(q.timings_ms, seed=1).as_json(),
        "p95_ms": quantile_interval(q.timings_ms, 0.95, seed=1).as_json(),
    }


def document(
    *,
    scale: str,
    seed: int,
    server: dict[str, Any],
    machine: dict[str, Any],
    queries: list[QueryResult],
    concurrency: ConcurrencyResult | None,
    open_loop: OpenLoopResult | None = None,
    hot_rows: Sequence[HotRowResult] = (),
) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "saved_at": datetime.now(UTC).isoformat(),
        "scale": scale,
        "seed": seed,
        "server": server,
        "machine": machine,
        "queries": {f"{q.domain}.{q.query}": query_figures(q) for q in queries if q.error is None},
        "concurrency": None
        if concurrency is None
        else {
            "clients": concurrency.clients,
            "throughput_ops_s": concurrency.throughput,
            "p99_ms": concurrency.stats.p99_ms,
        },
        "open_loop": None
        if open_loop is None
        else {"rate_ops_s": open_loop.rate, "p99_ms": open_loop.stats.p99_ms},
        "hot_rows": {h.name: {"throughput_ops_s": h.throughput, "p99_ms": h.stats.p99_ms} for h in hot_rows},
    }


def save(path: Path, doc: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")


def load(path: Path) -> dict[str, Any]:
    """A saved baseline; :class:`~sqlfirst.errors.ConfigurationError` when it is missing or not one."""
    try:
        doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigurationError(f"cannot read the baseline {path}: {exc}") from exc
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        raise ConfigurationError(f"{path} is not a sqlfirst bench baseline ({SCHEMA})")
    return doc


def compare(
    baseline: dict[str, Any], current: dict[str, Any], *, factor: float = FACTOR
) -> tuple[list[Regression], list[str]]:
    """Regressions of ``current`` (a :func:`document`) against ``baseline``, and notes (what the
    baseline lacks or does not match)."""
    notes: list[str] = []
    if baseline["scale"] != current["scale"]:
        return [], [
            f"baseline is for scale {baseline['scale']}, this run is {current['scale']}: not compared"
        ]
    regressions: list[Regression] = []
    for name, figures in current["queries"].items():
        base = baseline["queries"].get(name)
        if base is None:
            notes.append(f"{name}: not in the baseline")
            continue
        for metric in ("p50_ms", "p95_ms"):
            value, low, _ = figures[metric]
            base_value = base[metric][0]
            if low > factor * base_value:
                regressions.append(Regression(name, metric, base_value, value, low))
    base_conc, conc = baseline.get("concurrency"), current.get("concurrency")
    if base_conc and conc:
        if conc["p99_ms"] > factor * base_conc["p99_ms"]:
            regressions.append(
                Regression("concurrency", "p99_ms", base_conc["p99_ms"], conc["p99_ms"], conc["p99_ms"])
            )
        if conc["throughput_ops_s"] * factor < base_conc["throughput_ops_s"]:
            regressions.append(
                Regression(
                    "concurrency",
                    "throughput_ops_s (lower)",
                    base_conc["throughput_ops_s"],
                    conc["throughput_ops_s"],
                    conc["throughput_ops_s"],
                )
            )
    base_open, open_now = baseline.get("open_loop"), current.get("open_loop")
    if base_open and open_now:
        if abs(open_now["rate_ops_s"] - base_open["rate_ops_s"]) > 0.1 * base_open["rate_ops_s"]:
            notes.append(
                f"open loop ran at {open_now['rate_ops_s']:.0f}/s, the baseline at "
                f"{base_open['rate_ops_s']:.0f}/s: pass --rate {base_open['rate_ops_s']:.0f} to compare"
            )
        elif open_now["p99_ms"] > factor * base_open["p99_ms"]:
            regressions.append(
                Regression("open loop", "p99_ms", base_open["p99_ms"], open_now["p99_ms"], open_now["p99_ms"])
            )
    for name, hot in (current.get("hot_rows") or {}).items():
        base_hot = (baseline.get("hot_rows") or {}).get(name)
        if base_hot is None:
            continue
        if hot["p99_ms"] > factor * base_hot["p99_ms"]:
            regressions.append(
                Regression(f"hot row {name}", "p99_ms", base_hot["p99_ms"], hot["p99_ms"], hot["p99_ms"])
            )
        if hot["throughput_ops_s"] * factor < base_hot["throughput_ops_s"]:
            regressions.append(
                Regression(
                    f"hot row {name}",
                    "throughput_ops_s (lower)",
                    base_hot["throughput_ops_s"],
                    hot["throughput_ops_s"],
                    hot["throughput_ops_s"],
                )
            )
    return regressions, notes
