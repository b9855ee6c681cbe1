"""deals' untimed preparation for writes that remove or consume their target: each ``_prep_*`` makes
the row its call will delete, expire or settle, and returns the call's parameters."""

from __future__ import annotations

import os
import random
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from sqlfirst.batches import MAINTENANCE_BATCH
from sqlfirst.bench.dataset import PASSWORD_HASH
from sqlfirst.bench.registry import Params
from sqlfirst.deals.models import GoalStatus, TransactionStatus

from .params import _agent_fields, _market_fields
from .samples import Samples, _deal, _now
from .world import BENCH_PREFIX, FAR_PAST, MODEL_NAMES, _money

Prepare = Callable[[Any, Any, random.Random], Awaitable[Params]]


async def _new_user(conn: Any, s: Samples) -> uuid.UUID:
    uid: uuid.UUID = await conn.fetchval(
        "insert into deals.users (email, password) values ($1, $2) returning id",
        f"{s.unique('prep')}@bench.example.com",
        PASSWORD_HASH,
    )
    return uid


async def _new_goal(conn: Any, s: Samples, rng: random.Random) -> uuid.UUID:
    goal = rng.choice(s.goals)
    gid: uuid.UUID = await conn.fetchval(
        "insert into deals.goals (user_id, title, category) values ($1, 'Prepared goal', $2) returning id",
        goal["user_id"],
        goal["category"],
    )
    return gid


async def _new_deal(
    conn: Any, s: Samples, rng: random.Random, *, expires: datetime | None = None
) -> uuid.UUID:
    deal = rng.choice(s.deals)
    found = None if expires is None else expires - timedelta(days=30)
    did: uuid.UUID = await conn.fetchval(
        "insert into deals.deals (goal_id, market_id, title, url, current_price, category, source,"
        " found_at, expires_at)"
        " values ($1, $2, 'Prepared deal', 'https://example.com/p', $3, $4, $5, coalesce($6, now()), $7)"
        " returning id",
        deal["goal_id"],
        deal["market_id"],
        deal["current_price"],
        deal["category"],
        deal["source"],
        found,
        expires,
    )
    return did


async def _new_tokens(conn: Any, user_id: uuid.UUID, n: int, expires_at: datetime) -> list[uuid.UUID]:
    rows = await conn.fetch(
        "insert into deals.auth_tokens (user_id, token, token_type, expires_at)"
        " select $1, encode(sha256(gen_random_uuid()::text::bytea), 'hex'), 'access', $3"
        " from generate_series(1, $2) returning id",
        user_id,
        n,
        expires_at,
    )
    return [r["id"] for r in rows]


async def _new_notifications(conn: Any, user_id: uuid.UUID, n: int) -> list[uuid.UUID]:
    rows = await conn.fetch(
        "insert into deals.notifications (user_id, type, title, message)"
        " select $1, 'deal', 'Price drop', 'A deal you follow got cheaper'"
        " from generate_series(1, $2) returning id",
        user_id,
        n,
    )
    return [r["id"] for r in rows]


async def _prep_delete_user(conn: Any, s: Samples, rng: random.Random) -> Params:
    return {"id": await _new_user(conn, s)}


def _replacing_last(table: str, fields: Callable[[Any, random.Random], Params]) -> Prepare:
    """The prepare of an insert into a catalogue the next workloads read by type and status (agents,
    markets: a few hundred rows): the row the previous call inserted goes first, so a run's thousand
    inserts do not grow the lists those workloads read (at medium they made list_active_markets build
    ~1,000 models instead of 17, and an active agent list ~270 instead of ~20)."""

    async def prepare(conn: Any, s: Any, rng: random.Random) -> Params:
        await conn.execute(f"delete from {table} where name like '{BENCH_PREFIX}%'")
        return fields(s, rng)

    return prepare


_prep_insert_agent = _replacing_last("deals.agents", _agent_fields)
_prep_insert_market = _replacing_last("deals.markets", _market_fields)


