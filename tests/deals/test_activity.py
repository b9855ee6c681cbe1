"""Notifications, chat, token pricing, model metrics, market data, scores, agents, tasks, settings."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
from pydantic import ValidationError

from sqlfirst.db import Connection
from sqlfirst.deals import (
    agents,
    chat_messages,
    deal_activities,
    deal_scores,
    market_data,
    model_metrics,
    notifications,
    task_activities,
    tasks,
    token_pricing,
    user_settings,
)
from sqlfirst.deals.models import NotificationStatus, TaskStatus
from sqlfirst.errors import Conflict

from .factories import make_deal, make_goal, make_user


async def test_unread_notifications_newest_first_and_bulk_read_and_delivered(conn: Connection) -> None:
    user = await make_user(conn)
    other = await make_user(conn)
    created = [
        await notifications.create(
            conn, user_id=user.id, type="deal", title=f"Deal {i}", message="Price drop"
        )
        for i in range(4)
    ]
    foreign = await notifications.create(conn, user_id=other.id, type="system", title="Hi", message="Welcome")
    unread = await notifications.list_unread(conn, user_id=user.id)
    assert [n.id for n in unread] == [n.id for n in reversed(created)]
    assert await notifications.count_unread(conn, user_id=user.id) == 4

    assert await notifications.mark_delivered(conn, ids=[created[0].id, created[1].id]) == 2
    # Another user's id is ignored.
    assert await notifications.mark_read(conn, user_id=user.id, ids=[created[0].id, foreign.id]) == 1
    assert await notifications.mark_delivered(conn, ids=[created[0].id]) == 0  # read stays read
    assert [n.id for n in await notifications.list_unread(conn, user_id=user.id)] == [
        created[3].id,
        created[2].id,
        created[1].id,
    ]
    assert await notifications.mark_all_read(conn, user_id=user.id) == 3
    assert await notifications.count_unread(conn, user_id=user.id) == 0
    assert await notifications.count_unread(conn, user_id=other.id) == 1
    status = await conn.fetchval("select status from deals.notifications where id = $1", created[1].id)
    assert status == NotificationStatus.READ


async def test_bad_notification_input_is_rejected(conn: Connection) -> None:
    user = await make_user(conn)
    with pytest.raises(ValidationError):
        await notifications.create(conn, user_id=user.id, type="sms", title="t", message="m")
    with pytest.raises(ValidationError):
        await notifications.create(conn, user_id=user.id, type="deal", title=" ", message="m")


async def test_chat_messages_come_back_in_conversation_order(conn: Connection) -> None:
    user = await make_user(conn)
    goal = await make_goal(conn, user)
    for i in range(6):
        await chat_messages.create(
            conn,
            user_id=user.id,
            role="user" if i % 2 == 0 else "assistant",
            content=f"m{i}",
            goal_id=goal.id if i >= 3 else None,
            tokens_used=i,
        )
    assert [m.content for m in await chat_messages.list_for_user(conn, user_id=user.id)] == [
        f"m{i}" for i in range(6)
    ]
    assert [m.content for m in await chat_messages.list_for_user(conn, user_id=user.id, limit=2)] == [
        "m4",
        "m5",
    ]
    assert [m.content for m in await chat_messages.list_for_goal(conn, goal_id=goal.id)] == ["m3", "m4", "m5"]


async def test_token_price_valid_at_a_time_and_overlaps_rejected(conn: Connection) -> None:
    t0 = datetime(2025, 1, 1, tzinfo=UTC)
    jan = await token_pricing.create(
        conn, service_type="deal_search", token_cost="0.5", valid_from=t0, valid_to=t0 + timedelta(days=31)
    )
    feb_on = await token_pricing.create(
        conn, service_type="deal_search", token_cost="0.75", valid_from=t0 + timedelta(days=31)
    )
    await token_pricing.create(conn, service_type="chat", token_cost="2", valid_from=t0)  # other service
    at_jan = await token_pricing.price_at(conn, service_type="deal_search", at=t0 + timedelta(days=3))
    at_later = await token_pricing.price_at(conn, service_type="deal_search", at=t0 + timedelta(days=400))
    assert at_jan is not None and at_jan.id == jan.id
    assert at_later is not None and at_later.id == feb_on.id
    assert (
        await token_pricing.price_at(conn, service_type="deal_search", at=t0 - timedelta(seconds=1)) is None
    )
    # A naive time is refused, not read as UTC whatever zone was meant.
    for bad in (datetime(2025, 1, 4), "soon"):
        with pytest.raises(ValidationError, match="at"):
            await token_pricing.price_at(conn, service_type="deal_search", at=bad)  # type: ignore[arg-type]

    with pytest.raises(Conflict) as caught:
        async with conn.transaction():
            await token_pricing.create(
                conn,
                service_type="deal_search",
                token_cost=1,
                valid_from=t0 + timedelta(days=10),
                valid_to=t0 + timedelta(days=12),
            )
    assert caught.value.constraint == token_pricing.EXCLUSION_CONSTRAINT
    await token_pricing.deactivate(conn, id=jan.id)
    replacement = await token_pricing.create(
        conn,
        service_type="deal_search",
        token_cost=1,
        valid_from=t0 + timedelta(days=10),
        valid_to=t0 + timedelta(days=12),
    )
    assert replacement.is_active
    with pytest.raises(ValidationError):
        await token_pricing.create(conn, service_type="x", token_cost=1, valid_from=t0, valid_to=t0)


async def test_overlapping_prices_inserted_concurrently_are_rejected(
    pool: asyncpg.Pool[asyncpg.Record],
) -> None:
    """Racing writers of one service: exactly one wins, the rest get Conflict (never a deadlock)."""
    start = datetime(2030, 1, 1, tzinfo=UTC)

    async def insert_in_open_transaction(service: str, offset_days: int) -> str:
        async with pool.acquire() as c, c.transaction():
            try:
                await token_pricing.create(
                    c, service_type=service, token_cost=1, valid_from=start + timedelta(days=offset_days)
                )
            except Conflict:
                return "conflict"
            return "ok"

    for round_number in range(5):
        service = f"race-{round_number}"
        results = await asyncio.gather(*(insert_in_open_transaction(service, d) for d in range(8)))
        assert sorted(results) == ["conflict"] * 7 + ["ok"], f"round {round_number}: {results}"


async def test_model_metrics_latest_per_model(conn: Connection) -> None:
    common = {"training_duration": 60, "training_samples": 1000, "validation_samples": 200}
    await model_metrics.record(
        conn,
        model_name="ranker",
        model_version="1",
        accuracy="0.8",
        precision="0.7",
        recall="0.6",
        f1_score="0.65",
        **common,
    )
    newest = await model_metrics.record(
        conn,
        model_name="ranker",
        model_version="2",
        accuracy="0.9",
        precision="0.8",
        recall="0.7",
        f1_score="0.75",
        hyperparameters={"lr": 0.01},
        **common,
    )
    other = await model_metrics.record(
        conn,
        model_name="classifier",
        model_version="1",
        accuracy=1,
        precision=1,
        recall=1,
        f1_score=1,
        **common,
    )
    latest = await model_metrics.latest_per_model(conn)
    assert {m.model_name: m.id for m in latest if m.model_name in ("ranker", "classifier")} == {
        "ranker": newest.id,
        "classifier": other.id,
    }
    assert (await model_metrics.latest(conn, model_name="ranker")) == newest
    with pytest.raises(ValidationError):
        await model_metrics.record(
            conn,
            model_name="bad",
            model_version="1",
            accuracy="1.2",
            precision=0,
            recall=0,
            f1_score=0,
            **common,
        )


async def test_market_data_upsert_keeps_one_row_per_symbol_and_source_and_ignores_stale(
    conn: Connection,
) -> None:
    t = datetime.now(UTC)
    first = await market_data.upsert(
        conn, symbol="SOL", market_type="crypto", price="150.5", source="binance", last_updated=t
    )
    assert first is not None
    newer = await market_data.upsert(
        conn,
        symbol="SOL",
        market_type="crypto",
        price="151",
        source="binance",
        last_updated=t + timedelta(seconds=5),
    )
    assert newer is not None and newer.id == first.id and newer.price == 151
    stale = await market_data.upsert(
        conn,
        symbol="SOL",
        market_type="crypto",
        price="1",
        source="binance",
        last_updated=t - timedelta(minutes=1),
    )
    assert stale is None
    await market_data.upsert(
        conn,
        symbol="SOL",
        market_type="crypto",
        price="152",
        source="coinbase",
        last_updated=t + timedelta(seconds=9),
    )
    latest = await market_data.latest(conn, symbol="SOL")
    assert latest is not None and (latest.source, latest.price) == ("coinbase", 152)
    assert await conn.fetchval("select count(*) from deals.market_data where symbol = 'SOL'") == 2
    with pytest.raises(ValidationError):
        await market_data.upsert(
            conn, symbol="X", market_type="crypto", price=1, source="s", high_24h=1, low_24h=2
        )


async def test_scores_agents_tasks_and_activities(conn: Connection) -> None:
    user = await make_user(conn)
    goal = await make_goal(conn, user)
    deal = await make_deal(conn, goal)
    score = await deal_scores.create(conn, deal_id=deal.id, score_type="risk", value=35, confidence="80.5")
    revised = await deal_scores.update(conn, id=score.id, value=40, confidence=90)
    assert revised is not None and revised.value == 40
    assert [s.id for s in await deal_scores.list_for_deal(conn, deal_id=deal.id)] == [score.id]
    with pytest.raises(ValidationError):
        await deal_scores.create(conn, deal_id=deal.id, score_type="risk", value=101, confidence=50)

    agent = await agents.create(conn, name="Scout", type="market_analyst", capabilities=["search", "compare"])
    assert agent.capabilities == ["search", "compare"]
    task = await tasks.create(conn, goal_id=goal.id, title="Find laptops", agent_id=agent.id, priority=1)
    await tasks.create(conn, goal_id=goal.id, title="Later", priority=5)
    started = await tasks.set_status(conn, id=task.id, status=TaskStatus.IN_PROGRESS)
    assert started is not None and started.status is TaskStatus.IN_PROGRESS
    assert [t.title for t in await tasks.list_for_goal(conn, goal_id=goal.id)] == ["Find laptops", "Later"]
    assert [
        t.id for t in await tasks.list_for_agent(conn, agent_id=agent.id, status=TaskStatus.IN_PROGRESS)
    ] == [task.id]
    with pytest.raises(ValidationError):
        await tasks.create(conn, goal_id=goal.id, title="bad", priority=0)

    await deal_activities.record(conn, deal_id=deal.id, activity_type="created", user_id=user.id)
    await deal_activities.record(conn, deal_id=deal.id, activity_type="analyzed", agent_id=agent.id)
    assert [a.activity_type for a in await deal_activities.list_for_deal(conn, deal_id=deal.id)] == [
        "created",
        "analyzed",
    ]
    await task_activities.record(conn, task_id=task.id, activity_type="started", agent_id=agent.id)
    await task_activities.record(conn, task_id=task.id, activity_type="progress", description="3 found")
    assert [a.activity_type for a in await task_activities.list_for_task(conn, task_id=task.id)] == [
        "started",
        "progress",
    ]

    assert await agents.delete(conn, id=agent.id) == 1
    unassigned = await tasks.get(conn, id=task.id)
    assert unassigned is not None and unassigned.agent_id is None
    assert all(a.agent_id is None for a in await task_activities.list_for_task(conn, task_id=task.id))


async def test_user_settings_one_row_per_user(conn: Connection) -> None:
    user = await make_user(conn)
    assert await user_settings.get(conn, user_id=user.id) is None
    first = await user_settings.save(conn, user_id=user.id, ui_preferences={"theme": "dark"})
    second = await user_settings.save(conn, user_id=user.id, notification_preferences={"email": False})
    assert second.id == first.id
    assert (second.ui_preferences, second.notification_preferences) == ({}, {"email": False})
    assert await conn.fetchval("select count(*) from deals.user_settings where user_id = $1", user.id) == 1


async def test_deleting_a_user_cascades_through_goals_deals_and_history(conn: Connection) -> None:
    from sqlfirst.deals import tokens, users

    user = await make_user(conn)
    goal = await make_goal(conn, user)
    deal = await make_deal(conn, goal)
    await tokens.reward(conn, user_id=user.id, amount=3)
    await notifications.create(conn, user_id=user.id, type="deal", title="t", message="m", deal_id=deal.id)
    await user_settings.save(conn, user_id=user.id)
    assert await users.delete(conn, id=user.id) == 1
    for table, column, key in [
        ("goals", "user_id", user.id),
        ("deals", "goal_id", goal.id),
        ("price_tracking", "deal_id", deal.id),
        ("token_transactions", "user_id", user.id),
        ("token_balance_history", "user_id", user.id),
        ("notifications", "user_id", user.id),
        ("user_settings", "user_id", user.id),
    ]:
        assert await conn.fetchval(f"select count(*) from deals.{table} where {column} = $1", key) == 0, table
    assert await users.get_by_id(conn, id=user.id) is None
