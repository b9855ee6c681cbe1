"""Hot ai_seo queries use their indexes on seeded data, and the time-series ranges prune partitions.

Plans, not timings: a database is seeded once for this module with enough rows that the planner
prefers the indexes, analysed, and each hot named query is EXPLAINed with realistic arguments.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg
import pytest

from sqlfirst.ai_seo import analytics, campaigns, events, metrics, sessions, tasks, users
from sqlfirst.bench.plans import PLAN_MODES, explain_analyze, plan_cost
from sqlfirst.bench.plans import plan_nodes as nodes
from sqlfirst.binding import Declaration
from sqlfirst.db import connect_one

from ..conftest import vacuum_as_autovacuum_leaves_it, with_database

SEED = """
insert into ai_seo.users (username, email, password_hash, role)
select 'user' || i, 'user' || i || '@example.com', 'x', (enum_range(null::ai_seo.user_role))[1 + i % 3]
from generate_series(1, 2000) as i;

insert into ai_seo.agents (name, agent_id, agent_level)
select 'Agent ' || i, 'agent_' || i, (enum_range(null::ai_seo.agent_level))[1 + i % 3]
from generate_series(1, 14) as i;

insert into ai_seo.clients (company_name, industry)
select 'Client ' || i, 'industry' || (i % 20) from generate_series(1, 500) as i;

insert into ai_seo.campaigns (client_id, name, campaign_type, status, objectives, created_at)
select c.ids[1 + i % 500], 'Campaign ' || i, 'seo',
       (enum_range(null::ai_seo.campaign_status))[1 + i % 5],
       array['objective' || (i % 50), 'objective' || (i % 7 + 100)],
       now() - make_interval(mins => i)
from generate_series(1, 5000) as i
cross join (select array_agg(id) as ids from ai_seo.clients) as c;

-- 100k tasks, 2% still pending; the rest finished (completed / failed).
insert into ai_seo.agent_tasks (
    agent_id, campaign_id, user_id, task_type, status, priority, input_data, started_at, completed_at,
    processing_time_ms, error_message, created_at
)
select a.ids[1 + i % 14], c.ids[1 + i % 5000], u.ids[1 + i % 2000], 'type' || (i % 10),
       s.status, (enum_range(null::ai_seo.task_priority))[1 + i % 4], '{}',
       case when s.status <> 'pending' then now() - make_interval(mins => i) end,
       case when s.status <> 'pending' then now() - make_interval(mins => i) + interval '2 seconds' end,
       case when s.status <> 'pending' then 2000 end,
       case when s.status = 'failed' then 'boom' end,
       now() - make_interval(mins => i)
from generate_series(1, 100000) as i
cross join lateral (
    select (case when i % 50 = 0 then 'pending' when i % 10 = 1 then 'failed' else 'completed' end)
        ::ai_seo.task_status
) as s(status)
cross join (select array_agg(id) as ids from ai_seo.agents) as a
cross join (select array_agg(id) as ids from ai_seo.campaigns) as c
cross join (select array_agg(id) as ids from ai_seo.users) as u;

-- Metrics and events over the previous month (default partition) and the premade months.
insert into ai_seo.agent_metrics (agent_id, metric_name, metric_value, recorded_at)
select a.ids[1 + k % 14], 'latency', k % 1000,
       date_trunc('month', now()) + make_interval(days => (k % 120) - 30, mins => k % 1440)
from generate_series(1, 60000) as k
cross join (select array_agg(id) as ids from ai_seo.agents) as a;

insert into analytics.system_events (event_type, source, event_data, occurred_at)
select 'type' || (k % 25), 'api', jsonb_build_object('campaign', 'c' || (k % 3000), 'ok', k % 2 = 0),
       date_trunc('month', now()) + make_interval(days => (k % 120) - 30, mins => k % 1440)
from generate_series(1, 80000) as k;

insert into ai_seo.user_sessions (user_id, refresh_token_hash, expires_at, is_active, revoked_at)
select u.ids[1 + k % 2000], md5(k::text) || md5((k + 1)::text), now() + interval '10 days',
       k % 4 = 0, case when k % 4 <> 0 then now() end
from generate_series(1, 40000) as k
cross join (select array_agg(id) as ids from ai_seo.users) as u;

