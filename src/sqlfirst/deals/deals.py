"""Deals: offers found for a goal on a market; price changes are tracked by the database."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter

from sqlfirst.arguments import cursor, member
from sqlfirst.batches import MAINTENANCE_BATCH, drain_before
from sqlfirst.binding import SqlFile
from sqlfirst.db import Executor

from .models import (
    Deal,
    DealCreate,
    DealSource,
    DealStatus,
    JsonObject,
    MarketCategory,
    Name,
    Price,
    Short,
    page_size,
)

__all__ = [
    "create",
    "delete",
    "expire_stale",
    "get",
    "list_by_market",
    "list_by_url",
    "list_for_goal",
    "list_for_user",
    "search",
    "set_status",
    "update_details",
    "update_price",
]

_sql = SqlFile("deals", "deals")
_price: TypeAdapter[Decimal] = TypeAdapter(Price)
_spec_filter: TypeAdapter[JsonObject] = TypeAdapter(JsonObject)

_LOWEST = Decimal("-1")
_HIGHEST = Decimal("99999999.99")  # numeric(10, 2)
_NIL = UUID(int=0)


@_sql.query("insert_deal", validate=DealCreate)
async def create(
    conn: Executor,
    *,
    goal_id: UUID,
    market_id: UUID,
    title: str,
    url: str,
    current_price: Decimal | int | str,
    category: MarketCategory | str,
    source: DealSource | str,
    description: str | None = None,
    image_url: str | None = None,
    original_price: Decimal | int | str | None = None,
    currency: str = "USD",
    discount_percent: Decimal | int | str | None = None,
    status: DealStatus | str = DealStatus.ACTIVE,
    seller_name: str | None = None,
    seller_rating: Decimal | int | str | None = None,
    availability_status: str | None = None,
    shipping_info: JsonObject | None = None,
    product_specs: JsonObject | None = None,
    found_at: datetime | None = None,
    expires_at: datetime | None = None,
    meta_data: JsonObject | None = None,
) -> Deal:
    """Record a deal for a goal. Its first price is tracked and the goal's ``total_matches_found`` grows.

    ``ValidationError`` on bad input (negative price, currency not three capital letters, discount
    outside 0-100, seller rating outside 0-5, unknown enum value); ``ReferenceViolation`` for an
    unknown goal or market.
    """


@_sql.query("get_deal_by_id")
async def get(conn: Executor, *, id: UUID) -> Deal | None:
    """The deal with this id, or None."""


@_sql.query("list_deals_for_goal")
async def _list_for_goal(conn: Executor, *, goal_id: UUID, status: DealStatus, lim: int) -> list[Deal]: ...


async def list_for_goal(
    conn: Executor, *, goal_id: UUID, status: DealStatus | str = DealStatus.ACTIVE, limit: int = 100
) -> list[Deal]:
    """The goal's deals in one status, cheapest first."""
    return await _list_for_goal(
        conn,
        goal_id=goal_id,
        status=member("list_for_goal", "status", status, DealStatus),
        lim=page_size(limit),
    )


@_sql.query("update_deal_price")
async def _update_price(conn: Executor, *, id: UUID, current_price: Decimal) -> Deal | None: ...


async def update_price(conn: Executor, *, id: UUID, current_price: Decimal | int | str) -> Deal | None:
    """Set the deal's current price; a change is appended to its price history. None when absent."""
    return await _update_price(conn, id=id, current_price=_price.validate_python(current_price))


@_sql.query("set_deal_status")
async def set_status(conn: Executor, *, id: UUID, status: DealStatus) -> Deal | None:
    """Change the deal's status; None when there is no such deal."""


@_sql.query("search_deals")
async def _search(
    conn: Executor,
    *,
    category: MarketCategory,
    status: DealStatus,
    min_price: Decimal,
    max_price: Decimal,
    after_price: Decimal,
    after_id: UUID,
    lim: int,
) -> list[Deal]: ...


@_sql.query("search_deals_by_specs")
async def _search_by_specs(
    conn: Executor,
    *,
    category: MarketCategory,
    status: DealStatus,
    specs: JsonObject,
    min_price: Decimal,
    max_price: Decimal,
    after_price: Decimal,
    after_id: UUID,
    lim: int,
) -> list[Deal]: ...


