"""queue:sync_orders, queue:send_messages and metrics:{...} as tables, proved with concurrent clients."""

from __future__ import annotations

import asyncio
import collections
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import UUID

import asyncpg
import pytest
from pydantic import ValidationError

from sqlfirst.db import Connection, connect_one
from sqlfirst.easyflow import integrations, metrics, outbound, sync_logs
from sqlfirst.easyflow.models import (
    DeliveryStatus,
    IntegrationStatus,
    MetricType,
    PlatformMetric,
    SyncStatus,
    SyncType,
)
from sqlfirst.errors import NotFound, NotNullViolation

from .factories import key_ring, make_conversation, make_integration, make_user


async def test_claim_finish_sets_last_sync_next_sync_status_and_duration(conn: Connection) -> None:
    keys = key_ring()
    due = await make_integration(conn, keys)
    not_due = await make_integration(conn, keys, platform_id="ozon")
    await conn.execute("update easyflow.integrations set last_sync_at = now() where id = $1", not_due.id)
    pending = await make_integration(conn, keys, platform_id="whatsapp")
    await conn.execute("update easyflow.integrations set status = 'pending' where id = $1", pending.id)

    claims = await sync_logs.claim_due(conn, sync_type=SyncType.ORDERS, limit=50)
    mine = [c for c in claims if c.user_id in (due.user_id, not_due.user_id, pending.user_id)]
    assert [c.integration_id for c in mine] == [due.id]
    claim = mine[0]
    assert claim.sync_type is SyncType.ORDERS
    assert claim.due_at == due.next_sync_at
    running = await sync_logs.get(conn, id=claim.sync_log_id)
    assert running is not None
    assert (running.status, running.completed_at, running.duration_seconds) == (
        SyncStatus.RUNNING,
        None,
        None,
    )
    # Claimed: not handed out again while the sync runs.
    again = await sync_logs.claim_due(conn, limit=50)
    assert due.id not in [c.integration_id for c in again]

    await conn.execute(
        "update easyflow.sync_logs set started_at = now() - interval '90 seconds' where id = $1",
        claim.sync_log_id,
    )
    done = await sync_logs.finish(
        conn,
        sync_log_id=claim.sync_log_id,
        status="partial",
        records_requested=10,
        records_synced=8,
        records_failed=2,
        errors=[{"order": "A-1", "error": "timeout"}],
    )
    assert done is not None
    assert (done.status, done.records_synced, done.records_failed) == (SyncStatus.PARTIAL, 8, 2)
    assert done.duration_seconds == 90
    assert done.errors == [{"order": "A-1", "error": "timeout"}]
    after = await integrations.get(conn, id=due.id)
    assert after is not None
    assert after.last_sync_at == done.completed_at
    assert after.next_sync_at == done.completed_at + timedelta(minutes=after.sync_interval_minutes)
    assert after.status is IntegrationStatus.CONNECTED
    assert after.sync_claimed_at is None
    assert await sync_logs.finish(conn, sync_log_id=claim.sync_log_id, status="success") is None

    now = datetime.now(UTC)
    listed = await sync_logs.history(
        conn, integration_id=due.id, since=now - timedelta(hours=1), until=now + timedelta(hours=1)
    )
    assert [log.id for log in listed] == [claim.sync_log_id]


async def test_a_failed_sync_puts_the_integration_in_error(conn: Connection) -> None:
    integration = await make_integration(conn, key_ring())
    claims = [c for c in await sync_logs.claim_due(conn, limit=50) if c.integration_id == integration.id]
    done = await sync_logs.finish(
        conn, sync_log_id=claims[0].sync_log_id, status=SyncStatus.FAILED, error_message="401 Unauthorized"
    )
    assert done is not None
    after = await integrations.get(conn, id=integration.id)
    assert after is not None
    assert (after.status, after.status_message) == (IntegrationStatus.ERROR, "401 Unauthorized")
    with pytest.raises(ValidationError):
        await sync_logs.finish(conn, sync_log_id=claims[0].sync_log_id, status="success", records_synced=-1)
    with pytest.raises(ValidationError, match="not running"):
        await sync_logs.finish(conn, sync_log_id=claims[0].sync_log_id, status="running")


async def test_abandoned_syncs_fail_and_free_their_integrations_for_the_next_claim(conn: Connection) -> None:
    integration = await make_integration(conn, key_ring())
    first = [c for c in await sync_logs.claim_due(conn, limit=50) if c.integration_id == integration.id]
    assert integration.id not in [c.integration_id for c in await sync_logs.claim_due(conn, limit=50)]
    await conn.execute(
        "update easyflow.sync_logs set started_at = now() - interval '3 hours' where id = $1",
        first[0].sync_log_id,
    )
    assert await sync_logs.fail_abandoned(conn, older_than=timedelta(hours=1)) >= 1
    log = await sync_logs.get(conn, id=first[0].sync_log_id)
    assert log is not None
    assert log.status is SyncStatus.FAILED
    taken_over = await sync_logs.claim_due(conn, limit=50)
    assert integration.id in [c.integration_id for c in taken_over]


