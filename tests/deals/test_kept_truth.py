"""Issue 15, item 1: counters and limits the database keeps, emails and social logins it refuses."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import asyncpg
import pytest

from sqlfirst.db import Connection, create_pool
from sqlfirst.deals import deals, goals, tokens, users
from sqlfirst.deals.errors import GoalMatchLimitReached, GoalTokenLimitExceeded
from sqlfirst.errors import Conflict, InsufficientBalance
from sqlfirst.settings import Settings

from .factories import make_deal, make_goal, make_market, make_user


async def user_counters(conn: Connection, user_id: object) -> tuple[int, Decimal]:
    row = await conn.fetchrow(
        "select total_deals_found, success_rate from deals.users where id = $1", user_id
    )
    return row["total_deals_found"], row["success_rate"]


# -- users.total_deals_found ---------------------------------------------------------------------


async def test_total_deals_found_counts_deals_of_the_users_goals_and_follows_a_move(
    conn: Connection,
) -> None:
    alice, bob = await make_user(conn), await make_user(conn)
    first, second = await make_goal(conn, alice), await make_goal(conn, alice)
    bobs = await make_goal(conn, bob)
    market = await make_market(conn)
    deal = await make_deal(conn, first, market)
    await make_deal(conn, second, market)
    assert (await user_counters(conn, alice.id))[0] == 2

    # A deal holds its goal's user (0128-0133): moving it to another user's goal moves both. Its
    # price points hold its user too (0217), so only a deal without a price history can move.
    await conn.execute("delete from deals.price_tracking where deal_id = $1", deal.id)
    await conn.execute(
        "update deals.deals set goal_id = $2, user_id = $3 where id = $1", deal.id, bobs.id, bob.id
    )
    assert [(await user_counters(conn, u.id))[0] for u in (alice, bob)] == [1, 1]
    # A deal found stays found: deleting it lowers the goal's matches, not the user's total.
    await deals.delete(conn, id=deal.id)
    assert (await user_counters(conn, bob.id))[0] == 1
    assert (await goals.get(conn, id=bobs.id)).total_matches_found == 0  # type: ignore[union-attr]


async def test_total_deals_found_is_exact_after_concurrent_inserts_on_many_goals(db_url: str) -> None:
    pool = await create_pool(Settings(database_url=db_url, min_size=2, max_size=30))
    try:
        async with pool.acquire() as c:
            user = await make_user(c)
            market = await make_market(c)
            user_goals = [await make_goal(c, user) for _ in range(5)]
        await asyncio.gather(*(make_deal(pool, user_goals[i % 5], market) for i in range(60)))  # type: ignore[arg-type]
        async with pool.acquire() as c:
            assert (await user_counters(c, user.id))[0] == 60
            found = await c.fetch("select total_matches_found from deals.goals where user_id = $1", user.id)
            assert sorted(r["total_matches_found"] for r in found) == [12] * 5
    finally:
        await pool.close()


# -- users.success_rate --------------------------------------------------------------------------


async def test_success_rate_is_completed_over_decided_goals(conn: Connection) -> None:
    user = await make_user(conn)
    g = [await make_goal(conn, user) for _ in range(5)]
    assert (await user_counters(conn, user.id))[1] == 0
    await goals.complete(conn, id=g[0].id)
    assert (await user_counters(conn, user.id))[1] == 1
    await goals.transition(conn, id=g[1].id, from_statuses=["active"], to_status="failed")  # type: ignore[list-item]
    await goals.cancel(conn, id=g[2].id)  # cancelled: not decided, not counted
    await goals.pause(conn, id=g[3].id)
    assert (await user_counters(conn, user.id))[1] == Decimal("0.5")
    await conn.execute(
        "update deals.goals set start_date = now() - interval '1 day',"
        " end_date = now() - interval '1 second' where id = $1",
        g[4].id,
    )
    assert await goals.expire_stale(conn) >= 1
    assert (await user_counters(conn, user.id))[1] == Decimal("0.3333")
    await goals.delete(conn, id=g[1].id)
    assert (await user_counters(conn, user.id))[1] == Decimal("0.5")


async def test_success_rate_is_exact_after_concurrent_outcomes_of_one_users_goals(db_url: str) -> None:
    pool = await create_pool(Settings(database_url=db_url, min_size=2, max_size=30))
    try:
        async with pool.acquire() as c:
            user = await make_user(c)
            user_goals = [await make_goal(c, user) for _ in range(30)]

        async def decide(index: int) -> None:
            to = "completed" if index % 3 else "failed"
            async with pool.acquire() as c, c.transaction():
                await goals.transition(c, id=user_goals[index].id, from_statuses=["active"], to_status=to)  # type: ignore[list-item, arg-type]

        await asyncio.gather(*(decide(i) for i in range(30)))
        async with pool.acquire() as c:
            assert (await user_counters(c, user.id))[1] == Decimal("0.6667")  # 20 completed of 30
    finally:
        await pool.close()


# -- goals.max_matches ---------------------------------------------------------------------------


async def test_max_matches_refuses_the_deal_past_the_limit_and_matching_skips_it(
    conn: Connection,
) -> None:
    goal = await make_goal(conn, max_matches=2, max_budget=1000)
    market = await make_market(conn)
    await make_deal(conn, goal, market)
    assert goal.id in {g.id for g in await goals.find_matching(conn, category="electronics", price=10)}
    await make_deal(conn, goal, market)  # the second: exactly at the limit
    assert goal.id not in {g.id for g in await goals.find_matching(conn, category="electronics", price=10)}
    with pytest.raises(GoalMatchLimitReached) as caught:
        async with conn.transaction():
            await make_deal(conn, goal, market)
    assert caught.value.sqlstate == "SF201"
    assert await conn.fetchval("select count(*) from deals.deals where goal_id = $1", goal.id) == 2
    assert (await goals.get(conn, id=goal.id)).total_matches_found == 2  # type: ignore[union-attr]


async def test_max_matches_holds_under_concurrent_recorders(db_url: str) -> None:
    pool = await create_pool(Settings(database_url=db_url, min_size=2, max_size=30))
    try:
        async with pool.acquire() as c:
            goal = await make_goal(c, max_matches=7)
            market = await make_market(c)
        results = await asyncio.gather(
            *(make_deal(pool, goal, market) for _ in range(25)), return_exceptions=True
        )  # type: ignore[arg-type]
        assert sum(isinstance(r, GoalMatchLimitReached) for r in results) == 18
        async with pool.acquire() as c:
            assert await c.fetchval("select count(*) from deals.deals where goal_id = $1", goal.id) == 7
    finally:
        await pool.close()


# -- goals.max_tokens ----------------------------------------------------------------------------


async def test_max_tokens_allows_spending_up_to_the_limit_and_refuses_beyond(conn: Connection) -> None:
    user = await make_user(conn)
    goal = await make_goal(conn, user, max_tokens=10)
    await tokens.reward(conn, user_id=user.id, amount=100)
    await tokens.deduct(conn, user_id=user.id, amount=4, goal_id=goal.id)
    await tokens.deduct(conn, user_id=user.id, amount=6, goal_id=goal.id)  # exactly 10
    with pytest.raises(GoalTokenLimitExceeded) as caught:
        async with conn.transaction():
            await tokens.deduct(conn, user_id=user.id, amount=Decimal("0.00000001"), goal_id=goal.id)
    assert caught.value.sqlstate == "SF202"
    assert await tokens.balance(conn, user_id=user.id) == 90
    assert (await goals.get(conn, id=goal.id)).total_tokens_spent == 10  # type: ignore[union-attr]
    # A refund makes room again; deductions without the goal are not limited by it.
    await tokens.refund(conn, user_id=user.id, amount=3, goal_id=goal.id)
    await tokens.deduct(conn, user_id=user.id, amount=3, goal_id=goal.id)
    await tokens.deduct(conn, user_id=user.id, amount=50)


async def test_max_tokens_holds_under_concurrent_deductions(db_url: str) -> None:
    pool = await create_pool(Settings(database_url=db_url, min_size=2, max_size=30))
    try:
        async with pool.acquire() as c:
            user = await make_user(c)
            goal = await make_goal(c, user, max_tokens=12)
            await tokens.reward(c, user_id=user.id, amount=1000)
        results = await asyncio.gather(
            *(tokens.deduct(pool, user_id=user.id, amount=1, goal_id=goal.id) for _ in range(40)),
            return_exceptions=True,
        )
        assert sum(isinstance(r, GoalTokenLimitExceeded) for r in results) == 28
        assert not any(isinstance(r, InsufficientBalance) for r in results)
        async with pool.acquire() as c:
            assert await tokens.balance(c, user_id=user.id) == 988
    finally:
        await pool.close()


# -- emails and social logins --------------------------------------------------------------------


async def test_the_database_refuses_a_mixed_case_email(conn: Connection) -> None:
    user = await make_user(conn)
    with pytest.raises(asyncpg.CheckViolationError) as caught:
        async with conn.transaction():
            await conn.execute("update deals.users set email = 'Someone@Example.com' where id = $1", user.id)
    assert caught.value.constraint_name == "ck_users_email_lowercase"
    # The Python API lowercases before the database sees it.
    created = await users.create(conn, email="Mixed.Case@Example.COM", password="correct horse battery")
    assert created.email == "mixed.case@example.com"


async def test_social_login_is_one_account_and_is_looked_up(conn: Connection) -> None:
    alice, bob = await make_user(conn), await make_user(conn)
    linked = await users.link_social(conn, id=alice.id, social_provider="google", social_id="g-123")
    assert linked is not None and (linked.social_provider, linked.social_id) == ("google", "g-123")
    found = await users.get_by_social(conn, social_provider="google", social_id="g-123")
    assert found is not None and found.id == alice.id
    assert await users.get_by_social(conn, social_provider="github", social_id="g-123") is None
    with pytest.raises(Conflict) as caught:
        async with conn.transaction():
            await users.link_social(conn, id=bob.id, social_provider="google", social_id="g-123")
    assert caught.value.constraint == "uq_users_social_provider_social_id"
    with pytest.raises(asyncpg.CheckViolationError) as half:
        async with conn.transaction():
            await conn.execute("update deals.users set social_provider = 'github' where id = $1", bob.id)
    assert half.value.constraint_name == "ck_users_social_pair"


async def test_success_rate_after_a_bulk_insert_and_a_cascading_delete(conn: Connection) -> None:
    user = await make_user(conn)
    await conn.execute(
        "insert into deals.goals (user_id, title, category, status)"
        " select $1, 'g' || k, 'books',"
        " (case when k % 4 = 0 then 'failed' else 'completed' end)::deals.goalstatus"
        " from generate_series(1, 8) as k",
        user.id,
    )
    assert (await user_counters(conn, user.id))[1] == Decimal("0.75")
    await conn.execute("delete from deals.goals where user_id = $1 and status = 'failed'", user.id)
    assert (await user_counters(conn, user.id))[1] == 1
