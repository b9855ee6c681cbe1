"""ai_seo in the bench: every query budgeted and measured, and a generator whose rows obey the schema.

The generator is checked without a database for what the COPY cannot re-check cheaply (it runs with
triggers off): referenced ids exist, and every task row satisfies the lifecycle CHECKs. A small load
into a real database then proves the CHECKs and the partitions agree.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import asyncpg
import pytest

pytest.importorskip("sqlalchemy", reason="the workloads need the bench extra")

from benchmarks.workloads import ai_seo as gen
from sqlfirst.bench import registry

FACTOR = 0.002
SEED = 11


def _rows() -> dict[str, list[dict[str, Any]]]:
    return {
        load.table: [dict(zip(load.columns, row, strict=True)) for row in load.records()]
        for load in gen.tables(FACTOR, SEED)
    }


@pytest.fixture(scope="module")
def rows() -> dict[str, list[dict[str, Any]]]:
    return _rows()


def test_every_ai_seo_query_has_a_budget_and_a_workload() -> None:
    domains = registry.declared_domains()
    benches = registry.discover()
    assert {w.query for w in benches["ai_seo"].queries} == set(registry.declarations("ai_seo"))
    problems = registry.coverage_problems(domains, benches, registry.load_budgets())
    assert [p for p in problems if p.startswith("ai_seo")] == []


def test_time_series_budgets_demand_pruning() -> None:
    budgets = registry.load_budgets()
    for query in ("list_agent_metrics", "list_events_by_type", "search_events", "campaign_recent_metrics"):
        entry = budgets.queries[("ai_seo", query)]
        assert entry.prunes is True and entry.max_partitions == 2, query


def test_medium_scale_is_sized_like_a_busy_agency() -> None:
    assert gen.MEDIUM["tasks"] >= 2_000_000
    assert gen.MEDIUM["metrics"] >= 1_000_000
    assert gen.MEDIUM["events"] >= 3_000_000
    assert len(gen._month_starts()) >= 6
    assert len(gen.AGENTS) == 14


def test_the_generator_is_deterministic(rows: dict[str, list[dict[str, Any]]]) -> None:
    again = _rows()
    for table, generated in rows.items():
        assert generated[:50] == again[table][:50], table


def test_generated_rows_reference_generated_rows(rows: dict[str, list[dict[str, Any]]]) -> None:
    users = {u["id"] for u in rows["ai_seo.users"]}
    agents = {a["id"] for a in rows["ai_seo.agents"]}
    campaigns = {c["id"] for c in rows["ai_seo.campaigns"]}
    clients = {c["id"] for c in rows["ai_seo.clients"]}
    assert {c["client_id"] for c in rows["ai_seo.campaigns"]} <= clients
    for task in rows["ai_seo.agent_tasks"]:
        assert task["agent_id"] in agents
        assert task["campaign_id"] is None or task["campaign_id"] in campaigns
        assert task["user_id"] is None or task["user_id"] in users
    assert {m["agent_id"] for m in rows["ai_seo.agent_metrics"]} <= agents
    assert {s["user_id"] for s in rows["ai_seo.user_sessions"]} <= users


def test_generated_tasks_follow_the_lifecycle(rows: dict[str, list[dict[str, Any]]]) -> None:
    statuses = Counter(t["status"] for t in rows["ai_seo.agent_tasks"])
    assert set(statuses) == {"pending", "in_progress", "completed", "failed", "cancelled"}
    for t in rows["ai_seo.agent_tasks"]:
        if t["status"] == "pending":
            assert t["started_at"] is None
        elif t["status"] != "cancelled":
            assert t["started_at"] is not None
        assert (t["completed_at"] is not None) == (t["status"] in ("completed", "failed"))
        assert (t["processing_time_ms"] is not None) == (t["status"] in ("completed", "failed"))
        if t["status"] == "failed":
            assert t["error_message"]


async def test_a_generated_dataset_loads_under_every_constraint(db_url: str) -> None:
    """The small COPY with triggers off lands every row in its monthly partition, with no orphan."""
    conn = await asyncpg.connect(db_url)  # codec-less, as the bench loader's connection
    try:
        await gen.before_load(conn, FACTOR, SEED)
        try:
            for load in gen.tables(FACTOR, SEED):
                schema, _, name = load.table.partition(".")
                await conn.copy_records_to_table(
                    name, schema_name=schema, columns=list(load.columns), records=list(load.records())
                )
        finally:
            await gen.after_load(conn)
        # CHECK constraints hold during a COPY even with triggers off, so the load itself proved them;
        # the foreign keys (trigger-enforced, so off) are proved here.
        orphans = await conn.fetchval(
            "select (select count(*) from ai_seo.agent_tasks t where not exists"
            "        (select 1 from ai_seo.agents a where a.id = t.agent_id))"
            " + (select count(*) from ai_seo.agent_tasks t where t.campaign_id is not null and not exists"
            "        (select 1 from ai_seo.campaigns c"
            "          where c.id = t.campaign_id and c.client_id = t.client_id))"
            " + (select count(*) from ai_seo.agent_tasks t"
            "     where t.campaign_id is null and t.client_id <> '00000000-0000-0000-0000-000000000000')"
            " + (select count(*) from ai_seo.agent_metrics m where not exists"
            "        (select 1 from ai_seo.agents a where a.id = m.agent_id))"
        )
        assert orphans == 0
        in_default = await conn.fetchval(
            "select (select count(*) from ai_seo.agent_metrics_default)"
            " + (select count(*) from analytics.system_events_default)"
        )
        assert in_default == 0
    finally:
        await conn.close()
