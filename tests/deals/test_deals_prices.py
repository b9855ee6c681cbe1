"""Deals: creation, price history kept by trigger, match counters, search with keyset pages, expiry."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from pydantic import ValidationError

from sqlfirst.db import Connection
from sqlfirst.deals import deals, price_tracking
from sqlfirst.deals.models import DealCreate, DealStatus
from sqlfirst.errors import CheckViolation, ReferenceViolation

from .factories import make_deal, make_goal, make_market, make_user, unvalidated


async def test_price_changes_are_tracked_by_the_database(conn: Connection) -> None:
    deal = await make_deal(conn, current_price=Decimal("100.00"))
    await deals.update_price(conn, id=deal.id, current_price=Decimal("90.00"))
    await deals.update_price(conn, id=deal.id, current_price=Decimal("90.00"))  # no change, no row
    await conn.execute("update deals.deals set current_price = 85 where id = $1", deal.id)
    await conn.execute("update deals.deals set title = 'same price' where id = $1", deal.id)
    now = datetime.now(UTC)
    history = await price_tracking.history(
        conn, deal_id=deal.id, since=now - timedelta(days=1), until=now + timedelta(days=1)
    )
    assert [p.price for p in history] == [100, 90, 85]
    assert all(p.source == "amazon" and p.currency == "USD" for p in history)


async def test_price_history_is_limited_to_the_time_range(conn: Connection) -> None:
    deal = await make_deal(conn)
    old = datetime(2020, 3, 10, tzinfo=UTC)
    for day in range(5):
        await price_tracking.record(
            conn, deal_id=deal.id, price=10 + day, source="scraper", tracked_at=old + timedelta(days=day)
        )
    window = await price_tracking.history(
        conn, deal_id=deal.id, since=old + timedelta(days=1), until=old + timedelta(days=3)
    )
    assert [p.price for p in window] == [11, 12]
    with pytest.raises(ValidationError, match="after"):
        await price_tracking.history(conn, deal_id=deal.id, since=old, until=old)


async def test_total_matches_found_follows_the_goals_deals(conn: Connection) -> None:
    owner = await make_user(conn)  # a deal moves between its user's goals only (0128-0133)
    goal = await make_goal(conn, owner)
    other = await make_goal(conn, owner)
    market = await make_market(conn)
    first = await make_deal(conn, goal, market)
    await make_deal(conn, goal, market)

    async def matches(goal_id: uuid.UUID) -> int:
        return int(await conn.fetchval("select total_matches_found from deals.goals where id = $1", goal_id))

    assert await matches(goal.id) == 2
    await conn.execute("update deals.deals set goal_id = $2 where id = $1", first.id, other.id)
    assert (await matches(goal.id), await matches(other.id)) == (1, 1)
    assert await deals.delete(conn, id=first.id) == 1
    assert await matches(other.id) == 0


async def test_search_pages_by_keyset_without_gaps_or_repeats(conn: Connection) -> None:
    goal = await make_goal(conn)
    market = await make_market(conn)
    prices = [Decimal(p) for p in ("5.00", "10.00", "10.00", "10.00", "20.00", "30.00", "45.50", "99.00")]
    created = [await make_deal(conn, goal, market, current_price=p) for p in prices]
    await make_deal(conn, goal, market, current_price=Decimal("15"), status="expired")
    await make_deal(conn, goal, market, current_price=Decimal("15"), category="books")

    seen = []
    page = await deals.search(conn, category="electronics", min_price=8, max_price=50, limit=2)
    while page:
        seen.extend(page)
        page = await deals.search(
            conn, category="electronics", min_price=8, max_price=50, after=page[-1], limit=2
        )
    expected = sorted(
        (d for d in created if 8 <= d.current_price <= 50), key=lambda d: (d.current_price, d.id)
    )
    assert [d.id for d in seen] == [d.id for d in expected]
    assert len(seen) == 6


async def test_search_by_spec_containment(conn: Connection) -> None:
    goal = await make_goal(conn)
    market = await make_market(conn)
    acme = await make_deal(
        conn, goal, market, product_specs={"brand": "Acme", "ram_gb": 16, "ports": ["usb-c"]}
    )
    await make_deal(conn, goal, market, product_specs={"brand": "Other", "ram_gb": 16})
    await make_deal(conn, goal, market)  # no specs at all
    found = await deals.search(conn, category="electronics", specs={"brand": "Acme", "ports": ["usb-c"]})
    assert [d.id for d in found] == [acme.id]
    assert len(await deals.search(conn, category="electronics", specs={"ram_gb": 16})) == 2


async def test_expire_stale_deals_only_touches_active_past_deals(conn: Connection) -> None:
    goal = await make_goal(conn)
    market = await make_market(conn)
    found = datetime.now(UTC) - timedelta(days=3)
    stale = await make_deal(conn, goal, market, found_at=found, expires_at=found + timedelta(days=1))
    fresh = await make_deal(conn, goal, market, expires_at=datetime.now(UTC) + timedelta(days=1))
    sold = await make_deal(
        conn, goal, market, found_at=found, expires_at=found + timedelta(days=1), status="sold_out"
    )
    assert await deals.expire_stale(conn) == 1
    statuses = {d: (await deals.get(conn, id=d)).status for d in (stale.id, fresh.id, sold.id)}  # type: ignore[union-attr]
    assert statuses == {
        stale.id: DealStatus.EXPIRED,
        fresh.id: DealStatus.ACTIVE,
        sold.id: DealStatus.SOLD_OUT,
    }


@pytest.mark.parametrize(
    "overrides",
    [
        {"current_price": Decimal("-0.01")},
        {"current_price": Decimal("1.001")},
        {"currency": "usd"},
        {"currency": "EURO"},
        {"source": "craigslist"},
        {"status": "gone"},
        {"discount_percent": 120},
        {"seller_rating": Decimal("5.5")},
        {"url": "ftp://nope"},
    ],
)
async def test_bad_deal_input_is_rejected_before_the_database(
    conn: Connection, overrides: dict[str, object]
) -> None:
    goal = await make_goal(conn)
    market = await make_market(conn)
    with pytest.raises(ValidationError):
        await make_deal(conn, goal, market, **overrides)
    assert await conn.fetchval("select count(*) from deals.deals where goal_id = $1", goal.id) == 0
    assert await conn.fetchval("select total_matches_found from deals.goals where id = $1", goal.id) == 0


async def test_database_constraint_violations_come_back_typed_and_leave_no_rows(conn: Connection) -> None:
    goal = await make_goal(conn)
    market = await make_market(conn)
    fields = DealCreate(
        goal_id=goal.id,
        market_id=market.id,
        title="t",
        url="https://x.test/1",
        current_price=Decimal(1),
        category=goal.category,
        source="manual",  # type: ignore[arg-type]
    ).model_dump()
    for bad, constraint in [
        ({"current_price": Decimal(-5)}, "ck_deals_current_price"),
        ({"currency": "us"}, "ck_deals_currency_format"),
        ({"seller_rating": Decimal("7")}, "ck_deals_seller_rating"),
    ]:
        with pytest.raises(CheckViolation) as caught:
            async with conn.transaction():
                await unvalidated(deals.create)(conn, **{**fields, **bad})
        assert caught.value.constraint == constraint
    with pytest.raises(ReferenceViolation) as missing:
        async with conn.transaction():
            await unvalidated(deals.create)(conn, **{**fields, "market_id": uuid.uuid4()})
    assert missing.value.constraint == "fk_deals_market_id"
    assert await conn.fetchval("select count(*) from deals.deals where goal_id = $1", goal.id) == 0
    assert await conn.fetchval("select count(*) from deals.price_tracking") == await conn.fetchval(
        "select count(*) from deals.price_tracking where deal_id in (select id from deals.deals)"
    )


@pytest.mark.parametrize("with_specs", [False, True], ids=["search", "by_specs"])
async def test_search_bounds_are_exact_for_any_price_passed(conn: Connection, with_specs: bool) -> None:
    """The queries compare integer cents (0082): whole-cent, sub-cent and negative bounds and keysets
    must select exactly what comparing the prices themselves selects."""
    goal = await make_goal(conn)
    market = await make_market(conn)
    prices = [Decimal(p) for p in ("10.00", "10.01", "10.02", "10.03", "10.03", "10.03", "11.00")]
    created = [
        await make_deal(conn, goal, market, current_price=p, product_specs={"brand": "Acme"}) for p in prices
    ]
    middle = sorted(created, key=lambda d: (d.current_price, d.id))[4]  # one of the three at 10.03
    points = [Decimal(p) for p in ("-1", "0", "10.005", "10.01", "10.015", "10.03", "10.035", "11")]
    for low in points:
        for high in points:
            for after_price, after_id in [
                (Decimal(-1), uuid.UUID(int=0)),
                (Decimal("10.015"), uuid.UUID(int=0)),
                (Decimal("10.025"), uuid.UUID(int=2**128 - 1)),
                (middle.current_price, middle.id),
                (Decimal("10.02"), uuid.UUID(int=2**128 - 1)),
            ]:
                arguments = {
                    "category": "electronics",
                    "status": "active",
                    "min_price": low,
                    "max_price": high,
                    "after_price": after_price,
                    "after_id": after_id,
                    "lim": 50,
                }
                if with_specs:
                    found = await deals._search_by_specs(conn, specs={"brand": "Acme"}, **arguments)
                else:
                    found = await deals._search(conn, **arguments)
                expected = sorted(
                    (
                        d
                        for d in created
                        if low <= d.current_price <= high
                        and (d.current_price, d.id) > (after_price, after_id)
                    ),
                    key=lambda d: (d.current_price, d.id),
                )
                assert [d.id for d in found] == [d.id for d in expected], (low, high, after_price, after_id)
