"""Every deal's id, its user and whether it is shared, in deals.deal_ids (migrations 0210-0213, issue
16): kept by triggers on deals, read by the app for its own and the shared deals only, and what a
notification's deal points at. A notification may point at its user's own deal or at a shared one,
whoever writes it (the trigger that replaced the policy's EXISTS holds the owner too); an unknown
deal fails as a hidden one under row-level security and by fk_notifications_deal_id for the roles it
does not bind, and a deal's delete leaves its notifications without it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from uuid import UUID, uuid4

import asyncpg
import pytest

import sqlfirst
from sqlfirst.db import Connection, Database, Executor, connect_one
from sqlfirst.deals import deals, markets, notifications, users
from sqlfirst.deals.models import Deal, Notification, User
from sqlfirst.errors import PermissionDenied, ReferenceViolation
from sqlfirst.settings import Settings

from ..migration_helpers import migrated_to_just_before
from .factories import make_deal, make_goal, make_market, make_user

PASSWORD = "correct horse battery"

# deal_ids against deals, both ways: a deal without its entry, or an entry without its deal.
DIFFERENCES = """
select count(*) from (
    (select id, user_id, source::text not in ('manual', 'user') from deals.deals
     except select id, user_id, shared from deals.deal_ids)
    union all
    (select id, user_id, shared from deals.deal_ids
     except select id, user_id, source::text not in ('manual', 'user') from deals.deals)
) as d
"""
RAW_NOTE = (
    "insert into deals.notifications (user_id, type, title, message, deal_id)"
    " values ($1, 'deal', 'Look', 'a deal', $2)"
)


async def _entries(conn: Connection) -> set[tuple[UUID, UUID, bool]]:
    return {(r[0], r[1], r[2]) for r in await conn.fetch("select id, user_id, shared from deals.deal_ids")}


async def _notify(conn: Executor, user: User, deal_id: UUID) -> Notification:
    return await notifications.create(
        conn, user_id=user.id, type="deal", title="Look", message="a deal", deal_id=deal_id
    )


async def test_deal_ids_follows_inserts_deletes_rekeys_and_truncate_of_deals(conn: Connection) -> None:
    alice, bob = await make_user(conn), await make_user(conn)
    market = await make_market(conn)
    alices_goal, bobs_goal = await make_goal(conn, alice), await make_goal(conn, bob)
    shared = await make_deal(conn, alices_goal, market, source="amazon")
    private = await make_deal(conn, alices_goal, market, source="manual")
    bobs = await make_deal(conn, bobs_goal, market, source="user")
    assert await _entries(conn) == {
        (shared.id, alice.id, True),
        (private.id, alice.id, False),
        (bobs.id, bob.id, False),
    }
    # The owner re-keys a deal (its price points hold the old key, so they go first).
    await conn.execute("delete from deals.price_tracking where deal_id = $1", private.id)
    rekeyed = uuid4()
    await conn.execute("update deals.deals set id = $2 where id = $1", private.id, rekeyed)
    assert (rekeyed, alice.id, False) in await _entries(conn)
    assert await conn.fetchval(DIFFERENCES) == 0
    # A deal a notification points at keeps its key: the entry moves in place, so the
    # notification's key refuses the re-key by name instead of being set null.
    noted = await _notify(conn, alice, rekeyed)
    await conn.execute("delete from deals.price_tracking where deal_id = $1", rekeyed)
    with pytest.raises(asyncpg.ForeignKeyViolationError) as kept:
        async with conn.transaction():
            await conn.execute("update deals.deals set id = $2 where id = $1", rekeyed, uuid4())
    assert kept.value.constraint_name == "fk_notifications_deal_id"
    assert await conn.fetchval("select deal_id from deals.notifications where id = $1", noted.id) == rekeyed
    # Deals are keyed (id, user_id) since 0217: deal_ids keeps an id unique across users.
    with pytest.raises(asyncpg.UniqueViolationError) as caught:
        async with conn.transaction():
            await conn.execute(
                "insert into deals.deals (id, user_id, goal_id, market_id, title, url, current_price,"
                " category, source) select id, $2, $3, market_id, title, url, current_price, category,"
                " source from deals.deals where id = $1",
                shared.id,
                bob.id,
                bobs_goal.id,
            )
    assert caught.value.constraint_name == "pk_deal_ids"
    # The owner moves a deal without a price history to another user's goal: its entry follows.
    moved = await make_deal(conn, alices_goal, market, source="manual")
    await conn.execute("delete from deals.price_tracking where deal_id = $1", moved.id)
    await conn.execute(
        "update deals.deals set goal_id = $2, user_id = $3 where id = $1", moved.id, bobs_goal.id, bob.id
    )
    assert (moved.id, bob.id, False) in await _entries(conn)
    assert await conn.fetchval(DIFFERENCES) == 0
    await conn.execute("delete from deals.deals where id = $1", moved.id)
    # A load with triggers off writes no entry; fill_hash_indexes() writes what it left out (0210).
    await conn.execute("set session_replication_role = replica")
    loaded = await conn.fetchval(
        "insert into deals.deals (user_id, goal_id, market_id, title, url, current_price, category, source)"
        " select user_id, goal_id, market_id, 'loaded', url, current_price, category, source"
        " from deals.deals where id = $1 returning id",
        bobs.id,
    )
    await conn.execute("set session_replication_role = origin")
    assert await conn.fetchval(DIFFERENCES) == 1
    assert await conn.fetchval("select deals.fill_hash_indexes()") == 1
    assert (loaded, bob.id, False) in await _entries(conn)
    assert await conn.fetchval(DIFFERENCES) == 0
    await conn.execute("delete from deals.deals where id = $1", loaded)
    assert await deals.delete(conn, id=shared.id) == 1
    assert await _entries(conn) == {(rekeyed, alice.id, False), (bobs.id, bob.id, False)}
    note = await _notify(conn, bob, bobs.id)
    await conn.execute("truncate deals.deals cascade")
    assert await _entries(conn) == set()
    # The notification stays (its key is to deal_ids now), without its deal.
    assert await conn.fetchval("select deal_id from deals.notifications where id = $1", note.id) is None
    assert await conn.fetchval("select count(*) from deals.notifications where id = $1", note.id) == 1


@dataclass
class Pair:
    db: Database
    url: str
    alice: User
    bob: User
    shared: Deal  # alice's, found on a market
    private: Deal  # alice's, entered by hand
    bobs: Deal  # bob's, entered by hand


@pytest.fixture
async def pair(db_url: str) -> AsyncIterator[Pair]:
    db = await sqlfirst.connect(Settings(database_url=db_url, role="sqlfirst_app", min_size=1, max_size=3))
    try:
        async with db.transaction() as conn:  # sign-up: nobody acts yet
            alice = await users.create(conn, email="alice@example.com", password=PASSWORD)
            bob = await users.create(conn, email="bob@example.com", password=PASSWORD)
        async with db.transaction(as_user=alice.id) as conn:
            goal = await make_goal(conn, alice)
            market = await markets.create(conn, name="Amazon", type="amazon", base_url="https://a.example")
            shared = await make_deal(conn, goal, market, title="found", source="amazon")
            private = await make_deal(conn, goal, market, title="by hand", source="manual")
        async with db.transaction(as_user=bob.id) as conn:
            bobs = await make_deal(conn, await make_goal(conn, bob), market, title="mine", source="manual")
        yield Pair(db, db_url, alice, bob, shared, private, bobs)
    finally:
        await db.close()


async def test_the_app_reads_its_own_and_the_shared_deal_ids_and_writes_none(pair: Pair) -> None:
    async def seen_by(user: User) -> set[UUID]:
        async with pair.db.transaction(as_user=user.id) as conn:
            return {r[0] for r in await conn.fetch("select id from deals.deal_ids")}

    assert await seen_by(pair.alice) == {pair.shared.id, pair.private.id}
    assert await seen_by(pair.bob) == {pair.shared.id, pair.bobs.id}
    with pytest.raises(PermissionDenied):
        async with pair.db.transaction(as_user=pair.bob.id) as conn:
            await conn.execute(
                "insert into deals.deal_ids (id, user_id, shared) values ($1, $2, true)", uuid4(), pair.bob.id
            )
    async with pair.db.transaction(as_user=pair.alice.id) as conn:
        assert await conn.execute("update deals.deal_ids set shared = true, user_id = $1", pair.bob.id) == (
            "UPDATE 0"
        )
        assert await conn.execute("delete from deals.deal_ids") == "DELETE 0"
    owner = await connect_one(pair.url)
    try:
        assert await owner.fetchval("select count(*) from deals.deal_ids") == 3
        assert await owner.fetchval(DIFFERENCES) == 0
    finally:
        await owner.close()


async def test_a_notification_points_at_its_users_deal_or_a_shared_one_whoever_writes_it(pair: Pair) -> None:
    db, alice, bob = pair.db, pair.alice, pair.bob
    async with db.transaction(as_user=bob.id) as conn:
        own = await _notify(conn, bob, pair.bobs.id)
        on_shared = await _notify(conn, bob, pair.shared.id)
    assert (own.deal_id, on_shared.deal_id) == (pair.bobs.id, pair.shared.id)
    with pytest.raises(PermissionDenied) as refused:
        async with db.transaction(as_user=bob.id) as conn:
            await _notify(conn, bob, pair.private.id)
    assert refused.value.sqlstate == "42501"
    with pytest.raises(PermissionDenied):
        async with db.transaction(as_user=bob.id) as conn:
            await conn.execute(
                "update deals.notifications set deal_id = $1 where id = $2", pair.private.id, own.id
            )
    # Under row-level security a deal no one has fails as a hidden one does: trying teaches nothing.
    with pytest.raises(PermissionDenied) as unknown:
        async with db.transaction(as_user=bob.id) as conn:
            await _notify(conn, bob, uuid4())
    assert unknown.value.sqlstate == "42501"
    # The table's owner, whom row-level security never bound, is held as well.
    owner = await connect_one(pair.url)
    try:
        await owner.execute("set role sqlfirst_owner")
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await owner.execute(RAW_NOTE, bob.id, pair.private.id)
        alices = await owner.fetchval(f"{RAW_NOTE} returning id", alice.id, pair.private.id)
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await owner.execute("update deals.notifications set user_id = $1 where id = $2", bob.id, alices)
        with pytest.raises(asyncpg.ForeignKeyViolationError) as raw_unknown:
            await owner.execute(RAW_NOTE, bob.id, uuid4())
        assert raw_unknown.value.constraint_name == "fk_notifications_deal_id"
        # The worker, trusted across tenants, is held too.
        await owner.execute("reset role")
        await owner.execute("set role sqlfirst_worker")
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await owner.execute(RAW_NOTE, bob.id, pair.private.id)
        assert await owner.fetchval(f"{RAW_NOTE} returning deal_id", bob.id, pair.shared.id) == pair.shared.id
    finally:
        await owner.close()


async def _pointers(url: str) -> dict[UUID, UUID | None]:
    owner = await connect_one(url)
    try:
        return {r[0]: r[1] for r in await owner.fetch("select id, deal_id from deals.notifications")}
    finally:
        await owner.close()


async def test_a_deleted_deal_leaves_every_notification_of_it_without_it(pair: Pair) -> None:
    async with pair.db.transaction(as_user=pair.bob.id) as conn:
        bobs_note = await _notify(conn, pair.bob, pair.shared.id)
    async with pair.db.transaction(as_user=pair.alice.id) as conn:
        alices_note = await _notify(conn, pair.alice, pair.shared.id)
        kept = await _notify(conn, pair.alice, pair.private.id)
    async with pair.db.transaction(as_user=pair.alice.id) as conn:
        assert await deals.delete(conn, id=pair.shared.id) == 1
    assert await _pointers(pair.url) == {bobs_note.id: None, alices_note.id: None, kept.id: pair.private.id}
    owner = await connect_one(pair.url)
    try:
        assert await owner.fetchval("select count(*) from deals.deal_ids where id = $1", pair.shared.id) == 0
    finally:
        await owner.close()


async def _until_one_waits_for_a_lock(monitor: asyncpg.Connection[asyncpg.Record]) -> None:
    for _ in range(1000):
        if await monitor.fetchval(
            "select count(*) from pg_stat_activity"
            " where datname = current_database() and wait_event_type = 'Lock'"
        ):
            return
        await asyncio.sleep(0.01)
    raise AssertionError("no session ever waited for a lock")


async def test_a_notification_and_its_deals_delete_racing_leave_no_pointer_to_a_missing_deal(
    pair: Pair,
) -> None:
    db, alice, bob = pair.db, pair.alice, pair.bob

    async def delete(deal_id: UUID) -> int:
        async with db.transaction(as_user=alice.id) as conn:
            deleted: int = await deals.delete(conn, id=deal_id)
            return deleted

    async def notify(deal_id: UUID) -> Notification:
        async with db.transaction(as_user=bob.id) as conn:
            return await _notify(conn, bob, deal_id)

    monitor = await connect_one(pair.url)
    try:
        # The notification first: the delete waits for its commit, then clears its pointer.
        async with db.transaction(as_user=bob.id) as writer:
            first = await _notify(writer, bob, pair.shared.id)
            deleting = asyncio.create_task(delete(pair.shared.id))
            await _until_one_waits_for_a_lock(monitor)
        assert await asyncio.wait_for(deleting, 30) == 1
        # The delete first: the notification waits for its commit, then is refused by the key.
        async with db.transaction(as_user=alice.id) as conn:
            again = await make_deal(conn, await make_goal(conn, alice), title="soon gone", source="ebay")
        async with db.transaction(as_user=alice.id) as deleter:
            assert await deals.delete(deleter, id=again.id) == 1
            notifying = asyncio.create_task(notify(again.id))
            await _until_one_waits_for_a_lock(monitor)
        with pytest.raises(ReferenceViolation) as refused:
            await asyncio.wait_for(notifying, 30)
        assert refused.value.constraint == "fk_notifications_deal_id"
        assert (
            await monitor.fetchval(
                "select count(*) from deals.notifications as n"
                " where n.deal_id is not null"
                " and not exists (select from deals.deals as d where d.id = n.deal_id)"
            )
            == 0
        )
        assert (
            await monitor.fetchval("select deal_id from deals.notifications where id = $1", first.id) is None
        )
        assert await monitor.fetchval(DIFFERENCES) == 0
    finally:
        await monitor.close()


async def test_deals_and_notifications_written_before_0210_keep_their_deal(empty_db_url: str) -> None:
    migrator = migrated_to_just_before(empty_db_url, "0210_deals_deal_ids")
    conn = await connect_one(empty_db_url)
    try:
        async with conn.transaction():
            alice = await make_user(conn)
            bob = await make_user(conn)
            await conn.execute("select set_config('sqlfirst.user_id', $1, true)", str(alice.id))
            goal = await make_goal(conn, alice)
            market = await make_market(conn)
            shared = await make_deal(conn, goal, market, source="amazon")
            private = await make_deal(conn, goal, market, source="manual")
            on_shared = await _notify(conn, bob, shared.id)  # another user's shared deal
            own = await _notify(conn, alice, private.id)
        migrator.up()
        assert await _entries(conn) == {(shared.id, alice.id, True), (private.id, alice.id, False)}
        assert await _pointers(empty_db_url) == {on_shared.id: shared.id, own.id: private.id}
        validated = await conn.fetchval(
            "select convalidated and confrelid = 'deals.deal_ids'::regclass from pg_constraint"
            " where conname = 'fk_notifications_deal_id'"
        )
        assert validated is True
    finally:
        await conn.close()
