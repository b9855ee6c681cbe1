"""A price point carries its deal's user and whether its deal is shared, and price_tracking is keyed
with the user (migrations 0214-0217, issue 16: Citus distributes it with deals by user_id, and its
policies read the row's own columns instead of the deal through EXISTS).

The deal trigger and every other writer get user_id from the deal (a writer that leaves it out from
tg_price_tracking_user), deal_shared is set from the deal whatever the writer gives, and the key
(deal_id, user_id) -> deals (id, user_id) refuses a point whose user is not its deal's.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import UUID, uuid4

import asyncpg
import pytest

import sqlfirst
from sqlfirst.db import Connection, Database, connect_one
from sqlfirst.deals import deals, markets, price_tracking, users
from sqlfirst.deals.models import Deal, User
from sqlfirst.errors import PermissionDenied, ReferenceViolation
from sqlfirst.settings import Settings

from ..migration_helpers import migrated_to_just_before
from .factories import make_deal, make_goal, make_market, make_user

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
FAR = datetime(2100, 1, 1, tzinfo=UTC)
OWN = "(user_id = core.acting_user())"
RAW_POINT = "insert into deals.price_tracking (deal_id, user_id, price, source) values ($1, $2, 1, 'manual')"

Tally = dict[tuple[UUID, UUID, bool], int]


async def _tally(conn: Connection, *deal_ids: UUID) -> Tally:
    """How many price points each deal has, by the user and the flag they carry."""
    rows = await conn.fetch(
        "select deal_id, user_id, deal_shared, count(*) from deals.price_tracking"
        " where deal_id = any($1::uuid[]) group by 1, 2, 3",
        list(deal_ids),
    )
    return {(r[0], r[1], r[2]): r[3] for r in rows}


async def test_every_writers_price_point_carries_the_deals_user_and_visibility(conn: Connection) -> None:
    alice = await make_user(conn)
    goal, market = await make_goal(conn, alice), await make_market(conn)
    shared = await make_deal(conn, goal, market, source="amazon", current_price=Decimal("100.00"))
    private = await make_deal(conn, goal, market, source="manual", current_price=Decimal("100.00"))
    await deals.update_price(conn, id=shared.id, current_price=Decimal("90.00"))
    await price_tracking.record(conn, deal_id=private.id, price="80.00", source="scraper")
    # The owner forging the flag, naming the user or leaving it out: the trigger decides.
    await conn.execute("set role sqlfirst_owner")
    await conn.execute(
        "insert into deals.price_tracking (deal_id, user_id, price, source, deal_shared)"
        " values ($1, $2, 70, 'manual', true)",
        private.id,
        alice.id,
    )
    await conn.execute(
        "insert into deals.price_tracking (deal_id, price, source, deal_shared)"
        " values ($1, 60, 'manual', true)",
        private.id,
    )
    await conn.execute("update deals.price_tracking set deal_shared = true where deal_id = $1", private.id)
    await conn.execute("reset role")
    assert await _tally(conn, shared.id, private.id) == {
        (shared.id, alice.id, True): 2,
        (private.id, alice.id, False): 4,
    }


async def test_the_keys_hold_the_user_and_a_deals_delete_takes_its_prices(conn: Connection) -> None:
    keys = dict(
        await conn.fetch(
            "select conname, pg_get_constraintdef(oid) from pg_constraint"
            " where conrelid in ('deals.price_tracking'::regclass, 'deals.deals'::regclass)"
            " and conname in ('pk_price_tracking', 'fk_price_tracking_deal_id', 'pk_deals')"
        )
    )
    assert keys == {
        "pk_price_tracking": "PRIMARY KEY (id, tracked_at, user_id)",
        "fk_price_tracking_deal_id": (
            "FOREIGN KEY (deal_id, user_id) REFERENCES deals.deals(id, user_id) ON DELETE CASCADE"
        ),
        "pk_deals": "PRIMARY KEY (id, user_id)",
    }
    partition_keys = await conn.fetch(
        "select distinct pg_get_constraintdef(c.oid) from pg_inherits as i"
        " join pg_constraint as c on c.conrelid = i.inhrelid and c.contype = 'p'"
        " where i.inhparent = 'deals.price_tracking'::regclass"
    )
    assert [r[0] for r in partition_keys] == ["PRIMARY KEY (id, tracked_at, user_id)"]
    chosen = await conn.fetch(
        "select table_name from core.database_chosen_columns"
        " where schema_name = 'deals' and table_name in ('deals', 'price_tracking') and column_name = 'id'"
    )
    assert sorted(r[0] for r in chosen) == ["deals", "price_tracking"]
    for table in ("deals.deals", "deals.price_tracking"):
        for privilege in ("insert", "update"):
            assert not await conn.fetchval(
                "select has_column_privilege('sqlfirst_app', $1, 'id', $2)", table, privilege
            )
    alice, bob = await make_user(conn), await make_user(conn)
    deal = await make_deal(conn, await make_goal(conn, alice))
    with pytest.raises(asyncpg.ForeignKeyViolationError) as wrong_user:
        async with conn.transaction():
            await conn.execute(
                RAW_POINT,
                deal.id,
                bob.id,
            )
    assert wrong_user.value.constraint_name == "fk_price_tracking_deal_id"
    with pytest.raises(ReferenceViolation) as unknown:
        async with conn.transaction():
            await price_tracking.record(conn, deal_id=uuid4(), price="1.00", source="manual")
    assert unknown.value.constraint == "fk_price_tracking_deal_id"
    await price_tracking.record(conn, deal_id=deal.id, price="1.00", source="manual")
    assert await deals.delete(conn, id=deal.id) == 1
    assert await conn.fetchval("select count(*) from deals.price_tracking where deal_id = $1", deal.id) == 0


@dataclass
class Pair:
    db: Database
    alice: User
    bob: User
    shared: Deal  # alice's, found on a market
    private: Deal  # alice's, entered by hand


@pytest.fixture
async def pair(db_url: str) -> AsyncIterator[Pair]:
    db = await sqlfirst.connect(Settings(database_url=db_url, role="sqlfirst_app", min_size=1, max_size=2))
    try:
        async with db.transaction() as conn:  # sign-up: nobody acts yet
            alice = await users.create(conn, email="alice@example.com", password="correct horse battery")
            bob = await users.create(conn, email="bob@example.com", password="correct horse battery")
        async with db.transaction(as_user=alice.id) as conn:
            goal = await make_goal(conn, alice)
            market = await markets.create(conn, name="Amazon", type="amazon", base_url="https://a.example")
            shared = await make_deal(conn, goal, market, title="found", source="amazon")
            private = await make_deal(conn, goal, market, title="by hand", source="manual")
            for deal in (shared, private):
                await price_tracking.record(conn, deal_id=deal.id, price="450.00", source="scraper")
        yield Pair(db, alice, bob, shared, private)
    finally:
        await db.close()


async def test_another_user_reads_a_shared_deals_prices_only_and_writes_none(pair: Pair) -> None:
    db, bob = pair.db, pair.bob

    async def history(user: User, deal: Deal) -> int:
        async with db.transaction(as_user=user.id) as conn:
            return len(await price_tracking.history(conn, deal_id=deal.id, since=EPOCH, until=FAR))

    assert await history(bob, pair.shared) == 2
    assert await history(bob, pair.private) == 0
    assert await history(pair.alice, pair.private) == 2
    for deal in (pair.shared, pair.private):
        with pytest.raises(PermissionDenied):
            async with db.transaction(as_user=bob.id) as conn:
                await price_tracking.record(conn, deal_id=deal.id, price="1.00", source="scraper")
    # Naming himself as the user: the key holds the deal's user on both sides.
    with pytest.raises(ReferenceViolation) as caught:
        async with db.transaction(as_user=bob.id) as conn:
            await conn.execute(
                RAW_POINT,
                pair.shared.id,
                bob.id,
            )
    assert caught.value.constraint == "fk_price_tracking_deal_id"
    with pytest.raises(PermissionDenied):  # the database chooses a price point's id
        async with db.transaction(as_user=pair.alice.id) as conn:
            await conn.execute(
                "insert into deals.price_tracking (id, deal_id, price, source) values ($1, $2, 1, 'manual')",
                uuid4(),
                pair.private.id,
            )
    async with db.transaction(as_user=pair.alice.id) as conn:
        policies = {
            r[0]: (r[1], r[2])
            for r in await conn.fetch(
                "select policyname, qual, with_check from pg_policies"
                " where schemaname = 'deals' and tablename = 'price_tracking'"
            )
        }
    assert policies == {
        "rls_price_tracking_select": (f"({OWN} OR deal_shared)", None),
        "rls_price_tracking_insert": (None, OWN),
        "rls_price_tracking_update": (OWN, OWN),
        "rls_price_tracking_delete": (OWN, None),
    }


def _first_of_next_month(now: datetime) -> datetime:
    return (now.replace(day=1, hour=12, minute=0, second=0, microsecond=0) + timedelta(days=32)).replace(
        day=2
    )


async def test_price_points_written_before_0214_get_their_deals_user_and_visibility(
    empty_db_url: str,
) -> None:
    migrator = migrated_to_just_before(empty_db_url, "0214_deals_price_tracking_user")
    conn = await connect_one(empty_db_url)
    try:
        async with conn.transaction():
            alice = await make_user(conn)
            await conn.execute("select set_config('sqlfirst.user_id', $1, true)", str(alice.id))
            goal, market = await make_goal(conn, alice), await make_market(conn)
            shared = await make_deal(conn, goal, market, source="amazon")  # its first price: this month
            private = await make_deal(conn, goal, market, source="manual")
            for deal in (shared, private):  # next month's partition and the default one
                for when in (_first_of_next_month(datetime.now(UTC)), datetime(1999, 6, 15, tzinfo=UTC)):
                    await conn.execute(
                        "insert into deals.price_tracking (deal_id, price, source, tracked_at)"
                        " values ($1, 10, 'scraper', $2)",
                        deal.id,
                        when,
                    )
        partitions = await conn.fetchval("select count(distinct tableoid) from deals.price_tracking")
        assert partitions == 3
        migrator.up()
        assert await _tally(conn, shared.id, private.id) == {
            (shared.id, alice.id, True): 3,
            (private.id, alice.id, False): 3,
        }
    finally:
        await conn.close()


async def test_a_price_point_given_another_user_before_0217_gets_its_deals(empty_db_url: str) -> None:
    # Between 0214 and 0217 nothing held a price point's user to its deal's: a writer naming another
    # user was accepted. 0217 gives such rows their deal's user (and flag) before its key checks them.
    migrator = migrated_to_just_before(empty_db_url, "0217_deals_tenant_keys")
    conn = await connect_one(empty_db_url)
    try:
        alice, bob = await make_user(conn), await make_user(conn)
        goal, market = await make_goal(conn, alice), await make_market(conn)
        shared = await make_deal(conn, goal, market, source="amazon")
        await conn.execute(RAW_POINT, shared.id, bob.id)
        assert (await _tally(conn, shared.id)).get((shared.id, bob.id, False)) == 1
        migrator.up()
        assert await _tally(conn, shared.id) == {(shared.id, alice.id, True): 2}
    finally:
        await conn.close()