analyze;
"""


@pytest.fixture(scope="module")
async def seeded(server_url: str, template_name: str) -> AsyncIterator[str]:
    name = f"sqlfirst_aiseo_plans_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(f'create database "{name}" template "{template_name}"')
    finally:
        await admin.close()
    url = with_database(server_url, name)
    conn = await connect_one(url)
    try:
        await conn.execute("set statement_timeout = 0")  # seeding is setup, not a query under test
        await conn.execute(SEED)
        await vacuum_as_autovacuum_leaves_it(conn, "ai_seo", "analytics")
    finally:
        await conn.close()
    yield url
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(f'drop database if exists "{name}" with (force)')
    finally:
        await admin.close()


async def explain(url: str, fn: Any, **arguments: Any) -> dict[str, Any]:
    decl = fn.__sqlfirst__
    assert isinstance(decl, Declaration)
    conn = await connect_one(url)
    try:
        values = [arguments[name] for name in decl.query.parameters]
        plan = await conn.fetchval(f"explain (format json) {decl.query.sql}", *values)
    finally:
        await conn.close()
    root: dict[str, Any] = plan[0]["Plan"]
    return root


async def executed(url: str, fn: Any, mode: str, **arguments: Any) -> dict[str, Any]:
    """The plan of one run (EXPLAIN ANALYZE, rolled back) as a prepared statement's ``custom`` plan
    (planned for these values) or its ``generic`` one (what it switches to after five calls)."""
    decl = fn.__sqlfirst__
    assert isinstance(decl, Declaration)
    conn = await connect_one(url)
    try:
        values = [arguments[name] for name in decl.query.parameters]
        return await explain_analyze(conn, decl.query.sql, values, mode=mode)
    finally:
        await conn.close()


def indexes_used(plan: dict[str, Any]) -> set[str]:
    return {n["Index Name"] for n in nodes(plan) if "Index Name" in n}


def relations_scanned(plan: dict[str, Any]) -> set[str]:
    return {n["Relation Name"] for n in nodes(plan) if "Relation Name" in n}


def seq_scans(plan: dict[str, Any]) -> set[str]:
    return {n["Relation Name"] for n in nodes(plan) if n["Node Type"] == "Seq Scan"}


async def value(url: str, sql: str) -> Any:
    conn = await connect_one(url)
    try:
        return await conn.fetchval(sql)
    finally:
        await conn.close()


def month_start() -> datetime:
    return datetime.now(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)


async def test_claim_uses_the_partial_pending_queue_index(seeded: str) -> None:
    agent_id = await value(seeded, "select id from ai_seo.agents order by agent_id limit 1")
    plan = await explain(seeded, tasks.claim_next, agent_id=agent_id)
    assert "ix_agent_tasks_agent_id_pending" in indexes_used(plan)
    assert not seq_scans(plan)


async def test_metrics_by_agent_and_range_prune_to_the_month_and_use_the_index(seeded: str) -> None:
    agent_id = await value(seeded, "select id from ai_seo.agents order by agent_id limit 1")
    month = month_start()
    plan = await explain(
        seeded,
        metrics._list_for_agent,
        agent_id=agent_id,
        since=month + timedelta(days=2),
        until=month + timedelta(days=9),
        lim=100,
    )
    assert relations_scanned(plan) == {f"agent_metrics_p{month:%Y_%m}"}
    assert not seq_scans(plan)
    assert any(i.startswith(f"agent_metrics_p{month:%Y_%m}") for i in indexes_used(plan))


async def test_events_by_type_and_range_prune_and_use_the_index(seeded: str) -> None:
    month = month_start()
    plan = await explain(
        seeded,
        events._list_by_type,
        event_type="type3",
        since=month + timedelta(days=1),
        until=month + timedelta(days=5),
        lim=100,
    )
    assert relations_scanned(plan) == {f"system_events_p{month:%Y_%m}"}
    assert not seq_scans(plan)
    wide = await explain(
        seeded,
        events._list_by_type,
        event_type="type3",
        since=month - timedelta(days=20),
        until=month + timedelta(days=5),
        lim=100,
    )
    assert relations_scanned(wide) == {f"system_events_p{month:%Y_%m}", "system_events_default"}


async def test_events_of_a_type_are_read_in_the_type_index_order_in_both_plans(seeded: str) -> None:
    # No time-only index (0032): neither plan walks the range's events of every type and filters.
    month = month_start()
    since, until = month + timedelta(days=1), month + timedelta(days=8)
    for mode in PLAN_MODES:
        plan = await executed(
            seeded, events._list_by_type, mode, event_type="type3", since=since, until=until, lim=100
        )
        cost = plan_cost(mode, plan)
        assert cost.rows == 100 and cost.removed == 0, (mode, cost)
        assert {i.removesuffix("_event_type_occurred_at_idx") for i in indexes_used(plan)} == {
            f"system_events_p{month:%Y_%m}"
        }, mode


async def test_event_data_containment_uses_the_gin_index(seeded: str) -> None:
    month = month_start()
    plan = await explain(
        seeded,
        events._search,
        event_data={"campaign": "c17"},
        since=month,
        until=month + timedelta(days=30),
        lim=100,
    )
    assert any("event_data" in i for i in indexes_used(plan))
    assert relations_scanned(plan) == {f"system_events_p{month:%Y_%m}"}


async def test_event_data_containment_reads_the_posting_list_in_the_generic_plan_too(seeded: str) -> None:
    # The generic plan cannot know the document is selective; with no time-only index to walk, it
    # reads the GIN posting list of the pruned partitions like the custom plan.
    # Campaign c35's 27 events fall on the 5th of the current month (k % 3000 = 35, k % 120 = 35).
    month = month_start()
    for mode in PLAN_MODES:
        plan = await executed(
            seeded,
            events._search,
            mode,
            event_data={"campaign": "c35"},
            since=month + timedelta(days=2),
            until=month + timedelta(days=9),
            lim=100,
        )
        cost = plan_cost(mode, plan)
        assert (cost.rows, cost.removed) == (27, 0), (mode, cost)
        assert {i.removesuffix("_event_data_idx") for i in indexes_used(plan)} == {
            f"system_events_p{month:%Y_%m}"
        }, mode


async def test_campaign_search_uses_an_index_not_a_scan(seeded: str) -> None:
    plan = await explain(
        seeded,
        campaigns._search,
        status="active",
        objectives=["objective7"],
        before_created_at=datetime(9999, 1, 1, tzinfo=UTC),
        before_id=UUID(int=(1 << 128) - 1),
        lim=50,
    )
    assert indexes_used(plan) & {"ix_campaigns_objectives", "ix_campaigns_status_created_at"}
    assert not seq_scans(plan)


async def test_campaign_analytics_read_the_campaign_index(seeded: str) -> None:
    campaign_id = await value(seeded, "select id from ai_seo.campaigns order by id limit 1")
    for fn in (analytics.campaign_task_summary, analytics.campaign_agent_breakdown):
        plan = await explain(seeded, fn, campaign_id=campaign_id)
        assert "ix_agent_tasks_campaign_id" in indexes_used(plan), fn
        assert "agent_tasks" not in seq_scans(plan)


async def test_campaign_recent_metrics_reads_each_agent_in_order_and_prunes(seeded: str) -> None:
    campaign_id = await value(seeded, "select id from ai_seo.campaigns order by id limit 1")
    month = month_start()
    since = datetime.now(UTC) - timedelta(days=7)
    until = datetime.now(UTC) + timedelta(minutes=1)
    plan = await explain(
        seeded, analytics._recent_metrics, campaign_id=campaign_id, since=since, until=until, lim=100
    )
    assert "ix_agent_tasks_campaign_id" in indexes_used(plan)
    assert "agent_tasks" not in seq_scans(plan)
    scanned = {r for r in relations_scanned(plan) if r.startswith("agent_metrics")}
    months = {f"agent_metrics_p{since:%Y_%m}", f"agent_metrics_p{until:%Y_%m}"}
    # Only the one or two months the week touches: never the default, never the months ahead.
    assert scanned <= months | ({"agent_metrics_default"} if since < month else set())
    assert f"agent_metrics_p{until:%Y_%m}" in scanned
    agents = await value(
        seeded, f"select count(distinct agent_id) from ai_seo.agent_tasks where campaign_id = '{campaign_id}'"
    )
    for mode in PLAN_MODES:
        run = await executed(
            seeded,
            analytics._recent_metrics,
            mode,
            campaign_id=campaign_id,
            since=since,
            until=until,
            lim=100,
        )
        cost = plan_cost(mode, run)
        assert cost.rows == 100 and cost.removed == 0, (mode, cost)
        # Per agent of the campaign, its newest metrics by (agent_id, recorded_at), cut at the limit:
        # at most lim rows each, plus one per month the week touches (the merge of the months' scans
        # reads one past what it returns from each) and the one that ends the incremental sort's
        # group; not the week's metrics of every agent. A week across a month boundary (as on the
        # 3rd of a month) reads two months.
        per_agent = [
            n
            for n in nodes(run)
            if n.get("Relation Name", "").startswith("agent_metrics")
            and "agent_id" in n.get("Index Cond", "")
        ]
        assert per_agent, mode
        read = sum(n["Actual Rows"] * n["Actual Loops"] for n in per_agent)
        assert read <= agents * (100 + 1 + len(months)), (mode, read)


async def test_user_overview_and_sessions_use_their_indexes(seeded: str) -> None:
    user_id = await value(seeded, "select id from ai_seo.users order by id limit 1")
    plan = await explain(seeded, analytics.user_overview, user_id=user_id)
    used = indexes_used(plan)
    assert {"ix_agent_tasks_user_id_created_at", "pk_user_task_counts", "pk_users"} <= used
    assert "ix_user_sessions_user_id_expires_at_active" in used
    assert seq_scans(plan) <= {"agents"}  # 14 rows: a scan is the right plan
    for mode in PLAN_MODES:
        run = await executed(seeded, analytics.user_overview, mode, user_id=user_id)
        # The counts come from the counter rows (0033): the only read of the user's tasks is the 10
        # latest, and the live sessions are counted from the index.
        task_reads = [n for n in nodes(run) if n.get("Relation Name") == "agent_tasks"]
        assert [n["Actual Rows"] * n["Actual Loops"] for n in task_reads] == [10], mode
        assert [n["Node Type"] for n in nodes(run) if n.get("Relation Name") == "user_sessions"] == [
            "Index Only Scan"
        ], mode
    active = await explain(seeded, sessions.list_active, user_id=user_id)
    assert "ix_user_sessions_user_id_created_at_active" in indexes_used(active)
    by_role = (
        await explain(users._list_by_role, **{})
        if False
        else await explain(seeded, users._list_by_role, role="admin", after_username="", lim=50)
    )
    assert "ix_users_role_username" in indexes_used(by_role)


async def test_session_lookup_and_cleanup_use_indexes(seeded: str) -> None:
    row = await value(seeded, "select refresh_token_hash || ' ' || user_id from ai_seo.user_sessions limit 1")
    token_hash, user_id = row.split(" ")
    # use_session calls ai_seo.use_refresh_token (SECURITY DEFINER, 0075), whose plan EXPLAIN does not
    # show: the statement it runs is read from the catalog and explained with the same values.
    body = await value(seeded, "select prosrc from pg_proc where oid = 'ai_seo.use_refresh_token'::regproc")
    statement = body.replace("p_user_id", "$1::uuid").replace("p_token_hash", "$2::text")
    conn = await connect_one(seeded)
    try:
        async with conn.transaction():
            plan = (await conn.fetchval(f"explain (format json) {statement}", UUID(user_id), token_hash))[0]
    finally:
        await conn.close()
    assert "uq_user_sessions_refresh_token_hash" in indexes_used(plan["Plan"])
    assert "ai_seo.use_refresh_token" in sessions._use.__sqlfirst__.query.sql  # type: ignore[attr-defined]
    now = datetime.now(UTC)
    cleanup = await explain(
        seeded, sessions._delete_stale, as_of=now, revoked_before=now - timedelta(days=1), lim=1000
    )
    assert {"ix_user_sessions_expires_at", "ix_user_sessions_revoked_at"} & indexes_used(cleanup)
    assert "user_sessions" not in seq_scans(cleanup)


@pytest.mark.parametrize("mode", PLAN_MODES)
async def test_session_cleanup_deletes_its_picks_by_key_in_both_plans(seeded: str, mode: str) -> None:
    """The batch picks up to ``lim`` expired and revoked sessions from their indexes and deletes them by
    primary key: no plan, the generic one included, joins the picks against a scan of the table."""
    now = datetime.now(UTC)
    plan = await executed(
        seeded, sessions._delete_stale, mode, as_of=now, revoked_before=now - timedelta(days=1), lim=100
    )
    assert "user_sessions" not in seq_scans(plan), plan
    assert "pk_user_sessions" in indexes_used(plan), plan


@pytest.mark.parametrize("mode", PLAN_MODES)
async def test_queue_depth_is_counted_from_the_narrow_pending_index(seeded: str, mode: str) -> None:
    """An agent's pending tasks are counted index-only from the one-column partial index, whose
    deduplicated posting lists hold an agent's whole queue in a few pages (the claim-order index is
    four columns wide: counting through it read a page per couple of tasks)."""
    agent_id = await value(
        seeded,
        "select agent_id from ai_seo.agent_tasks where status = 'pending'"
        " group by agent_id order by count(*) desc limit 1",
    )
    plan = await executed(seeded, tasks.count_pending, mode, agent_id=agent_id)
    assert indexes_used(plan) == {"ix_agent_tasks_agent_id_pending_count"}, plan
    cost = plan_cost(mode, plan)
    assert cost.blocks <= 6, cost
