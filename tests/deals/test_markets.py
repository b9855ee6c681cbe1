"""Markets: api keys never returned, an atomic rate limit that holds under concurrency, error counts."""

from __future__ import annotations

import asyncio

import asyncpg

from sqlfirst.db import Connection
from sqlfirst.deals import markets
from sqlfirst.deals.models import Market, MarketStatus, MarketType

from .factories import make_market


async def test_api_key_is_stored_but_never_returned(conn: Connection) -> None:
    market = await make_market(conn, api_key="sk-live-very-secret")
    assert market.has_api_key
    assert "api_key" not in Market.model_fields
    assert "sk-live-very-secret" not in market.model_dump_json()
    assert (
        await conn.fetchval("select api_key from deals.markets where id = $1", market.id)
        == "sk-live-very-secret"
    )
    assert await markets.get(conn, id=market.id) == market


async def test_list_by_type_and_status(conn: Connection) -> None:
    a = await make_market(conn, name="Walmart A", type="walmart")
    await make_market(conn, name="Walmart B", type="walmart", status="maintenance")
    await make_market(conn, name="Ebay", type="ebay")
    listed = await markets.list_by_type_status(conn, type=MarketType.WALMART, status=MarketStatus.ACTIVE)
    assert [m.id for m in listed] == [a.id]


async def test_rate_limit_counts_up_to_the_limit_then_refuses(conn: Connection) -> None:
    market = await make_market(conn, rate_limit=3, rate_limit_window=60)
    assert [await markets.consume_rate_limit(conn, id=market.id) for _ in range(4)] == [1, 2, 3, None]
    await conn.execute(
        "update deals.markets set last_rate_reset = last_rate_reset - interval '61 seconds' where id = $1",
        market.id,
    )
    assert await markets.consume_rate_limit(conn, id=market.id) == 1  # a new window
    await markets.set_status(conn, id=market.id, status=MarketStatus.MAINTENANCE)
    assert await markets.consume_rate_limit(conn, id=market.id) is None


async def test_concurrent_callers_never_exceed_the_rate_limit(pool: asyncpg.Pool[asyncpg.Record]) -> None:
    async with pool.acquire() as c:
        market = await make_market(c, rate_limit=10, rate_limit_window=3600)
    results = await asyncio.gather(*(markets.consume_rate_limit(pool, id=market.id) for _ in range(40)))
    granted = sorted(r for r in results if r is not None)
    assert granted == list(range(1, 11))
    assert results.count(None) == 30


async def test_record_error_counts_and_keeps_the_message(conn: Connection) -> None:
    market = await make_market(conn)
    await markets.record_error(conn, id=market.id, error="timeout")
    updated = await markets.record_error(conn, id=market.id, error="HTTP 503")
    assert updated is not None
    assert (updated.error_count, updated.last_error) == (2, "HTTP 503")
    assert updated.last_error_at is not None
