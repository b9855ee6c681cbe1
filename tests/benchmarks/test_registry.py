"""The coverage rule: every declared query is budgeted and measured, and budgets.toml is never stale."""

from __future__ import annotations

import re
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest

from sqlfirst.bench import registry
from sqlfirst.bench.registry import Budget, coverage_problems, load_budgets
from sqlfirst.errors import ConfigurationError

pytest.importorskip("sqlalchemy", reason="the workloads need the bench extra")


def test_every_agent_hub_query_has_a_budget_and_a_workload() -> None:
    domains = registry.declared_domains()
    benches = registry.discover()
    assert "agent_hub" in benches
    assert coverage_problems(domains, benches, load_budgets()) == []


def test_a_query_without_a_budget_fails_the_run() -> None:
    domains = registry.declared_domains()
    budgets = load_budgets()
    del budgets.queries[("agent_hub", "get_user_by_id")]
    problems = coverage_problems(domains, registry.discover(), budgets)
    assert problems == ["agent_hub.get_user_by_id: hot query without a budget (agent_hub/budgets.toml)"]


def test_a_budget_without_a_workload_fails_the_run() -> None:
    domains = registry.declared_domains()
    benches = registry.discover()
    bench = benches["agent_hub"]
    benches["agent_hub"] = replace(
        bench, queries=[w for w in bench.queries if w.query != "count_session_errors"]
    )
    problems = coverage_problems(domains, benches, load_budgets())
    assert problems == ["agent_hub.count_session_errors: budgeted but no workload measures it"]


def test_a_cold_query_needs_no_workload_but_a_reason() -> None:
    domains = registry.declared_domains()
    benches = registry.discover()
    bench = benches["agent_hub"]
    benches["agent_hub"] = replace(bench, queries=[w for w in bench.queries if w.query != "delete_user"])
    budgets = load_budgets()
    key = ("agent_hub", "delete_user")
    budgets.queries[key] = replace(budgets.queries[key], p95_ms=None, cold="admin only")
    assert coverage_problems(domains, benches, budgets) == []
    budgets.queries[key] = replace(budgets.queries[key], cold=None)
    assert coverage_problems(domains, benches, budgets) == [
        "agent_hub.delete_user: budget entry needs p95_ms (or cold = 'reason')"
    ]


def test_a_stale_budget_fails_the_run() -> None:
    budgets = load_budgets()
    budgets.queries[("agent_hub", "get_gone")] = Budget("agent_hub", "get_gone", 1.0, None, None, None, None)
    problems = coverage_problems(registry.declared_domains(), registry.discover(), budgets)
    assert problems == ["agent_hub.get_gone: budget for a query that does not exist"]


def test_budgets_toml_parses_settings_and_targets(tmp_path: Path) -> None:
    path = tmp_path / "budgets.toml"
    path.write_text(
        "[settings]\nseq_scan_rows = 500\n[side_by_side.page_50]\nmax_ratio_vs_asyncpg = 1.1\n"
        "[deals.get_price_history]\np95_ms = 100\nprunes = true\nmax_partitions = 2\n"
    )
    budgets = load_budgets(path)
    assert budgets.plan_seq_scan_rows == 500
    assert budgets.contests["page_50"].max_ratio_vs_asyncpg == 1.1
    entry = budgets.queries[("deals", "get_price_history")]
    assert (entry.p95_ms, entry.prunes, entry.max_partitions) == (100.0, True, 2)


def test_a_domain_folder_holds_its_own_budgets_beside_the_shared_settings(tmp_path: Path) -> None:
    (tmp_path / "budgets.toml").write_text("[settings]\nplan_draws = 3\n[shop.list_orders]\np95_ms = 9\n")
    folder = tmp_path / "workloads" / "shop"
    folder.mkdir(parents=True)
    (folder / "budgets.toml").write_text(
        "[get_order]\np95_ms = 2\nprunes = false\n[side_by_side.order_lookup]\nmax_ratio_vs_asyncpg = 1.2\n"
        "[batching.orders_50]\nmin_speedup = 6\n"
    )
    budgets = load_budgets(tmp_path)
    assert budgets.plan_draws == 3
    assert set(budgets.queries) == {("shop", "list_orders"), ("shop", "get_order")}
    assert budgets.queries[("shop", "get_order")].prunes is False
    assert budgets.contests["order_lookup"].max_ratio_vs_asyncpg == 1.2
    assert budgets.batching == {"orders_50": 6.0}


