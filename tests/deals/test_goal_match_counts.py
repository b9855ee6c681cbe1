"""goals.total_matches_found is kept per statement (0218): a bulk write updates each goal once."""

from __future__ import annotations

from uuid import UUID

import asyncpg
import pytest

from sqlfirst.db import Connection
from sqlfirst.deals import goals
from sqlfirst.deals.errors import GoalMatchLimitReached
from sqlfirst.errors import translate

from ..conftest import rows_updated_in_transaction
from .factories import make_goal, make_market, make_user

BULK = (
    "insert into deals.deals (goal_id, user_id, market_id, title, url, current_price, category, source)"
    " select g.goal_id, g.user_id, $3, 'd' || k, 'https://shop.test/' || g.n || '/' || k, 10,"
    " 'electronics', 'amazon'"
    " from unnest($1::uuid[], $2::uuid[]) with ordinality as g(goal_id, user_id, n),"
    " generate_series(1, $4::integer) as k"
)


async def found(conn: Connection, goal_id: UUID) -> int:
    goal = await goals.get(conn, id=goal_id)
    assert goal is not None
    return goal.total_matches_found


async def test_a_bulk_insert_updates_each_goal_once_and_counts_every_deal(conn: Connection) -> None:
    user = await make_user(conn)
    first, second, third = [await make_goal(conn, user) for _ in range(3)]
    market = await make_market(conn)
    ids = [first.id, second.id, third.id]
    async with conn.transaction():
        before = await rows_updated_in_transaction(conn, "deals.goals")
        await conn.execute(BULK, ids, [user.id] * 3, market.id, 40)
        # Per row this was 120 updates of three rows, each walking the versions the last ones left.
        assert await rows_updated_in_transaction(conn, "deals.goals") - before == 3
    assert [await found(conn, g) for g in ids] == [40, 40, 40]
    user_total = await conn.fetchval("select total_deals_found from deals.users where id = $1", user.id)
    assert user_total == 120


async def test_a_bulk_delete_updates_each_goal_once_and_uncounts_every_deal(conn: Connection) -> None:
    user = await make_user(conn)
    first, second = await make_goal(conn, user), await make_goal(conn, user)
    market = await make_market(conn)
    await conn.execute(BULK, [first.id, second.id], [user.id] * 2, market.id, 30)
    async with conn.transaction():
        before = await rows_updated_in_transaction(conn, "deals.goals")
        deleted = await conn.execute(
            "delete from deals.deals where goal_id = any($1::uuid[]) and title <> 'd1'", [first.id, second.id]
        )
        assert deleted == "DELETE 58"
        assert await rows_updated_in_transaction(conn, "deals.goals") - before == 2
    assert [await found(conn, first.id), await found(conn, second.id)] == [1, 1]
    # A deal found stays found for its user (0025): deletes do not lower the user's total.
    user_total = await conn.fetchval("select total_deals_found from deals.users where id = $1", user.id)
    assert user_total == 60


async def test_a_bulk_insert_past_max_matches_is_refused_whole(conn: Connection) -> None:
    user = await make_user(conn)
    open_goal = await make_goal(conn, user)
    limited = await make_goal(conn, user, max_matches=5)
    market = await make_market(conn)
    with pytest.raises(asyncpg.PostgresError) as caught:
        async with conn.transaction():
            await conn.execute(BULK, [open_goal.id, limited.id], [user.id] * 2, market.id, 6)
    error = translate(caught.value)
    assert isinstance(error, GoalMatchLimitReached) and error.sqlstate == "SF201"
    assert f"goal {limited.id} already has its 5 matches" in str(error)
    written = await conn.fetchval(
        "select count(*) from deals.deals where goal_id = any($1::uuid[])", [open_goal.id, limited.id]
    )
    assert written == 0
    assert [await found(conn, open_goal.id), await found(conn, limited.id)] == [0, 0]
    await conn.execute(BULK, [limited.id], [user.id], market.id, 5)  # exactly at the limit
    assert await found(conn, limited.id) == 5
