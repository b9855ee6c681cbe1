"""Token transactions are keyed (id, user_id) and the balance history points at its transaction
with the tenant on both sides (0153-0156): Citus refuses the old key's ON DELETE SET NULL on a key
holding the distribution column, and no operation deletes a transaction (they are the ledger)."""

from __future__ import annotations

import asyncpg
import pytest

from sqlfirst.db import Connection, connect_one
from sqlfirst.deals import tokens

from ..migration_helpers import migrated_to_just_before
from .factories import make_user


async def test_a_history_row_points_at_a_transaction_of_its_own_user(conn: Connection) -> None:
    user = await make_user(conn)
    change = await tokens.reward(conn, user_id=user.id, amount=10, description="bonus")
    history = await conn.fetchrow(
        "select id, user_id, transaction_id from deals.token_balance_history where transaction_id = $1",
        change.transaction_id,
    )
    assert history is not None
    assert history["user_id"] == user.id
    stranger = await make_user(conn)
    with pytest.raises(asyncpg.ForeignKeyViolationError) as moved:
        async with conn.transaction():
            await conn.execute(
                "update deals.token_balance_history set user_id = $2 where id = $1",
                history["id"],
                stranger.id,
            )
    assert moved.value.constraint_name == "fk_token_balance_history_transaction_id"
    with pytest.raises(asyncpg.ForeignKeyViolationError) as planted:
        async with conn.transaction():
            await conn.execute(
                "insert into deals.token_balance_history (user_id, balance_before, balance_after,"
                " change_amount, change_type, transaction_id) values ($1, 0, 1, 1, 'reward', $2)",
                stranger.id,
                change.transaction_id,
            )
    assert planted.value.constraint_name == "fk_token_balance_history_transaction_id"


async def test_a_transaction_that_moved_a_balance_cannot_be_deleted_raw(conn: Connection) -> None:
    user = await make_user(conn)
    change = await tokens.reward(conn, user_id=user.id, amount=10, description="bonus")
    with pytest.raises(asyncpg.ForeignKeyViolationError) as refused:
        async with conn.transaction():
            await conn.execute("delete from deals.token_transactions where id = $1", change.transaction_id)
    assert refused.value.constraint_name == "fk_token_balance_history_transaction_id"
    pending = await tokens.begin(conn, user_id=user.id, type="reward", amount=1)  # no history yet
    assert await conn.execute("delete from deals.token_transactions where id = $1", pending.id) == "DELETE 1"


async def test_deleting_a_user_takes_its_ledger(conn: Connection) -> None:
    user = await make_user(conn)
    await tokens.reward(conn, user_id=user.id, amount=10, description="bonus")
    await tokens.deduct(conn, user_id=user.id, amount=4, description="search")
    await conn.execute("delete from deals.users where id = $1", user.id)
    left = await conn.fetchval(
        "select (select count(*) from deals.token_transactions where user_id = $1)"
        " + (select count(*) from deals.token_balance_history where user_id = $1)",
        user.id,
    )
    assert left == 0


async def test_the_migrations_key_transactions_and_their_history_with_the_tenant(empty_db_url: str) -> None:
    migrator = migrated_to_just_before(empty_db_url, "0153_deals_token_transactions_key_index")
    conn = await connect_one(empty_db_url)
    try:
        user = await make_user(conn)
        change = await tokens.reward(conn, user_id=user.id, amount=10, description="bonus")
    finally:
        await conn.close()
    migrator.up()
    conn = await connect_one(empty_db_url)
    try:
        keys = {
            r["conname"]: (r["def"], r["convalidated"])
            for r in await conn.fetch(
                "select conname, pg_get_constraintdef(oid) as def, convalidated from pg_constraint"
                " where conname in ('pk_token_transactions', 'fk_token_balance_history_transaction_id',"
                " 'fk_token_balance_history_transaction_id_user_id')"
            )
        }
        linked = await conn.fetchval(
            "select count(*) from deals.token_balance_history where transaction_id = $1 and user_id = $2",
            change.transaction_id,
            user.id,
        )
    finally:
        await conn.close()
    assert keys == {
        "pk_token_transactions": ("PRIMARY KEY (id, user_id)", True),
        "fk_token_balance_history_transaction_id": (
            "FOREIGN KEY (transaction_id, user_id) REFERENCES deals.token_transactions(id, user_id)",
            True,
        ),
    }
    assert linked == 1


async def test_the_validation_stops_on_a_history_row_of_another_users_transaction(empty_db_url: str) -> None:
    migrator = migrated_to_just_before(empty_db_url, "0154_deals_balance_history_transaction_key")
    conn = await connect_one(empty_db_url)
    try:
        user = await make_user(conn)
        change = await tokens.reward(conn, user_id=user.id, amount=10, description="bonus")
        stranger = await make_user(conn)
        # written by a role that bypasses row-level security (the id-only key let it through)
        stray = await conn.fetchval(
            "insert into deals.token_balance_history (user_id, balance_before, balance_after,"
            " change_amount, change_type, transaction_id) values ($1, 0, 1, 1, 'reward', $2) returning id",
            stranger.id,
            change.transaction_id,
        )
    finally:
        await conn.close()
    with pytest.raises(Exception, match="name a transaction of another user") as stopped:
        migrator.up()
    assert "deals.token_balance_history" in str(stopped.value)
    conn = await connect_one(empty_db_url)
    try:
        kept = await conn.fetchval(
            "select transaction_id from deals.token_balance_history where id = $1", stray
        )
        await conn.execute(
            "update deals.token_balance_history set transaction_id = null where id = $1", stray
        )
    finally:
        await conn.close()
    assert kept == change.transaction_id  # the stopped migration changed nothing
    migrator.up()
    conn = await connect_one(empty_db_url)
    try:
        validated = await conn.fetchval(
            "select convalidated from pg_constraint where conname = 'fk_token_balance_history_transaction_id'"
        )
    finally:
        await conn.close()
    assert validated is True
