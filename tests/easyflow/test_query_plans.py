"""Hot easyflow queries use their indexes on seeded data, and message time ranges prune partitions.

Plans, not timings: a database is seeded once for this module with enough rows that the planner
prefers the indexes, analysed, and each hot named query is EXPLAINed with realistic arguments.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg
import pytest

from sqlfirst.bench.plans import PLAN_MODES, explain_analyze, plan_cost
from sqlfirst.db import connect_one
from sqlfirst.easyflow import conversations, integrations, messages, metrics, outbound, sync_logs
from sqlfirst.easyflow.models import MetricType, SyncType

from ..conftest import with_database
from ..deals.test_query_plans import declaration, explain, first_id, indexes_used, nodes, relations_scanned

SEED = """
insert into easyflow.users (email, name)
select 'user' || i || '@example.com', 'user ' || i from generate_series(1, 600) as i;

insert into easyflow.integrations (user_id, platform_id, credentials_encrypted, encryption_key_id, status,
                                   last_sync_at, settings)
select u.id, p.id, '\\x01'::bytea, 'k1',
       case when (row_number() over ()) % 10 = 0 then 'error' else 'connected' end
           ::easyflow.integration_status,
       now() - make_interval(mins => ((row_number() over ()) % 600)::int),
       jsonb_build_object(
           'auto_reply', (row_number() over ()) % 2 = 0, 'shop', 'shop' || (row_number() over ())
       )
from easyflow.users as u cross join easyflow.platforms as p;

insert into easyflow.conversations (session_id, user_id, platform, chat_id, status, context_data, created_at,
                                    updated_at)
select 'session-' || c, u.ids[1 + c % 600], 'telegram', 'chat-' || c,
       case when c % 50 = 0 then 'escalated' when c % 3 = 0 then 'closed' else 'active' end
           ::easyflow.conversation_status,
       jsonb_build_object('order_id', 'ORD-' || c, 'step', c % 7),
       now() - make_interval(mins => 6000 - c), now() - make_interval(mins => 6000 - c)
from generate_series(1, 6000) as c
cross join (select array_agg(id order by id) as ids from easyflow.users) as u;

-- Messages over this month and the next two (premade partitions), 60k rows.
alter table easyflow.messages disable trigger user;
insert into easyflow.messages (conversation_id, session_id, user_id, content, role, direction, platform,
                               platform_message_id, intent, entities, created_at)
select c.id, c.session_id, c.user_id, 'message ' || m, 'user', 'inbound', 'telegram', 'pm-' || m,
       (array['order_status', 'greeting', 'refund', 'delivery'])[1 + m % 4],
       jsonb_build_object('product', 'sku-' || (m % 3000)),
       date_trunc('month', now()) + make_interval(days => (m % 85), secs => m)
from generate_series(1, 60000) as m
join easyflow.conversations as c on c.session_id = 'session-' || (1 + m % 6000);
alter table easyflow.messages enable trigger user;
insert into easyflow.message_platform_ids (
    user_id, platform, platform_message_id, message_id, message_created_at
)
select user_id, platform, platform_message_id, id, created_at from easyflow.messages;

insert into easyflow.sync_logs (integration_id, user_id, sync_type, status, started_at, completed_at)
select i.id, i.user_id, 'orders', 'success', now() - make_interval(hours => k),
       now() - make_interval(hours => k)
from easyflow.integrations as i cross join generate_series(1, 8) as k;

insert into easyflow.platform_metrics (integration_id, platform_id, user_id, metric_type, metric_value,
                                       period_start, period_end)
select i.id, i.platform_id, i.user_id, t.t, h,
       date_trunc('hour', now()) - make_interval(hours => h),
       date_trunc('hour', now()) - make_interval(hours => h - 1)
from easyflow.integrations as i
cross join generate_series(1, 12) as h
cross join (values ('messages_sent'::easyflow.metric_type), ('api_calls')) as t (t);

insert into easyflow.outbound_messages (user_id, conversation_id, message_id, message_created_at, platform,
                                        chat_id, status, sent_at, run_after)