async def _prep_delete_goal(conn: Any, s: Samples, rng: random.Random) -> Params:
    """A goal with what a goal has by the time it is deleted: deals and a task (which go with it),
    chat messages, a notification and a token transaction (which deals.delete_goal unlinks)."""
    gid = await _new_goal(conn, s, rng)
    deal = rng.choice(s.deals)
    await conn.execute(
        "insert into deals.deals (goal_id, market_id, title, url, current_price, category, source)"
        " select $1, $2, 'Prepared deal ' || k, 'https://example.com/p', $3, $4, $5"
        " from generate_series(1, 3) as k",
        gid,
        deal["market_id"],
        deal["current_price"],
        deal["category"],
        deal["source"],
    )
    await conn.execute("insert into deals.tasks (goal_id, title) values ($1, 'Prepared task')", gid)
    await conn.execute(
        "insert into deals.chat_messages (user_id, goal_id, role, content, created_at)"
        " select g.user_id, g.id, 'user', 'Prepared message ' || k, now()"
        " from deals.goals as g, generate_series(1, 4) as k where g.id = $1",
        gid,
    )
    await conn.execute(
        "insert into deals.notifications (user_id, type, title, message, goal_id, created_at)"
        " select g.user_id, 'goal', 'Prepared', 'Prepared notification', g.id, now()"
        " from deals.goals as g where g.id = $1",
        gid,
    )
    await conn.execute(
        "insert into deals.token_transactions (user_id, type, amount, status, goal_id, created_at)"
        " select g.user_id, 'deduction', 1, 'pending', g.id, now() from deals.goals as g where g.id = $1",
        gid,
    )
    return {"id": gid}


async def _prep_transition_goal(conn: Any, s: Samples, rng: random.Random) -> Params:
    return {
        "id": await _new_goal(conn, s, rng),
        "from_statuses": [GoalStatus.ACTIVE],
        "to_status": GoalStatus.PAUSED,
    }


async def _prep_delete_deal(conn: Any, s: Samples, rng: random.Random) -> Params:
    return {"id": await _new_deal(conn, s, rng)}


async def _prep_expire_deals(conn: Any, s: Samples, rng: random.Random) -> Params:
    for k in range(3):
        await _new_deal(conn, s, rng, expires=FAR_PAST + timedelta(minutes=k))
    return {"as_of": FAR_PAST + timedelta(days=1), "lim": MAINTENANCE_BATCH}


async def _prep_delete_expired_tokens(conn: Any, s: Samples, rng: random.Random) -> Params:
    await _new_tokens(conn, rng.choice(s.token_users), 3, FAR_PAST + timedelta(minutes=rng.randrange(60)))
    return {"as_of": FAR_PAST + timedelta(days=1), "lim": MAINTENANCE_BATCH}


async def _prep_expire_goals(conn: Any, s: Samples, rng: random.Random) -> Params:
    goal = rng.choice(s.goals)
    await conn.execute(
        "insert into deals.goals (user_id, title, category, start_date, end_date)"
        " select $1, 'Stale goal', $2, $3::timestamptz - interval '30 days',"
        " $3::timestamptz + k * interval '1 minute'"
        " from generate_series(0, 2) as k",
        goal["user_id"],
        goal["category"],
        FAR_PAST,
    )
    return {"as_of": FAR_PAST + timedelta(days=1), "lim": MAINTENANCE_BATCH}


async def _new_pending_transaction(conn: Any, s: Samples, rng: random.Random) -> uuid.UUID:
    tid: uuid.UUID = await conn.fetchval(
        "insert into deals.token_transactions (user_id, type, amount, status)"
        " values ($1, 'reward', $2, 'pending') returning id",
        rng.choice(s.rich_users),
        _money(rng.uniform(1, 50)),
    )
    return tid


async def _prep_complete_transaction(conn: Any, s: Samples, rng: random.Random) -> Params:
    return {"id": await _new_pending_transaction(conn, s, rng), "tx_hash": "0x" + os.urandom(32).hex()}


async def _prep_settle_transaction(conn: Any, s: Samples, rng: random.Random) -> Params:
    status = rng.choice([TransactionStatus.FAILED, TransactionStatus.CANCELLED])
    return {"id": await _new_pending_transaction(conn, s, rng), "to_status": status}


async def _prep_transaction_hash(conn: Any, s: Samples, rng: random.Random) -> Params:
    tx_hash = "0x" + os.urandom(32).hex()
    if rng.random() < 0.8:  # a hit; the rest are unknown hashes
        await conn.execute(
            "update deals.token_transactions set tx_hash = $2 where id = $1",
            rng.choice(s.transactions),
            tx_hash,
        )
    return {"tx_hash": tx_hash}


