"""An order and its items carry their customer, and both are keyed with it (migrations 0195-0205,
issue 16: Citus distributes them by customer_id, co-located).

The customer is the order's user, or for a guest order (seed 001: no user) the order's own id; it
stays when the user is deleted (user_id goes null, as the seed says). Items also carry their order's
user, which row-level security reads. place_order writes them; a writer that leaves them out gets
them from a trigger; a wrong one is refused by the check's or the key's name.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID, uuid4

import asyncpg
import pytest

import sqlfirst
from sqlfirst.db import Connection, Database, connect_one
from sqlfirst.devskyy import orders, users
from sqlfirst.devskyy.models import Product
from sqlfirst.errors import PermissionDenied, ReferenceViolation
from sqlfirst.settings import Settings

from ..migration_helpers import migrated_to_just_before
from .factories import make_product, make_user

Items = set[tuple[UUID, UUID | None]]

ITEM = "insert into devskyy.order_items (order_id, product_id, quantity, unit_price)"


async def _customers(conn: Connection, order_id: UUID) -> tuple[UUID | None, Items]:
    """The order's customer, and each of its items' customer and user."""
    order: UUID | None = await conn.fetchval("select customer_id from devskyy.orders where id = $1", order_id)
    rows = await conn.fetch(
        "select customer_id, user_id from devskyy.order_items where order_id = $1", order_id
    )
    return order, {(r[0], r[1]) for r in rows}


async def test_place_order_writes_the_customer_itself_for_a_user_and_a_guest(conn: Connection) -> None:
    user = await make_user(conn)
    ring = await make_product(conn)
    chain = await make_product(conn)
    # With triggers off, nothing but the statement itself can name the customer (under Citus a row
    # reaches its shard by it before any trigger runs).
    await conn.execute("set local session_replication_role = replica")
    mine = await orders.place(conn, user_id=user.id, items=[(ring.id, 1), (chain.id, 2)])
    guest = await orders.place(conn, user_id=None, items=[(ring.id, 1)])
    await conn.execute("set local session_replication_role = origin")
    assert await _customers(conn, mine.id) == (user.id, {(user.id, user.id)})
    assert await _customers(conn, guest.id) == (guest.id, {(guest.id, None)})


async def test_a_writer_that_leaves_the_customer_out_gets_it_from_the_triggers(conn: Connection) -> None:
    user = await make_user(conn)
    ring = await make_product(conn, price=Decimal("5.00"))
    async with conn.transaction():
        ids = await conn.fetch(
            "insert into devskyy.orders (user_id, total_price, subtotal) values ($1, 5, 5), (null, 5, 5)"
            " returning id, user_id",
            user.id,
        )
        for row in ids:
            await conn.execute(f"{ITEM} values ($1, $2, 1, 5)", row["id"], ring.id)
    found = {row["user_id"]: await _customers(conn, row["id"]) for row in ids}
    guest_id = next(row["id"] for row in ids if row["user_id"] is None)
    assert found == {user.id: (user.id, {(user.id, user.id)}), None: (guest_id, {(guest_id, None)})}


async def test_an_item_of_an_unknown_order_is_refused_by_the_keys_name(conn: Connection) -> None:
    ring = await make_product(conn)
    with pytest.raises(asyncpg.ForeignKeyViolationError) as caught:
        async with conn.transaction():
            await conn.execute(f"{ITEM} values ($1, $2, 1, 5)", uuid4(), ring.id)
    assert caught.value.constraint_name == "fk_order_items_order_id"


async def test_a_wrong_customer_or_user_is_refused_by_the_check_or_the_key(conn: Connection) -> None:
    user = await make_user(conn)
    other = await make_user(conn)
    ring = await make_product(conn)
    order = await orders.place(conn, user_id=user.id, items=[(ring.id, 1)])
    refusals: list[tuple[str, tuple[object, ...], type[Exception], str]] = [
        (
            "insert into devskyy.orders (customer_id, user_id, total_price, subtotal) values ($1, $2, 0, 0)",
            (other.id, user.id),
            asyncpg.CheckViolationError,
            "ck_orders_customer_is_user",
        ),
        (
            "update devskyy.orders set user_id = $1 where id = $2",
            (other.id, order.id),
            asyncpg.CheckViolationError,
            "ck_orders_customer_is_user",
        ),
        (
            "update devskyy.order_items set customer_id = $1 where order_id = $2",
            (other.id, order.id),
            asyncpg.CheckViolationError,
            "ck_order_items_user_is_customer",
        ),
        (
            "update devskyy.order_items set customer_id = $1, user_id = $1 where order_id = $2",
            (other.id, order.id),
            asyncpg.ForeignKeyViolationError,
            "fk_order_items_order_id",
        ),
        (
            "update devskyy.order_items set user_id = $1 where order_id = $2",
            (other.id, order.id),
            asyncpg.CheckViolationError,
            "ck_order_items_user_is_customer",
        ),
    ]
    for statement, args, error, name in refusals:
        with pytest.raises(error) as caught:
            async with conn.transaction():
                await conn.execute(statement, *args)
        assert getattr(caught.value, "constraint_name", None) == name, statement


async def test_the_keys_hold_the_customer(conn: Connection) -> None:
    keys = dict(
        await conn.fetch(
            "select conname, pg_get_constraintdef(oid) from pg_constraint"
            " where conrelid in ('devskyy.orders'::regclass, 'devskyy.order_items'::regclass)"
            " and contype in ('p', 'u', 'f')"
            " and conname not in ('fk_order_items_product_id', 'fk_orders_user_id')"
        )
    )
    assert keys == {
        "pk_orders": "PRIMARY KEY (id, customer_id)",
        "uq_orders_order_number": "UNIQUE (order_number, customer_id)",
        "pk_order_items": "PRIMARY KEY (id, customer_id)",
        "uq_order_items_order_id_product_id": "UNIQUE (order_id, product_id, customer_id)",
        "fk_order_items_order_id": (
            "FOREIGN KEY (order_id, customer_id) REFERENCES devskyy.orders(id, customer_id) ON DELETE CASCADE"
        ),
        "fk_order_items_user_id": "FOREIGN KEY (user_id) REFERENCES devskyy.users(id) ON DELETE SET NULL",
    }


@dataclass
class Shop:
    db: Database
    url: str
    ring: Product
    alice: UUID
    bob: UUID


@pytest.fixture
async def shop(db_url: str) -> AsyncIterator[Shop]:
    owner = await sqlfirst.connect(Settings(database_url=db_url, min_size=1, max_size=1))
    try:
        async with owner.transaction() as conn:
            ring = await make_product(conn, inventory_quantity=100)
    finally:
        await owner.close()
    db = await sqlfirst.connect(Settings(database_url=db_url, role="sqlfirst_app", min_size=1, max_size=2))
    try:
        async with db.transaction() as conn:
            alice = await make_user(conn, email="alice@example.com", username="alice")
            bob = await make_user(conn, email="bob@example.com", username="bob")
        yield Shop(db, db_url, ring, alice.id, bob.id)
    finally:
        await db.close()


async def _visible_items(db: Database, acting: UUID, order_id: UUID) -> int:
    async with db.transaction(as_user=acting) as conn:
        return len(await orders.items(conn, order_id=order_id))


async def test_items_are_their_orders_users_and_nobody_elses(shop: Shop) -> None:
    db = shop.db
    async with db.transaction(as_user=shop.alice) as conn:
        order = await orders.place(conn, user_id=shop.alice, items=[(shop.ring.id, 1)])
    async with db.transaction() as conn:
        guest = await orders.place(conn, user_id=None, items=[(shop.ring.id, 1)])
    assert await _visible_items(db, shop.alice, order.id) == 1
    assert await _visible_items(db, shop.bob, order.id) == 0
    # A guest order's customer is its own id; acting as that id shows nothing.
    assert await _visible_items(db, guest.id, guest.id) == 0
    # Bob adding a line to Alice's order: the trigger cannot see her order, the policy refuses.
    with pytest.raises(PermissionDenied):
        async with db.transaction(as_user=shop.bob) as conn:
            await conn.execute(f"{ITEM} values ($1, $2, 1, 1)", order.id, shop.ring.id)
    # Naming himself as the customer and user: the key to the order (Alice's customer) refuses it,
    # as it refuses an unknown order.
    with pytest.raises(ReferenceViolation) as caught:
        async with db.transaction(as_user=shop.bob) as conn:
            await conn.execute(
                "insert into devskyy.order_items"
                " (customer_id, user_id, order_id, product_id, quantity, unit_price)"
                " values ($1, $1, $2, $3, 1, 1)",
                shop.bob,
                order.id,
                shop.ring.id,
            )
    assert caught.value.constraint == "fk_order_items_order_id"
    # Moving a line of her own order into Bob's: the key holds the customer on both sides.
    async with db.transaction(as_user=shop.bob) as conn:
        bobs = await orders.place(conn, user_id=shop.bob, items=[(shop.ring.id, 1)])
    with pytest.raises((ReferenceViolation, PermissionDenied)):
        async with db.transaction(as_user=shop.alice) as conn:
            await conn.execute(
                "update devskyy.order_items set order_id = $1 where order_id = $2", bobs.id, order.id
            )
    assert await _visible_items(db, shop.bob, bobs.id) == 1


async def test_a_deleted_users_items_are_nobodys_and_the_orders_keep_their_customer(shop: Shop) -> None:
    db = shop.db
    async with db.transaction(as_user=shop.alice) as conn:
        order = await orders.place(conn, user_id=shop.alice, items=[(shop.ring.id, 1)])
    owner = await connect_one(shop.url)
    try:
        assert await users.delete(owner, id=shop.alice)
    finally:
        await owner.close()
    # A session still acting as the deleted id sees neither the order nor its items.
    async with db.transaction(as_user=shop.alice) as conn:
        assert await orders.get_by_id(conn, id=order.id) is None
        assert await orders.items(conn, order_id=order.id) == []
    owner = await connect_one(shop.url)
    try:
        kept = await orders.get_by_id(owner, id=order.id)
        assert kept is not None and kept.user_id is None
        assert await _customers(owner, order.id) == (shop.alice, {(shop.alice, None)})
    finally:
        await owner.close()


async def test_the_application_cannot_choose_an_order_id_number_or_item_id(shop: Shop) -> None:
    db = shop.db
    async with db.transaction(as_user=shop.alice) as conn:
        order = await orders.place(conn, user_id=shop.alice, items=[(shop.ring.id, 1)])
    statements: list[tuple[str, tuple[object, ...]]] = [
        (
            "insert into devskyy.orders (id, user_id, total_price, subtotal) values ($1, $2, 0, 0)",
            (uuid4(), shop.alice),
        ),
        (
            "insert into devskyy.orders (order_number, user_id, total_price, subtotal) values ($1, $2, 0, 0)",
            ("ORD-00000001", shop.alice),
        ),
        (
            "insert into devskyy.order_items (id, order_id, product_id, quantity, unit_price)"
            " values ($1, $2, $3, 1, 1)",
            (uuid4(), order.id, shop.ring.id),
        ),
        ("update devskyy.order_items set id = $1 where order_id = $2", (uuid4(), order.id)),
    ]
    for statement, args in statements:
        with pytest.raises(PermissionDenied):
            async with db.transaction(as_user=shop.alice) as conn:
                await conn.execute(statement, *args)


async def test_the_migration_gives_orders_written_before_it_their_customer(empty_db_url: str) -> None:
    migrator = migrated_to_just_before(empty_db_url, "0195_devskyy_order_customer")
    conn = await connect_one(empty_db_url)
    try:
        async with conn.transaction():
            user = await make_user(conn)
            gone = await make_user(conn)
            ring = await make_product(conn, price=Decimal("5.00"))
            # Orders as the code before 0195 wrote them: nothing named a customer.
            made = {}
            for name, owner in (("user", user.id), ("guest", None), ("gone", gone.id)):
                made[name] = await conn.fetchval(
                    "insert into devskyy.orders (user_id, total_price, subtotal)"
                    " values ($1, 5, 5) returning id",
                    owner,
                )
                await conn.execute(f"{ITEM} values ($1, $2, 1, 5)", made[name], ring.id)
        stamped = dict(await conn.fetch("select id, updated_at from devskyy.orders"))
        migrator.up()
        assert await _customers(conn, made["user"]) == (user.id, {(user.id, user.id)})
        assert await _customers(conn, made["guest"]) == (made["guest"], {(made["guest"], None)})
        # The fill left every order's updated_at as it was.
        assert dict(await conn.fetch("select id, updated_at from devskyy.orders")) == stamped
        await conn.execute("delete from devskyy.users where id = $1", gone.id)
        assert await _customers(conn, made["gone"]) == (gone.id, {(gone.id, None)})
        nullable = await conn.fetch(
            "select attrelid::regclass::text, attnotnull from pg_attribute"
            " where attrelid in ('devskyy.orders'::regclass, 'devskyy.order_items'::regclass)"
            " and attname = 'customer_id'"
        )
        assert {r[0]: r[1] for r in nullable} == {"devskyy.orders": True, "devskyy.order_items": True}
    finally:
        await conn.close()


async def test_an_update_before_the_fill_fills_the_row_instead_of_failing_the_checks(
    empty_db_url: str,
) -> None:
    """Between 0195 and 0196 the NOT VALID checks hold for every updated row: an old order's status
    change fills the customer on the way (and is stamped in updated_at)."""
    migrator = migrated_to_just_before(empty_db_url, "0195_devskyy_order_customer")
    conn = await connect_one(empty_db_url)
    try:
        async with conn.transaction():
            user = await make_user(conn)
            ring = await make_product(conn, price=Decimal("5.00"))
            shipped = await conn.fetchval(
                "insert into devskyy.orders (user_id, total_price, subtotal) values ($1, 5, 5) returning id",
                user.id,
            )
            await conn.execute(f"{ITEM} values ($1, $2, 1, 5)", shipped, ring.id)
        migrator.up(target="0195_devskyy_order_customer")  # 0196's fill has not run
        assert await _customers(conn, shipped) == (None, {(None, None)})
        before = await conn.fetchval("select updated_at from devskyy.orders where id = $1", shipped)
        await conn.execute("update devskyy.orders set status = 'processing' where id = $1", shipped)
        # A real change is stamped, although the trigger filled the customer on the way.
        assert await conn.fetchval("select updated_at from devskyy.orders where id = $1", shipped) > before
        await conn.execute("update devskyy.order_items set quantity = quantity where order_id = $1", shipped)
        assert await _customers(conn, shipped) == (user.id, {(user.id, user.id)})
        migrator.up()
    finally:
        await conn.close()


async def test_setting_an_orders_or_an_items_customer_null_is_refused_and_they_keep_it(
    conn: Connection,
) -> None:
    """Since 0208 tg_orders_customer and tg_order_items_customer run before an insert only: NOT NULL
    refuses such an update (before, the triggers quietly set the customer back)."""
    user = await make_user(conn)
    ring = await make_product(conn)
    mine = await orders.place(conn, user_id=user.id, items=[(ring.id, 1)])
    guest = await orders.place(conn, user_id=None, items=[(ring.id, 1)])
    for table in ("orders", "order_items"):
        for order in (mine, guest):
            key = "id" if table == "orders" else "order_id"
            with pytest.raises(asyncpg.NotNullViolationError) as refused:
                async with conn.transaction():
                    await conn.execute(
                        f"update devskyy.{table} set customer_id = null where {key} = $1", order.id
                    )
            assert (refused.value.table_name, refused.value.column_name) == (table, "customer_id")
    assert await _customers(conn, mine.id) == (user.id, {(user.id, user.id)})
    assert await _customers(conn, guest.id) == (guest.id, {(guest.id, None)})
