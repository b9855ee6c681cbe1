"""devskyy orders: placed atomically against the stock, never oversold under concurrency, totals
kept right by the database, and a lifecycle the database enforces."""

from __future__ import annotations

import asyncio
import re
from decimal import Decimal
from uuid import UUID

import asyncpg
import pytest
from pydantic import ValidationError

from sqlfirst.db import Connection, Database, create_pool
from sqlfirst.devskyy import orders, products
from sqlfirst.devskyy.errors import InvalidTransition, OutOfStock, ProductUnavailable
from sqlfirst.devskyy.models import OrderItem, OrderStatus
from sqlfirst.errors import CheckViolation, ReferenceViolation
from sqlfirst.settings import Settings

from .factories import make_product, make_user


async def stock(conn: Connection | asyncpg.Pool[asyncpg.Record], product_id: UUID) -> int:
    value = await conn.fetchval("select inventory_quantity from devskyy.products where id = $1", product_id)
    assert isinstance(value, int)
    return value


async def test_place_order_takes_stock_prices_items_and_totals(conn: Connection) -> None:
    user = await make_user(conn)
    ring = await make_product(conn, price=Decimal("40.00"), inventory_quantity=5)
    chain = await make_product(conn, price=Decimal("20.00"), inventory_quantity=3)
    order = await orders.place(
        conn,
        user_id=user.id,
        items=[(ring.id, 2), (chain.id, 1)],
        extra_charges=Decimal("15.00"),
        metadata={"shipping_address": {"city": "Paris"}, "payment_method": "stripe"},
    )
    assert order.status is OrderStatus.PENDING
    assert order.subtotal == Decimal("100.00")
    assert order.total_price == Decimal("115.00")
    assert re.fullmatch(r"ORD-[0-9A-F]{8}", order.order_number)
    assert order.metadata == {"shipping_address": {"city": "Paris"}, "payment_method": "stripe"}
    assert sorted(order.items, key=lambda i: i.product_id) == sorted(
        [
            OrderItem(product_id=ring.id, quantity=2, unit_price=Decimal("40.00")),
            OrderItem(product_id=chain.id, quantity=1, unit_price=Decimal("20.00")),
        ],
        key=lambda i: i.product_id,
    )
    assert (await stock(conn, ring.id), await stock(conn, chain.id)) == (3, 2)
    assert await orders.get_by_number(conn, order_number=order.order_number) == await orders.get_by_id(
        conn, id=order.id
    )
    assert sorted(await orders.items(conn, order_id=order.id), key=lambda i: i.product_id) == sorted(
        order.items, key=lambda i: i.product_id
    )


async def test_a_product_listed_twice_is_one_item_with_the_quantities_added(conn: Connection) -> None:
    product = await make_product(conn, inventory_quantity=5)
    order = await orders.place(conn, user_id=None, items=[(product.id, 1), (product.id, 2)])
    assert [(i.product_id, i.quantity) for i in order.items] == [(product.id, 3)]
    assert await stock(conn, product.id) == 2


async def test_guest_orders_have_no_user(conn: Connection) -> None:
    product = await make_product(conn)
    order = await orders.place(conn, user_id=None, items=[(product.id, 1)])
    assert order.user_id is None
    assert order.total_price == order.subtotal == product.price


async def test_order_numbers_are_distinct_without_retries(conn: Connection) -> None:
    product = await make_product(conn, inventory_quantity=300)
    numbers = {
        (await orders.place(conn, user_id=None, items=[(product.id, 1)])).order_number for _ in range(300)
    }
    assert len(numbers) == 300
    # The mix is a bijection of 32-bit values: a sample of distinct inputs gives distinct numbers.
    sample = await conn.fetchval(
        "select count(distinct devskyy.order_number(n)) from generate_series(0, 4294967295, 65521) as n"
    )
    expected = await conn.fetchval("select count(*) from generate_series(0, 4294967295, 65521)")
    assert sample == expected


async def test_ordering_more_than_the_stock_raises_out_of_stock_and_leaves_nothing(conn: Connection) -> None:
    user = await make_user(conn)
    plenty = await make_product(conn, inventory_quantity=10)
    scarce = await make_product(conn, inventory_quantity=2)
    with pytest.raises(OutOfStock) as out:
        async with conn.transaction():
            await orders.place(conn, user_id=user.id, items=[(plenty.id, 1), (scarce.id, 3)])
    assert out.value.sqlstate == "SF040"
    assert f"product_id={scarce.id} available=2 wanted=3" == out.value.detail
    assert (await stock(conn, plenty.id), await stock(conn, scarce.id)) == (10, 2)
    assert await orders.list_for_user(conn, user_id=user.id) == []
    assert (
        await conn.fetchval("select count(*) from devskyy.order_items where product_id = $1", plenty.id) == 0
    )