select c.user_id, c.id, gen_random_uuid(), now(), 'telegram', c.chat_id,
       case when k % 100 = 0 then 'queued' else 'sent' end::easyflow.delivery_status,
       case when k % 100 = 0 then null else now() end, now() - make_interval(secs => k)
from generate_series(1, 12000) as k
join easyflow.conversations as c on c.session_id = 'session-' || (1 + k % 6000);

analyze;
"""

AFTER_ANALYZE = """
-- Syncs in flight, unseen by the statistics (as in production, where a few running syncs among
-- millions of logs are seldom in ANALYZE's sample): every third connected integration is claimed
-- with a running sync, 30 of them abandoned seven hours ago.
with claimed as (
    update easyflow.integrations
    set sync_claimed_at = now() - case when ord % 20 = 0 then interval '7 hours' else interval '1 minute' end
    from (
        select id as claimed_id, row_number() over (order by id) as ord
        from easyflow.integrations
        where status = 'connected'
    ) as pick
    where id = pick.claimed_id
      and pick.ord % 3 = 0
    returning id, user_id, sync_claimed_at
)
insert into easyflow.sync_logs (integration_id, user_id, sync_type, status, started_at)
select id, user_id, 'orders', 'running', sync_claimed_at
from claimed;

-- Deliveries in flight: the oldest sixth of the waiting deliveries claimed.
update easyflow.outbound_messages
set status = 'sending', attempts = 1, claimed_at = now()
where status = 'queued'
  and run_after < now() - interval '10000 seconds';
"""


@pytest.fixture(scope="module")
async def seeded(server_url: str, template_name: str) -> AsyncIterator[str]:
    name = f"sqlfirst_efplans_{secrets.token_hex(4)}"
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
        await conn.execute(AFTER_ANALYZE)
        # As autovacuum leaves them in service: the claimed rows' old entries gone from the queue
        # indexes (0053 tunes it for those tables), the GIN indexes' pending lists merged.
        await conn.execute("vacuum easyflow.integrations, easyflow.outbound_messages, easyflow.conversations")
        empty = await conn.fetch(
            "select relname from pg_class where relnamespace = 'easyflow'::regnamespace"
            " and relkind = 'r' and relpages = 0"
        )
        EMPTY.update(r["relname"] for r in empty)
    finally:
        await conn.close()
    yield url
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(f'drop database if exists "{name}" with (force)')
    finally:
        await admin.close()


EMPTY: set[str] = set()
"""Tables of the seeded database without a page (the default partition, premade months): scanning
one of those sequentially reads nothing, so it is what the planner rightly does."""


def no_seq_scan(plan: dict[str, Any]) -> bool:
    """No sequential scan of a table that holds rows."""
    return not any(n["Node Type"] == "Seq Scan" and n["Relation Name"] not in EMPTY for n in nodes(plan))


def month(offset: int) -> datetime:
    now = datetime.now(UTC)
    index = now.year * 12 + now.month - 1 + offset
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


def message_partitions(plan: dict[str, Any]) -> set[str]:
    return {r for r in relations_scanned(plan) if r.startswith("messages_")}


async def test_user_integrations_is_one_indexed_lookup(seeded: str) -> None:
    user_id = await first_id(seeded, "select id from easyflow.users order by id limit 1")
    plan = await explain(seeded, integrations.get_user_integrations, user_id=user_id)
    assert "uq_integrations_user_id_platform_id" in indexes_used(plan)
    assert relations_scanned(plan) - {"platforms"} == {"integrations"}


async def test_due_sync_claim_uses_the_partial_connected_index(seeded: str) -> None:
    plan = await explain(seeded, sync_logs._claim, sync_type=SyncType.ORDERS, lim=10)
    assert "ix_integrations_next_sync_at_connected" in indexes_used(plan)
    assert no_seq_scan(plan)


async def test_settings_containment_uses_the_gin_index(seeded: str) -> None:
    plan = await explain(
        seeded, integrations._by_settings, platform_id="ozon", settings={"shop": "shop77"}, lim=50
    )
    assert "ix_integrations_settings" in indexes_used(plan)


async def test_conversation_lookups_use_their_indexes(seeded: str) -> None:
    user_id = await first_id(seeded, "select id from easyflow.users order by id limit 1")
    by_session = await explain(seeded, conversations.get_by_session, session_id="session-42")
    assert "uq_conversations_session_id_user_id" in indexes_used(by_session)
    by_chat = await explain(seeded, conversations.find_by_chat, platform="telegram", chat_id="chat-42")
    assert "ix_conversations_platform_chat_id" in indexes_used(by_chat)
    mine = await explain(seeded, conversations._list_for_user, user_id=user_id, lim=50)
    assert "ix_conversations_user_id_updated_at" in indexes_used(mine)
    queue = await explain(seeded, conversations._escalated, lim=50)
    assert "ix_conversations_updated_at_escalated" in indexes_used(queue)
    by_context = await explain(seeded, conversations._by_context, context={"order_id": "ORD-42"}, lim=50)
    assert "ix_conversations_context_data" in indexes_used(by_context)
    for plan in (by_session, by_chat, mine, queue, by_context):
        assert no_seq_scan(plan)


async def test_history_page_uses_the_keyset_index_and_prunes_later_months(seeded: str) -> None:
    conversation_id = await first_id(
        seeded, "select id from easyflow.conversations where session_id = 'session-42'"
    )
    cursor = month(1) + timedelta(days=3)
    plan = await explain(
        seeded,
        messages._history,
        conversation_id=conversation_id,
        before_created_at=cursor,
        before_id=UUID(int=0),
        lim=50,
    )
    assert any("conversation_id_created_at_id" in name for name in indexes_used(plan))
    scanned = message_partitions(plan)
    assert f"messages_p{month(2):%Y_%m}" not in scanned
    assert f"messages_p{month(3):%Y_%m}" not in scanned
    assert f"messages_p{month(1):%Y_%m}" in scanned
    assert no_seq_scan(plan)


async def test_search_prunes_to_the_window_and_uses_an_index(seeded: str) -> None:
    user_id = await first_id(seeded, "select user_id from easyflow.messages limit 1")
    plan = await explain(
        seeded,
        messages._search,
        user_id=user_id,
        intent="refund",
        entities={"product": "sku-7"},
        since=month(1) + timedelta(days=2),
        until=month(1) + timedelta(days=9),
        lim=50,
    )
    assert message_partitions(plan) == {f"messages_p{month(1):%Y_%m}"}
    assert no_seq_scan(plan)
    by_entities = await explain(
        seeded,
        messages._by_entities,
        entities={"product": "sku-7"},
        since=month(0),
        until=month(1),
        lim=50,
    )
    assert message_partitions(by_entities) == {f"messages_p{month(0):%Y_%m}"}
    assert any("entities" in name for name in indexes_used(by_entities))


async def test_inbound_lookup_goes_through_the_dedupe_key(seeded: str) -> None:
    row = await first_id(
        seeded, "select array[user_id::text, platform_message_id] from easyflow.messages limit 1"
    )
    plan = await explain(
        seeded, messages.get_inbound, user_id=UUID(row[0]), platform="telegram", platform_message_id=row[1]
    )
    assert "pk_message_platform_ids" in indexes_used(plan)
    assert no_seq_scan(plan), [(n["Node Type"], n.get("Relation Name")) for n in nodes(plan)]


async def test_queues_and_time_ranges_use_their_indexes(seeded: str) -> None:
    claim = await explain(seeded, outbound._claim, lim=25)
    assert "ix_outbound_messages_run_after_waiting" in indexes_used(claim)
    integration_id = await first_id(seeded, "select id from easyflow.integrations order by id limit 1")
    user_id = await first_id(seeded, "select id from easyflow.users order by id limit 1")
    now = datetime.now(UTC)
    logs = await explain(
        seeded,
        sync_logs._history,
        integration_id=integration_id,
        since=now - timedelta(days=1),
        until=now,
        lim=50,
    )
    assert "ix_sync_logs_integration_id_started_at" in indexes_used(logs)
    rows = await explain(
        seeded,
        metrics._integration_metrics,
        integration_id=integration_id,
        since=now - timedelta(days=1),
        until=now,
    )
    assert "ix_platform_metrics_integration_id_period_start" in indexes_used(rows)
    series = await explain(
        seeded,
        metrics._series,
        user_id=user_id,
        metric_type=MetricType.API_CALLS,
        since=now - timedelta(days=1),
        until=now,
    )
    assert "ix_platform_metrics_user_id_metric_type_period_start" in indexes_used(series)
    for plan in (claim, logs, rows, series):
        assert no_seq_scan(plan)


# -- executed plans (EXPLAIN ANALYZE, BUFFERS), custom and generic: what a query reads for its rows --


async def executed(url: str, fn: Any, **arguments: Any) -> dict[str, dict[str, Any]]:
    """The plan of each mode (custom: planned for these values; generic: what a prepared statement
    switches to), run inside a transaction rolled back afterwards."""
    decl = declaration(fn)
    conn = await connect_one(url)
    try:
        args = [arguments[name] for name in decl.query.parameters]
        return {mode: await explain_analyze(conn, decl.query.sql, args, mode=mode) for mode in PLAN_MODES}
    finally:
        await conn.close()


def scan_of(plan: dict[str, Any], relation: str) -> dict[str, Any]:
    """The one node that scans ``relation``."""
    (node,) = (n for n in nodes(plan) if n.get("Relation Name") == relation and "Scan" in n["Node Type"])
    return node


def removed(node: dict[str, Any]) -> float:
    return sum(
        node.get(key, 0) for key in ("Rows Removed by Filter", "Rows Removed by Index Recheck")
    ) * node.get("Actual Loops", 1)


async def test_finishing_a_sync_finds_its_log_by_the_primary_key(seeded: str) -> None:
    # Hundreds of running syncs the statistics never saw: the log is still read by its key, not
    # found among every running sync (what `status = 'running'` with ix_sync_logs_status did).
    log_id = await first_id(seeded, "select id from easyflow.sync_logs where status = 'running' limit 1")
    plans = await executed(
        seeded,
        sync_logs._finish,
        id=log_id,
        status="success",
        records_requested=3,
        records_synced=3,
        records_failed=0,
        errors=[],
        error_message=None,
    )
    for mode, plan in plans.items():
        scan = scan_of(plan, "sync_logs")
        assert scan.get("Index Name") == "pk_sync_logs", (mode, scan)
        assert (scan["Actual Rows"], removed(scan)) == (1, 0), mode


async def test_marking_a_delivery_finds_it_by_the_primary_key_among_unseen_claims(seeded: str) -> None:
    # Deliveries in flight the statistics never saw (claimed after ANALYZE), here a thousand: marking
    # one sent or failed reads it by its key, not by walking every claimed delivery in the stale-claim
    # index (which `status = 'sending'` alone matched: 13,000 blocks a call at medium).
    conn = await connect_one(seeded)
    claimed: list[UUID] = []
    try:
        claimed = await conn.fetchval(
            "with claimed as (update easyflow.outbound_messages"
            " set status = 'sending', attempts = attempts + 1, claimed_at = now(), sent_at = null"
            " where id in (select id from easyflow.outbound_messages where status = 'sent' limit 1000)"
            " returning id) select array_agg(id) from claimed"
        )
        delivery = claimed[-1]
        plans = {
            "sent": await executed(seeded, outbound._mark_sent, id=delivery, platform_message_id="pm-x"),
            "failed": await executed(
                seeded, outbound._mark_failed, id=delivery, error="boom", backoff=timedelta(1)
            ),
        }
    finally:
        await conn.execute(  # as they were: sent, never claimed
            "update easyflow.outbound_messages"
            " set status = 'sent', attempts = attempts - 1, claimed_at = null, sent_at = now()"
            " where id = any($1::uuid[])",
            claimed,
        )
        await conn.close()
    for name, by_mode in plans.items():
        for mode, plan in by_mode.items():
            scan = scan_of(plan, "outbound_messages")
            assert scan.get("Index Name") == "pk_outbound_messages", (name, mode, scan.get("Index Name"))
            assert (scan["Actual Rows"], removed(scan)) == (1, 0), (name, mode)


async def test_the_watchdog_reads_only_the_abandoned_syncs(seeded: str) -> None:
    abandoned = await first_id(
        seeded,
        "select count(*) from easyflow.sync_logs"
        " where status = 'running' and started_at < now() - interval '6 hours'",
    )
    assert abandoned > 20
    plans = await executed(seeded, sync_logs._fail_abandoned, older_than=timedelta(hours=6))
    for mode, plan in plans.items():
        scan = scan_of(plan, "sync_logs")
        assert scan.get("Index Name") == "ix_sync_logs_started_at_running", (mode, scan)
        assert (scan["Actual Rows"], removed(scan)) == (abandoned, 0), mode
        # Their integrations are freed by key: no scan of every integration to join them. Either
        # index led by id serves (the planner picks between them on near-equal costs).
        freed = scan_of(plan, "integrations")
        by_id = {"pk_integrations", "uq_integrations_id_user_id"} & indexes_used(plan)
        assert freed["Node Type"] != "Seq Scan" and by_id, (mode, freed)


async def test_context_search_reads_only_the_matching_conversations_in_both_plans(seeded: str) -> None:
    # A generic plan cannot know how selective the object is; it must not walk every conversation
    # by updated_at and filter.
    plans = await executed(seeded, conversations._by_context, context={"order_id": "ORD-42"}, lim=50)
    for mode, plan in plans.items():
        assert "ix_conversations_context_data" in indexes_used(plan), mode
        cost = plan_cost(mode, plan)
        assert (cost.rows, cost.removed) == (1, 0), mode
        scan = scan_of(plan, "conversations")
        assert scan["Shared Hit Blocks"] + scan["Shared Read Blocks"] <= 10, (mode, scan)


async def test_claims_read_only_claimable_rows_and_stop_at_the_limit(seeded: str) -> None:
    # Claimed integrations and deliveries have left the partial queue indexes: each claim reads lim
    # entries from the head, in order, locks them and updates them found by key. (The generic plan,
    # blind to lim, once joined the picks to the whole table: a sequential scan per claim.)
    due = await executed(seeded, sync_logs._claim, sync_type=SyncType.ORDERS, lim=10)
    waiting = await executed(seeded, outbound._claim, lim=10)
    for name, plans in (
        ("ix_integrations_next_sync_at_connected", due),
        ("ix_outbound_messages_run_after_waiting", waiting),
    ):
        for mode, plan in plans.items():
            (scan,) = (n for n in nodes(plan) if n.get("Index Name") == name)
            assert (scan["Actual Rows"], removed(scan)) == (10, 0), (name, mode)
            blocks = scan["Shared Hit Blocks"] + scan["Shared Read Blocks"]
            assert blocks <= 2 * 10 + 4, (name, mode, blocks)
            assert no_seq_scan(plan), (
                name,
                mode,
                [(n["Node Type"], n.get("Relation Name")) for n in nodes(plan)],
            )


async def test_key_rotation_batches_walk_the_primary_key_in_both_plans(seeded: str) -> None:
    # Every credential is under k1: a generic plan, estimating `<>` an unknown key as matching
    # nothing, read and sorted the whole table for each batch.
    # The batch query is the body of easyflow.lock_credentials_to_rekey (0077: the column is secret),
    # planned there without the values (generic); both plans of that statement are checked.
    conn = await connect_one(seeded)
    try:
        body = await conn.fetchval(
            "select prosrc from pg_proc"
            " where oid = 'easyflow.lock_credentials_to_rekey(text, uuid, integer)'::regprocedure"
        )
        for name, number in (("p_current_key_id", 1), ("p_after_id", 2), ("p_limit", 3)):
            body = re.sub(rf"\b{name}\b", f"${number}", body)
        args = ["k2", UUID(int=0), 100]
        plans = {mode: await explain_analyze(conn, body, args, mode=mode) for mode in PLAN_MODES}
    finally:
        await conn.close()
    for mode, plan in plans.items():
        scan = scan_of(plan, "integrations")
        assert scan.get("Index Name") == "pk_integrations", (mode, scan["Node Type"])
        assert (scan["Actual Rows"], removed(scan)) == (100, 0), mode
