"""Baselines catch a 1.5x regression with confidence, and not the noise of an unchanged query."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from sqlfirst.bench import baseline
from sqlfirst.bench.measure import QueryResult, Stats
from sqlfirst.bench.plans import PlanReport
from sqlfirst.errors import ConfigurationError


def _query(name: str, scale_ms: float, seed: int) -> QueryResult:
    rng = random.Random(seed)
    timings = [scale_ms * rng.lognormvariate(0, 0.25) for _ in range(1000)]
    stats = Stats.of([t / 1000 for t in timings])
    return QueryResult(
        "agent_hub", name, f"x.{name}", stats, 10.0, PlanReport(problems=[]), timings_ms=tuple(timings)
    )


def _doc(queries: list[QueryResult], scale: str = "medium") -> dict[str, object]:
    return baseline.document(scale=scale, seed=42, server={}, machine={}, queries=queries, concurrency=None)


def test_a_query_one_and_a_half_times_slower_is_a_regression() -> None:
    before = _doc([_query("get_user_by_id", 0.2, 1), _query("list_page", 1.0, 2)])
    after = _doc([_query("get_user_by_id", 0.2 * 1.7, 3), _query("list_page", 1.0, 4)])
    regressions, notes = baseline.compare(before, after)
    assert {(r.what, r.metric) for r in regressions} == {
        ("agent_hub.get_user_by_id", "p50_ms"),
        ("agent_hub.get_user_by_id", "p95_ms"),
    }
    assert notes == []


def test_an_unchanged_run_has_no_regression() -> None:
    before = _doc([_query("get_user_by_id", 0.2, 5)])
    after = _doc([_query("get_user_by_id", 0.2, 6)])
    assert baseline.compare(before, after) == ([], [])


def test_another_scale_is_not_compared() -> None:
    regressions, notes = baseline.compare(_doc([], "small"), _doc([], "medium"))
    assert regressions == [] and "scale small" in notes[0]


def test_a_saved_baseline_loads_back_and_a_foreign_file_is_refused(tmp_path: Path) -> None:
    doc = _doc([_query("get_user_by_id", 0.2, 7)])
    baseline.save(tmp_path / "b.json", doc)
    assert baseline.load(tmp_path / "b.json") == doc
    (tmp_path / "other.json").write_text('{"schema": "something else"}')
    with pytest.raises(ConfigurationError, match="not a sqlfirst bench baseline"):
        baseline.load(tmp_path / "other.json")
    with pytest.raises(ConfigurationError, match="cannot read"):
        baseline.load(tmp_path / "missing.json")
