"""The bench's row-level-security contest: the same calls as the superuser and as the application
role acting for the row's owner, in balanced orders, and a contest that would be timed on rows the
policies hide fails instead of reporting a flattering figure."""

from __future__ import annotations

import random
from typing import Any
from uuid import UUID

import asyncpg

from sqlfirst.agent_hub import events
from sqlfirst.bench.registry import Contender, Contest, load_budgets
from sqlfirst.bench.rls_cost import APP_ROLE, ORDERS, SLOTS, run_rls_contest
from sqlfirst.bench.sidebyside import ContestContext
from sqlfirst.db import create_pool
from sqlfirst.settings import Settings
from tests.agent_hub.factories import make_session, make_user

PAGE = events._list_page.__sqlfirst__.query.sql  # type: ignore[attr-defined]


async def _draw(ctx: Any, rng: random.Random) -> UUID:
    ids: list[UUID] = ctx.samples
    return rng.choice(ids)


async def _owner(ctx: Any, sid: UUID) -> Any:
    return await ctx.conn.fetchval("select user_id from agent_hub.sessions where id = $1", sid)


def _contest(acting: Any) -> Contest:
    raw = Contender(lambda ctx, sid: ctx.conn.fetch(PAGE, sid, 0, 50), _draw)
    typed = Contender(lambda ctx, sid: events.list_page(ctx.conn, session_id=sid), _draw)
    return Contest(
        "probe",
        "a page of events",
        {"asyncpg": raw, "sqlfirst": typed},
        rows_per_call=4,
        shared_input=True,
        acting=acting,
    )


def test_the_hot_contests_run_under_rls_with_the_per_call_target() -> None:
    budgets = load_budgets()
    assert set(budgets.rls) == {"point_lookup", "page_50"}
    for name, ceiling in budgets.rls.items():
        assert ceiling == budgets.contests[name].max_ratio_vs_asyncpg, name


async def _sessions(pool: asyncpg.Pool[asyncpg.Record]) -> list[UUID]:
    found = []
    async with pool.acquire() as conn:
        for _ in range(3):
            session = await make_session(conn)
            for n in range(4):
                await events.append(conn, session_id=session.id, author="user", content=f"m{n}", metadata={})
            found.append(session.id)
    return found


async def test_every_slot_runs_in_balanced_orders_and_rls_hides_nothing(
    pool: asyncpg.Pool[asyncpg.Record], db_url: str
) -> None:
    ids = await _sessions(pool)
    app_pool = await create_pool(Settings(database_url=db_url, role=APP_ROLE, min_size=1, max_size=1))
    try:
        async with pool.acquire() as owner_conn, app_pool.acquire() as app_conn:
            owner = ContestContext(conn=owner_conn, orm=None, samples=ids)
            app = ContestContext(conn=app_conn, orm=None, samples=ids)
            result = await run_rls_contest(
                owner, app, "agent_hub", _contest(_owner), 1.10, iterations=10, seed=1
            )
            assert result.error is None and not result.failures, result.failures
            assert result.rounds == ORDERS and {s.calls for s in result.stats.values()} == {ORDERS}
            assert result.compared == ORDERS and result.differed == 0 and result.rows == 4 * ORDERS
            doc = result.as_json()
            assert set(doc["slots"]) == set(SLOTS) and doc["role"] == APP_ROLE
            assert (
                doc["rls_cost_sqlfirst_ci"][1]
                <= doc["rls_cost_sqlfirst_ci"][0]
                <= doc["rls_cost_sqlfirst_ci"][2]
            )
            # The app connection is left acting for nobody: tenant rows read as empty.
            assert await app_conn.fetchval("select count(*) from agent_hub.events") == 0
    finally:
        await app_pool.close()


async def test_acting_for_someone_else_fails_the_contest(
    pool: asyncpg.Pool[asyncpg.Record], db_url: str
) -> None:
    ids = await _sessions(pool)
    async with pool.acquire() as conn:
        stranger = (await make_user(conn)).id

    async def _stranger(ctx: Any, sid: UUID) -> Any:
        return stranger

    app_pool = await create_pool(Settings(database_url=db_url, role=APP_ROLE, min_size=1, max_size=1))
    try:
        async with pool.acquire() as owner_conn, app_pool.acquire() as app_conn:
            owner = ContestContext(conn=owner_conn, orm=None, samples=ids)
            app = ContestContext(conn=app_conn, orm=None, samples=ids)
            result = await run_rls_contest(
                owner, app, "agent_hub", _contest(_stranger), 1.10, iterations=5, seed=2
            )
    finally:
        await app_pool.close()
    assert result.differed == result.compared > 0 and result.rows == 0
    assert "would be timed on hidden rows" in result.failures[0]
