"""The bench's monitoring contest: its slots measure what their names say, in balanced orders."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any
from uuid import UUID

from sqlfirst import monitoring
from sqlfirst.agent_hub import users
from sqlfirst.bench.monitoring_cost import ORDERS, SLOTS, run_monitoring_contest
from sqlfirst.bench.registry import Contender, Contest, load_budgets
from sqlfirst.bench.sidebyside import ContestContext, round_orders
from sqlfirst.db import Connection
from tests.agent_hub.factories import make_user

SQL = users.get_by_id.__sqlfirst__.query.sql  # type: ignore[attr-defined]


async def _draw(ctx: Any, rng: random.Random) -> UUID:
    ids: list[UUID] = ctx.samples
    return rng.choice(ids)


def _contest(typed: Contender) -> Contest:
    raw = Contender(lambda ctx, uid: ctx.conn.fetchrow(SQL, uid), _draw)
    return Contest("probe", "one user by id", {"asyncpg": raw, "sqlfirst": typed}, shared_input=True)


def test_five_slots_run_in_all_120_orders_equally_often() -> None:
    orders = round_orders(2 * ORDERS, random.Random(5), balanced=True, slots=SLOTS)
    assert ORDERS == 120 and set(Counter(orders).values()) == {2} and len(set(orders)) == 120


def test_statistics_on_is_held_to_the_per_call_target_of_its_contest() -> None:
    budgets = load_budgets()
    assert set(budgets.monitoring) == {"point_lookup", "page_50"}
    for name, ceiling in budgets.monitoring.items():
        assert ceiling == budgets.contests[name].max_ratio_vs_asyncpg, name


async def test_each_slot_measures_what_its_name_says(conn: Connection) -> None:
    ids = [(await make_user(conn)).id for _ in range(3)]
    typed = Contender(lambda ctx, uid: users.get_by_id(ctx.conn, id=uid), _draw)
    ctx = ContestContext(conn=conn, orm=None, samples=ids)
    result = await run_monitoring_contest(ctx, "agent_hub", _contest(typed), 1.10, iterations=10, seed=1)
    assert result.error is None and not result.failures, result.failures
    assert result.rounds == 120 and {s.calls for s in result.stats.values()} == {120 * 5}
    assert result.spans == result.traced_calls == 1 + 120 * 5  # one warm-up call, then the rounds
    assert result.counted == 2 * result.spans  # statistics and tracing slots; the off slot counts none
    doc = result.as_json()
    assert set(doc["slots"]) == set(SLOTS) and doc["orders"] == {"rounds": 120, "of": 120, "balanced": True}
    assert doc["statistics_vs_asyncpg_ci"][1] <= doc["statistics_vs_asyncpg_ci"][0]
    # The process is left as it was: statistics on, tracing off.
    monitoring.reset()
    await users.get_by_id(conn, id=ids[0])
    assert monitoring.stats()["agent_hub.get_user_by_id"].calls == 1


async def test_a_typed_slot_that_is_not_monitored_fails_the_contest(conn: Connection) -> None:
    ids = [(await make_user(conn)).id]
    bypass = Contender(lambda ctx, uid: ctx.conn.fetchrow(SQL, uid), _draw)  # no typed call: no span
    ctx = ContestContext(conn=conn, orm=None, samples=ids)
    result = await run_monitoring_contest(ctx, "agent_hub", _contest(bypass), 1.10, iterations=5, seed=2)
    assert result.spans == 0 and result.failures
    assert "spans were exported" in result.failures[0]
