"""Market data: the latest quote of each symbol per source (one row per symbol and source)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlfirst.arguments import member
from sqlfirst.binding import SqlFile
from sqlfirst.db import Executor

from .models import JsonObject, MarketData, MarketDataType, MarketDataUpsert, page_size

__all__ = ["latest", "list_by_type", "upsert"]

_sql = SqlFile("deals", "market_data")


@_sql.query("upsert_market_data", validate=MarketDataUpsert)
async def upsert(
    conn: Executor,
    *,
    symbol: str,
    market_type: MarketDataType | str,
    price: Decimal | int | str,
    source: str,
    high_24h: Decimal | int | str | None = None,
    low_24h: Decimal | int | str | None = None,
    volume_24h: Decimal | int | str | None = None,
    change_24h: Decimal | int | str | None = None,
    change_percent_24h: Decimal | int | str | None = None,
    last_updated: datetime | None = None,
    meta_data: JsonObject | None = None,
) -> MarketData | None:
    """Insert or refresh the quote of ``symbol`` from ``source`` in one statement.

    Returns the stored quote, or None when the stored one is newer than ``last_updated`` (a late,
    stale quote never overwrites a fresh one).
    """


@_sql.query("get_latest_market_data")
async def latest(conn: Executor, *, symbol: str) -> MarketData | None:
    """The most recent quote of the symbol across sources, or None."""


@_sql.query("list_market_data_by_type")
async def _list_by_type(conn: Executor, *, market_type: MarketDataType, lim: int) -> list[MarketData]: ...


async def list_by_type(
    conn: Executor, *, market_type: MarketDataType | str, limit: int = 100
) -> list[MarketData]:
    """Quotes of one market type, most recently updated first."""
    return await _list_by_type(
        conn,
        market_type=member("list_by_type", "market_type", market_type, MarketDataType),
        lim=page_size(limit),
    )