async def search(
    conn: Executor,
    *,
    category: MarketCategory | str,
    status: DealStatus | str = DealStatus.ACTIVE,
    min_price: Decimal | int | str | None = None,
    max_price: Decimal | int | str | None = None,
    specs: JsonObject | None = None,
    after: Deal | None = None,
    limit: int = 50,
) -> list[Deal]:
    """Deals of a category and status, cheapest first, within ``[min_price, max_price]``.

    ``specs`` keeps only deals whose ``product_specs`` contain it (``{"brand": "Acme"}``). Pages are
    keyset-paginated: pass the last deal of a page as ``after`` for the next one.
    """
    wanted_category = member("search", "category", category, MarketCategory)
    wanted_status = member("search", "status", status, DealStatus)
    low = _LOWEST if min_price is None else _price.validate_python(min_price)
    high = _HIGHEST if max_price is None else _price.validate_python(max_price)
    after_price, after_id = cursor("search", "after", after, Deal, ("current_price", "id")) or (_LOWEST, _NIL)
    lim = page_size(limit)
    if specs is None:
        return await _search(
            conn,
            category=wanted_category,
            status=wanted_status,
            min_price=low,
            max_price=high,
            after_price=after_price,
            after_id=after_id,
            lim=lim,
        )
    return await _search_by_specs(
        conn,
        category=wanted_category,
        status=wanted_status,
        specs=_spec_filter.validate_python(specs),
        min_price=low,
        max_price=high,
        after_price=after_price,
        after_id=after_id,
        lim=lim,
    )


@_sql.query("expire_stale_deals")
async def _expire_stale(conn: Executor, *, as_of: datetime, lim: int) -> int: ...


async def expire_stale(
    conn: Executor, *, as_of: datetime | None = None, batch: int = MAINTENANCE_BATCH
) -> int:
    """Mark active deals whose ``expires_at`` has passed (at ``as_of``, default now) expired; how many.

    Works in batches of ``batch`` deals, the oldest expiry first (:mod:`sqlfirst.batches`): outside a
    transaction each batch commits on its own, two runs at once share the deals between them, and a
    deal another transaction holds is left for the next run.
    """
    return await drain_before(
        "expire_stale", "as_of", as_of, lambda at, lim: _expire_stale(conn, as_of=at, lim=lim), batch
    )


@_sql.query("delete_deal")
async def delete(conn: Executor, *, id: UUID) -> int:
    """Delete the deal with its price history, scores and activities; 1, or 0 when absent."""


@_sql.query("list_deals_by_url")
async def _list_by_url(conn: Executor, *, url: str, lim: int) -> list[Deal]: ...


async def list_by_url(conn: Executor, *, url: str, limit: int = 100) -> list[Deal]:
    """The deals recorded for this product URL (any goal), newest first: look before recording a deal."""
    return await _list_by_url(conn, url=url, lim=page_size(limit))


@_sql.query("list_deals_for_user")
async def _list_for_user(conn: Executor, *, user_id: UUID, lim: int) -> list[Deal]: ...


async def list_for_user(conn: Executor, *, user_id: UUID, limit: int = 100) -> list[Deal]:
    """A user's deals across all their goals, newest first."""
    return await _list_for_user(conn, user_id=user_id, lim=page_size(limit))


class _DealDetails(BaseModel):
    model_config = ConfigDict(extra="forbid")

    availability_status: Short | None
    seller_name: Name | None
    seller_rating: Annotated[Decimal, Field(ge=0, le=5, max_digits=3, decimal_places=2)] | None
    expires_at: AwareDatetime | None
    shipping_info: JsonObject | None


@_sql.query("update_deal_details", validate=_DealDetails)
async def update_details(
    conn: Executor,
    *,
    id: UUID,
    availability_status: str | None,
    seller_name: str | None,
    seller_rating: Decimal | int | str | None,
    expires_at: datetime | None,
    shipping_info: JsonObject | None = None,
) -> Deal | None:
    """Replace the deal's availability, seller, expiry and shipping details; None when absent.

    ``ValidationError`` before the database (rating outside 0-5, naive datetime, ...);
    ``CheckViolation`` naming ``ck_deals_expires_after_found`` for an expiry before the deal was found.
    Prices change through :func:`update_price` (which the price history follows).
    """


@_sql.query("list_deals_by_market")
async def _list_by_market(conn: Executor, *, market_id: UUID, status: DealStatus, lim: int) -> list[Deal]: ...


async def list_by_market(
    conn: Executor, *, market_id: UUID, status: DealStatus | str = DealStatus.ACTIVE, limit: int = 100
) -> list[Deal]:
    """A market's deals in one status (active by default), newest first."""
    return await _list_by_market(
        conn,
        market_id=market_id,
        status=member("list_by_market", "status", status, DealStatus),
        lim=page_size(limit),
    )
