"""An auth token's hash and an on-chain tx_hash stay unique across users through the hash indexes
auth_token_hashes and transaction_hashes, kept by triggers (0157-0162): the tables' own keys hold
the tenant ((token, user_id), (tx_hash, user_id)), as Citus requires of a table distributed by
user_id, under the names the keys on the hash alone had."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from uuid import UUID

import asyncpg
import pytest

from sqlfirst.db import Connection, connect_one
from sqlfirst.deals import auth_tokens, tokens
from sqlfirst.errors import Conflict

from ..migration_helpers import migrated_to_just_before
from .factories import make_user
from .invariants import DIFFERENCES

HASH = "0x" + "cd" * 32
OTHER_HASH = "0x" + "ef" * 32


async def differences(conn: Connection | asyncpg.Connection[asyncpg.Record]) -> dict[str, int]:
    return {r["index"]: r["differences"] for r in await conn.fetch(DIFFERENCES)}


NONE = {"auth_token_hashes": 0, "transaction_hashes": 0}
ENTRIES = (
    "select (select count(*) from deals.auth_token_hashes) + (select count(*) from deals.transaction_hashes)"
)


async def raw_token(
    conn: Connection,
    user_id: UUID,
    token: str,
    *,
    token_type: str = "access",  # noqa: S107 (a token type, not a secret)
    live: bool = True,
) -> None:
    """An auth token row written as a COPY or an ORM would (its hash as given, not issued)."""
    await conn.execute(
        "insert into deals.auth_tokens (user_id, token, token_type, expires_at)"
        f" values ($1, $2, $3, now() {'+' if live else '-'} interval '1 hour')",
        user_id,
        token,
        token_type,
    )


async def raw_transaction(conn: Connection, user_id: UUID, tx_hash: str) -> None:
    """A pending reward carrying ``tx_hash``, written as a COPY or an ORM would."""
    await conn.execute(
        "insert into deals.token_transactions (user_id, type, amount, status, tx_hash)"
        " values ($1, 'reward', 1, 'pending', $2)",
        user_id,
        tx_hash,
    )


async def test_a_token_hash_is_unique_across_users_and_the_index_follows_every_write(
    conn: Connection,
) -> None:
    alice, bob = await make_user(conn), await make_user(conn)
    issued = await auth_tokens.issue(
        conn, user_id=alice.id, token_type="access", expires_in=timedelta(hours=1)
    )
    stored = auth_tokens.hash_token(issued.raw_token.get_secret_value())
    with pytest.raises(asyncpg.UniqueViolationError) as caught:
        async with conn.transaction():
            await raw_token(conn, bob.id, stored)
    assert caught.value.constraint_name == "pk_auth_token_hashes"  # another user's
    with pytest.raises(asyncpg.UniqueViolationError) as caught:
        async with conn.transaction():
            await raw_token(conn, alice.id, stored, token_type="refresh")
    assert caught.value.constraint_name == "uq_auth_tokens_token"  # the same user's: the table's own key
    token = await auth_tokens.authenticate(conn, raw_token=issued.raw_token.get_secret_value())
    assert token is not None and token.user_id == alice.id
    # Revoking changes no hash; re-hashing, handing over and deleting move the entry with the row.
    await auth_tokens.revoke(conn, id=issued.auth_token.id)
    await conn.execute(
        "update deals.auth_tokens set token = $2 where id = $1", issued.auth_token.id, "1" * 64
    )
    await conn.execute(
        "update deals.auth_tokens set user_id = $2 where id = $1", issued.auth_token.id, bob.id
    )
    assert await differences(conn) == NONE
    await raw_token(conn, alice.id, stored, live=False)  # the old hash is free again, for any user
    assert await auth_tokens.delete_expired(conn, as_of=datetime.now(UTC)) >= 1
    assert await differences(conn) == NONE
    await conn.execute("delete from deals.users where id = $1", bob.id)
    assert (
        await conn.fetchval(
            "select count(*) from deals.auth_token_hashes where user_id = any($1)", [alice.id, bob.id]
        )
        == 0
    )


async def test_a_tx_hash_is_unique_across_users_and_the_index_follows_every_write(conn: Connection) -> None:
    alice, bob = await make_user(conn), await make_user(conn)
    await tokens.reward(conn, user_id=bob.id, amount=5, description="to spend")
    first = await tokens.begin(conn, user_id=alice.id, type="reward", amount=1, tx_hash=HASH)
    with pytest.raises(Conflict) as caught:
        async with conn.transaction():
            await tokens.begin(conn, user_id=bob.id, type="deduction", amount=1, tx_hash=HASH)
    assert caught.value.constraint == "pk_transaction_hashes"  # another user's
    with pytest.raises(Conflict) as caught:
        async with conn.transaction():
            await tokens.begin(conn, user_id=alice.id, type="reward", amount=1, tx_hash=HASH)
    assert caught.value.constraint == "uq_token_transactions_tx_hash"  # the same user's: the table's own key
    pending = await tokens.begin(conn, user_id=bob.id, type="deduction", amount=1)  # no hash, no entry
    assert (
        await conn.fetchval("select count(*) from deals.transaction_hashes where user_id = $1", bob.id) == 0
    )
    with pytest.raises(Conflict) as caught:
        async with conn.transaction():
            await tokens.set_transaction_hash(conn, id=pending.id, tx_hash=HASH)
    assert caught.value.constraint == "pk_transaction_hashes"
    with pytest.raises(Conflict) as caught:
        async with conn.transaction():
            await tokens.complete(conn, id=pending.id, tx_hash=HASH)
    assert caught.value.constraint == "pk_transaction_hashes"
    await tokens.complete(conn, id=pending.id, tx_hash=OTHER_HASH)
    await tokens.complete(conn, id=first.id)  # records no hash: alice's stays
    found = await tokens.get_by_hash(conn, tx_hash=HASH)
    assert found is not None and (found.id, found.status) == (first.id, "completed")
    assert await differences(conn) == NONE
    # Clearing or moving a hash frees it; a deleted transaction frees its hash.
    await conn.execute("update deals.token_transactions set tx_hash = null where id = $1", first.id)
    moved = await tokens.set_transaction_hash(conn, id=pending.id, tx_hash=HASH)
    assert moved is not None and moved.tx_hash == HASH
    assert await differences(conn) == NONE
    spare = await tokens.begin(conn, user_id=alice.id, type="reward", amount=1, tx_hash=OTHER_HASH)
    await conn.execute("delete from deals.token_transactions where id = $1", spare.id)
    assert await differences(conn) == NONE
    assert (
        await conn.fetchval(
            "select tx_hash from deals.transaction_hashes where transaction_id = $1", pending.id
        )
        == HASH
    )


async def test_a_write_that_skips_the_triggers_still_meets_the_tables_own_keys(conn: Connection) -> None:
    # A restore with triggers disabled or a replica's apply skips the hash indexes: the table's own
    # keys still hold a hash to one row of its user.
    user = await make_user(conn)
    await tokens.begin(conn, user_id=user.id, type="reward", amount=1, tx_hash=HASH)
    await conn.execute("set local session_replication_role = replica")
    with pytest.raises(asyncpg.UniqueViolationError) as caught:
        async with conn.transaction():
            await raw_transaction(conn, user.id, HASH)
    assert caught.value.constraint_name == "uq_token_transactions_tx_hash"
    # The triggers did not fire (what such a write leaves for a sweep): a fresh hash got no entry.
    await raw_transaction(conn, user.id, OTHER_HASH)
    assert (
        await conn.fetchval("select count(*) from deals.transaction_hashes where tx_hash = $1", OTHER_HASH)
        == 0
    )
    # deals.fill_hash_indexes() (0169) writes what such a load left out, once; only the owner runs it.
    await conn.execute("set local session_replication_role = origin")
    assert await conn.fetchval("select deals.fill_hash_indexes()") == 1
    assert await conn.fetchval("select deals.fill_hash_indexes()") == 0
    assert await differences(conn) == NONE
    for role in ("sqlfirst_app", "sqlfirst_worker", "sqlfirst_readonly"):
        assert not await conn.fetchval(
            "select has_function_privilege($1, 'deals.fill_hash_indexes()', 'execute')", role
        ), role


async def test_truncating_the_tables_empties_their_hash_indexes(conn: Connection) -> None:
    user = await make_user(conn)
    issued = await auth_tokens.issue(
        conn, user_id=user.id, token_type="access", expires_in=timedelta(hours=1)
    )
    await tokens.begin(conn, user_id=user.id, type="reward", amount=1, tx_hash=HASH)
    await conn.execute("truncate deals.auth_tokens, deals.token_balance_history, deals.token_transactions")
    assert await conn.fetchval(ENTRIES) == 0
    await tokens.begin(conn, user_id=user.id, type="reward", amount=1, tx_hash=HASH)  # free again
    await raw_token(conn, user.id, auth_tokens.hash_token(issued.raw_token.get_secret_value()))
    assert await differences(conn) == NONE


async def test_concurrent_writers_of_one_tx_hash_leave_it_to_one(pool: asyncpg.Pool[asyncpg.Record]) -> None:
    async with pool.acquire() as conn:
        users = [await make_user(conn) for _ in range(16)]
        pending = {
            u.id: (await tokens.begin(conn, user_id=u.id, type="reward", amount=1)).id for u in users[8:]
        }

    async def write(user_id: UUID) -> bool:
        async with pool.acquire() as conn:
            try:
                if user_id in pending:  # half record it on a pending transaction, half begin with it
                    await tokens.set_transaction_hash(conn, id=pending[user_id], tx_hash=HASH)
                else:
                    await tokens.begin(conn, user_id=user_id, type="reward", amount=1, tx_hash=HASH)
            except Conflict:
                return False
            return True

    won = await asyncio.gather(*(write(u.id) for u in users))
    assert won.count(True) == 1
    async with pool.acquire() as conn:
        holders = await conn.fetch("select user_id from deals.token_transactions where tx_hash = $1", HASH)
        assert [r["user_id"] for r in holders] == [users[won.index(True)].id]
        assert await differences(conn) == NONE


async def test_the_migrations_index_the_hashes_and_move_the_keys(empty_db_url: str) -> None:
    migrator = migrated_to_just_before(empty_db_url, "0157_deals_hash_indexes")
    conn = await connect_one(empty_db_url)
    try:
        user = await make_user(conn)
        await auth_tokens.issue(conn, user_id=user.id, token_type="access", expires_in=timedelta(hours=1))
        await auth_tokens.issue(conn, user_id=user.id, token_type="refresh", expires_in=timedelta(days=1))
        await tokens.begin(conn, user_id=user.id, type="reward", amount=1, tx_hash=HASH)
        await tokens.begin(conn, user_id=user.id, type="reward", amount=1)
    finally:
        await conn.close()
    migrator.up()
    conn = await connect_one(empty_db_url)
    try:
        found = await differences(conn)
        entries = await conn.fetchval(ENTRIES)
        keys = {
            r["name"]: r["def"]
            for r in await conn.fetch(
                "select c.relname as name, pg_get_indexdef(c.oid) as def from pg_index as i"
                " join pg_class as c on c.oid = i.indexrelid"
                " where i.indrelid in ('deals.auth_tokens'::regclass, 'deals.token_transactions'::regclass)"
                " and i.indisunique and not i.indisprimary"
            )
        }
    finally:
        await conn.close()
    assert found == NONE
    assert entries == 3
    assert keys == {
        "uq_auth_tokens_token": (
            "CREATE UNIQUE INDEX uq_auth_tokens_token ON deals.auth_tokens USING btree (token, user_id)"
        ),
        "uq_token_transactions_tx_hash": (
            "CREATE UNIQUE INDEX uq_token_transactions_tx_hash"
            " ON deals.token_transactions USING btree (tx_hash, user_id)"
        ),
    }