async def _prep_failed_notification(conn: Any, s: Samples, rng: random.Random) -> Params:
    (nid,) = await _new_notifications(conn, rng.choice(s.unread_users), 1)
    return {"id": nid, "error": "smtp 550: mailbox unavailable"}


async def _prep_link_social(conn: Any, s: Samples, rng: random.Random) -> Params:
    return {"id": await _new_user(conn, s), "social_provider": "google", "social_id": s.unique("g")}


async def _prep_social_login(conn: Any, s: Samples, rng: random.Random) -> Params:
    social_id = s.unique("g")
    if rng.random() < 0.8:  # a known login; the rest are first-time social logins (a miss)
        await conn.execute(
            "update deals.users set social_provider = 'google', social_id = $2 where id = $1",
            await _new_user(conn, s),
            social_id,
        )
    return {"social_provider": "google", "social_id": social_id}


async def _prep_deal_url(conn: Any, s: Samples, rng: random.Random) -> Params:
    url: str = await conn.fetchval("select url from deals.deals where id = $1", _deal(s, rng)["id"])
    return {"url": url, "lim": 20}


async def _prep_password_hash(conn: Any, s: Samples, rng: random.Random) -> Params:
    return {"id": await _new_user(conn, s), "password_hash": PASSWORD_HASH}


async def _prep_model_version(conn: Any, s: Samples, rng: random.Random) -> Params:
    row = await conn.fetchrow(
        "select model_name, model_version from deals.model_metrics where model_name = $1"
        " order by created_at desc limit 1 offset $2",
        rng.choice(MODEL_NAMES),
        rng.randrange(3),
    )
    if row is None:
        return {"model_name": rng.choice(MODEL_NAMES), "model_version": "1.0"}
    return {"model_name": row["model_name"], "model_version": row["model_version"]}


async def _prep_revoke_token(conn: Any, s: Samples, rng: random.Random) -> Params:
    (tid,) = await _new_tokens(conn, rng.choice(s.token_users), 1, _now() + timedelta(hours=1))
    return {"id": tid}


async def _prep_revoke_all(conn: Any, s: Samples, rng: random.Random) -> Params:
    uid = await _new_user(conn, s)
    await _new_tokens(conn, uid, 3, _now() + timedelta(hours=1))
    return {"user_id": uid}


async def _prep_mark_read(conn: Any, s: Samples, rng: random.Random) -> Params:
    uid = rng.choice(s.unread_users)
    return {"user_id": uid, "ids": await _new_notifications(conn, uid, 3)}


async def _prep_mark_all_read(conn: Any, s: Samples, rng: random.Random) -> Params:
    uid = await _new_user(conn, s)
    await _new_notifications(conn, uid, 5)
    return {"user_id": uid}


async def _prep_pending_notifications(conn: Any, s: Samples, rng: random.Random) -> Params:
    return {"ids": await _new_notifications(conn, rng.choice(s.unread_users), 5)}


async def _prep_delete_score(conn: Any, s: Samples, rng: random.Random) -> Params:
    sid: uuid.UUID = await conn.fetchval(
        "insert into deals.deal_scores (deal_id, score_type, value, confidence) values ($1, 'risk', 50, 80)"
        " returning id",
        rng.choice(s.deals)["id"],
    )
    return {"id": sid}


async def _prep_delete_task(conn: Any, s: Samples, rng: random.Random) -> Params:
    tid: uuid.UUID = await conn.fetchval(
        "insert into deals.tasks (goal_id, title) values ($1, 'Prepared task') returning id",
        rng.choice(s.goals)["id"],
    )
    return {"id": tid}


async def _prep_delete_agent(conn: Any, s: Samples, rng: random.Random) -> Params:
    aid: uuid.UUID = await conn.fetchval(
        "insert into deals.agents (name, type) values ($1, 'research') returning id", s.unique(BENCH_PREFIX)
    )
    return {"id": aid}


async def _prep_deactivate_pricing(conn: Any, s: Samples, rng: random.Random) -> Params:
    pid: uuid.UUID = await conn.fetchval(
        "insert into deals.token_pricing (service_type, token_cost) values ($1, 1) returning id",
        s.unique(BENCH_PREFIX),
    )
    return {"id": pid}
