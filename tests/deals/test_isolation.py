"""Tenant isolation in deals, kept by row-level security, as the application role meets it.

Every test connects as ``sqlfirst_app`` (superusers bypass RLS). Users A and B each have a goal,
a notification, a chat message, tokens (a reward, so a transaction and a balance change) and an
auth token.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from pydantic import SecretStr

import sqlfirst
from sqlfirst.db import Database
from sqlfirst.deals import (
    auth_tokens,
    chat_messages,
    goals,
    markets,
    notifications,
    tokens,
    user_settings,
    users,
)
from sqlfirst.deals.models import Goal, User
from sqlfirst.errors import PermissionDenied, SqlfirstError
from sqlfirst.settings import Settings

from .factories import make_goal

PASSWORD = "correct horse battery"
TABLES = (
    "goals",
    "notifications",
    "chat_messages",
    "token_transactions",
    "token_balance_history",
    "user_settings",
    "auth_tokens",
)


@dataclass
class Tenant:
    user: User
    goal: Goal
    raw_token: SecretStr


@dataclass
class World:
    db: Database
    a: Tenant
    b: Tenant


async def _tenant(db: Database, name: str) -> Tenant:
    async with db.transaction() as conn:  # sign-up: no acting user yet
        user = await users.create(conn, email=f"{name}@example.com", password=PASSWORD)
    async with db.transaction(as_user=user.id) as conn:
        goal = await make_goal(conn, user, title=f"{name}'s laptop")
        await notifications.create(conn, user_id=user.id, type="goal", title="Hello", message=f"for {name}")
        await chat_messages.create(
            conn, user_id=user.id, role="user", content=f"{name} says", goal_id=goal.id
        )
        await tokens.reward(conn, user_id=user.id, amount=Decimal("10"), description="welcome")
        await user_settings.save(conn, user_id=user.id, ui_preferences={"theme": "dark"})
        issued = await auth_tokens.issue(
            conn, user_id=user.id, token_type="access", expires_in=timedelta(hours=1)
        )
    return Tenant(user, goal, issued.raw_token)


@pytest.fixture
async def world(db_url: str) -> AsyncIterator[World]:
    db = await sqlfirst.connect(Settings(database_url=db_url, role="sqlfirst_app", min_size=1, max_size=1))
    try:
        yield World(db, await _tenant(db, "alice"), await _tenant(db, "bob"))
    finally:
        await db.close()


async def test_b_cannot_read_a_s_rows_through_the_public_api(world: World) -> None:
    a, b = world.a, world.b
    async with world.db.transaction(as_user=b.user.id) as conn:
        assert await goals.get(conn, id=a.goal.id) is None
        assert await goals.list_by_user(conn, user_id=a.user.id) == []
        assert await notifications.list_unread(conn, user_id=a.user.id) == []
        assert await notifications.count_unread(conn, user_id=a.user.id) == 0
        assert await chat_messages.list_for_user(conn, user_id=a.user.id) == []
        assert await chat_messages.list_for_goal(conn, goal_id=a.goal.id) == []
        assert await tokens.history(conn, user_id=a.user.id) == []
        assert await tokens.transactions(conn, user_id=a.user.id) == []
        assert await user_settings.get(conn, user_id=a.user.id) is None
        assert await auth_tokens.list_active(conn, user_id=a.user.id) == []
        # B's own rows are there.
        assert [g.id for g in await goals.list_by_user(conn, user_id=b.user.id)] == [b.goal.id]
        assert len(await tokens.history(conn, user_id=b.user.id)) == 1


async def test_b_cannot_change_or_delete_a_s_rows(world: World) -> None:
    a, b = world.a, world.b
    async with world.db.transaction(as_user=b.user.id) as conn:
        assert await goals.pause(conn, id=a.goal.id) is None
        assert await goals.delete(conn, id=a.goal.id) == 0
        assert await notifications.mark_all_read(conn, user_id=a.user.id) == 0
        assert await auth_tokens.revoke_all_for_user(conn, user_id=a.user.id) == 0
        assert await conn.execute("delete from deals.chat_messages") == "DELETE 1"  # B's own only
    with pytest.raises(PermissionDenied):
        async with world.db.transaction(as_user=b.user.id) as conn:
            await make_goal(conn, a.user)  # a goal in A's name
    with pytest.raises(SqlfirstError):
        async with world.db.transaction(as_user=b.user.id) as conn:
            await tokens.deduct(conn, user_id=a.user.id, amount=Decimal("5"))  # spend A's tokens
    async with world.db.transaction(as_user=a.user.id) as conn:
        goal = await goals.get(conn, id=a.goal.id)
        assert goal is not None and goal.status == a.goal.status
        assert await notifications.count_unread(conn, user_id=a.user.id) == 1
        assert len(await chat_messages.list_for_user(conn, user_id=a.user.id)) == 1
        assert await tokens.balance(conn, user_id=a.user.id) == Decimal("10")
        assert len(await auth_tokens.list_active(conn, user_id=a.user.id)) == 1


async def test_without_an_acting_user_tenant_tables_read_as_empty(world: World) -> None:
    async with world.db.transaction() as conn:
        for table in TABLES:
            assert await conn.fetchval(f"select count(*) from deals.{table}") == 0, table
    async with world.db.transaction(as_user=world.a.user.id) as conn:
        for table in TABLES:
            assert await conn.fetchval(f"select count(*) from deals.{table}") >= 1, table
    async with world.db.transaction() as conn:  # the same (only) pooled connection, after A's transaction
        assert await conn.fetchval("select core.acting_user()") is None
        assert await goals.list_by_user(conn, user_id=world.a.user.id) == []


@pytest.mark.parametrize(
    "statement",
    [
        "select password from deals.users",
        "select * from deals.users",
        "select token from deals.auth_tokens",
        "select id from deals.auth_tokens where token like 'a%'",
    ],
)
async def test_no_query_of_the_app_role_can_read_a_secret(world: World, statement: str) -> None:
    with pytest.raises(PermissionDenied):
        async with world.db.transaction(as_user=world.a.user.id) as conn:
            await conn.fetch(statement)


async def test_login_and_token_authentication_work_before_a_user_acts(world: World) -> None:
    async with world.db.transaction() as conn:
        user = await users.verify(conn, email="alice@example.com", password=PASSWORD)
        assert user is not None and user.id == world.a.user.id
        assert await users.verify(conn, email="alice@example.com", password="wrong password") is None
        token = await auth_tokens.authenticate(conn, raw_token=world.a.raw_token.get_secret_value())
        assert token is not None and token.user_id == world.a.user.id
        assert await auth_tokens.authenticate(conn, raw_token="not a token") is None
    async with world.db.transaction(as_user=world.a.user.id) as conn:
        assert await users.change_password(
            conn, id=world.a.user.id, current_password=PASSWORD, new_password="a new horse battery"
        )


async def test_a_market_api_key_is_only_the_worker_s(world: World, db_url: str) -> None:
    async with world.db.transaction(as_user=world.a.user.id) as conn:
        market = await markets.create(
            conn, name="Keyed", type="amazon", base_url="https://a.example", api_key="k-1"
        )
        assert market.has_api_key
        assert (await markets.get(conn, id=market.id)).has_api_key  # type: ignore[union-attr]
    for statement in ("select api_key from deals.markets", "select * from deals.markets"):
        with pytest.raises(PermissionDenied):
            async with world.db.transaction(as_user=world.a.user.id) as conn:
                await conn.fetch(statement)
    with pytest.raises(PermissionDenied):
        async with world.db.transaction(as_user=world.a.user.id) as conn:
            await markets.get_api_key(conn, id=market.id)
    worker = await sqlfirst.connect(
        Settings(database_url=db_url, role="sqlfirst_worker", min_size=1, max_size=1)
    )
    try:
        async with worker.transaction() as conn:
            assert await markets.get_api_key(conn, id=market.id) == "k-1"
        with pytest.raises(PermissionDenied):  # the worker cannot select the column either
            async with worker.transaction() as conn:
                await conn.fetch("select api_key from deals.markets")
    finally:
        await worker.close()
