"""The easyflow generator without a database: deterministic, and what triggers would keep agrees with
the rows (the COPY runs with triggers off). Plus the registry's coverage of every easyflow query."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

import pytest

pytest.importorskip("sqlalchemy", reason="the workloads need the bench extra")

from benchmarks.workloads.easyflow import data as gen
from sqlfirst.bench import registry
from sqlfirst.bench.registry import load_budgets

FACTOR = 0.004
SEED = 11


def _rows() -> dict[str, list[dict[str, Any]]]:
    return {
        load.table: [dict(zip(load.columns, row, strict=True)) for row in load.records()]
        for load in gen.tables(FACTOR, SEED)
    }


@pytest.fixture(scope="module")
def rows() -> dict[str, list[dict[str, Any]]]:
    return _rows()


def test_the_generator_is_deterministic_and_counts_what_it_yields(
    rows: dict[str, list[dict[str, Any]]],
) -> None:
    again = _rows()
    for table, generated in rows.items():
        assert generated[:50] == again[table][:50], table
    for load in gen.tables(FACTOR, SEED):
        assert load.rows == len(rows[load.table]), load.table


def test_derived_values_agree_with_the_rows(rows: dict[str, list[dict[str, Any]]]) -> None:
    per_conversation = Counter(m["conversation_id"] for m in rows["easyflow.messages"])
    for c in rows["easyflow.conversations"]:
        assert c["messages_count"] == per_conversation[c["id"]]
        assert (c["status"] == "closed") == (c["closed_at"] is not None)
    for i in rows["easyflow.integrations"]:
        expected = (
            i["created_at"]
            if i["last_sync_at"] is None
            else i["last_sync_at"] + timedelta(minutes=i["sync_interval_minutes"])
        )
        assert i["next_sync_at"] == expected
        assert (i["credentials_encrypted"] is None) == (i["encryption_key_id"] is None)
        assert i["status"] != "connected" or i["credentials_encrypted"] is not None


def test_the_session_index_holds_every_conversation_once(rows: dict[str, list[dict[str, Any]]]) -> None:
    index = {
        s["session_id"]: (s["user_id"], s["conversation_id"]) for s in rows["easyflow.conversation_sessions"]
    }
    assert len(index) == len(rows["easyflow.conversation_sessions"])
    assert index == {c["session_id"]: (c["user_id"], c["id"]) for c in rows["easyflow.conversations"]}


def test_the_integration_id_index_holds_every_integration_once(rows: dict[str, list[dict[str, Any]]]) -> None:
    index = {x["integration_id"]: x["user_id"] for x in rows["easyflow.integration_ids"]}
    assert len(index) == len(rows["easyflow.integration_ids"])
    assert index == {i["id"]: i["user_id"] for i in rows["easyflow.integrations"]}


def test_keys_and_deliveries_point_at_real_messages(rows: dict[str, list[dict[str, Any]]]) -> None:
    messages = {(m["id"], m["created_at"]): m for m in rows["easyflow.messages"]}
    inbound = [m for m in rows["easyflow.messages"] if m["direction"] == "inbound"]
    assert len(rows["easyflow.message_platform_ids"]) == len(inbound)
    keys = set()
    for k in rows["easyflow.message_platform_ids"]:
        message = messages[(k["message_id"], k["message_created_at"])]
        assert (message["user_id"], message["platform"], message["platform_message_id"]) == (
            k["user_id"],
            k["platform"],
            k["platform_message_id"],
        )
        keys.add((k["user_id"], k["platform"], k["platform_message_id"]))
    assert len(keys) == len(inbound)
    for o in rows["easyflow.outbound_messages"]:
        message = messages[(o["message_id"], o["message_created_at"])]
        assert message["direction"] == "outbound"
        assert message["conversation_id"] == o["conversation_id"]
        assert (o["status"] == "sent") == (o["sent_at"] is not None)
    assert len({o["message_id"] for o in rows["easyflow.outbound_messages"]}) == len(
        rows["easyflow.outbound_messages"]
    )


def test_messages_fall_in_six_months_and_metric_buckets_are_unique(
    rows: dict[str, list[dict[str, Any]]],
) -> None:
    months = {(m["created_at"].year, m["created_at"].month) for m in rows["easyflow.messages"]}
    assert len(months) == 6
    assert all(m["created_at"] < gen.ANCHOR for m in rows["easyflow.messages"])
    buckets = Counter(
        (
            b["platform_id"],
            b["user_id"],
            b["integration_id"],
            b["metric_type"],
            b["aggregation_period"],
            b["period_start"],
        )
        for b in rows["easyflow.platform_metrics"]
    )
    assert max(buckets.values()) == 1


def test_every_easyflow_query_has_a_budget_and_a_workload() -> None:
    domains = registry.declared_domains()
    benches = registry.discover()
    assert "easyflow" in benches
    budgets = load_budgets()
    decls = registry.declarations("easyflow")
    cold = {q for (d, q), b in budgets.queries.items() if d == "easyflow" and b.cold}
    assert {w.query for w in benches["easyflow"].queries} == set(decls) - cold
    problems = registry.coverage_problems(domains, benches, budgets)
    assert [p for p in problems if p.startswith("easyflow")] == []


def test_medium_scale_is_the_issues_size() -> None:
    """50k users, 100k integrations, 500k conversations and 5M messages at factor 1 (measured on a
    2% world: the shape per user and per conversation is what scales)."""
    w = gen._world(0.02, 3)
    users, conversations = len(w.user_ids), len(w.conversation_ids)
    assert gen.MEDIUM["users"] == 50 * users
    assert gen.MEDIUM["conversations"] == 50 * conversations
    integrations_per_user = sum(len(p) for p in w.user_platforms) / users
    messages_per_conversation = sum(w.conversation_messages) / conversations
    assert 50_000 * integrations_per_user >= 95_000
    assert 500_000 * messages_per_conversation >= 5_000_000
    assert len(gen._month_starts()) == 6