async def test_sixteen_sync_workers_claim_each_due_integration_once_per_due_time(
    pool: asyncpg.Pool[asyncpg.Record],
) -> None:
    keys = key_ring()
    async with pool.acquire() as conn:
        made: list[UUID] = []
        for _ in range(200):
            made.append((await make_integration(conn, keys)).id)

    async def run_round() -> list[tuple[UUID, datetime]]:
        claimed: list[tuple[UUID, datetime]] = []

        async def worker() -> None:
            while True:
                async with pool.acquire() as conn, conn.transaction():
                    batch = await sync_logs.claim_due(conn, limit=4)
                if not batch:
                    return
                for claim in batch:
                    claimed.append((claim.integration_id, claim.due_at))
                    await asyncio.sleep(0)
                    async with pool.acquire() as conn:
                        await sync_logs.finish(conn, sync_log_id=claim.sync_log_id, status="success")

        await asyncio.gather(*(worker() for _ in range(16)))
        return claimed

    first = await run_round()
    assert sorted(i for i, _ in first) == sorted(made)  # each once, none lost
    async with pool.acquire() as conn:
        assert (
            await conn.fetchval("select count(*) from easyflow.integrations where next_sync_at <= now()") == 0
        )
        assert await conn.fetchval("select count(*) from easyflow.sync_logs where status = 'success'") == 200
        # The next due time arrives for all of them.
        await conn.execute("update easyflow.integrations set last_sync_at = now() - interval '2 hours'")
    second = await run_round()
    assert sorted(i for i, _ in second) == sorted(made)
    # One due time for all (last sync two hours ago + 60 minutes), each claimed once for it.
    assert len({due for _, due in second}) == 1
    assert second[0][1] < datetime.now(UTC) - timedelta(minutes=59)
    async with pool.acquire() as conn:
        assert await conn.fetchval("select count(*) from easyflow.sync_logs") == 400
        assert await conn.fetchval("select count(*) from easyflow.sync_logs where status = 'running'") == 0


async def test_outbound_queue_claim_send_fail_backoff_dead_letter(conn: Connection) -> None:
    conversation = await make_conversation(conn)
    queued = await outbound.queue(
        conn, conversation_id=conversation.id, content="Ваш заказ в пути", max_attempts=2
    )
    assert (queued.status, queued.attempts, queued.chat_id) == (
        DeliveryStatus.QUEUED,
        0,
        conversation.chat_id,
    )
    claims = [c for c in await outbound.claim(conn, limit=100) if c.id == queued.id]
    assert claims[0].content == "Ваш заказ в пути"
    assert claims[0].attempts == 1
    assert queued.id not in [c.id for c in await outbound.claim(conn, limit=100)]  # sending: not claimable
    failed = await outbound.mark_failed(conn, id=queued.id, error="429", backoff=timedelta(hours=1))
    assert failed is not None
    assert failed.status is DeliveryStatus.FAILED
    assert failed.run_after - failed.updated_at == timedelta(hours=1)
    assert queued.id not in [c.id for c in await outbound.claim(conn, limit=100)]  # waits out its backoff
    await conn.execute("update easyflow.outbound_messages set run_after = now() where id = $1", queued.id)
    assert queued.id in [c.id for c in await outbound.claim(conn, limit=100)]
    dead = await outbound.mark_failed(conn, id=queued.id, error="429 again", backoff=timedelta(seconds=5))
    assert dead is not None
    assert (dead.status, dead.attempts, dead.last_error) == (DeliveryStatus.DEAD, 2, "429 again")
    assert queued.id in [d.id for d in await outbound.dead_letters(conn)]
    assert await outbound.mark_sent(conn, id=queued.id) is None
    replay = await outbound.requeue_dead(conn, id=queued.id)
    assert replay is not None
    assert (replay.status, replay.attempts) == (DeliveryStatus.QUEUED, 0)
    assert queued.id in [c.id for c in await outbound.claim(conn, limit=100)]
    sent = await outbound.mark_sent(conn, id=queued.id, platform_message_id="777:9001")
    assert sent is not None
    assert sent.status is DeliveryStatus.SENT
    assert sent.sent_at is not None
    history = await conn.fetchval(
        "select platform_message_id from easyflow.messages where id = $1", sent.message_id
    )
    assert history == "777:9001"
    again = await outbound.get(conn, id=queued.id)
    assert again == sent


