"""Issue 15, item 3: the operations the seed implies (profiles, passwords, deal and goal edits, lists)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from pydantic import ValidationError

from sqlfirst.db import Connection, create_pool
from sqlfirst.deals import (
    agents,
    deal_activities,
    deal_scores,
    deals,
    goals,
    markets,
    model_metrics,
    notifications,
    users,
)
from sqlfirst.errors import CheckViolation, NotFound
from sqlfirst.settings import Settings

from .factories import make_deal, make_goal, make_market, make_user

PASSWORD = "correct horse battery"


async def test_update_profile_and_mark_email_verified(conn: Connection) -> None:
    user = await make_user(conn)
    updated = await users.update_profile(
        conn, id=user.id, name="Dee", preferences={"currency": "EUR"}, notification_channels=["email", "push"]
    )
    assert updated is not None
    assert (updated.name, updated.preferences, updated.notification_channels) == (
        "Dee",
        {"currency": "EUR"},
        ["email", "push"],
    )
    assert not updated.email_verified
    verified = await users.mark_email_verified(conn, id=user.id)
    assert verified is not None and verified.email_verified
    with pytest.raises(ValidationError):
        await users.update_profile(conn, id=user.id, name="x" * 256, preferences={}, notification_channels=[])
    assert (
        await users.update_profile(conn, id=goals_id(), name=None, preferences={}, notification_channels=[])
        is None
    )


def goals_id() -> object:
    import uuid

    return uuid.uuid4()


async def test_list_users_by_status_pages_oldest_first(conn: Connection) -> None:
    made = [await make_user(conn) for _ in range(5)]
    for user in made[:4]:
        await users.set_status(conn, id=user.id, status="suspended")
    expected = [
        row["id"]
        for row in await conn.fetch(
            "select id from deals.users where status = 'suspended' order by created_at, id"
        )
    ]
    pages: list[list[object]] = []
    after = None
    while page := await users.list_by_status(conn, status="suspended", after=after, limit=3):
        assert all(u.status == "suspended" for u in page)
        pages.append([u.id for u in page])
        after = page[-1]
    assert [uid for page in pages for uid in page] == expected
    assert all(len(page) == 3 for page in pages[:-1])
    assert {u.id for u in made[:4]} <= set(expected) and made[4].id not in expected
    with pytest.raises(ValidationError, match="sleeping"):
        await users.list_by_status(conn, status="sleeping")
    with pytest.raises(ValidationError):
        await users.list_by_status(conn, status="active", limit=0)


async def test_change_password_needs_the_current_one(conn: Connection) -> None:
    user = await make_user(conn, password=PASSWORD)
    assert not await users.change_password(
        conn, id=user.id, current_password="wrong", new_password="new secret 123"
    )
    assert await users.verify(conn, email=user.email, password=PASSWORD) is not None
    assert await users.change_password(
        conn, id=user.id, current_password=PASSWORD, new_password="new secret 123"
    )
    assert await users.verify(conn, email=user.email, password=PASSWORD) is None
    assert await users.verify(conn, email=user.email, password="new secret 123") is not None
    with pytest.raises(ValidationError) as caught:
        await users.change_password(conn, id=user.id, current_password="new secret 123", new_password="tiny")
    assert "tiny" not in str(caught.value)
    with pytest.raises(NotFound):
        await users.change_password(conn, id=goals_id(), current_password="a", new_password="new secret 123")  # type: ignore[arg-type]


async def test_deals_by_url_and_for_user_across_goals(conn: Connection) -> None:
    user = await make_user(conn)
    first, second = await make_goal(conn, user), await make_goal(conn, user)
    market = await make_market(conn)
    url = "https://www.amazon.com/dp/SAME"
    now = datetime.now(UTC)
    a = await make_deal(conn, first, market, url=url, found_at=now - timedelta(hours=3))
    b = await make_deal(conn, second, market, url=url, found_at=now - timedelta(hours=2))
    c = await make_deal(conn, second, market, found_at=now - timedelta(hours=1))
    await make_deal(conn)  # someone else's
    assert {d.id for d in await deals.list_by_url(conn, url=url)} == {a.id, b.id}
    assert await deals.list_by_url(conn, url="https://nowhere.test/x") == []
    mine = await deals.list_for_user(conn, user_id=user.id)
    assert [d.id for d in mine] == [c.id, b.id, a.id]  # newest first
    assert len(await deals.list_for_user(conn, user_id=user.id, limit=2)) == 2


async def test_update_details_replaces_seller_availability_and_expiry(conn: Connection) -> None:
    deal = await make_deal(conn)
    expires = datetime.now(UTC) + timedelta(days=3)
    updated = await deals.update_details(
        conn,
        id=deal.id,
        availability_status="out_of_stock",
        seller_name="Acme",
        seller_rating="4.25",
        expires_at=expires,
        shipping_info={"days": 2},
    )
    assert updated is not None
    assert (updated.availability_status, updated.seller_name, updated.seller_rating) == (
        "out_of_stock",
        "Acme",
        Decimal("4.25"),
    )
    assert updated.expires_at == expires and updated.current_price == deal.current_price
    with pytest.raises(ValidationError):
        await deals.update_details(
            conn, id=deal.id, availability_status=None, seller_name=None, seller_rating=6, expires_at=None
        )
    with pytest.raises(CheckViolation) as caught:
        async with conn.transaction():
            await deals.update_details(
                conn,
                id=deal.id,
                availability_status=None,
                seller_name=None,
                seller_rating=None,
                expires_at=deal.found_at - timedelta(days=1),
            )
    assert caught.value.constraint == "ck_deals_expires_after_found"


async def test_edit_goal_changes_only_the_given_terms_and_validates_the_result(conn: Connection) -> None:
    goal = await make_goal(conn, max_budget=500, description="old")
    edited = await goals.edit(conn, id=goal.id, title="A light laptop", max_matches=3)
    assert edited is not None
    assert (edited.title, edited.max_matches, edited.max_budget, edited.description) == (
        "A light laptop",
        3,
        500,
        "old",
    )
    with pytest.raises(ValidationError):
        await goals.edit(conn, id=goal.id, end_date=goal.start_date - timedelta(days=1))
    with pytest.raises(TypeError):
        await goals.edit(conn, id=goal.id, status="completed")
    assert await goals.edit(conn, id=goals_id(), title="x") is None  # type: ignore[arg-type]


async def test_concurrent_edits_of_different_terms_both_land(db_url: str) -> None:
    pool = await create_pool(Settings(database_url=db_url, min_size=2, max_size=10))
    try:
        async with pool.acquire() as c:
            goal = await make_goal(c)

        async def edit(**terms: object) -> None:
            async with pool.acquire() as c, c.transaction():
                await goals.edit(c, id=goal.id, **terms)

        await asyncio.gather(*(edit(title=f"t{i}") if i % 2 else edit(max_matches=i + 1) for i in range(10)))
        async with pool.acquire() as c:
            final = await goals.get(c, id=goal.id)
        # Each edit locked the row, read it and wrote it back: no edit of one term undid the other.
        assert final is not None
        assert final.title.startswith("t") and final.max_matches is not None
    finally:
        await pool.close()


async def test_notification_history_includes_read_and_filters(conn: Connection) -> None:
    user = await make_user(conn)
    deal_note = await notifications.create(conn, user_id=user.id, type="deal", title="d", message="m")
    await notifications.create(
        conn, user_id=user.id, type="security", title="s", message="m", priority="high"
    )
    token_note = await notifications.create(conn, user_id=user.id, type="token", title="t", message="m")
    await notifications.mark_read(conn, user_id=user.id, ids=[deal_note.id])
    everything = await notifications.list_history(conn, user_id=user.id)
    assert [n.type for n in everything] == ["token", "security", "deal"]
    assert [n.id for n in await notifications.list_history(conn, user_id=user.id, type="deal")] == [
        deal_note.id
    ]
    high = await notifications.list_history(conn, user_id=user.id, priority="high")
    assert [n.type for n in high] == ["security"]
    both = await notifications.list_history(conn, user_id=user.id, type="token", priority="medium")
    assert [n.id for n in both] == [token_note.id]


async def test_markets_active_config_key_and_error_reset(conn: Connection) -> None:
    market = await make_market(conn)
    paused = await make_market(conn, name="Walmart", type="walmart", base_url="https://walmart.com")
    await markets.set_status(conn, id=paused.id, status="maintenance")
    active = {m.id for m in await markets.list_active(conn)}
    assert market.id in active and paused.id not in active

    changed = await markets.update_config(
        conn, id=market.id, base_url="https://amazon.de", rate_limit=10, rate_limit_window=60
    )
    assert changed is not None and (changed.base_url, changed.rate_limit) == ("https://amazon.de", 10)
    with pytest.raises(ValidationError):
        await markets.update_config(conn, id=market.id, base_url="ftp://x", rate_limit=0)
    keyed = await markets.set_api_key(conn, id=market.id, api_key="sk-secret")
    assert keyed is not None and keyed.has_api_key and "sk-secret" not in keyed.model_dump_json()
    assert await conn.fetchval("select api_key from deals.markets where id = $1", market.id) == "sk-secret"

    await markets.record_error(conn, id=market.id, error="HTTP 503")
    await markets.record_error(conn, id=market.id, error="HTTP 503")
    reset = await markets.reset_errors(conn, id=market.id)
    assert reset is not None and (reset.error_count, reset.last_error, reset.last_error_at) == (0, None, None)


async def test_model_metrics_of_an_exact_version(conn: Connection) -> None:
    common = {
        "accuracy": "0.9",
        "precision": "0.8",
        "recall": "0.7",
        "f1_score": "0.75",
        "training_duration": 60,
        "training_samples": 1000,
        "validation_samples": 100,
    }
    v1 = await model_metrics.record(conn, model_name="ranker-x", model_version="1.0", **common)  # type: ignore[arg-type]
    await model_metrics.record(conn, model_name="ranker-x", model_version="2.0", **common)  # type: ignore[arg-type]
    found = await model_metrics.get_version(conn, model_name="ranker-x", model_version="1.0")
    assert found is not None and found.id == v1.id
    assert await model_metrics.get_version(conn, model_name="ranker-x", model_version="3.0") is None


async def test_update_agent_config_and_capabilities(conn: Connection) -> None:
    agent = await agents.create(conn, name="scout", type="research", capabilities=["search"])
    updated = await agents.update_config(
        conn, id=agent.id, config={"depth": 3}, capabilities=["search", "compare"]
    )
    assert updated is not None and (updated.config, updated.capabilities) == (
        {"depth": 3},
        ["search", "compare"],
    )
    assert await agents.update_config(conn, id=goals_id(), config={}, capabilities=[]) is None  # type: ignore[arg-type]


async def test_scores_by_type_activities_by_user_and_agent_and_deals_by_market(conn: Connection) -> None:
    user = await make_user(conn)
    goal = await make_goal(conn, user)
    market, other_market = await make_market(conn), await make_market(conn, name="eBay", type="ebay")
    deal = await make_deal(conn, goal, market)
    elsewhere = await make_deal(conn, goal, other_market)
    risk = await deal_scores.create(conn, deal_id=deal.id, score_type="risk", value=20, confidence=90)
    await deal_scores.create(conn, deal_id=deal.id, score_type="profit_potential", value=70, confidence=60)
    assert [s.id for s in await deal_scores.list_by_type(conn, deal_id=deal.id, score_type="risk")] == [
        risk.id
    ]

    agent = await agents.create(conn, name="scout", type="research")
    analyzed = await deal_activities.record(
        conn, deal_id=deal.id, activity_type="analyzed", agent_id=agent.id
    )
    updated = await deal_activities.record(conn, deal_id=deal.id, activity_type="updated", user_id=user.id)
    mine = await deal_activities.record(
        conn, deal_id=elsewhere.id, activity_type="goal_added", user_id=user.id
    )
    assert [a.id for a in await deal_activities.list_by_user(conn, user_id=user.id)] == [mine.id, updated.id]
    by_type = await deal_activities.list_by_user(conn, user_id=user.id, activity_type="updated")
    assert [a.id for a in by_type] == [updated.id]
    assert [a.id for a in await deal_activities.list_by_agent(conn, agent_id=agent.id)] == [analyzed.id]
    assert await deal_activities.list_by_agent(conn, agent_id=agent.id, activity_type="created") == []

    assert [d.id for d in await deals.list_by_market(conn, market_id=market.id)] == [deal.id]
    await deals.set_status(conn, id=elsewhere.id, status="sold_out")
    assert await deals.list_by_market(conn, market_id=other_market.id) == []
    sold = await deals.list_by_market(conn, market_id=other_market.id, status="sold_out")
    assert [d.id for d in sold] == [elsewhere.id]
