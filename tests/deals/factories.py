"""Small builders for deals rows used across tests."""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlfirst.calls import make_call
from sqlfirst.db import Executor
from sqlfirst.deals import deals, goals, markets, users
from sqlfirst.deals.models import Deal, Goal, Market, User

WALLET = "7EcDhSYGxXyscszYEp35KHN8vvw3svAuLKTzXwCFLtV"  # 43 base58 characters


def unvalidated(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn``'s query bound without its ``validate=`` model: what the database's own checks see when
    a value gets past Pydantic (errors still come back as :mod:`sqlfirst.errors` types)."""
    decl = fn.__sqlfirst__  # type: ignore[attr-defined]
    return make_call(dataclasses.replace(decl, validate=None), {})


async def make_user(conn: Executor, **overrides: Any) -> User:
    tag = secrets.token_hex(4)
    fields: dict[str, Any] = {"email": f"user_{tag}@example.com", "password": "correct horse battery"}
    fields.update(overrides)
    return await users.create(conn, **fields)


async def make_goal(conn: Executor, user: User | None = None, **overrides: Any) -> Goal:
    owner = user or await make_user(conn)
    fields: dict[str, Any] = {"user_id": owner.id, "title": "A cheap laptop", "category": "electronics"}
    fields.update(overrides)
    return await goals.create(conn, **fields)


async def make_market(conn: Executor, **overrides: Any) -> Market:
    fields: dict[str, Any] = {"name": "Amazon US", "type": "amazon", "base_url": "https://www.amazon.com"}
    fields.update(overrides)
    return await markets.create(conn, **fields)


async def make_deal(
    conn: Executor, goal: Goal | None = None, market: Market | None = None, **overrides: Any
) -> Deal:
    the_goal = goal or await make_goal(conn)
    the_market = market or await make_market(conn)
    fields: dict[str, Any] = {
        "goal_id": the_goal.id,
        "market_id": the_market.id,
        "title": "Laptop 14in",
        "url": f"https://www.amazon.com/dp/{secrets.token_hex(5)}",
        "current_price": Decimal("499.99"),
        "category": the_goal.category,
        "source": "amazon",
    }
    fields.update(overrides)
    return await deals.create(conn, **fields)