async def test_outbound_queue_errors(conn: Connection) -> None:
    with pytest.raises(NotFound):
        await outbound.queue(conn, conversation_id=UUID(int=1), content="x")
    with pytest.raises(ValidationError):
        await outbound.queue(conn, conversation_id=UUID(int=1), content="x", max_attempts=0)
    no_chat = await make_conversation(conn, chat_id=None)
    with pytest.raises(NotNullViolation):
        async with conn.transaction():
            await outbound.queue(conn, conversation_id=no_chat.id, content="x")
    conversation = await make_conversation(conn)
    queued = await outbound.queue(conn, conversation_id=conversation.id, content="x")
    assert queued.id in [c.id for c in await outbound.claim(conn, limit=500)]
    await conn.execute(
        "update easyflow.outbound_messages set claimed_at = now() - interval '1 hour' where id = $1",
        queued.id,
    )
    assert await outbound.release_stale(conn, older_than=timedelta(minutes=5)) >= 1
    released = await outbound.get(conn, id=queued.id)
    assert released is not None
    assert (released.status, released.last_error) == (DeliveryStatus.FAILED, "claim expired")


async def test_a_message_has_one_delivery_under_its_tenant_key(conn: Connection) -> None:
    # uq_outbound_messages_user_id_message_id (0099/0100): the key holds the distribution column, as
    # Citus requires, and still refuses a second delivery of a message.
    conversation = await make_conversation(conn)
    queued = await outbound.queue(conn, conversation_id=conversation.id, content="x")
    copy = (
        "insert into easyflow.outbound_messages"
        " (user_id, conversation_id, message_id, message_created_at, platform, chat_id)"
        " select user_id, conversation_id, message_id, message_created_at, platform, chat_id"
        " from easyflow.outbound_messages where id = $1"
    )
    with pytest.raises(asyncpg.UniqueViolationError) as refused:
        async with conn.transaction():
            await conn.execute(copy, queued.id)
    assert refused.value.constraint_name == "uq_outbound_messages_user_id_message_id"


async def test_eight_send_workers_drain_two_thousand_messages_with_retries(
    pool: asyncpg.Pool[asyncpg.Record],
) -> None:
    async with pool.acquire() as conn:
        conversation_ids = [(await make_conversation(conn)).id for _ in range(20)]
        deliveries: list[UUID] = []
        for i in range(2000):
            queued = await outbound.queue(conn, conversation_id=conversation_ids[i % 20], content=f"m{i}")
            deliveries.append(queued.id)
        doomed = [
            (
                await outbound.queue(
                    conn, conversation_id=conversation_ids[0], content="doomed", max_attempts=3
                )
            ).id
            for _ in range(10)
        ]
    flaky = set(deliveries[::10])  # 10% fail twice, then go out
    sent_to_platform: collections.Counter[UUID] = collections.Counter()
    attempts_seen: collections.Counter[UUID] = collections.Counter()
    backoff = timedelta(milliseconds=50)

    async def worker() -> None:
        idle = 0
        while idle < 20:
            async with pool.acquire() as conn, conn.transaction():
                batch = await outbound.claim(conn, limit=25)
            if not batch:
                idle += 1
                await asyncio.sleep(0.05)
                continue
            idle = 0
            for claim in batch:
                attempts_seen[claim.id] += 1
                if claim.id in doomed or (claim.id in flaky and claim.attempts <= 2):
                    failed = await outbound.mark_failed(pool, id=claim.id, error="503", backoff=backoff)
                    assert failed is not None
                    assert failed.run_after - failed.updated_at == backoff * 2 ** (claim.attempts - 1)
                else:
                    sent_to_platform[claim.id] += 1
                    assert (
                        await outbound.mark_sent(pool, id=claim.id, platform_message_id=str(claim.id))
                        is not None
                    )

    await asyncio.gather(*(worker() for _ in range(8)))
    assert set(sent_to_platform) == set(deliveries)
    assert max(sent_to_platform.values()) == 1  # each sent exactly once
    assert all(attempts_seen[d] == 3 for d in flaky)
    assert all(attempts_seen[d] == 1 for d in set(deliveries) - flaky)
    async with pool.acquire() as conn:
        statuses = dict(
            await conn.fetch("select status::text, count(*) from easyflow.outbound_messages group by status")
        )
        assert statuses == {"sent": 2000, "dead": 10}
        dead = await outbound.dead_letters(conn, limit=50)
        assert sorted(d.id for d in dead) == sorted(doomed)
        assert all(d.attempts == 3 for d in dead)


