"""Price tracking: the price history of each deal, partitioned by month on ``tracked_at``.

Rows are written by the database when a deal's price changes; :func:`record` adds an observation
without changing the deal's current price.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import UUID

from pydantic import AwareDatetime, TypeAdapter

from sqlfirst.arguments import invalid_argument, member
from sqlfirst.binding import SqlFile
from sqlfirst.db import Executor

from .models import Currency, DealSource, JsonObject, Price, PricePoint

__all__ = ["history", "record"]

_sql = SqlFile("deals", "price_tracking")
_price: TypeAdapter[Decimal] = TypeAdapter(Price)
_currency: TypeAdapter[str] = TypeAdapter(Currency)
_instant: TypeAdapter[datetime] = TypeAdapter(AwareDatetime)


@_sql.query("record_price_point")
async def _record(
    conn: Executor,
    *,
    deal_id: UUID,
    price: Decimal,
    currency: str,
    source: DealSource,
    tracked_at: datetime | None,
    meta_data: JsonObject,
) -> PricePoint: ...


async def record(
    conn: Executor,
    *,
    deal_id: UUID,
    price: Decimal | int | str,
    source: DealSource | str,
    currency: str = "USD",
    tracked_at: datetime | None = None,
    meta_data: JsonObject | None = None,
) -> PricePoint:
    """Append an observed price of the deal (at ``tracked_at``, default now).

    The point carries the deal's user and whether the deal is shared (the database fills both).
    Acting as a user, only their own deal's price history can be written: another user's deal, or
    an unknown one, is refused with ``PermissionDenied``; for the owner or worker roles an unknown
    deal is a ``ReferenceViolation`` naming ``fk_price_tracking_deal_id``.
    """
    return await _record(
        conn,
        deal_id=deal_id,
        price=_price.validate_python(price),
        currency=_currency.validate_python(currency),
        source=member("record", "source", source, DealSource),
        tracked_at=None if tracked_at is None else _instant.validate_python(tracked_at),
        meta_data=meta_data if meta_data is not None else {},
    )


@_sql.query("get_price_history")
async def _history(
    conn: Executor, *, deal_id: UUID, since: datetime, until: datetime
) -> list[PricePoint]: ...


async def history(conn: Executor, *, deal_id: UUID, since: datetime, until: datetime) -> list[PricePoint]:
    """The deal's prices tracked in ``[since, until)``, oldest first; only those months are scanned."""
    start = _instant.validate_python(since)
    end = _instant.validate_python(until)
    if end <= start:
        raise invalid_argument("history", "until", "until must be after since", until)
    return await _history(conn, deal_id=deal_id, since=start, until=end)
