"""Tenant isolation in devskyy, kept by row-level security, as the application role meets it.

Every test connects as ``sqlfirst_app`` (superusers bypass RLS). An admin (made by the superuser:
only an admin gives a role other than customer) puts two products on sale; customers A and B each
place an order.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest

import sqlfirst
from sqlfirst.db import Connection, Database
from sqlfirst.devskyy import orders, products, users
from sqlfirst.devskyy.models import OrderStatus, OrderWithItems, Product, User
from sqlfirst.errors import PermissionDenied
from sqlfirst.settings import Settings

from .factories import make_product, make_user

PASSWORD = "correct horse battery"


@dataclass
class World:
    db: Database
    admin: User
    ring: Product
    chain: Product
    a: User
    b: User
    a_order: OrderWithItems
    b_order: OrderWithItems


async def _customer(db: Database, name: str, product: Product) -> tuple[User, OrderWithItems]:
    async with db.transaction() as conn:  # sign-up: no acting user yet
        user = await make_user(conn, email=f"{name}@example.com", username=name, password=PASSWORD)
    async with db.transaction(as_user=user.id) as conn:
        order = await orders.place(conn, user_id=user.id, items=[(product.id, 2)], metadata={"for": name})
    return user, order


@pytest.fixture
async def world(db_url: str) -> AsyncIterator[World]:
    owner = await sqlfirst.connect(Settings(database_url=db_url, min_size=1, max_size=1))
    try:
        async with owner.transaction() as conn:
            admin = await make_user(conn, role="admin")
    finally:
        await owner.close()
    db = await sqlfirst.connect(Settings(database_url=db_url, role="sqlfirst_app", min_size=1, max_size=1))
    try:
        async with db.transaction(as_user=admin.id) as conn:  # the catalogue is staff's and admins'
            ring = await make_product(conn, name="Ring", inventory_quantity=10)
            chain = await make_product(conn, name="Chain", inventory_quantity=10)
        a, a_order = await _customer(db, "alice", ring)
        b, b_order = await _customer(db, "bob", chain)
        yield World(db, admin, ring, chain, a, b, a_order, b_order)
    finally:
        await db.close()


async def test_b_cannot_read_a_s_orders_through_the_public_api(world: World) -> None:
    a_order = world.a_order
    async with world.db.transaction(as_user=world.b.id) as conn:
        assert await orders.get_by_id(conn, id=a_order.id) is None
        assert await orders.get_by_number(conn, order_number=a_order.order_number) is None
        assert await orders.list_for_user(conn, user_id=world.a.id) == []
        assert await orders.items(conn, order_id=a_order.id) == []
        assert await conn.fetchval("select count(*) from devskyy.orders") == 1  # B's own only
        assert await conn.fetchval("select count(*) from devskyy.order_items") == 1
        # B's own order is there, with its items.
        assert [o.id for o in await orders.list_for_user(conn, user_id=world.b.id)] == [world.b_order.id]
        assert len(await orders.items(conn, order_id=world.b_order.id)) == 1


async def test_b_cannot_change_or_delete_a_s_orders(world: World) -> None:
    a_order = world.a_order
    async with world.db.transaction(as_user=world.b.id) as conn:
        assert await orders.cancel(conn, id=a_order.id) is None
        assert await orders.set_status(conn, id=a_order.id, status="processing") is None
        assert await conn.execute("update devskyy.orders set metadata = '{}' where id = $1", a_order.id) == (
            "UPDATE 0"
        )
        assert (
            await conn.execute("update devskyy.order_items set quantity = quantity") == "UPDATE 1"
        )  # B's own
        assert await conn.execute("delete from devskyy.order_items where order_id = $1", a_order.id) == (
            "DELETE 0"
        )
        assert await conn.execute("delete from devskyy.orders where id = $1", a_order.id) == "DELETE 0"
    with pytest.raises(PermissionDenied):  # an item slipped into A's order
        async with world.db.transaction(as_user=world.b.id) as conn:
            await conn.execute(
                "insert into devskyy.order_items (order_id, product_id, quantity, unit_price)"
                " values ($1, $2, 1, 0)",
                a_order.id,
                world.chain.id,
            )
    with pytest.raises(PermissionDenied):  # an order in A's name, through the API and raw SQL
        async with world.db.transaction(as_user=world.b.id) as conn:
            await orders.place(conn, user_id=world.a.id, items=[(world.ring.id, 1)])
    with pytest.raises(PermissionDenied):
        async with world.db.transaction(as_user=world.b.id) as conn:
            await conn.execute(
                "insert into devskyy.orders (user_id, total_price, subtotal) values ($1, 0, 0)", world.a.id
            )
    async with world.db.transaction(as_user=world.a.id) as conn:
        order = await orders.get_by_id(conn, id=a_order.id)
        assert (
            order is not None and order.status is OrderStatus.PENDING and order.metadata == {"for": "alice"}
        )
        assert [(i.product_id, i.quantity) for i in await orders.items(conn, order_id=a_order.id)] == [
            (world.ring.id, 2)
        ]
        ring = await products.get_by_id(conn, id=world.ring.id)
        assert ring is not None and ring.inventory_quantity == 8


async def test_without_an_acting_user_orders_read_as_empty(world: World) -> None:
    async with world.db.transaction() as conn:
        assert await conn.fetchval("select count(*) from devskyy.orders") == 0
        assert await conn.fetchval("select count(*) from devskyy.order_items") == 0
        assert await orders.list_for_user(conn, user_id=world.a.id) == []
        assert await conn.fetchval("select count(*) from devskyy.products") == 2  # the shared catalogue
    async with world.db.transaction(as_user=world.a.id) as conn:
        assert await conn.fetchval("select count(*) from devskyy.orders") == 1
    async with world.db.transaction() as conn:  # the same (only) pooled connection, after A's transaction
        assert await conn.fetchval("select core.acting_user()") is None
        assert await orders.get_by_id(conn, id=world.a_order.id) is None


async def test_a_guest_order_is_placed_with_nobody_acting_and_is_then_the_worker_s(
    world: World, db_url: str
) -> None:
    async with world.db.transaction() as conn:
        guest = await orders.place(conn, user_id=None, items=[(world.ring.id, 1)])
        assert guest.user_id is None and guest.subtotal == world.ring.price
    async with world.db.transaction() as conn:
        assert await orders.get_by_id(conn, id=guest.id) is None
    with pytest.raises(PermissionDenied):  # a guest order while somebody acts
        async with world.db.transaction(as_user=world.a.id) as conn:
            await orders.place(conn, user_id=None, items=[(world.ring.id, 1)])
    worker = await sqlfirst.connect(
        Settings(database_url=db_url, role="sqlfirst_worker", min_size=1, max_size=1)
    )
    try:
        async with worker.transaction() as conn:
            assert await orders.cancel(conn, id=guest.id) is not None
            assert await conn.fetchval("select count(*) from devskyy.orders") == 3
    finally:
        await worker.close()


async def test_the_acting_customer_places_and_cancels_an_order(world: World) -> None:
    async with world.db.transaction(as_user=world.a.id) as conn:
        order = await orders.place(
            conn, user_id=world.a.id, items=[(world.ring.id, 1), (world.chain.id, 3)], extra_charges="5"
        )
        assert order.user_id == world.a.id
        assert order.subtotal == world.ring.price + 3 * world.chain.price
        assert order.total_price == order.subtotal + Decimal("5")
        chain = await products.get_by_id(conn, id=world.chain.id)
        assert chain is not None and chain.inventory_quantity == 10 - 2 - 3
    async with world.db.transaction(as_user=world.a.id) as conn:
        cancelled = await orders.cancel(conn, id=order.id)
        assert cancelled is not None and cancelled.status is OrderStatus.CANCELLED
        chain = await products.get_by_id(conn, id=world.chain.id)
        assert chain is not None and chain.inventory_quantity == 10 - 2  # the stock came back
        assert len(await orders.list_for_user(conn, user_id=world.a.id)) == 2


async def test_products_are_shared_and_only_staff_change_them(world: World) -> None:
    async with world.db.transaction(as_user=world.b.id) as conn:
        found = await products.search_by_category(conn, category="Jewelry")
        assert {p.id for p in found} == {world.ring.id, world.chain.id}
        assert [p.id for p in await products.search_by_tag(conn, tag="premium")] != []
    # A customer's write to the catalogue, through the API or raw SQL, is refused (0084's guard).
    refused: list[Callable[[Connection], Awaitable[object]]] = [
        lambda conn: make_product(conn, name="Fake"),
        lambda conn: products.archive(conn, id=world.ring.id),
        lambda conn: products.restock(conn, id=world.ring.id, quantity=100),
        lambda conn: conn.execute("update devskyy.products set inventory_quantity = 0"),
        lambda conn: conn.execute("delete from devskyy.products"),
        lambda conn: conn.execute("delete from devskyy.product_facets"),
    ]
    for write in refused:
        for acting in (world.b.id, None):
            with pytest.raises(PermissionDenied):
                async with world.db.transaction(as_user=acting) as conn:
                    await write(conn)
    with pytest.raises(PermissionDenied):  # not even staff write the facets
        async with world.db.transaction(as_user=world.admin.id) as conn:
            await conn.execute("delete from devskyy.product_facets")
    async with world.db.transaction() as conn:
        ring = await products.get_by_id(conn, id=world.ring.id)
        assert ring is not None and ring.inventory_quantity == 8 and ring.status == world.ring.status
    with pytest.raises(PermissionDenied):  # a customer cannot make themselves staff
        async with world.db.transaction(as_user=world.b.id) as conn:
            await conn.execute("update devskyy.users set role = 'staff' where id = $1", world.b.id)
    with pytest.raises(PermissionDenied):  # nor sign up as an admin
        async with world.db.transaction() as conn:
            await make_user(conn, role="admin")
    async with world.db.transaction(as_user=world.admin.id) as conn:
        assert await products.restock(conn, id=world.ring.id, quantity=5) == 8 + 5
        staff = await make_user(conn, role="staff")
    async with world.db.transaction(as_user=staff.id) as conn:
        archived = await products.archive(conn, id=world.chain.id)
        assert archived is not None and archived.status.value == "archived"


async def test_a_user_changes_only_their_own_account(world: World) -> None:
    async with world.db.transaction(as_user=world.b.id) as conn:
        assert not await users.set_active(conn, id=world.a.id, is_active=False)
        assert not await users.delete(conn, id=world.a.id)
        assert await users.record_login(conn, id=world.a.id) is None
        assert await users.record_login(conn, id=world.b.id) is not None
        assert await users.get_by_id(conn, id=world.a.id) is not None  # the registry is readable
    async with world.db.transaction(as_user=world.admin.id) as conn:
        assert await users.mark_verified(conn, id=world.a.id)


@pytest.mark.parametrize(
    "statement",
    [
        "select password_hash from devskyy.users",
        "select * from devskyy.users",
        "select id from devskyy.users where password_hash like '$argon2%'",
    ],
)
async def test_no_query_of_the_app_role_can_read_a_password_hash(world: World, statement: str) -> None:
    with pytest.raises(PermissionDenied):
        async with world.db.transaction(as_user=world.a.id) as conn:
            await conn.fetch(statement)


async def test_login_works_through_the_function(world: World, db_url: str) -> None:
    async with world.db.transaction() as conn:  # logging in needs no acting user
        user = await users.verify(conn, email="Alice@example.com", password=PASSWORD)
        assert user is not None and user.id == world.a.id
        assert await users.verify(conn, email="alice@example.com", password="wrong password") is None
        assert await users.verify(conn, email="nobody@example.com", password=PASSWORD) is None
    with pytest.raises(PermissionDenied):  # only the app and the worker may call it
        readonly = await sqlfirst.connect(
            Settings(database_url=db_url, role="sqlfirst_readonly", min_size=1, max_size=1)
        )
        try:
            async with readonly.transaction() as conn:
                await conn.fetchval("select devskyy.login_password_hash($1)", world.a.id)
        finally:
            await readonly.close()


async def test_a_customer_cannot_place_an_order_in_another_customers_name(world: World) -> None:
    """Through the owner's function directly (0087: only devskyy.place_order, which checks its caller,
    may call it) or through the wrapper by raw SQL."""
    for function in ("devskyy.place_order_as_owner", "devskyy.place_order"):
        with pytest.raises(PermissionDenied):
            async with world.db.transaction(as_user=world.a.id) as conn:
                await conn.fetch(
                    f"select * from {function}($1, array[$2]::uuid[], array[1], 0, '{{}}'::jsonb)",
                    world.b.id,
                    world.ring.id,
                )
    async with world.db.transaction(as_user=world.b.id) as conn:
        assert [o.id for o in await orders.list_for_user(conn, user_id=world.b.id)] == [world.b_order.id]