async def test_a_queued_delivery_wakes_a_listening_worker(db_url: str) -> None:
    listener = await connect_one(db_url)
    writer = await connect_one(db_url)
    try:
        conversation = await make_conversation(writer)
        wakeups = outbound.wakeups(listener, idle_timeout=0.2)
        assert await anext(wakeups) is None  # idle: nothing queued yet

        async def next_notice() -> str | None:
            # Idle ticks (None) go by while the writer queues, on a loaded machine too.
            while (got := await anext(wakeups)) is None:
                pass
            return got

        next_wakeup = asyncio.ensure_future(next_notice())
        await asyncio.sleep(0.05)
        async with writer.transaction():
            await outbound.queue(writer, conversation_id=conversation.id, content="ping")
        assert await asyncio.wait_for(next_wakeup, 5) == "telegram"
        await wakeups.aclose()
        assert not listener._listeners  # type: ignore[attr-defined]  # the LISTEN is gone
    finally:
        await listener.close()
        await writer.close()


async def test_hourly_metric_buckets_and_series(conn: Connection) -> None:
    keys = key_ring()
    user = await make_user(conn)
    integration = await make_integration(conn, keys, user=user)
    hour = datetime(2026, 3, 1, 10, tzinfo=UTC)
    for minute in (0, 15, 59):
        await metrics.increment(
            conn,
            platform_id="telegram",
            metric_type=MetricType.MESSAGES_SENT,
            amount=2,
            user_id=user.id,
            integration_id=integration.id,
            at=hour + timedelta(minutes=minute),
            metric_unit="count",
        )
    bucket = await metrics.increment(
        conn,
        platform_id="telegram",
        metric_type="messages_sent",
        user_id=user.id,
        integration_id=integration.id,
        at=hour + timedelta(hours=1, minutes=1),
    )
    assert bucket.period_start == hour + timedelta(hours=1)
    assert bucket.period_end == hour + timedelta(hours=2)
    rows = await metrics.integration_metrics(
        conn, integration_id=integration.id, since=hour, until=hour + timedelta(hours=3)
    )
    assert [(r.period_start, r.metric_value) for r in rows] == [
        (hour, Decimal("6.0000")),
        (hour + timedelta(hours=1), Decimal("1.0000")),
    ]
    series = await metrics.hourly_series(
        conn, user_id=user.id, metric_type="messages_sent", since=hour, until=hour + timedelta(hours=3)
    )
    assert [(p.hour, p.value) for p in series] == [
        (hour, Decimal(6)),
        (hour + timedelta(hours=1), Decimal(1)),
    ]
    platform_wide = await metrics.increment(conn, platform_id="telegram", metric_type="api_calls", at=hour)
    again = await metrics.increment(conn, platform_id="telegram", metric_type="api_calls", at=hour)
    assert again.id == platform_wide.id
    assert isinstance(again, PlatformMetric)  # no user, no integration: the model has neither
    assert again.metric_value == 2
    # A platform-wide bucket is no tenant's: it lives in platform_totals, not among the users' buckets.
    assert await conn.fetchval("select count(*) from easyflow.platform_metrics where user_id is null") == 0
    assert [
        (p.hour, p.value)
        for p in await metrics.platform_series(
            conn, platform_id="telegram", metric_type="api_calls", since=hour, until=hour + timedelta(hours=1)
        )
    ] == [(hour, Decimal(2))]
    for series in (metrics.hourly_series, metrics.platform_series):
        with pytest.raises(ValidationError):  # not a bare ValueError from the enum
            await series(
                conn,
                **({"user_id": user.id} if series is metrics.hourly_series else {"platform_id": "telegram"}),
                metric_type="bogus",
                since=hour,
                until=hour,
            )
    with pytest.raises(ValidationError, match="needs the integration's user_id"):
        await metrics.increment(
            conn, platform_id="telegram", metric_type="errors", integration_id=integration.id, at=hour
        )


async def test_hundred_concurrent_increments_of_one_hourly_metric_sum_exactly(
    pool: asyncpg.Pool[asyncpg.Record],
) -> None:
    async with pool.acquire() as conn:
        user = await make_user(conn)
    at = datetime(2026, 5, 5, 12, 30, tzinfo=UTC)
    await asyncio.gather(
        *(
            metrics.increment(
                pool,
                platform_id="whatsapp",
                metric_type="messages_received",
                amount="1.25",
                user_id=user.id,
                at=at,
            )
            for _ in range(100)
        )
    )
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "select metric_value from easyflow.platform_metrics where user_id = $1", user.id
        )
    assert [r["metric_value"] for r in rows] == [Decimal("125.0000")]
