"""deals' samples: keys drawn from the loaded data once per run, and the draws every workload makes."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlfirst.bench.dataset import SAMPLE_KEYS, Unique, sample_rows


@dataclass
class Samples(Unique):
    """Parameters drawn from the loaded data."""

    users: list[Any]
    wallets: list[str]
    rich_users: list[uuid.UUID]
    spenders: list[uuid.UUID]
    referred: list[uuid.UUID]
    referrers: list[uuid.UUID]
    goals: list[Any]
    goal_users: list[uuid.UUID]
    deals: list[Any]
    markets: list[Any]
    agents: list[Any]
    tasks: list[Any]
    assigned_tasks: list[Any]
    tasks_with_activities: list[uuid.UUID]
    scored_deals: list[uuid.UUID]
    scores: list[uuid.UUID]
    deals_with_activities: list[uuid.UUID]
    tokens: list[Any]
    token_users: list[uuid.UUID]
    transactions: list[uuid.UUID]
    unread_users: list[uuid.UUID]
    chat_users: list[uuid.UUID]
    chat_goals: list[uuid.UUID]
    settings_users: list[uuid.UUID]
    quotes: list[Any]


def _col(rows: list[Any], name: str) -> list[Any]:
    return [r[name] for r in rows if r[name] is not None]


async def sample(conn: Any, rng: random.Random) -> Samples:
    seed = rng.randrange(1 << 30)
    n = SAMPLE_KEYS
    users = await sample_rows(
        conn,
        "deals.users",
        ["id", "email", "referral_code", "sol_address", "status", "created_at"],
        n,
        seed=seed,
    )
    referred = await sample_rows(
        conn, "deals.users", ["id", "referred_by"], n, seed=seed, where="referred_by is not null"
    )
    goals = await sample_rows(conn, "deals.goals", ["id", "user_id", "category", "status"], n, seed=seed)
    deals = await sample_rows(
        conn,
        "deals.deals",
        [
            "id",
            "goal_id",
            "market_id",
            "category",
            "status",
            "current_price",
            "found_at",
            "source",
            "product_specs->>'brand' as brand",
        ],
        n,
        seed=seed,
    )
    tasks = await sample_rows(conn, "deals.tasks", ["id", "goal_id", "agent_id", "status"], n, seed=seed)
    scores = await sample_rows(conn, "deals.deal_scores", ["id", "deal_id"], n, seed=seed)
    notif = await sample_rows(conn, "deals.notifications", ["user_id"], n, seed=seed, where="read_at is null")
    chats = await sample_rows(conn, "deals.chat_messages", ["user_id", "goal_id"], n, seed=seed)
    return Samples(
        users=users,
        wallets=_col(users, "sol_address"),
        rich_users=_col(
            await sample_rows(conn, "deals.users", ["id"], n, seed=seed, where="token_balance >= 200"), "id"
        ),
        spenders=_col(
            await sample_rows(conn, "deals.users", ["id"], n, seed=seed, where="total_tokens_spent >= 20"),
            "id",
        ),
        referred=_col(referred, "id"),
        referrers=_col(referred, "referred_by"),
        goals=goals,
        goal_users=_col(goals, "user_id"),
        deals=deals,
        markets=list(
            await conn.fetch("select id, type, status from deals.markets where name not like 'bench-%'")
        ),
        agents=list(
            await conn.fetch("select id, type, status from deals.agents where name not like 'bench-%'")
        ),
        tasks=tasks,
        assigned_tasks=[t for t in tasks if t["agent_id"] is not None],
        tasks_with_activities=_col(
            await sample_rows(conn, "deals.task_activities", ["task_id"], n, seed=seed), "task_id"
        ),
        scored_deals=_col(scores, "deal_id"),
        scores=_col(scores, "id"),
        deals_with_activities=_col(
            await sample_rows(conn, "deals.deal_activities", ["deal_id"], n, seed=seed), "deal_id"
        ),
        tokens=await sample_rows(
            conn, "deals.auth_tokens", ["id", "user_id", "token"], n, seed=seed, where="status = 'active'"
        ),
        token_users=_col(
            await sample_rows(
                conn, "deals.auth_tokens", ["user_id"], n, seed=seed, where="status = 'active'"
            ),
            "user_id",
        ),
        transactions=_col(await sample_rows(conn, "deals.token_transactions", ["id"], n, seed=seed), "id"),
        unread_users=_col(notif, "user_id"),
        chat_users=_col(chats, "user_id"),
        chat_goals=_col(chats, "goal_id"),
        settings_users=_col(
            await sample_rows(conn, "deals.user_settings", ["user_id"], n, seed=seed), "user_id"
        ),
        quotes=await sample_rows(
            conn, "deals.market_data", ["symbol", "source", "market_type"], n, seed=seed
        ),
    )


def _now() -> datetime:
    return datetime.now(UTC)


def _user(s: Samples, r: random.Random) -> Any:
    return r.choice(s.users)


def _deal(s: Samples, r: random.Random) -> Any:
    return r.choice(s.deals)


def _goal(s: Samples, r: random.Random) -> Any:
    return r.choice(s.goals)


def _amount(r: random.Random, low: int = 1, high: int = 5) -> Decimal:
    return Decimal(r.randint(low, high))