@pytest.mark.parametrize(
    ("shared", "own", "says"),
    [
        ("[shop.get_order]\np95_ms = 1\n", "[get_order]\np95_ms = 2\n", "[shop.get_order] stands in both"),
        ("", "[settings]\nplan_draws = 2\n", "[settings] belongs in"),
        ("", "[get_order]\np95_ms = \n", "not valid TOML"),
        ("", "get_order = 3\n", "must be a table"),
    ],
)
def test_a_budget_in_two_places_or_a_misplaced_table_is_a_configuration_error(
    tmp_path: Path, shared: str, own: str, says: str
) -> None:
    (tmp_path / "budgets.toml").write_text(shared)
    (tmp_path / "workloads" / "shop").mkdir(parents=True)
    (tmp_path / "workloads" / "shop" / "budgets.toml").write_text(own)
    with pytest.raises(ConfigurationError, match=re.escape(says)):
        load_budgets(tmp_path)


def test_every_built_in_domain_keeps_its_budgets_in_its_own_folder() -> None:
    files = dict(registry.budget_files())
    assert set(registry.discover()) <= {d for d in files if d is not None}
    top = tomllib.loads(files[None].read_text())
    assert set(top) == {"settings"}


def test_every_deals_query_has_a_budget_and_a_workload() -> None:
    domains = registry.declared_domains()
    benches = registry.discover()
    assert "deals" in benches
    assert {w.query for w in benches["deals"].queries} == set(registry.declarations("deals"))
    problems = coverage_problems(domains, benches, load_budgets())
    assert [p for p in problems if p.startswith("deals")] == []


def test_token_deduction_is_a_contest_with_targets_and_no_longer_pending() -> None:
    bench = registry.discover()["deals"]
    contests = {c.name: c for c in bench.contests}
    assert set(contests["token_deduction"].contenders) == set(registry.CONTENDERS)
    assert bench.orm_setup is not None
    assert "token_deduction" not in registry.PENDING_CONTESTS
    assert load_budgets().contests["token_deduction"].max_ratio_vs_asyncpg == 1.10


def test_get_price_history_must_prune_partitions() -> None:
    entry = load_budgets().queries[("deals", "get_price_history")]
    assert entry.prunes is True
    assert entry.max_partitions is not None


def test_every_batched_lookup_has_a_speedup_target_of_at_least_five() -> None:
    budgets = load_budgets()
    batches = [b for bench in registry.discover().values() for b in bench.batches]
    assert any(b.name == "users_by_id_50" and b.keys == 50 for b in batches)
    for b in batches:
        assert budgets.batching.get(b.name, 0) >= 5.0, b.name


def test_token_deduction_is_labelled_a_design_comparison() -> None:
    contests = {c.name: c for bench in registry.discover().values() for c in bench.contests}
    assert contests["token_deduction"].comparison == "design" and contests["token_deduction"].note
    assert all(c.comparison == "layer" for name, c in contests.items() if name != "token_deduction")


def test_a_budgets_file_of_another_name_is_the_one_read(tmp_path: Path) -> None:
    (tmp_path / "budgets.toml").write_text("[settings]\nplan_draws = 3\n")
    (tmp_path / "strict.toml").write_text("[settings]\nplan_draws = 9\n[shop.get_order]\np95_ms = 1\n")
    budgets = load_budgets(tmp_path / "strict.toml")
    assert budgets.plan_draws == 9 and set(budgets.queries) == {("shop", "get_order")}
    with pytest.raises(ConfigurationError, match="no budgets file at"):
        load_budgets(tmp_path / "missing.toml")


def test_a_query_the_server_cannot_run_is_left_out_with_its_reason_and_the_workloads_stay_whole() -> None:
    from types import SimpleNamespace

    bench = registry.discover()["devskyy"]
    declared = [w.query for w in bench.queries]
    vector = {"search_chunks_vector", "search_chunks_hybrid"}
    assert vector <= set(declared)

    runnable, skipped = registry.measurable(bench, SimpleNamespace(vectors=False))
    assert set(skipped) == vector
    assert all("pgvector" in reason for reason in skipped.values())
    assert [w.query for w in runnable] == [q for q in declared if q not in vector]
    # Nothing about the domain changed: the next run (or a server with pgvector) sees every workload,
    # and the coverage rule still holds.
    assert [w.query for w in bench.queries] == declared
    assert registry.measurable(bench, SimpleNamespace(vectors=True)) == (list(bench.queries), {})
    assert coverage_problems(registry.declared_domains(), registry.discover(), load_budgets()) == []
