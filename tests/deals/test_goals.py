"""Goals: lifecycle, the active-goal counter kept by the database, and matching deals to goals."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from pydantic import ValidationError

from sqlfirst.db import Connection
from sqlfirst.deals import goals
from sqlfirst.deals.models import GoalCreate, GoalStatus, MarketCategory
from sqlfirst.errors import CheckViolation, ReferenceViolation

from .factories import make_goal, make_user, unvalidated


async def active_count(conn: Connection, user_id: object) -> int:
    return int(await conn.fetchval("select active_goals_count from deals.users where id = $1", user_id))


async def test_pause_resume_complete_follow_allowed_transitions_and_keep_the_active_count(
    conn: Connection,
) -> None:
    user = await make_user(conn)
    goal = await make_goal(conn, user)
    second = await make_goal(conn, user, title="A bike", category="sports")
    assert goal.status is GoalStatus.ACTIVE
    assert await active_count(conn, user.id) == 2

    paused = await goals.pause(conn, id=goal.id)
    assert paused is not None and paused.status is GoalStatus.PAUSED
    assert await active_count(conn, user.id) == 1
    assert await goals.pause(conn, id=goal.id) is None  # already paused
    assert await goals.resume(conn, id=goal.id) is not None
    assert await active_count(conn, user.id) == 2
    assert await goals.complete(conn, id=goal.id) is not None
    assert await goals.resume(conn, id=goal.id) is None  # completed goals stay completed
    assert await active_count(conn, user.id) == 1

    assert [g.id for g in await goals.list_by_user(conn, user_id=user.id, status="active")] == [second.id]
    assert {g.id for g in await goals.list_by_user(conn, user_id=user.id)} == {goal.id, second.id}
    assert await goals.delete(conn, id=second.id) == 1
    assert await active_count(conn, user.id) == 0


async def test_active_count_follows_direct_updates_and_owner_changes(conn: Connection) -> None:
    alice = await make_user(conn)
    bob = await make_user(conn)
    goal = await make_goal(conn, alice)
    await conn.execute("update deals.goals set user_id = $2 where id = $1", goal.id, bob.id)
    assert (await active_count(conn, alice.id), await active_count(conn, bob.id)) == (0, 1)
    await conn.execute("update deals.goals set status = 'expired' where id = $1", goal.id)
    assert await active_count(conn, bob.id) == 0


async def test_find_matching_applies_category_budget_discount_and_target(conn: Connection) -> None:
    user = await make_user(conn)
    no_terms = await make_goal(conn, user, title="anything")
    budget_600 = await make_goal(conn, user, title="budget", max_budget=600, priority="high")
    budget_400 = await make_goal(conn, user, title="too small budget", max_budget=400)
    discount_20 = await make_goal(conn, user, title="wants 20%", min_discount_percent=20)
    target_450 = await make_goal(conn, user, title="target", target_price=450)
    await make_goal(conn, user, title="other category", category="books")
    paused = await make_goal(conn, user, title="paused")
    await goals.pause(conn, id=paused.id)
    await make_goal(
        conn,
        user,
        title="ended",
        start_date=datetime.now(UTC) - timedelta(days=10),
        end_date=datetime.now(UTC) - timedelta(days=1),
    )

    matched = await goals.find_matching(
        conn, category="electronics", price=Decimal("500"), discount_percent=25
    )
    assert {g.id for g in matched} == {no_terms.id, budget_600.id, discount_20.id}
    assert matched[0].id == budget_600.id  # highest priority first
    assert budget_400.id not in {g.id for g in matched} and target_450.id not in {g.id for g in matched}

    no_discount = await goals.find_matching(conn, category="electronics", price=Decimal("440"))
    assert {g.id for g in no_discount} == {no_terms.id, budget_600.id, target_450.id}
    cheap = await goals.find_matching(conn, category="electronics", price=Decimal("399"))
    assert budget_400.id in {g.id for g in cheap}


@pytest.mark.parametrize(
    "overrides",
    [
        {"max_budget": -1},
        {"min_discount_percent": 101},
        {"category": "spaceships"},
        {"priority": "urgent"},
        {"title": "   "},
        {"max_matches": 0},
        {"start_date": datetime(2030, 1, 2, tzinfo=UTC), "end_date": datetime(2030, 1, 1, tzinfo=UTC)},
    ],
)
async def test_bad_goal_input_is_rejected_before_the_database(
    conn: Connection, overrides: dict[str, object]
) -> None:
    user = await make_user(conn)
    with pytest.raises(ValidationError):
        await make_goal(conn, user, **overrides)
    assert await conn.fetchval("select count(*) from deals.goals where user_id = $1", user.id) == 0


async def test_the_database_enforces_goal_checks_and_owner(conn: Connection) -> None:
    user = await make_user(conn)
    fields = GoalCreate(user_id=user.id, title="t", category=MarketCategory.HOME).model_dump()
    with pytest.raises(CheckViolation) as caught:
        async with conn.transaction():
            await unvalidated(goals.create)(conn, **{**fields, "min_discount_percent": Decimal(150)})
    assert caught.value.constraint == "ck_goals_min_discount_percent"
    with pytest.raises(ReferenceViolation) as missing:
        async with conn.transaction():
            await unvalidated(goals.create)(conn, **{**fields, "user_id": uuid.uuid4()})
    assert missing.value.constraint == "fk_goals_user_id"
