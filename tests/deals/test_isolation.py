"""Tenant isolation in deals, kept by row-level security, as the application role meets it.

Every test connects as ``sqlfirst_app`` (superusers bypass RLS). Users A and B each have a goal,
a notification, a chat message, tokens (a reward, so a transaction and a balance change), an
auth token, and on the goal: a deal found on a market (shared), a deal entered by hand (private),
each with a score and its price history, a task with an activity, and deal activities by the user
and by an agent acting for nobody.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import UUID, uuid4

import pytest
from pydantic import SecretStr

import sqlfirst
from sqlfirst.db import Connection, Database, connect_one
from sqlfirst.deals import (
    auth_tokens,
    chat_messages,
    deal_activities,
    deal_scores,
    deals,
    goals,
    markets,
    notifications,
    price_tracking,
    task_activities,
    tasks,
    tokens,
    user_settings,
    users,
)
from sqlfirst.deals.models import Deal, Goal, Task, User, UserStatus
from sqlfirst.errors import Conflict, PermissionDenied, ReferenceViolation, SqlfirstError
from sqlfirst.settings import Settings
from tests.isolation_helpers import assert_each_refused

from .factories import make_deal, make_goal

PASSWORD = "correct horse battery"
TABLES = (
    "goals",
    "notifications",
    "chat_messages",
    "token_transactions",
    "token_balance_history",
    "user_settings",
    "auth_tokens",
    "auth_token_hashes",
    "tasks",
    "task_activities",
    "deal_activities",
)
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
FAR = datetime(2100, 1, 1, tzinfo=UTC)
TX_HASH = "0x" + "5a" * 32
B_TX_HASH = "0x" + "5b" * 32


@dataclass
class Tenant:
    user: User
    goal: Goal
    raw_token: SecretStr
    shared_deal: Deal  # found on a market: everyone reads it
    private_deal: Deal  # entered by hand: the goal's owner only
    task: Task


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
        market = await markets.create(
            conn, name=f"{name}'s Amazon", type="amazon", base_url="https://a.example"
        )
        shared = await make_deal(conn, goal, market, title=f"{name}'s found laptop", source="amazon")
        private = await make_deal(conn, goal, market, title=f"{name}'s own offer", source="manual")
        for deal in (shared, private):
            await deal_scores.create(conn, deal_id=deal.id, score_type="risk", value=10, confidence=90)
            await price_tracking.record(conn, deal_id=deal.id, price="450.00", source="amazon")
            await deal_activities.record(conn, deal_id=deal.id, activity_type="analyzed", user_id=user.id)
            await deal_activities.record(conn, deal_id=deal.id, activity_type="updated")  # an agent's
        task = await tasks.create(conn, goal_id=goal.id, title=f"watch {name}'s laptop")
        await task_activities.record(conn, task_id=task.id, activity_type="started")
    return Tenant(user, goal, issued.raw_token, shared, private, task)


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
        "select token from deals.auth_token_hashes",
        "select * from deals.auth_token_hashes",
        "select user_id from deals.auth_token_hashes where token like 'a%'",
    ],
)
async def test_no_query_of_the_app_role_can_read_a_secret(world: World, statement: str) -> None:
    with pytest.raises(PermissionDenied):
        async with world.db.transaction(as_user=world.a.user.id) as conn:
            await conn.fetch(statement)


async def test_no_tenant_can_write_the_hash_indexes_around_their_triggers(world: World) -> None:
    # auth_token_hashes and transaction_hashes keep a hash to one user (0157): were A able to delete
    # its entry, B could take A's hash too, and a lookup by hash would find two rows.
    a, b = world.a, world.b
    async with world.db.transaction(as_user=a.user.id) as conn:
        await tokens.begin(conn, user_id=a.user.id, type="reward", amount=Decimal("1"), tx_hash=TX_HASH)
    async with world.db.transaction(as_user=b.user.id) as conn:
        await tokens.begin(conn, user_id=b.user.id, type="reward", amount=Decimal("1"), tx_hash=B_TX_HASH)
    squats = (
        "insert into deals.transaction_hashes values ('0xsquat', $1, gen_random_uuid())",
        "insert into deals.auth_token_hashes values (repeat('a', 64), $1, gen_random_uuid())",
    )
    for squat in squats:
        with pytest.raises(PermissionDenied):  # the SELECT policy allows no new row
            async with world.db.transaction(as_user=a.user.id) as conn:
                await conn.execute(squat, a.user.id)
    async with world.db.transaction(as_user=a.user.id) as conn:  # nor shows one to change
        assert await conn.execute("delete from deals.transaction_hashes") == "DELETE 0"
        assert await conn.execute("update deals.transaction_hashes set tx_hash = 'x'") == "UPDATE 0"
        assert await conn.execute("delete from deals.auth_token_hashes") == "DELETE 0"
        assert await conn.execute("update deals.auth_token_hashes set user_id = user_id") == "UPDATE 0"
        mine = await conn.fetch("select tx_hash, user_id from deals.transaction_hashes")
        tokens_of = await conn.fetch("select user_id, auth_token_id from deals.auth_token_hashes")
    assert [tuple(r) for r in mine] == [(TX_HASH, a.user.id)]  # A reads its own entries only
    assert [r["user_id"] for r in tokens_of] == [a.user.id]
    with pytest.raises(Conflict) as caught:
        async with world.db.transaction(as_user=b.user.id) as conn:
            await tokens.begin(conn, user_id=b.user.id, type="reward", amount=Decimal("1"), tx_hash=TX_HASH)
    assert caught.value.constraint == "pk_transaction_hashes"


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


async def test_b_reads_a_s_shared_deals_but_not_a_s_private_deals_tasks_or_activities(world: World) -> None:
    a, b = world.a, world.b
    async with world.db.transaction(as_user=b.user.id) as conn:
        # Found on a market: shared, with its price history and scores.
        shared = await deals.get(conn, id=a.shared_deal.id)
        assert shared is not None and shared.title == "alice's found laptop"
        assert len(await price_tracking.history(conn, deal_id=a.shared_deal.id, since=EPOCH, until=FAR)) == 2
        assert len(await deal_scores.list_for_deal(conn, deal_id=a.shared_deal.id)) == 1
        assert a.shared_deal.id in {d.id for d in await deals.list_by_url(conn, url=a.shared_deal.url)}
        found = {d.id for d in await deals.search(conn, category="electronics", limit=100)}
        assert {a.shared_deal.id, b.shared_deal.id, b.private_deal.id} <= found
        assert a.private_deal.id not in found
        # The goal it was found for stays A's: B sees neither it nor A's deals listed through it.
        assert await goals.get(conn, id=a.goal.id) is None
        assert await deals.list_for_user(conn, user_id=a.user.id) == []
        # Entered by hand: A's only, and so are its prices and scores.
        assert await deals.get(conn, id=a.private_deal.id) is None
        assert await deals.list_by_url(conn, url=a.private_deal.url) == []
        assert await price_tracking.history(conn, deal_id=a.private_deal.id, since=EPOCH, until=FAR) == []
        assert await deal_scores.list_for_deal(conn, deal_id=a.private_deal.id) == []
        # Tasks and activities are A's, even on the shared deal.
        assert await tasks.get(conn, id=a.task.id) is None
        assert await tasks.list_for_goal(conn, goal_id=a.goal.id) == []
        assert await task_activities.list_for_task(conn, task_id=a.task.id) == []
        for deal in (a.shared_deal, a.private_deal):
            assert await deal_activities.list_for_deal(conn, deal_id=deal.id) == []
        assert await deal_activities.list_by_user(conn, user_id=a.user.id) == []
        # Raw SQL on the app role's connection: the same rows and no more.
        for table in ("tasks", "task_activities"):
            assert await conn.fetchval(f"select count(*) from deals.{table}") == 1, table
        assert await conn.fetchval("select count(*) from deals.deal_activities") == 4  # B's two deals x2
        assert {r["id"] for r in await conn.fetch("select id from deals.deals")} == {
            a.shared_deal.id,
            b.shared_deal.id,
            b.private_deal.id,
        }
        # B's own rows are all there.
        assert {d.id for d in await deals.list_for_user(conn, user_id=b.user.id)} == {
            b.shared_deal.id,
            b.private_deal.id,
        }
        assert [t.id for t in await tasks.list_for_goal(conn, goal_id=b.goal.id)] == [b.task.id]
        assert len(await deal_activities.list_for_deal(conn, deal_id=b.private_deal.id)) == 2


async def test_b_cannot_change_or_delete_a_s_deals_tasks_or_activities(world: World) -> None:
    a, b = world.a, world.b
    async with world.db.transaction(as_user=b.user.id) as conn:
        assert await deals.update_price(conn, id=a.shared_deal.id, current_price="1.00") is None
        assert await deals.set_status(conn, id=a.shared_deal.id, status="invalid") is None
        assert await deals.delete(conn, id=a.shared_deal.id) == 0
        assert await deals.delete(conn, id=a.private_deal.id) == 0
        assert await tasks.set_status(conn, id=a.task.id, status="completed") is None
        assert await tasks.delete(conn, id=a.task.id) == 0
        for table in (
            "deal_scores",
            "price_tracking",
            "deal_activities",
            "task_activities",
            "tasks",
            "deals",
        ):
            await conn.execute(f'update deals.{table} set meta_data = \'{{"by": "b"}}\'')
        assert await conn.execute("delete from deals.deal_scores") == "DELETE 2"  # B's own only
        assert await conn.execute("delete from deals.price_tracking") == "DELETE 4"
        assert await conn.execute("delete from deals.deal_activities") == "DELETE 4"
        assert await conn.execute("delete from deals.task_activities") == "DELETE 1"
    writes = [
        lambda conn: make_deal(conn, a.goal, title="planted in A's goal"),
        lambda conn: price_tracking.record(conn, deal_id=a.shared_deal.id, price="1.00", source="amazon"),
        lambda conn: deal_scores.create(
            conn, deal_id=a.shared_deal.id, score_type="risk", value=99, confidence=99
        ),
        lambda conn: tasks.create(conn, goal_id=a.goal.id, title="B's task in A's goal"),
        lambda conn: task_activities.record(conn, task_id=a.task.id, activity_type="blocked"),
        lambda conn: deal_activities.record(conn, deal_id=a.shared_deal.id, activity_type="updated"),
        # B's own deal, but in A's name.
        lambda conn: deal_activities.record(
            conn, deal_id=b.shared_deal.id, activity_type="updated", user_id=a.user.id
        ),
    ]
    for write in writes:
        with pytest.raises(PermissionDenied):
            async with world.db.transaction(as_user=b.user.id) as conn:
                await write(conn)
    for goal_id in (a.goal.id, uuid4()):  # moving B's deal into A's goal (or none), by the key
        refusal = await _refusal(
            world.db,
            b.user.id,
            lambda conn, g=goal_id: conn.execute(
                "update deals.deals set goal_id = $1 where id = $2", g, b.shared_deal.id
            ),
        )
        assert refusal == (ReferenceViolation, "fk_deals_goal_id")
    async with world.db.transaction(as_user=a.user.id) as conn:
        for deal in (a.shared_deal, a.private_deal):
            kept = await deals.get(conn, id=deal.id)
            assert kept is not None and kept.current_price == deal.current_price
            assert kept.status == deal.status and kept.meta_data == deal.meta_data
            assert len(await deal_scores.list_for_deal(conn, deal_id=deal.id)) == 1
            assert len(await price_tracking.history(conn, deal_id=deal.id, since=EPOCH, until=FAR)) == 2
            assert len(await deal_activities.list_for_deal(conn, deal_id=deal.id)) == 2
        task = await tasks.get(conn, id=a.task.id)
        assert task is not None and task.status == a.task.status and task.meta_data == {}
        assert len(await task_activities.list_for_task(conn, task_id=a.task.id)) == 1
        assert len(await deals.list_for_user(conn, user_id=a.user.id)) == 2


async def test_b_cannot_choose_an_id_so_cannot_twin_a_s_goal(world: World) -> None:
    # Goals are keyed (id, user_id) since 0152 (Citus), so an id is unique only beside its user, and
    # A's shared deals show A's goal id. Since 0176 the database picks every such id.
    a, b = world.a, world.b
    twin = "insert into deals.goals (id, user_id, title, category) values ($1, $2, 'twin', 'electronics')"
    attempts = (
        lambda conn: conn.execute(twin, a.goal.id, b.user.id),
        lambda conn: conn.execute("update deals.goals set id = $1 where id = $2", a.goal.id, b.goal.id),
        lambda conn: conn.execute(
            "insert into deals.tasks (id, user_id, goal_id, title) values ($1, $2, $3, 'twin')",
            a.task.id,
            b.user.id,
            b.goal.id,
        ),
    )
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            async with world.db.transaction(as_user=b.user.id) as conn:
                await attempt(conn)
    async with world.db.transaction(as_user=b.user.id) as conn:
        assert [g.id for g in await goals.list_by_user(conn, user_id=b.user.id)] == [b.goal.id]


async def test_a_twin_of_a_s_goal_opens_nothing_of_a_s(world: World, db_url: str) -> None:
    # Were a twin made anyway (by a role that may choose ids), policies that found "a visible goal
    # with this id" would take B's goal for A's: before 0171 B read A's private deals, and before 0174
    # B could write price points on A's shared deal.
    a, b = world.a, world.b
    owner = await connect_one(db_url)
    try:
        await owner.execute(
            "insert into deals.goals (id, user_id, title, category) values ($1, $2, 'twin', 'electronics')",
            a.goal.id,
            b.user.id,
        )
    finally:
        await owner.close()
    async with world.db.transaction(as_user=b.user.id) as conn:
        assert await deals.get(conn, id=a.private_deal.id) is None
        assert await deal_scores.list_for_deal(conn, deal_id=a.private_deal.id) == []
        assert await deal_activities.list_for_deal(conn, deal_id=a.private_deal.id) == []
        a_deals = [a.shared_deal.id, a.private_deal.id]
        for table in ("price_tracking", "deal_scores", "deal_activities"):
            await conn.execute(
                f'update deals.{table} set meta_data = \'{{"by": "b"}}\' where deal_id = any($1)', a_deals
            )
            assert await conn.execute(f"delete from deals.{table} where deal_id = any($1)", a_deals) == (
                "DELETE 0"
            )
        await conn.execute('update deals.deals set meta_data = \'{"by": "b"}\' where id = any($1)', a_deals)
    for deal in (a.shared_deal, a.private_deal):
        with pytest.raises(PermissionDenied):
            async with world.db.transaction(as_user=b.user.id) as conn:
                await price_tracking.record(conn, deal_id=deal.id, price="1.00", source="amazon")
    async with world.db.transaction(as_user=a.user.id) as conn:
        for deal in (a.shared_deal, a.private_deal):
            kept = await deals.get(conn, id=deal.id)
            assert kept is not None and kept.meta_data == deal.meta_data
            points = await price_tracking.history(conn, deal_id=deal.id, since=EPOCH, until=FAR)
            assert len(points) == 2 and all(p.meta_data == {} for p in points)
            assert len(await deal_scores.list_for_deal(conn, deal_id=deal.id)) == 1
            assert len(await deal_activities.list_for_deal(conn, deal_id=deal.id)) == 2


async def test_without_an_acting_user_only_shared_deals_are_visible(world: World) -> None:
    async with world.db.transaction() as conn:
        assert {r["id"] for r in await conn.fetch("select id from deals.deals")} == {
            world.a.shared_deal.id,
            world.b.shared_deal.id,
        }
        assert await conn.fetchval("select count(*) from deals.price_tracking") == 4  # 2 per shared deal
        assert await conn.fetchval("select count(*) from deals.deal_scores") == 2
        assert await deals.get(conn, id=world.a.private_deal.id) is None
        assert await deals.list_for_user(conn, user_id=world.a.user.id) == []


async def test_a_partition_named_directly_is_closed(world: World) -> None:
    """Through the parent the policies apply; a partition named directly is granted to no role of the
    application (0079) and has RLS forced with no policy besides."""
    async with world.db.transaction(as_user=world.a.user.id) as conn:
        assert (
            await conn.fetchval("select count(*) from deals.price_tracking") == 6
        )  # A's 2 deals x2 and B's shared one x2
    for statement in (
        "select count(*) from deals.price_tracking_default",
        "delete from deals.price_tracking_default",
        "insert into deals.price_tracking_default (deal_id, price, source) values ($1, 1, 'amazon')",
    ):
        with pytest.raises(PermissionDenied):  # raw SQL raises the driver's error; the block's exit types it
            async with world.db.transaction(as_user=world.b.user.id) as conn:
                args = (world.b.private_deal.id,) if "$1" in statement else ()
                await conn.execute(statement, *args)


async def test_b_cannot_change_or_delete_a_s_account(world: World, db_url: str) -> None:
    # users is the readable registry, without RLS: the row trigger of 0090 keeps each account for
    # its own user. Before it, B could suspend A, or delete A and with A every goal and deal.
    a, b = world.a, world.b
    attempts = (
        lambda conn: users.set_status(conn, id=a.user.id, status=UserStatus.SUSPENDED),
        lambda conn: users.update_profile(
            conn, id=a.user.id, name="pwned", preferences={}, notification_channels=[]
        ),
        lambda conn: users.record_login(conn, id=a.user.id),
        lambda conn: users.delete(conn, id=a.user.id),
    )
    await assert_each_refused(world.db, attempts, acting=(b.user.id, None))  # B, or nobody
    async with world.db.transaction(as_user=a.user.id) as conn:
        user = await users.get_by_id(conn, id=a.user.id)
        assert user is not None and user.status == a.user.status and user.name == a.user.name
        assert await goals.get(conn, id=a.goal.id) is not None
        # A changes her own account.
        renamed = await users.update_profile(
            conn, id=a.user.id, name="Alice", preferences={}, notification_channels=["email"]
        )
        assert renamed is not None and renamed.name == "Alice"
    # The worker, which RLS does not bind, still manages every account.
    worker = await sqlfirst.connect(
        Settings(database_url=db_url, role="sqlfirst_worker", min_size=1, max_size=1)
    )
    async with worker, worker.transaction() as conn:
        suspended = await users.set_status(conn, id=b.user.id, status=UserStatus.SUSPENDED)
        assert suspended is not None and suspended.status == UserStatus.SUSPENDED


async def _refusal(
    db: Database, user: object, attempt: Callable[[Connection], Awaitable[object]]
) -> tuple[type, str | None]:
    """The error class and constraint an attempt fails with, acting for ``user`` (it must fail)."""
    with pytest.raises(SqlfirstError) as caught:
        async with db.transaction(as_user=user) as conn:
            await attempt(conn)
    return type(caught.value), getattr(caught.value, "constraint", None)


async def test_b_cannot_hang_rows_on_a_s_goal_or_private_deal_and_learns_nothing_from_trying(
    world: World,
) -> None:
    # A foreign key check does not see RLS: before 0090, B's message could point at A's goal, and a
    # hidden id succeeded where an unknown one failed. Both now fail alike: a row naming its own user
    # beside a parent is held by the key over (parent, user) (since 0171, policies checked the parent
    # before), and a row taking its parent's user finds none it may see, so its policy refuses it.
    a, b = world.a, world.b
    by_goal: list[tuple[Callable[[Connection, UUID], Awaitable[object]], tuple[type, str | None]]] = [
        (
            lambda conn, g: chat_messages.create(
                conn, user_id=b.user.id, role="user", content="planted", goal_id=g
            ),
            (ReferenceViolation, "fk_chat_messages_goal_id"),
        ),
        (
            lambda conn, g: notifications.create(
                conn, user_id=b.user.id, type="goal", title="t", message="m", goal_id=g
            ),
            (ReferenceViolation, "fk_notifications_goal_id"),
        ),
        (
            lambda conn, g: tokens.begin(conn, user_id=b.user.id, type="reward", amount=1, goal_id=g),
            (ReferenceViolation, "fk_token_transactions_goal_id"),
        ),
        # a deal or a task takes its goal's user (0129): none is visible to B, so neither is B's
        (lambda conn, g: tasks.create(conn, goal_id=g, title="planted"), (PermissionDenied, None)),
        (
            lambda conn, g: deals.create(
                conn,
                goal_id=g,
                market_id=b.shared_deal.market_id,
                title="planted",
                url="https://www.amazon.com/dp/planted",
                current_price="1.00",
                category=b.shared_deal.category,
                source="manual",
            ),
            (PermissionDenied, None),
        ),
    ]
    by_parent: list[tuple[UUID, Callable[[Connection, UUID], Awaitable[object]], tuple[type, str | None]]] = [
        # an activity takes its task's user (0135), a score (0143) and an activity (0163) their deal's
        (
            a.task.id,
            lambda conn, t: task_activities.record(conn, task_id=t, activity_type="started"),
            (PermissionDenied, None),
        ),
        (
            a.private_deal.id,
            lambda conn, d: deal_scores.create(conn, deal_id=d, score_type="risk", value=1, confidence=1),
            (PermissionDenied, None),
        ),
        (
            a.private_deal.id,
            lambda conn, d: deal_activities.record(conn, deal_id=d, activity_type="updated"),
            (PermissionDenied, None),
        ),
        # a notification may point at a deal B may see, so a trigger checks the deal (0212; its
        # policy did until then): a hidden deal and a missing one fail alike
        (
            a.private_deal.id,
            lambda conn, d: notifications.create(
                conn, user_id=b.user.id, type="deal", title="t", message="m", deal_id=d
            ),
            (PermissionDenied, None),
        ),
    ]
    cases = [(a.goal.id, attempt, expected) for attempt, expected in by_goal] + by_parent
    for hidden, attempt, expected in cases:
        refusals = [
            await _refusal(world.db, b.user.id, lambda conn, p=parent, f=attempt: f(conn, p))
            for parent in (hidden, uuid4())
        ]
        assert refusals == [expected, expected]
    async with world.db.transaction(as_user=b.user.id) as conn:
        # What B may see, B may point at: A's shared deal, B's own goal.
        note = await notifications.create(
            conn, user_id=b.user.id, type="deal", title="t", message="m", deal_id=a.shared_deal.id
        )
        assert note.deal_id == a.shared_deal.id
        message = await chat_messages.create(
            conn, user_id=b.user.id, role="user", content="mine", goal_id=b.goal.id
        )
        assert message.goal_id == b.goal.id
    for goal_id in (a.goal.id, uuid4()):  # nor can B's own message move onto A's goal
        refusal = await _refusal(
            world.db,
            b.user.id,
            lambda conn, g=goal_id: conn.execute(
                "update deals.chat_messages set goal_id = $1 where id = $2", g, message.id
            ),
        )
        assert refusal == (ReferenceViolation, "fk_chat_messages_goal_id")
    async with world.db.transaction(as_user=a.user.id) as conn:
        assert [m.user_id for m in await chat_messages.list_for_goal(conn, goal_id=a.goal.id)] == [a.user.id]
