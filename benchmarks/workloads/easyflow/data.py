"""easyflow's data at scale (the generator of ``benchmarks/workloads/easyflow/``).

Medium sizes (the issue's: Easy Flow after half a year): 50k users, 100k integrations (one to three
platforms per user), 500k conversations and ~5.2M messages over the six monthly partitions before
``ANCHOR`` (2026-06 .. 2026-11), ~2.7M inbound dedupe keys, ~150k sync logs (marketplace
integrations), 500k hourly metric buckets of users, 105k platform-wide ones (every platform, metric type
and hour of the history, at any scale) and ~450k outbound deliveries (the first assistant reply of
each conversation and every 25th after it). Conversations are skewed like chat traffic: one in ten
runs 40-60 messages, the rest 0-12; a few users own many conversations.

Loading: ``before_load`` gives each month of the history its partition with core's maintenance (a
marker row per month lands in DEFAULT, maintenance creates the month's partition, the markers go), so
rows are COPied straight into their months and time-range queries prune. The COPY runs with
``session_replication_role = replica``: no trigger fires, so what the triggers keep (messages_count,
closed_at, next_sync_at, the dedupe keys, the session and integration id indexes) is written by the
generator, consistent with the rows. Message ids and times are functions of (conversation, position),
so the keys and deliveries that point at messages are generated without keeping 5M rows in memory.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlfirst.bench.dataset import jsonb, rand_uuid
from sqlfirst.bench.registry import TableLoad
from sqlfirst.easyflow.models import (
    ConversationStatus,
    DeliveryStatus,
    IntegrationStatus,
    MessageDirection,
    MessageRole,
    MetricType,
    SyncStatus,
    SyncType,
)

__all__ = ["ANCHOR", "CHAT_PLATFORMS", "FAR_PAST", "INTENTS", "KEY_ID", "PLATFORMS", "SEALED", "SENTENCES",
           "SKUS", "before_load", "tables"]  # fmt: skip

ANCHOR = datetime(2026, 12, 1, tzinfo=UTC)
HISTORY_DAYS = 183
HISTORY_START = ANCHOR - timedelta(days=HISTORY_DAYS)
FAR_PAST = datetime(2001, 1, 1, tzinfo=UTC)
"""Before every generated row: what a maintenance call prepares there is all it finds (and is the
bench's, which cleanup removes)."""
MEDIUM = {
    "users": 50_000,
    "conversations": 500_000,
    "sync_logs_per_integration": 3,
    "metric_buckets_per_integration": 5,
}
PLATFORMS = ["wildberries", "ozon", "telegram", "whatsapp"]
CHAT_PLATFORMS = ["telegram", "whatsapp"]
INTENTS = [
    "order_status",
    "greeting",
    "refund",
    "delivery",
    "product_question",
    "complaint",
    "payment",
    "other",
]
SENTENCES = [
    "Где мой заказ?",
    "Ваш заказ передан в доставку.",
    "Хочу вернуть товар, он не подошёл.",
    "Возврат оформлен, деньги придут в течение 3 дней.",
    "Есть ли этот товар в другом цвете?",
    "Да, есть чёрный и белый.",
    "Спасибо!",
    "Обращайтесь, всегда рады помочь.",
]
SKUS = 5000
SEALED = b"\x01" + bytes(12) + bytes(48)  # shape of a sealed credential; never decrypted by the bench
KEY_ID = "bench-k1"
BENCH_PREFIX = "bench-"
MESSAGE_STEP_S = 137


def _n(name: str, factor: float, minimum: int) -> int:
    return max(minimum, int(MEDIUM[name] * factor))


def _at(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


def _message_id(conversation: uuid.UUID, k: int) -> uuid.UUID:
    """The k-th message of a conversation: a pure function, so other tables can point at it."""
    return uuid.UUID(int=(conversation.int + (k + 1) * 0x9E3779B97F4A7C15) % (1 << 128))


@dataclass
class _World:
    user_ids: list[uuid.UUID]
    user_platforms: list[list[str]]
    integration_ids: list[list[uuid.UUID]]
    conversation_ids: list[uuid.UUID]
    conversation_user: list[int]
    conversation_platform: list[str]
    conversation_start: list[float]
    conversation_messages: list[int]
    conversation_status: list[ConversationStatus]


def _world(factor: float, seed: int) -> _World:
    rng = random.Random(seed)
    n_users = _n("users", factor, 200)
    n_conversations = _n("conversations", factor, 2000)
    user_ids = [rand_uuid(rng) for _ in range(n_users)]
    # One, two, two or three platforms per user in turn: exactly 2 per user on average, so medium has
    # 100k integrations (a random count landed a little under the floor).
    user_platforms = [rng.sample(PLATFORMS, (1, 2, 2, 3)[i % 4]) for i in range(n_users)]
    integration_ids = [[rand_uuid(rng) for _ in platforms] for platforms in user_platforms]
    start = HISTORY_START.timestamp()
    span = (HISTORY_DAYS - 3) * 86400
    conversation_user = []
    for _ in range(n_conversations):
        # A few users own many conversations: a power law over the users.
        conversation_user.append(min(n_users - 1, int(n_users * rng.random() ** 2)))
    statuses = (
        [ConversationStatus.CLOSED] * 12
        + [ConversationStatus.ACTIVE] * 6
        + [
            ConversationStatus.PAUSED,
            ConversationStatus.ESCALATED,
        ]
    )
    return _World(
        user_ids=user_ids,
        user_platforms=user_platforms,
        integration_ids=integration_ids,
        conversation_ids=[rand_uuid(rng) for _ in range(n_conversations)],
        conversation_user=conversation_user,
        conversation_platform=[rng.choice(CHAT_PLATFORMS) for _ in range(n_conversations)],
        conversation_start=[start + rng.random() * span for _ in range(n_conversations)],
        conversation_messages=[
            rng.randint(40, 60) if rng.random() < 0.1 else rng.randint(0, 12) for _ in range(n_conversations)
        ],
        conversation_status=[rng.choice(statuses) for _ in range(n_conversations)],
    )


def _session(i: int) -> str:
    return f"sess-{i:08d}"


def _chat(i: int) -> str:
    return str(1_000_000_000 + i)


def tables(factor: float, seed: int) -> list[TableLoad]:
    """What to COPY at ``factor`` × medium, deterministic for ``seed``."""
    w = _world(factor, seed)
    anchor = ANCHOR.timestamp()
    n_integrations = sum(len(p) for p in w.user_platforms)
    n_messages = sum(w.conversation_messages)
    n_inbound = sum((m + 1) // 2 for m in w.conversation_messages)
    n_outbound = sum(len(range(1, m, 2)[::25]) for m in w.conversation_messages)
    logs_each = MEDIUM["sync_logs_per_integration"]
    buckets_each = MEDIUM["metric_buckets_per_integration"]

    def user_rows() -> Iterator[tuple[Any, ...]]:
        rng = random.Random(seed + 1)
        for i, uid in enumerate(w.user_ids):
            created = _at(HISTORY_START.timestamp() - rng.randrange(90 * 86400))
            yield (
                uid,
                f"user{i}@easyflow.example.com",
                f"Пользователь {i}",
                f"+7 900 {i:07d}" if rng.random() < 0.5 else None,
                "ru" if rng.random() < 0.9 else "en",
                "Europe/Moscow",
                rng.random() < 0.97,
                "{}",
                created,
                created,
            )

    def integration_rows() -> Iterator[tuple[Any, ...]]:
        rng = random.Random(seed + 2)
        for i, uid in enumerate(w.user_ids):
            for platform, iid in zip(w.user_platforms[i], w.integration_ids[i], strict=True):
                roll = rng.random()
                status = (
                    IntegrationStatus.CONNECTED
                    if roll < 0.85
                    else IntegrationStatus.ERROR
                    if roll < 0.9
                    else IntegrationStatus.PENDING
                    if roll < 0.95
                    else IntegrationStatus.DISCONNECTED
                )
                sealed = status is not IntegrationStatus.DISCONNECTED
                created = HISTORY_START - timedelta(days=rng.randrange(60))
                interval = rng.choice((15, 30, 60, 60, 60, 120))
                last = (
                    _at(anchor - rng.randrange(interval * 60 * 2))
                    if status is not IntegrationStatus.PENDING
                    else None
                )
                yield (
                    iid,
                    uid,
                    platform,
                    SEALED if sealed else None,
                    KEY_ID if sealed else None,
                    jsonb({"auto_reply": rng.random() < 0.5, "shop": f"shop{rng.randrange(5000)}"}),
                    status,
                    "401 Unauthorized" if status is IntegrationStatus.ERROR else None,
                    last,
                    last + timedelta(minutes=interval) if last is not None else created,
                    interval,
                    "{}",
                    created,
                    created,
                )

    def integration_id_rows() -> Iterator[tuple[Any, ...]]:
        # What tg_integrations_id writes for each integration (the COPY runs without triggers).
        for i, uid in enumerate(w.user_ids):
            for iid in w.integration_ids[i]:
                yield (iid, uid)

    def conversation_rows() -> Iterator[tuple[Any, ...]]:
        for c, cid in enumerate(w.conversation_ids):
            started = w.conversation_start[c]
            n = w.conversation_messages[c]
            last = _at(started + max(0, n - 1) * MESSAGE_STEP_S)
            status = w.conversation_status[c]
            yield (
                cid,
                _session(c),
                w.user_ids[w.conversation_user[c]],
                w.conversation_platform[c],
                _chat(c),
                status,
                "done" if status is ConversationStatus.CLOSED else "awaiting_reply",
                jsonb({"order_id": f"ORD-{c}", "step": c % 7}),
                n,
                _at(started),
                last,
                last if status is ConversationStatus.CLOSED else None,
            )

    def session_rows() -> Iterator[tuple[Any, ...]]:
        # What tg_conversations_session writes for each conversation (the COPY runs without triggers).
        for c, cid in enumerate(w.conversation_ids):
            yield (_session(c), w.user_ids[w.conversation_user[c]], cid)

    def message_rows() -> Iterator[tuple[Any, ...]]:
        rng = random.Random(seed + 4)
        confidences = [Decimal(f"0.{n:02d}") for n in range(100)]
        for c, cid in enumerate(w.conversation_ids):
            uid = w.user_ids[w.conversation_user[c]]
            session, platform, started = _session(c), w.conversation_platform[c], w.conversation_start[c]
            chat = _chat(c)
            for k in range(w.conversation_messages[c]):
                inbound = k % 2 == 0
                sku = rng.randrange(SKUS)
                yield (
                    _message_id(cid, k),
                    cid,
                    session,
                    uid,
                    rng.choice(SENTENCES),
                    MessageRole.USER if inbound else MessageRole.ASSISTANT,
                    MessageDirection.INBOUND if inbound else MessageDirection.OUTBOUND,
                    platform,
                    f"{chat}:{k}",
                    rng.choice(INTENTS) if inbound else None,
                    jsonb({"product": f"sku-{sku}"}) if inbound and sku % 3 == 0 else "{}",
                    rng.choice(confidences) if inbound else None,
                    "{}",
                    _at(started + k * MESSAGE_STEP_S),
                )

    def key_rows() -> Iterator[tuple[Any, ...]]:
        for c, cid in enumerate(w.conversation_ids):
            uid, platform, started = (
                w.user_ids[w.conversation_user[c]],
                w.conversation_platform[c],
                w.conversation_start[c],
            )
            chat = _chat(c)
            for k in range(0, w.conversation_messages[c], 2):
                yield (uid, platform, f"{chat}:{k}", _message_id(cid, k), _at(started + k * MESSAGE_STEP_S))

    def outbound_rows() -> Iterator[tuple[Any, ...]]:
        rng = random.Random(seed + 6)
        for c, cid in enumerate(w.conversation_ids):
            uid, platform, started = (
                w.user_ids[w.conversation_user[c]],
                w.conversation_platform[c],
                w.conversation_start[c],
            )
            for k in range(1, w.conversation_messages[c], 2)[::25]:
                at = _at(started + k * MESSAGE_STEP_S)
                roll = rng.random()
                status = (
                    DeliveryStatus.QUEUED
                    if roll < 0.02
                    else DeliveryStatus.DEAD
                    if roll < 0.03
                    else DeliveryStatus.FAILED
                    if roll < 0.04
                    else DeliveryStatus.SENT
                )
                attempts = {DeliveryStatus.QUEUED: 0, DeliveryStatus.DEAD: 5, DeliveryStatus.FAILED: 2}.get(
                    status, 1
                )
                yield (
                    rand_uuid(rng),
                    uid,
                    cid,
                    _message_id(cid, k),
                    at,
                    platform,
                    _chat(c),
                    status,
                    attempts,
                    5,
                    at + timedelta(seconds=30 * attempts),
                    at + timedelta(seconds=1) if status is DeliveryStatus.SENT else None,
                    "503 Service Unavailable"
                    if status in (DeliveryStatus.DEAD, DeliveryStatus.FAILED)
                    else None,
                    f"{_chat(c)}:{k}" if status is DeliveryStatus.SENT else None,
                    at,
                    at + timedelta(seconds=1),
                )

    def sync_log_rows() -> Iterator[tuple[Any, ...]]:
        rng = random.Random(seed + 7)
        for i, uid in enumerate(w.user_ids):
            for platform, iid in zip(w.user_platforms[i], w.integration_ids[i], strict=True):
                if platform not in ("wildberries", "ozon"):
                    continue
                for h in range(logs_each):
                    started = _at(anchor - (h + 1) * 3600 - rng.randrange(600))
                    failed = rng.random() < 0.05
                    synced = rng.randrange(200)
                    yield (
                        rand_uuid(rng),
                        iid,
                        uid,
                        SyncType.ORDERS,
                        SyncStatus.FAILED if failed else SyncStatus.SUCCESS,
                        synced,
                        0 if failed else synced,
                        synced if failed else 0,
                        jsonb([{"error": "timeout"}]) if failed else "[]",
                        "timeout" if failed else None,
                        started,
                        started + timedelta(seconds=rng.randrange(1, 90)),
                        "{}",
                    )

    def metric_rows() -> Iterator[tuple[Any, ...]]:
        rng = random.Random(seed + 8)
        types = [MetricType.MESSAGES_SENT, MetricType.API_CALLS]
        hour0 = ANCHOR
        for i, uid in enumerate(w.user_ids):
            for platform, iid in zip(w.user_platforms[i], w.integration_ids[i], strict=True):
                for b in range(buckets_each):
                    start = hour0 - timedelta(hours=1 + b // 2)
                    yield (
                        rand_uuid(rng),
                        iid,
                        platform,
                        uid,
                        types[b % 2],
                        Decimal(rng.randrange(1, 500)),
                        "count",
                        "hour",
                        start + timedelta(minutes=59),
                        start,
                        start + timedelta(hours=1),
                        "{}",
                    )

    def platform_total_rows() -> Iterator[tuple[Any, ...]]:
        # The whole platform's hourly counters over the history (metrics:{platform}:{date}:{hour}):
        # one bucket per platform, metric type and hour, whatever the number of users.
        rng = random.Random(seed + 9)
        for hour in range(HISTORY_DAYS * 24):
            start = HISTORY_START + timedelta(hours=hour)
            for platform in PLATFORMS:
                for metric in MetricType:
                    yield (
                        rand_uuid(rng),
                        platform,
                        metric,
                        Decimal(rng.randrange(1, 50_000)),
                        "count",
                        "hour",
                        start + timedelta(minutes=59),
                        start,
                        start + timedelta(hours=1),
                        "{}",
                    )

    n_sync = sum(
        logs_each for platforms in w.user_platforms for p in platforms if p in ("wildberries", "ozon")
    )
    return [
        TableLoad(
            "easyflow.users",
            (
                "id",
                "email",
                "name",
                "phone",
                "language_code",
                "timezone",
                "is_active",
                "metadata",
                "created_at",
                "updated_at",
            ),
            len(w.user_ids),
            user_rows,
        ),
        TableLoad(
            "easyflow.integrations",
            (
                "id",
                "user_id",
                "platform_id",
                "credentials_encrypted",
                "encryption_key_id",
                "settings",
                "status",
                "status_message",
                "last_sync_at",
                "next_sync_at",
                "sync_interval_minutes",
                "metadata",
                "created_at",
                "updated_at",
            ),
            n_integrations,
            integration_rows,
        ),
        TableLoad(
            "easyflow.integration_ids", ("integration_id", "user_id"), n_integrations, integration_id_rows
        ),
        TableLoad(
            "easyflow.conversations",
            (
                "id",
                "session_id",
                "user_id",
                "platform",
                "chat_id",
                "status",
                "current_state",
                "context_data",
                "messages_count",
                "created_at",
                "updated_at",
                "closed_at",
            ),
            len(w.conversation_ids),
            conversation_rows,
        ),
        TableLoad(
            "easyflow.conversation_sessions",
            ("session_id", "user_id", "conversation_id"),
            len(w.conversation_ids),
            session_rows,
        ),
        TableLoad(
            "easyflow.messages",
            (
                "id",
                "conversation_id",
                "session_id",
                "user_id",
                "content",
                "role",
                "direction",
                "platform",
                "platform_message_id",
                "intent",
                "entities",
                "confidence",
                "metadata",
                "created_at",
            ),
            n_messages,
            message_rows,
        ),
        TableLoad(
            "easyflow.message_platform_ids",
            ("user_id", "platform", "platform_message_id", "message_id", "message_created_at"),
            n_inbound,
            key_rows,
        ),
        TableLoad(
            "easyflow.outbound_messages",
            (
                "id",
                "user_id",
                "conversation_id",
                "message_id",
                "message_created_at",
                "platform",
                "chat_id",
                "status",
                "attempts",
                "max_attempts",
                "run_after",
                "sent_at",
                "last_error",
                "platform_message_id",
                "created_at",
                "updated_at",
            ),
            n_outbound,
            outbound_rows,
        ),
        TableLoad(
            "easyflow.sync_logs",
            (
                "id",
                "integration_id",
                "user_id",
                "sync_type",
                "status",
                "records_requested",
                "records_synced",
                "records_failed",
                "errors",
                "error_message",
                "started_at",
                "completed_at",
                "metadata",
            ),
            n_sync,
            sync_log_rows,
        ),
        TableLoad(
            "easyflow.platform_metrics",
            (
                "id",
                "integration_id",
                "platform_id",
                "user_id",
                "metric_type",
                "metric_value",
                "metric_unit",
                "aggregation_period",
                "recorded_at",
                "period_start",
                "period_end",
                "attributes",
            ),
            n_integrations * buckets_each,
            metric_rows,
        ),
        TableLoad(
            "easyflow.platform_totals",
            (
                "id",
                "platform_id",
                "metric_type",
                "metric_value",
                "metric_unit",
                "aggregation_period",
                "recorded_at",
                "period_start",
                "period_end",
                "attributes",
            ),
            HISTORY_DAYS * 24 * len(PLATFORMS) * len(MetricType),
            platform_total_rows,
        ),
    ]


def _month_starts() -> list[datetime]:
    months: list[datetime] = []
    index = HISTORY_START.year * 12 + HISTORY_START.month - 1
    while True:
        month = datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)
        if month >= ANCHOR:
            return months
        months.append(month)
        index += 1


async def before_load(conn: Any, factor: float, seed: int) -> None:
    """Give every month of the history its partition (core's maintenance), then load trigger-free."""
    await conn.execute("set session_replication_role = replica")
    async with conn.transaction():
        await conn.execute(
            "insert into easyflow.messages"
            " (id, session_id, user_id, content, role, platform, created_at, metadata)"
            " select gen_random_uuid(), 'marker', $1, '', 'system', 'telegram', m, '{\"bench_marker\": true}'"
            " from unnest($2::timestamptz[]) m",
            uuid.UUID(int=0),
            [m + timedelta(days=1) for m in _month_starts()],
        )
        await conn.execute("select count(*) from core.run_partition_maintenance('easyflow.messages')")
        await conn.execute("delete from easyflow.messages where metadata @> '{\"bench_marker\": true}'")
