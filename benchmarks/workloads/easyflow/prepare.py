"""easyflow's untimed preparation for writes that remove or consume their target: each ``_prep_*``
makes the row its call will delete, finish or purge, and returns the call's parameters."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlfirst.batches import MAINTENANCE_BATCH
from sqlfirst.bench.registry import Params
from sqlfirst.easyflow.models import IntegrationStatus, SyncStatus, SyncType

from .cleanup import FINISH_RUNNING_SYNCS
from .data import FAR_PAST, KEY_ID, PLATFORMS, SEALED

if TYPE_CHECKING:
    from . import Samples

BENCH_PREFIX = "bench-"


def _now() -> datetime:
    return datetime.now(UTC)


async def _new_user(conn: Any, s: Samples) -> uuid.UUID:
    uid: uuid.UUID = await conn.fetchval(
        "insert into easyflow.users (email, name) values ($1, 'bench') returning id",
        f"{s.unique('prep')}@bench.example.com",
    )
    return uid


async def _new_integration(conn: Any, s: Samples) -> uuid.UUID:
    iid: uuid.UUID = await conn.fetchval(
        "insert into easyflow.integrations"
        " (user_id, platform_id, credentials_encrypted, encryption_key_id, status)"
        " values ($1, 'ozon', $2, $3, 'connected') returning id",
        await _new_user(conn, s),
        SEALED,
        KEY_ID,
    )
    return iid


async def _prep_delete_user(conn: Any, s: Samples, rng: random.Random) -> Params:
    return {"id": await _new_user(conn, s)}


async def _prep_insert_integration(conn: Any, s: Samples, rng: random.Random) -> Params:
    return {
        "id": uuid.uuid4(),
        "user_id": await _new_user(conn, s),
        "platform_id": rng.choice(PLATFORMS),
        "credentials_encrypted": SEALED,
        "encryption_key_id": KEY_ID,
        "settings": {"auto_reply": True},
        "status": IntegrationStatus.CONNECTED,
        "sync_interval_minutes": 60,
    }


async def _prep_disconnect(conn: Any, s: Samples, rng: random.Random) -> Params:
    return {"id": await _new_integration(conn, s)}


async def _prep_delete_conversation(conn: Any, s: Samples, rng: random.Random) -> Params:
    cid: uuid.UUID = await conn.fetchval(
        "insert into easyflow.conversations (session_id, user_id, platform, chat_id)"
        " values ($1, $2, 'telegram', '1') returning id",
        s.unique(BENCH_PREFIX),
        rng.choice(s.users)["id"],
    )
    return {"id": cid}


async def _prep_sending(conn: Any, s: Samples, rng: random.Random, status: str = "sending") -> uuid.UUID:
    c = rng.choice(s.open_conversations)
    oid: uuid.UUID = await conn.fetchval(
        "insert into easyflow.outbound_messages (user_id, conversation_id, message_id, message_created_at,"
        " platform, chat_id, status, attempts, claimed_at)"
        " values ($1, $2, gen_random_uuid(), now(), $3, $4, $5, 1, now())"
        " returning id",
        c["user_id"],
        c["id"],
        c["platform"],
        c["chat_id"],
        status,
    )
    return oid


async def _prep_mark_sent(conn: Any, s: Samples, rng: random.Random) -> Params:
    return {"id": await _prep_sending(conn, s, rng), "platform_message_id": s.unique("pm")}


async def _prep_mark_failed(conn: Any, s: Samples, rng: random.Random) -> Params:
    return {"id": await _prep_sending(conn, s, rng), "error": "503", "backoff": timedelta(seconds=30)}


async def _prep_requeue_dead(conn: Any, s: Samples, rng: random.Random) -> Params:
    oid = await _prep_sending(conn, s, rng)
    await conn.execute(
        "update easyflow.outbound_messages set status = 'dead', claimed_at = null where id = $1", oid
    )
    return {"id": oid}


# What a sync worker reports after a claim, set-based: the syncs the bench's claims opened finish, so
# their integrations are free and due again after their interval (last_sync_at moves on).


async def _prep_claim_due(conn: Any, s: Samples, rng: random.Random) -> Params:
    # A worker reports its syncs before it claims again: without this, every claim of the run left
    # ten running syncs behind (thousands by the end, where a fleet has a few in flight), and the
    # sync queries measured the leak, planned with statistics that saw no running sync at all.
    await conn.execute(FINISH_RUNNING_SYNCS)
    return {"sync_type": SyncType.ORDERS, "lim": 10}


async def _prep_finish_sync(conn: Any, s: Samples, rng: random.Random) -> Params:
    i = rng.choice(s.integrations)
    log_id: uuid.UUID = await conn.fetchval(
        "insert into easyflow.sync_logs (integration_id, user_id, sync_type, status)"
        " values ($1, $2, 'orders', 'running') returning id",
        i["id"],
        i["user_id"],
    )
    return {
        "id": log_id,
        "status": SyncStatus.SUCCESS,
        "records_requested": 20,
        "records_synced": 20,
        "records_failed": 0,
        "errors": [],
        "error_message": None,
    }


async def _prep_purge_keys(conn: Any, s: Samples, rng: random.Random) -> Params:
    # A full batch of keys past retention (a real purge takes a month of them, batch after batch),
    # before every generated message, so the call deletes exactly these and the dataset is unchanged.
    at = FAR_PAST + timedelta(minutes=rng.randrange(60))
    await conn.execute(
        "insert into easyflow.message_platform_ids"
        " (user_id, platform, platform_message_id, message_id, message_created_at)"
        " select $1, 'telegram', $2 || k, gen_random_uuid(), $3::timestamptz + k * interval '1 second'"
        " from generate_series(1, $4::int) as k",
        rng.choice(s.users)["id"],
        s.unique("purge") + ":",
        at,
        MAINTENANCE_BATCH,
    )
    return {"before": FAR_PAST + timedelta(days=1), "lim": MAINTENANCE_BATCH}
