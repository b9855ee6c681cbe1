"""Orders: placed atomically against the stock, read with their items, moved through their lifecycle.

Placing an order runs ``devskyy.place_order`` (migration 0041): the stock of every product is taken
under its row lock in one statement with the order and its items, so concurrent orders never
oversell and a failed order leaves nothing behind. Order numbers (``ORD-`` + 8 hex digits) are made
by the database, unique by construction.

Under row-level security (migration 0076) a customer sees, changes and places only the orders of
the acting user (their items follow their order: each carries its order's user, 0195); guest orders
(no user) are placed with nobody acting and are then the worker's (``sqlfirst_worker``) alone.
Orders and items also carry their customer (``customer_id``, 0195-0204: the user, or a guest order's
own id), the tenant Citus would distribute them by; it is not in the models.
"""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from pydantic import TypeAdapter

from sqlfirst import arguments
from sqlfirst.binding import SqlFile
from sqlfirst.db import Executor

from .models import JsonObject, Order, OrderCreate, OrderItem, OrderStatus, OrderWithItems, page_size

__all__ = [
    "cancel",
    "get_by_id",
    "get_by_number",
    "items",
    "list_for_user",
    "place",
    "set_status",
]

_sql = SqlFile("devskyy", "orders")
_STATUS: TypeAdapter[OrderStatus] = TypeAdapter(OrderStatus)

_ORDER_COLUMNS = "the columns of the devskyy.orders row place_order inserted, all NOT NULL there"


@_sql.query(
    "place_order",
    not_null={
        "id": _ORDER_COLUMNS,
        "order_number": _ORDER_COLUMNS,
        "status": _ORDER_COLUMNS,
        "total_price": _ORDER_COLUMNS,
        "subtotal": _ORDER_COLUMNS,
        "created_at": _ORDER_COLUMNS,
        "updated_at": _ORDER_COLUMNS,
        "metadata": _ORDER_COLUMNS,
        "items": "jsonb_agg over the order's items, of which place_order requires at least one",
    },
)
async def _place(
    conn: Executor,
    *,
    user_id: UUID | None,
    product_ids: list[UUID],
    quantities: list[int],
    extra_charges: Decimal,
    metadata: JsonObject,
) -> OrderWithItems: ...


async def place(
    conn: Executor,
    *,
    user_id: UUID | None,
    items: list[tuple[UUID, int]] | list[dict[str, object]],
    extra_charges: Decimal | int | str = 0,
    metadata: JsonObject | None = None,
) -> OrderWithItems:
    """Place an order (status pending) for ``items`` — ``(product_id, quantity)`` pairs — and take the
    stock; ``user_id`` None is a guest order.

    Unit prices are the products' current prices, ``subtotal`` their sum, ``total_price`` adds
    ``extra_charges`` (taxes, shipping). A product listed twice is one item with the quantities
    added. Raises ``ValidationError`` for no items or a quantity that is not positive,
    :class:`~sqlfirst.devskyy.errors.OutOfStock` when a product has less stock than wanted,
    :class:`~sqlfirst.devskyy.errors.ProductUnavailable` for an unknown or unpublished product,
    ``ReferenceViolation`` for an unknown user; in every case nothing is written.
    """
    new = OrderCreate.model_validate(
        {
            "user_id": user_id,
            "items": [
                {"product_id": item[0], "quantity": item[1]}
                if isinstance(item, tuple) and len(item) == 2
                else item
                for item in arguments.items("place", "items", items)
            ],
            "extra_charges": extra_charges,
            "metadata": metadata if metadata is not None else {},
        }
    )
    return await _place(
        conn,
        user_id=new.user_id,
        product_ids=[item.product_id for item in new.items],
        quantities=[item.quantity for item in new.items],
        extra_charges=new.extra_charges,
        metadata=new.metadata,
    )


@_sql.query("get_order_by_id")
async def get_by_id(conn: Executor, *, id: UUID) -> Order | None:
    """The order with this id, or None."""


@_sql.query("get_order_by_number")
async def get_by_number(conn: Executor, *, order_number: str) -> Order | None:
    """The order with this order number, or None."""


@_sql.query("list_user_orders", not_null={"items": "coalesce(jsonb_agg(...), '[]')"})
async def _list_for_user(conn: Executor, *, user_id: UUID, lim: int) -> list[OrderWithItems]: ...


async def list_for_user(conn: Executor, *, user_id: UUID, limit: int = 50) -> list[OrderWithItems]:
    """A user's orders with their items, newest first, in one round trip."""
    return await _list_for_user(conn, user_id=user_id, lim=page_size(limit))


@_sql.query("list_order_items")
async def items(conn: Executor, *, order_id: UUID) -> list[OrderItem]:
    """An order's items, by product id; empty for an unknown order."""


@_sql.query("set_order_status")
async def _set_status(conn: Executor, *, id: UUID, status: OrderStatus) -> Order | None: ...


async def set_status(conn: Executor, *, id: UUID, status: OrderStatus | str) -> Order | None:
    """Move an order to ``status``; None for an unknown order.

    The database allows pending -> processing -> completed and pending|processing -> cancelled
    (setting the current status again is a no-op); anything else raises
    :class:`~sqlfirst.devskyy.errors.InvalidTransition`. Cancelling puts the items back in stock.
    """
    return await _set_status(conn, id=id, status=_STATUS.validate_python(status))


async def cancel(conn: Executor, *, id: UUID) -> Order | None:
    """Cancel a pending or processing order and give its stock back (see :func:`set_status`)."""
    return await _set_status(conn, id=id, status=OrderStatus.CANCELLED)
