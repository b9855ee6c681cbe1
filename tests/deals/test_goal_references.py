"""Chat messages, notifications and token transactions point at their goal with the tenant on both
sides (0149-0151), and goals are keyed (id, user_id) (0152): Citus refuses ON DELETE SET NULL on a
key holding the distribution column, so deleting a goal clears those references in
deals.delete_goal (goals.delete) instead of in the keys."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import pytest

from sqlfirst import db
from sqlfirst.db import Connection, connect_one, create_pool
from sqlfirst.deals import chat_messages, goals, notifications, tokens
from sqlfirst.errors import ReferenceViolation, SerializationFailure
from sqlfirst.settings import Settings

from ..migration_helpers import migrated_to_just_before
from .factories import make_goal, make_user

_POINTERS = ("chat_messages", "notifications", "token_transactions")


async def _point_at(conn: Connection, goal_id: uuid.UUID, user_id: uuid.UUID) -> dict[str, uuid.UUID]:
    """One row of each table that points at the goal, written through the API."""
    message = await chat_messages.create(conn, user_id=user_id, role="user", content="hi", goal_id=goal_id)
    note = await notifications.create(
        conn, user_id=user_id, type="goal", title="t", message="m", goal_id=goal_id
    )
    reward = await tokens.reward(conn, user_id=user_id, amount=5, description="bonus", goal_id=goal_id)
    assert reward.transaction_id is not None
    return {
        "chat_messages": message.id,
        "notifications": note.id,
        "token_transactions": reward.transaction_id,
    }


async def _goal_ids(conn: Connection, rows: dict[str, uuid.UUID]) -> dict[str, uuid.UUID | None]:
    return {
        table: await conn.fetchval(f"select goal_id from deals.{table} where id = $1", row_id)
        for table, row_id in rows.items()
    }


async def test_deleting_a_goal_keeps_what_pointed_at_it_pointing_at_no_goal(conn: Connection) -> None:
    goal = await make_goal(conn)
    rows = await _point_at(conn, goal.id, goal.user_id)
    assert await _goal_ids(conn, rows) == dict.fromkeys(_POINTERS, goal.id)
    assert await goals.delete(conn, id=goal.id) == 1
    assert await goals.get(conn, id=goal.id) is None
    assert await _goal_ids(conn, rows) == dict.fromkeys(_POINTERS, None)  # the rows stay, unlinked
    assert await goals.delete(conn, id=goal.id) == 0
    assert await goals.delete(conn, id=uuid.uuid4()) == 0


async def test_a_raw_delete_of_a_goal_something_points_at_is_refused_by_the_key(conn: Connection) -> None:
    for table in _POINTERS:
        goal = await make_goal(conn)
        rows = await _point_at(conn, goal.id, goal.user_id)
        for other in _POINTERS:
            if other != table:
                await conn.execute(f"update deals.{other} set goal_id = null where id = $1", rows[other])
        with pytest.raises(asyncpg.ForeignKeyViolationError) as refused:
            async with conn.transaction():
                await conn.execute("delete from deals.goals where id = $1", goal.id)
        assert refused.value.constraint_name == f"fk_{table}_goal_id"
        assert await goals.delete(conn, id=goal.id) == 1


async def test_nothing_points_at_another_users_goal(conn: Connection) -> None:
    goal = await make_goal(conn)
    stranger = await make_user(conn)
    with pytest.raises(ReferenceViolation) as message:
        async with conn.transaction():
            await chat_messages.create(conn, user_id=stranger.id, role="user", content="x", goal_id=goal.id)
    assert message.value.constraint == "fk_chat_messages_goal_id"
    with pytest.raises(ReferenceViolation) as note:
        async with conn.transaction():
            await notifications.create(
                conn, user_id=stranger.id, type="goal", title="t", message="m", goal_id=goal.id
            )
    assert note.value.constraint == "fk_notifications_goal_id"
    with pytest.raises(ReferenceViolation) as pending:
        async with conn.transaction():
            await tokens.begin(conn, user_id=stranger.id, type="reward", amount=1, goal_id=goal.id)
    assert pending.value.constraint == "fk_token_transactions_goal_id"
    rows = await _point_at(conn, goal.id, goal.user_id)
    # a pending transaction: one that moved a balance is held to its user by its history first
    pending_tx = await tokens.begin(conn, user_id=goal.user_id, type="reward", amount=1, goal_id=goal.id)
    rows["token_transactions"] = pending_tx.id
    for table in _POINTERS:  # nor can a row of the owner's be handed to someone else
        with pytest.raises(asyncpg.ForeignKeyViolationError) as moved:
            async with conn.transaction():
                await conn.execute(
                    f"update deals.{table} set user_id = $2 where id = $1", rows[table], stranger.id
                )
        assert moved.value.constraint_name == f"fk_{table}_goal_id"


async def test_deleting_a_user_takes_its_goals_and_what_points_at_them(conn: Connection) -> None:
    goal = await make_goal(conn)
    await _point_at(conn, goal.id, goal.user_id)
    await conn.execute("delete from deals.users where id = $1", goal.user_id)
    left = await conn.fetchval(
        "select (select count(*) from deals.goals where user_id = $1)"
        " + (select count(*) from deals.chat_messages where user_id = $1)"
        " + (select count(*) from deals.notifications where user_id = $1)"
        " + (select count(*) from deals.token_transactions where user_id = $1)",
        goal.user_id,
    )
    assert left == 0


WRITERS = 16
WRITES = 12


async def test_a_goal_deleted_under_concurrent_writers_leaves_nothing_pointing_at_it(db_url: str) -> None:
    """16 clients keep writing chat messages for one goal while another deletes it: every message
    either landed (and now points at no goal) or was refused by the key, and none points at the
    deleted goal."""
    pool = await create_pool(Settings(database_url=db_url, min_size=2, max_size=WRITERS + 2))
    try:
        async with pool.acquire() as c:
            goal = await make_goal(c)
        started = asyncio.Event()
        refusals: list[str | None] = []

        async def writer() -> list[bool]:
            landed = []
            for k in range(WRITES):
                if k == 2:
                    started.set()
                try:
                    await chat_messages.create(
                        pool, user_id=goal.user_id, role="user", content=f"m{k}", goal_id=goal.id
                    )
                    landed.append(True)
                except ReferenceViolation as refused:
                    landed.append(False)
                    refusals.append(refused.constraint)
            return landed

        async def deleter() -> int:
            await started.wait()
            return await goals.delete(pool, id=goal.id)

        *written, deleted = await asyncio.gather(*(writer() for _ in range(WRITERS)), deleter())
        assert deleted == 1
        assert set(refusals) <= {"fk_chat_messages_goal_id"}
        async with pool.acquire() as c:
            still = await c.fetchval("select count(*) from deals.chat_messages where goal_id = $1", goal.id)
            kept = await c.fetchval(
                "select count(*) from deals.chat_messages where user_id = $1 and goal_id is null",
                goal.user_id,
            )
        assert still == 0
        assert kept == sum(sum(w) for w in written)
        assert kept > 0  # some landed before the delete (the deleter starts after the first two)
    finally:
        await pool.close()


async def test_under_repeatable_read_a_reference_written_after_the_snapshot_makes_the_delete_retryable(
    db_url: str,
) -> None:
    """A message committed after a REPEATABLE READ transaction took its snapshot is invisible to the
    unlinking updates, and the key then refuses the delete: a serialization failure (retryable), not
    a ReferenceViolation; run_in_transaction runs it again in a new snapshot, which unlinks it."""
    database = await db.connect(Settings(database_url=db_url, min_size=1, max_size=3))
    try:
        async with database.pool.acquire() as c:
            goal = await make_goal(c)
        attempts = 0
        late: list[uuid.UUID] = []

        async def delete(conn: Connection) -> int:
            nonlocal attempts
            attempts += 1
            if attempts == 1:
                await conn.fetchval("select 1")  # the snapshot
                message = await chat_messages.create(
                    database.pool, user_id=goal.user_id, role="user", content="late", goal_id=goal.id
                )
                late.append(message.id)
            return await goals.delete(conn, id=goal.id)

        with pytest.raises(SerializationFailure):
            await database.run_in_transaction(delete, isolation="repeatable_read", attempts=1)
        attempts = 0
        late.clear()
        assert await database.run_in_transaction(delete, isolation="repeatable_read") == 1
        assert attempts == 2  # the first run failed as above; the second saw the late message
        async with database.pool.acquire() as c:
            unlinked = await c.fetchval(
                "select goal_id is null from deals.chat_messages where id = $1", late[0]
            )
            assert await goals.get(c, id=goal.id) is None
        assert unlinked is True
    finally:
        await database.close()


async def test_the_validation_stops_on_a_row_pointing_at_another_users_goal_and_changes_nothing(
    empty_db_url: str,
) -> None:
    migrator = migrated_to_just_before(empty_db_url, "0149_deals_goal_references_tenant_keys")
    conn = await connect_one(empty_db_url)
    try:
        goal = await make_goal(conn)
        stranger = await make_user(conn)
        # written by a role that bypasses row-level security (the id-only key let it through)
        stray = await chat_messages.create(
            conn, user_id=stranger.id, role="user", content="x", goal_id=goal.id
        )
    finally:
        await conn.close()
    with pytest.raises(Exception, match="point at a goal of another user") as stopped:
        migrator.up()
    assert "deals.chat_messages" in str(stopped.value)
    conn = await connect_one(empty_db_url)
    try:
        assert (
            await conn.fetchval("select goal_id from deals.chat_messages where id = $1", stray.id) == goal.id
        )
        await conn.execute("update deals.chat_messages set goal_id = null where id = $1", stray.id)
    finally:
        await conn.close()
    migrator.up()
    conn = await connect_one(empty_db_url)
    try:
        validated = await conn.fetchval(
            "select convalidated from pg_constraint where conname = 'fk_chat_messages_goal_id'"
        )
    finally:
        await conn.close()
    assert validated is True


async def test_the_migrations_key_goals_and_their_references_with_the_tenant(empty_db_url: str) -> None:
    migrator = migrated_to_just_before(empty_db_url, "0149_deals_goal_references_tenant_keys")
    conn = await connect_one(empty_db_url)
    try:
        goal = await make_goal(conn)
        rows = await _point_at(conn, goal.id, goal.user_id)
    finally:
        await conn.close()
    migrator.up()
    conn = await connect_one(empty_db_url)
    try:
        keys = {
            r["conname"]: (r["def"], r["convalidated"])
            for r in await conn.fetch(
                "select conname, pg_get_constraintdef(oid) as def, convalidated from pg_constraint"
                " where conname in ('pk_goals', 'fk_chat_messages_goal_id', 'fk_notifications_goal_id',"
                " 'fk_token_transactions_goal_id')"
            )
        }
        assert await goals.delete(conn, id=goal.id) == 1
        unlinked = await _goal_ids(conn, rows)
    finally:
        await conn.close()
    reference = "FOREIGN KEY (goal_id, user_id) REFERENCES deals.goals(id, user_id)"
    assert keys == {
        "pk_goals": ("PRIMARY KEY (id, user_id)", True),
        "fk_chat_messages_goal_id": (reference, True),
        "fk_notifications_goal_id": (reference, True),
        "fk_token_transactions_goal_id": (reference, True),
    }
    assert unlinked == dict.fromkeys(_POINTERS, None)