async def test_unpublished_or_unknown_products_are_not_for_sale(conn: Connection) -> None:
    draft = await make_product(conn, status="draft")
    archived = await make_product(conn)
    await products.archive(conn, id=archived.id)
    for product_id in (draft.id, archived.id, UUID(int=7)):
        with pytest.raises(ProductUnavailable):
            async with conn.transaction():
                await orders.place(conn, user_id=None, items=[(product_id, 1)])


async def test_bad_orders_are_refused_before_the_database(conn: Connection) -> None:
    product = await make_product(conn)
    for items in ([], [(product.id, 0)], [(product.id, -1)]):
        with pytest.raises(ValidationError):
            await orders.place(conn, user_id=None, items=items)
    with pytest.raises(ValidationError):
        await orders.place(conn, user_id=None, items=[(product.id, 1)], extra_charges=Decimal("-1"))
    with pytest.raises(ReferenceViolation) as unknown_user:
        async with conn.transaction():
            await orders.place(conn, user_id=UUID(int=9), items=[(product.id, 1)])
    assert unknown_user.value.constraint == "fk_orders_user_id"
    assert await stock(conn, product.id) == 10


async def test_a_users_orders_come_with_their_items_newest_first(conn: Connection) -> None:
    user = await make_user(conn)
    a = await make_product(conn, price=Decimal("1.50"))
    b = await make_product(conn, price=Decimal("2.25"))
    first = await orders.place(conn, user_id=user.id, items=[(a.id, 1)])
    second = await orders.place(conn, user_id=user.id, items=[(a.id, 2), (b.id, 4)])
    await orders.place(conn, user_id=None, items=[(b.id, 1)])
    listed = await orders.list_for_user(conn, user_id=user.id)
    assert [o.id for o in listed] == [
        o.id for o in sorted([first, second], key=lambda o: (o.created_at, o.id))
    ][::-1]
    by_id = {o.id: o for o in listed}
    assert by_id[second.id].items == second.items
    assert by_id[second.id].subtotal == Decimal("12.00")
    assert by_id[first.id].items == [OrderItem(product_id=a.id, quantity=1, unit_price=Decimal("1.50"))]
    assert await orders.list_for_user(conn, user_id=user.id, limit=1) == listed[:1]


async def test_status_moves_forward_only_and_cancelling_restocks(conn: Connection) -> None:
    product = await make_product(conn, inventory_quantity=5)
    order = await orders.place(conn, user_id=None, items=[(product.id, 2)])
    processing = await orders.set_status(conn, id=order.id, status="processing")
    assert processing is not None and processing.status is OrderStatus.PROCESSING
    assert processing.updated_at >= order.updated_at
    with pytest.raises(InvalidTransition):
        async with conn.transaction():
            await orders.set_status(conn, id=order.id, status="pending")
    completed = await orders.set_status(conn, id=order.id, status=OrderStatus.COMPLETED)
    assert completed is not None and completed.status is OrderStatus.COMPLETED
    for target in ("pending", "processing", "cancelled"):
        with pytest.raises(InvalidTransition) as refused:
            async with conn.transaction():
                await orders.set_status(conn, id=order.id, status=target)
        assert refused.value.sqlstate == "SF042"
    assert await stock(conn, product.id) == 3  # a completed order keeps its stock

    other = await orders.place(conn, user_id=None, items=[(product.id, 3)])
    assert await stock(conn, product.id) == 0
    cancelled = await orders.cancel(conn, id=other.id)
    assert cancelled is not None and cancelled.status is OrderStatus.CANCELLED
    assert await stock(conn, product.id) == 3
    with pytest.raises(InvalidTransition):
        async with conn.transaction():
            await orders.set_status(conn, id=other.id, status="pending")
    assert await orders.cancel(conn, id=other.id) == await orders.get_by_id(conn, id=other.id)  # no-op
    assert await stock(conn, product.id) == 3
    assert await orders.set_status(conn, id=UUID(int=3), status="processing") is None
    with pytest.raises(ValidationError):
        await orders.set_status(conn, id=other.id, status="shipped")


