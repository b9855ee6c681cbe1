"""easyflow in the bench: one workload per named query, samples drawn from the loaded data, a mix.

The data comes from :mod:`benchmarks.workloads.easyflow.data` (medium: 50k users, 100k integrations, 500k
conversations, ~5M messages over six monthly partitions). Writes that remove or consume their target
prepare it untimed; :func:`cleanup` removes what the writes added and frees the claims they made.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlfirst.bench.callers import APP_ROLE, WORKER_ROLE
from sqlfirst.bench.dataset import Unique, sample_rows
from sqlfirst.bench.registry import DomainBench, Params, QueryWorkload, as_worker
from sqlfirst.easyflow.models import (
    ConversationStatus,
    MessageRole,
    MetricType,
    SyncType,
)

from .cleanup import after_load, cleanup
from .data import (
    ANCHOR,
    CHAT_PLATFORMS,
    INTENTS,
    KEY_ID,
    PLATFORMS,
    SEALED,
    SENTENCES,
    SKUS,
    before_load,
    tables,
)
from .prepare import (
    BENCH_PREFIX,
    _prep_claim_due,
    _prep_delete_conversation,
    _prep_delete_user,
    _prep_disconnect,
    _prep_finish_sync,
    _prep_insert_integration,
    _prep_mark_failed,
    _prep_mark_sent,
    _prep_purge_keys,
    _prep_requeue_dead,
)

# -- samples ---------------------------------------------------------------------------------------


@dataclass
class Samples(Unique):
    """Parameters drawn from the loaded data."""

    users: list[Any]
    integrations: list[Any]
    conversations: list[Any]
    open_conversations: list[Any]
    messages: list[Any]
    keys: list[Any]
    outbound: list[uuid.UUID]
    sync_logs: list[Any]


async def sample(conn: Any, rng: random.Random) -> Samples:
    seed = rng.randrange(1 << 30)
    n = 2000
    conversations = await sample_rows(
        conn,
        "easyflow.conversations",
        [
            "id",
            "session_id",
            "user_id",
            "platform",
            "chat_id",
            "status::text as status",
            "context_data->>'order_id' as order_id",
        ],
        n,
        seed=seed,
    )
    return Samples(
        users=await sample_rows(conn, "easyflow.users", ["id", "email"], n, seed=seed),
        integrations=await sample_rows(
            conn,
            "easyflow.integrations",
            ["id", "user_id", "platform_id", "settings->>'shop' as shop"],
            n,
            seed=seed,
        ),
        conversations=conversations,
        open_conversations=[c for c in conversations if c["status"] != "closed"]
        or list(
            await conn.fetch(
                "select id, session_id, user_id, platform, chat_id from easyflow.conversations"
                " where status <> 'closed' limit 100"
            )
        ),
        messages=await sample_rows(
            conn,
            "easyflow.messages",
            ["id", "conversation_id", "user_id", "created_at", "intent", "entities->>'product' as product"],
            n,
            seed=seed,
            where="direction = 'inbound'",
        ),
        keys=await sample_rows(
            conn,
            "easyflow.message_platform_ids",
            ["user_id", "platform", "platform_message_id"],
            n,
            seed=seed,
        ),
        outbound=[
            r["id"] for r in await sample_rows(conn, "easyflow.outbound_messages", ["id"], n, seed=seed)
        ],
        sync_logs=await sample_rows(conn, "easyflow.sync_logs", ["id", "integration_id"], n, seed=seed),
    )


def _message_window(m: Any, days: int = 7) -> tuple[datetime, datetime]:
    at: datetime = m["created_at"]
    return at - timedelta(days=days // 2), at + timedelta(days=days - days // 2)


def _search(s: Samples, r: random.Random) -> Params:
    m = r.choice([m for m in s.messages if m["intent"]] or s.messages)
    since, until = _message_window(m)
    return {
        "user_id": m["user_id"],
        "intent": m["intent"] or "other",
        "entities": {"product": m["product"]} if m["product"] and r.random() < 0.5 else {},
        "since": since,
        "until": until,
        "lim": 50,
    }


def _by_entities(s: Samples, r: random.Random) -> Params:
    m = r.choice([m for m in s.messages if m["product"]] or s.messages)
    since, until = _message_window(m, 2)
    return {"entities": {"product": m["product"] or "sku-1"}, "since": since, "until": until, "lim": 50}


def _history(s: Samples, r: random.Random) -> Params:
    m = r.choice(s.messages)
    return {
        "conversation_id": m["conversation_id"],
        "before_created_at": m["created_at"] + timedelta(seconds=1),
        "before_id": m["id"],
        "lim": 50,
    }


def _inbound(s: Samples, r: random.Random) -> Params:
    c = r.choice(s.open_conversations)
    return {
        "id": uuid.uuid4(),
        "conversation_id": c["id"],
        "session_id": c["session_id"],
        "user_id": c["user_id"],
        "content": r.choice(SENTENCES),
        "role": MessageRole.USER,
        "platform": c["platform"],
        "platform_message_id": s.unique(f"{c['chat_id']}:"),
        "intent": r.choice(INTENTS),
        "entities": {"product": f"sku-{r.randrange(SKUS)}"},
        "confidence": Decimal("0.91"),
        "metadata": {},
        "created_at": None,
    }


def _window_now() -> tuple[datetime, datetime]:
    return ANCHOR - timedelta(days=1), ANCHOR + timedelta(days=1)


QUERIES = [
    # users
    QueryWorkload(
        "insert_user",
        lambda s, r: {
            "email": f"{s.unique('new')}@bench.example.com",
            "name": "Новый пользователь",
            "phone": None,
            "language_code": "ru",
            "timezone": "Europe/Moscow",
            "metadata": {},
        },
    ),
    QueryWorkload("get_user_by_id", lambda s, r: {"id": r.choice(s.users)["id"]}),
    QueryWorkload("get_user_by_email", lambda s, r: {"email": r.choice(s.users)["email"]}),
    QueryWorkload(
        "update_user_locale",
        lambda s, r: {
            "id": r.choice(s.users)["id"],
            "language_code": r.choice(["ru", "en"]),
            "timezone": None,
        },
    ),
    QueryWorkload("set_user_active", lambda s, r: {"id": r.choice(s.users)["id"], "is_active": True}),
    QueryWorkload("delete_user", lambda s, r: {}, prepare=_prep_delete_user),
    # platforms
    QueryWorkload("list_platforms", lambda s, r: {"active_only": True}),
    QueryWorkload("get_platform", lambda s, r: {"id": r.choice(PLATFORMS)}),
    # integrations
    QueryWorkload("insert_integration", lambda s, r: {}, prepare=_prep_insert_integration),
    QueryWorkload(
        "reconnect_integration",
        lambda s, r: {
            "id": r.choice(s.integrations)["id"],
            "credentials_encrypted": SEALED,
            "encryption_key_id": KEY_ID,
        },
    ),
    QueryWorkload("get_integration", lambda s, r: {"id": r.choice(s.integrations)["id"]}),
    QueryWorkload(
        "get_user_platform_integration",
        lambda s, r: (lambda i: {"user_id": i["user_id"], "platform_id": i["platform_id"]})(
            r.choice(s.integrations)
        ),
    ),
    QueryWorkload("list_user_integrations", lambda s, r: {"user_id": r.choice(s.integrations)["user_id"]}),
    QueryWorkload(
        "list_integrations_by_settings",
        lambda s, r: (
            lambda i: {"platform_id": i["platform_id"], "settings": {"shop": i["shop"]}, "lim": 50}
        )(r.choice(s.integrations)),
    ),
    QueryWorkload(
        "merge_integration_settings",
        lambda s, r: {"id": r.choice(s.integrations)["id"], "patch": {"greeting": "Здравствуйте!"}},
    ),
    QueryWorkload(
        "set_integration_sync_interval",
        lambda s, r: {"id": r.choice(s.integrations)["id"], "sync_interval_minutes": r.choice([30, 60])},
    ),
    QueryWorkload("disconnect_integration", lambda s, r: {}, prepare=_prep_disconnect),
    QueryWorkload("delete_integration", lambda s, r: {}, prepare=_prep_disconnect),
    QueryWorkload("get_sealed_credentials", lambda s, r: {"id": r.choice(s.integrations)["id"]}),
    QueryWorkload(
        "lock_credentials_to_rekey",
        lambda s, r: {"current_key_id": "bench-k2", "after_id": r.choice(s.integrations)["id"], "lim": 100},
    ),
    QueryWorkload(
        "rekey_credentials",
        lambda s, r: {
            "id": r.choice(s.integrations)["id"],
            "old_key_id": KEY_ID,
            "credentials_encrypted": SEALED,
            "encryption_key_id": KEY_ID,
        },
    ),
    # sync
    QueryWorkload(
        "claim_due_integrations",
        lambda s, r: {"sync_type": SyncType.ORDERS, "lim": 10},
        prepare=_prep_claim_due,
    ),
    QueryWorkload("finish_sync", lambda s, r: {}, prepare=_prep_finish_sync),
    QueryWorkload("get_sync_log", lambda s, r: {"id": r.choice(s.sync_logs)["id"]}),
    QueryWorkload(
        "list_sync_logs",
        lambda s, r: {
            "integration_id": r.choice(s.sync_logs)["integration_id"],
            "since": _window_now()[0],
            "until": _window_now()[1],
            "lim": 50,
        },
    ),
    QueryWorkload("fail_abandoned_syncs", lambda s, r: {"older_than": timedelta(hours=6)}),
    # conversations
    QueryWorkload(
        "start_conversation",
        lambda s, r: {
            "session_id": s.unique(BENCH_PREFIX),
            "user_id": r.choice(s.users)["id"],
            "platform": r.choice(CHAT_PLATFORMS),
            "chat_id": str(r.randrange(10**9)),
            "current_state": "initial",
            "context_data": {},
        },
    ),
    QueryWorkload("get_conversation", lambda s, r: {"id": r.choice(s.conversations)["id"]}),
    QueryWorkload(
        "get_conversation_by_session", lambda s, r: {"session_id": r.choice(s.conversations)["session_id"]}
    ),
    QueryWorkload(
        "find_conversation_by_chat",
        lambda s, r: (lambda c: {"platform": c["platform"], "chat_id": c["chat_id"]})(
            r.choice(s.conversations)
        ),
    ),
    QueryWorkload(
        "update_session_state",
        lambda s, r: {
            "session_id": r.choice(s.open_conversations)["session_id"],
            "current_state": r.choice(["awaiting_reply", "checkout", "delivery"]),
            "context_patch": {"last_intent": r.choice(INTENTS)},
        },
    ),
    QueryWorkload(
        "set_conversation_status",
        lambda s, r: {
            "id": r.choice(s.open_conversations)["id"],
            "status": r.choice([ConversationStatus.ACTIVE, ConversationStatus.PAUSED]),
            "context_patch": {},
        },
    ),
    QueryWorkload(
        "list_user_conversations", lambda s, r: {"user_id": r.choice(s.conversations)["user_id"], "lim": 50}
    ),
    QueryWorkload("list_escalated_conversations", lambda s, r: {"lim": 50}),
    QueryWorkload(
        "find_conversations_by_context",
        lambda s, r: {"context": {"order_id": r.choice(s.conversations)["order_id"]}, "lim": 50},
    ),
    QueryWorkload("delete_conversation", lambda s, r: {}, prepare=_prep_delete_conversation),
    # messages
    QueryWorkload("append_inbound_message", _inbound),
    QueryWorkload(
        "append_message",
        lambda s, r: (
            {k: v for k, v in _inbound(s, r).items() if k not in ("id", "created_at")}
            | {"role": MessageRole.SYSTEM, "direction": None, "platform_message_id": None}
        ),
    ),
    QueryWorkload("get_inbound_message", lambda s, r: dict(r.choice(s.keys))),
    QueryWorkload("list_conversation_messages", _history),
    QueryWorkload("search_messages", _search),
    QueryWorkload("find_messages_by_entities", _by_entities),
    QueryWorkload("purge_message_platform_ids", lambda s, r: {}, prepare=_prep_purge_keys),
    # metrics
    QueryWorkload(
        "increment_metric",
        lambda s, r: (
            lambda i: {
                "platform_id": i["platform_id"],
                "user_id": i["user_id"],
                "integration_id": i["id"],
                "metric_type": r.choice(list(MetricType)),
                "amount": Decimal(1),
                "metric_unit": "count",
                "at": None,
            }
        )(r.choice(s.integrations)),
    ),
    QueryWorkload(
        "increment_platform_metric",
        lambda s, r: {
            "platform_id": r.choice(PLATFORMS),
            "metric_type": r.choice(list(MetricType)),
            "amount": Decimal(1),
            "metric_unit": "count",
            "at": None,
        },
    ),
    QueryWorkload(
        "platform_metric_series",
        lambda s, r: {
            "platform_id": r.choice(PLATFORMS),
            "metric_type": r.choice(list(MetricType)),
            "since": _window_now()[0],
            "until": _window_now()[1],
        },
    ),
    QueryWorkload(
        "list_integration_metrics",
        lambda s, r: {
            "integration_id": r.choice(s.integrations)["id"],
            "since": _window_now()[0],
            "until": _window_now()[1],
        },
    ),
    QueryWorkload(
        "hourly_metric_series",
        lambda s, r: {
            "user_id": r.choice(s.integrations)["user_id"],
            "metric_type": MetricType.MESSAGES_SENT,
            "since": _window_now()[0],
            "until": _window_now()[1],
        },
    ),
    # outbound
    QueryWorkload(
        "queue_outbound_message",
        lambda s, r: {
            "conversation_id": r.choice(s.open_conversations)["id"],
            "content": r.choice(SENTENCES),
            "role": MessageRole.ASSISTANT,
            "intent": None,
            "entities": {},
            "confidence": None,
            "metadata": {},
            "max_attempts": 5,
        },
    ),
    QueryWorkload("get_outbound_message", lambda s, r: {"id": r.choice(s.outbound)}),
    QueryWorkload("claim_outbound_messages", lambda s, r: {"lim": 10}),
    QueryWorkload("mark_outbound_sent", lambda s, r: {}, prepare=_prep_mark_sent),
    QueryWorkload("mark_outbound_failed", lambda s, r: {}, prepare=_prep_mark_failed),
    QueryWorkload("release_stale_outbound", lambda s, r: {"older_than": timedelta(minutes=5)}),
    QueryWorkload("list_dead_letters", lambda s, r: {"lim": 50}),
    QueryWorkload("requeue_dead_letter", lambda s, r: {}, prepare=_prep_requeue_dead),
]


WORKER_QUERIES = {
    # the sync worker: due integrations, their sealed credentials, key rotation, abandoned runs
    "claim_due_integrations",
    "finish_sync",
    "fail_abandoned_syncs",
    "get_sealed_credentials",
    "lock_credentials_to_rekey",
    "rekey_credentials",
    "list_integrations_by_settings",
    # the whole platform's hourly counters (no tenant's: platform_totals has no policy for the app)
    "increment_platform_metric",
    "platform_metric_series",
    # the outbound sender and its dead-letter queue
    "claim_outbound_messages",
    "mark_outbound_sent",
    "mark_outbound_failed",
    "release_stale_outbound",
    "list_dead_letters",
    "requeue_dead_letter",
    # support and analytics across users' conversations, and retention
    "list_escalated_conversations",
    "find_conversations_by_context",
    "find_messages_by_entities",
    "purge_message_platform_ids",
}
"""Queries the product runs as its worker role (sqlfirst.bench.callers)."""


BENCH = DomainBench(
    domain="easyflow",
    # 2: two integrations per user on average (100k at medium); 3: the queue's snapshot;
    # 4: platform_totals; 5: conversation_sessions; 6: the snapshots of users, integrations and
    # conversations cleanup restores; 7: integration_ids (0179) and its snapshot
    version=7,
    tables=tables,
    sample=sample,
    queries=as_worker(QUERIES, WORKER_QUERIES),
    mix={
        "get_conversation_by_session": 15,
        "update_session_state": 10,
        "append_inbound_message": 15,
        "list_conversation_messages": 10,
        "list_user_integrations": 10,
        "get_user_by_id": 5,
        "claim_due_integrations": 5,
        "queue_outbound_message": 5,
        "claim_outbound_messages": 5,
        "increment_metric": 10,
        "search_messages": 5,
        "hourly_metric_series": 5,
    },
    cleanup=cleanup,
    before_load=before_load,
    after_load=after_load,
    app_role=APP_ROLE,
    worker_role=WORKER_ROLE,
    owners={
        "users.id": "select $1::uuid",  # an account is changed by its own user (core.guard_own_row)
        "integrations.id": "select user_id from easyflow.integrations where id = $1",
        "integration_id": "select user_id from easyflow.integrations where id = $1",
        "sync_logs.id": "select user_id from easyflow.sync_logs where id = $1",
        "conversations.id": "select user_id from easyflow.conversations where id = $1",
        "conversation_id": "select user_id from easyflow.conversations where id = $1",
        "session_id": "select user_id from easyflow.conversation_sessions where session_id = $1",
        "chat_id": "select user_id from easyflow.conversations where chat_id = $1 limit 1",
        "outbound_messages.id": "select user_id from easyflow.outbound_messages where id = $1",
    },
)
