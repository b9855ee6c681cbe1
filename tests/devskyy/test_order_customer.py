"""An order and its items carry their customer, and both are keyed with it (migrations 0195-0204,
issue 16: Citus distributes them by customer_id, co-located).

The customer is the order's user, or for a guest order (seed 001: no user) the order's own id; it
stays when the user is deleted (user_id goes null, as the seed says). place_order writes it; a writer
that leaves it out gets it from a trigger; a wrong one is refused by the check's or the key's name.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
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


async def _customers(conn: Connection, order_id: UUID) -> tuple[UUID | None, set[UUID]]:
    order: UUID | None = await conn.fetchval("select customer_id from devskyy.orders where id = $1", order_id)
    items = {
        r[0]
        for r in await conn.fetch("select customer_id from devskyy.order_items where order_id = $1", order_id)
    }
    return order, items


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
    assert await _customers(conn, mine.id) == (user.id, {user.id})
    assert await _customers(conn, guest.id) == (guest.id, {guest.id})


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
            await conn.execute(
                "insert into devskyy.order_items (order_id, product_id, quantity, unit_price)"
                " values ($1, $2, 1, 5)",
                row["id"],
                ring.id,
            )
    found = {row["user_id"]: await _customers(conn, row["id"]) for row in ids}
    guest_id = next(row["id"] for row in ids if row["user_id"] is None)
    assert found == {user.id: (user.id, {user.id}), None: (guest_id, {guest_id})}


async def test_an_item_of_an_unknown_order_is_refused_by_the_keys_name(conn: Connection) -> None:
    ring = await make_product(conn)
    with pytest.raises(asyncpg.ForeignKeyViolationError) as caught:
        async with conn.transaction():
            await conn.execute(
                "insert into devskyy.order_items (order_id, product_id, quantity, unit_price)"
                " values ($1, $2, 1, 5)",
                uuid4(),
                ring.id,
            )
    assert caught.value.constraint_name == "fk_order_items_order_id"


async def test_a_wrong_customer_is_refused_by_the_check_or_the_key(conn: Connection) -> None:
    user = await make_user(conn)
    other = await make_user(conn)
    ring = await make_product(conn)
    order = await orders.place(conn, user_id=user.id, items=[(ring.id, 1)])
    with pytest.raises(asyncpg.CheckViolationError) as checked:
        async with conn.transaction():
            await conn.execute(
                "insert into devskyy.orders (customer_id, user_id, total_price, subtotal)"
                " values ($1, $2, 0, 0)",
                other.id,
                user.id,
            )
    assert checked.value.constraint_name == "ck_orders_customer_is_user"
    with pytest.raises(asyncpg.CheckViolationError) as checked:
        async with conn.transaction():
            await conn.execute("update devskyy.orders set user_id = $1 where id = $2", other.id, order.id)
    assert checked.value.constraint_name == "ck_orders_customer_is_user"
    with pytest.raises(asyncpg.ForeignKeyViolationError) as caught:
        async with conn.transaction():
            await conn.execute(
                "update devskyy.order_items set customer_id = $1 where order_id = $2", other.id, order.id
            )
    assert caught.value.constraint_name == "fk_order_items_order_id"


async def test_a_deleted_users_orders_keep_their_customer_and_their_items(conn: Connection) -> None:
    user = await make_user(conn)
    ring = await make_product(conn)
    order = await orders.place(conn, user_id=user.id, items=[(ring.id, 1)])
    assert await users.delete(conn, id=user.id)
    kept = await orders.get_by_id(conn, id=order.id)
    assert kept is not None and kept.user_id is None
    assert await _customers(conn, order.id) == (user.id, {user.id})
    assert len(await orders.items(conn, order_id=order.id)) == 1


async def test_the_keys_hold_the_customer(conn: Connection) -> None:
    keys = dict(
        await conn.fetch(
            "select conname, pg_get_constraintdef(oid) from pg_constraint"
            " where conrelid in ('devskyy.orders'::regclass, 'devskyy.order_items'::regclass)"
            " and contype in ('p', 'u', 'f') and conname <> 'fk_order_items_product_id'"
            " and conname <> 'fk_orders_user_id'"
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
    }


@pytest.fixture
async def app(db_url: str) -> AsyncIterator[tuple[Database, Product]]:
    owner = await sqlfirst.connect(Settings(database_url=db_url, min_size=1, max_size=1))
    try:
        async with owner.transaction() as conn:
            ring = await make_product(conn, inventory_quantity=100)
    finally:
        await owner.close()
    db = await sqlfirst.connect(Settings(database_url=db_url, role="sqlfirst_app", min_size=1, max_size=2))
    try:
        yield db, ring
    finally:
        await db.close()


async def test_items_are_read_by_their_own_customer_and_refused_on_anothers_order(
    app: tuple[Database, Product],
) -> None:
    db, ring = app
    async with db.transaction() as conn:
        alice = await make_user(conn, email="alice@example.com", username="alice")
        bob = await make_user(conn, email="bob@example.com", username="bob")
    async with db.transaction(as_user=alice.id) as conn:
        order = await orders.place(conn, user_id=alice.id, items=[(ring.id, 1)])
        assert len(await orders.items(conn, order_id=order.id)) == 1
    async with db.transaction(as_user=bob.id) as conn:
        assert await orders.items(conn, order_id=order.id) == []
    # Bob adding a line to Alice's order: the trigger cannot see her order, the policy refuses.
    with pytest.raises(PermissionDenied):
        async with db.transaction(as_user=bob.id) as conn:
            await conn.execute(
                "insert into devskyy.order_items (order_id, product_id, quantity, unit_price)"
                " values ($1, $2, 1, 1)",
                order.id,
                ring.id,
            )
    with pytest.raises((PermissionDenied, ReferenceViolation)):
        async with db.transaction(as_user=bob.id) as conn:
            await conn.execute(
                "insert into devskyy.order_items (customer_id, order_id, product_id, quantity, unit_price)"
                " values ($1, $2, $3, 1, 1)",
                bob.id,
                order.id,
                ring.id,
            )


async def test_the_application_cannot_choose_an_order_id_number_or_item_id(
    app: tuple[Database, Product],
) -> None:
    db, _ring = app
    async with db.transaction() as conn:
        alice = await make_user(conn)
    for statement, args in (
        (
            "insert into devskyy.orders (id, user_id, total_price, subtotal) values ($1, $2, 0, 0)",
            (uuid4(), alice.id),
        ),
        (
            "insert into devskyy.orders (order_number, user_id, total_price, subtotal) values ($1, $2, 0, 0)",
            ("ORD-00000001", alice.id),
        ),
        ("update devskyy.order_items set id = $1 where quantity < $2", (uuid4(), 0)),
    ):
        with pytest.raises(PermissionDenied):
            async with db.transaction(as_user=alice.id) as conn:
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
                await conn.execute(
                    "insert into devskyy.order_items (order_id, product_id, quantity, unit_price)"
                    " values ($1, $2, 1, 5)",
                    made[name],
                    ring.id,
                )
        migrator.up()
        assert await _customers(conn, made["user"]) == (user.id, {user.id})
        assert await _customers(conn, made["guest"]) == (made["guest"], {made["guest"]})
        await conn.execute("delete from devskyy.users where id = $1", gone.id)
        assert await _customers(conn, made["gone"]) == (gone.id, {gone.id})
        nullable = await conn.fetch(
            "select attrelid::regclass::text, attnotnull from pg_attribute"
            " where attrelid in ('devskyy.orders'::regclass, 'devskyy.order_items'::regclass)"
            " and attname = 'customer_id'"
        )
        assert {r[0]: r[1] for r in nullable} == {"devskyy.orders": True, "devskyy.order_items": True}
    finally:
        await conn.close()