async def test_database_refuses_a_subtotal_that_is_not_the_sum_of_the_items(db_url: str) -> None:
    db = Database(await create_pool(Settings(database_url=db_url, min_size=1, max_size=2)))
    try:
        async with db.transaction() as conn:
            product = await make_product(conn)
            order = await orders.place(conn, user_id=None, items=[(product.id, 2)])
        with pytest.raises(CheckViolation) as wrong:
            async with db.transaction() as conn:
                await conn.execute(
                    "update devskyy.order_items set quantity = 1 where order_id = $1", order.id
                )
        assert wrong.value.constraint == "ck_orders_subtotal_matches_items"
        with pytest.raises(CheckViolation) as empty:
            async with db.transaction() as conn:
                await conn.execute(
                    "insert into devskyy.orders (total_price, subtotal) values (0, 0)",
                )
        assert empty.value.constraint == "ck_orders_subtotal_matches_items"
        with pytest.raises(CheckViolation) as total:
            async with db.transaction() as conn:
                await conn.execute("update devskyy.orders set total_price = 1 where id = $1", order.id)
        assert total.value.constraint == "ck_orders_total_price_covers_subtotal"
        async with db.transaction() as conn:
            assert await orders.get_by_id(conn, id=order.id) is not None
            assert await orders.items(conn, order_id=order.id) == order.items
    finally:
        await db.close()


async def test_a_hundred_concurrent_orders_for_thirty_in_stock_sell_exactly_thirty(db_url: str) -> None:
    pool = await create_pool(Settings(database_url=db_url, min_size=2, max_size=50))
    try:
        async with pool.acquire() as c:
            product = await make_product(c, inventory_quantity=30, price=Decimal("9.99"))
            buyers = [await make_user(c) for _ in range(10)]

        async def buy(n: int) -> UUID | None:
            try:
                async with pool.acquire() as c, c.transaction():
                    order = await orders.place(c, user_id=buyers[n % 10].id, items=[(product.id, 1)])
                    return order.id
            except OutOfStock:
                return None

        results = await asyncio.gather(*(buy(n) for n in range(100)))
        sold = [r for r in results if r is not None]
        assert len(sold) == 30
        assert await stock(pool, product.id) == 0
        assert await pool.fetchval("select count(*) from devskyy.orders") == 30
        items = await pool.fetchrow("select count(*) as n, sum(quantity) as units from devskyy.order_items")
        assert items is not None and (items["n"], items["units"]) == (30, 30)
        assert (
            await pool.fetchval(
                "select count(*) from devskyy.orders o where not exists "
                "(select 1 from devskyy.order_items i where i.order_id = o.id)"
            )
            == 0
        )
        assert await pool.fetchval("select sum(subtotal) from devskyy.orders") == Decimal("299.70")
    finally:
        await pool.close()


async def test_concurrent_orders_over_shared_products_in_any_order_never_deadlock(db_url: str) -> None:
    pool = await create_pool(Settings(database_url=db_url, min_size=2, max_size=40))
    try:
        async with pool.acquire() as c:
            a = await make_product(c, inventory_quantity=1000)
            b = await make_product(c, inventory_quantity=1000)
            d = await make_product(c, inventory_quantity=1000)

        async def buy(n: int) -> None:
            items = [(a.id, 1), (b.id, 1), (d.id, 1)]
            if n % 2:
                items.reverse()
            async with pool.acquire() as c, c.transaction():
                await orders.place(c, user_id=None, items=items)
                await asyncio.sleep(0)  # hold the locks across a scheduling point

        await asyncio.gather(*(buy(n) for n in range(120)))
        assert [await stock(pool, p.id) for p in (a, b, d)] == [880, 880, 880]
    finally:
        await pool.close()


async def test_moving_a_line_to_another_order_checks_the_order_it_left(db_url: str) -> None:
    db = Database(await create_pool(Settings(database_url=db_url, min_size=1, max_size=2)))
    try:
        async with db.transaction() as conn:
            ring = await make_product(conn, price=Decimal("10.00"))
            chain = await make_product(conn, price=Decimal("10.00"))
            user = await make_user(conn)
            two_lines = await orders.place(conn, user_id=user.id, items=[(ring.id, 1), (chain.id, 1)])
            one_line = await orders.place(conn, user_id=user.id, items=[(ring.id, 1)])
        move = "update devskyy.order_items set order_id = $1 where order_id = $2 and product_id = $3"
        # The order it reached is made right, the one it left is not: refused at commit.
        with pytest.raises(CheckViolation) as left:
            async with db.transaction() as conn:
                await conn.execute(move, one_line.id, two_lines.id, chain.id)
                await conn.execute(
                    "update devskyy.orders set subtotal = 20, total_price = 20 where id = $1", one_line.id
                )
        assert left.value.constraint == "ck_orders_subtotal_matches_items"
        # Both made right: the move stands.
        async with db.transaction() as conn:
            await conn.execute(move, one_line.id, two_lines.id, chain.id)
            await conn.execute(
                "update devskyy.orders set subtotal = 20, total_price = 20 where id = $1", one_line.id
            )
            await conn.execute(
                "update devskyy.orders set subtotal = 10, total_price = 10 where id = $1", two_lines.id
            )
        async with db.transaction() as conn:
            assert len(await orders.items(conn, order_id=one_line.id)) == 2
    finally:
        await db.close()
