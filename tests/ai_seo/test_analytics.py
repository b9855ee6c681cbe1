"""Metrics and events (time series), campaign analytics (example 3) and the user view (example 5)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from pydantic import ValidationError

from sqlfirst.ai_seo import analytics, events, metrics, sessions, tasks
from sqlfirst.ai_seo.models import AgentMetricCreate, TaskStatus
from sqlfirst.db import Connection
from sqlfirst.errors import ReferenceViolation

from .factories import make_agent, make_campaign, make_task, make_user


async def test_record_and_query_metrics_by_agent_and_time_range(conn: Connection) -> None:
    agent = await make_agent(conn)
    now = datetime.now(UTC)
    old = await metrics.record(
        conn,
        agent_id=agent.id,
        metric_name="latency",
        metric_value="12.5",
        metric_unit="ms",
        recorded_at=now - timedelta(days=40),
    )
    new = await metrics.record(
        conn, agent_id=agent.id, metric_name="latency", metric_value=9, metadata={"p": 95}
    )
    assert new.metric_value == Decimal(9) and new.metadata == {"p": 95}
    recent = await metrics.list_for_agent(conn, agent_id=agent.id, since=now - timedelta(days=1))
    assert [m.id for m in recent] == [new.id]
    both = await metrics.list_for_agent(conn, agent_id=agent.id, since=now - timedelta(days=60))
    assert [m.id for m in both] == [new.id, old.id]
    with pytest.raises(ValidationError):
        await metrics.record(conn, agent_id=agent.id, metric_name="x", metric_value="1e10")
    with pytest.raises(ValidationError):
        await metrics.list_for_agent(conn, agent_id=agent.id, since=datetime(2026, 1, 1))  # naive


async def test_ingest_metrics_and_events_with_copy_all_or_nothing(conn: Connection) -> None:
    agent = await make_agent(conn)
    now = datetime.now(UTC)
    rows = [
        AgentMetricCreate(
            agent_id=agent.id,
            metric_name="tokens",
            metric_value=Decimal(i),
            recorded_at=now - timedelta(minutes=i),
        )
        for i in range(500)
    ]
    assert await metrics.ingest(conn, rows) == 500
    page = await metrics.list_for_agent(conn, agent_id=agent.id, since=now - timedelta(days=1), limit=1000)
    assert len(page) == 500 and page[0].metric_value == 0
    with pytest.raises(ValidationError):
        await metrics.ingest(conn, [{"agent_id": agent.id, "metric_name": "", "metric_value": 1}])
    import uuid

    with pytest.raises(ReferenceViolation):
        async with conn.transaction():
            await metrics.ingest(
                conn,
                [
                    {"agent_id": agent.id, "metric_name": "a", "metric_value": 1},
                    {"agent_id": uuid.uuid4(), "metric_name": "b", "metric_value": 1},
                ],
            )
    assert (
        await conn.fetchval("select count(*) from ai_seo.agent_metrics where agent_id = $1", agent.id) == 500
    )

    written = await events.ingest(
        conn,
        [
            {
                "event_type": "ingested",
                "source": "test",
                "event_data": {"n": n},
                "occurred_at": now - timedelta(days=n),
            }
            for n in range(40)
        ],
    )
    assert written == 40
    week = await events.list_by_type(
        conn, event_type="ingested", since=now - timedelta(days=7), until=now + timedelta(seconds=1)
    )
    assert [e.event_data["n"] for e in week] == list(range(8))  # since is inclusive


async def test_events_by_type_and_by_data_containment(conn: Connection) -> None:
    user = await make_user(conn)
    now = datetime.now(UTC)
    login = await events.record(
        conn, event_type="user_login", source="api", user_id=user.id, event_data={"ip": "1.2.3.4"}
    )
    await events.record(
        conn, event_type="task_done", source="worker", event_data={"campaign": "c1", "ok": True}
    )
    old = await events.record(
        conn,
        event_type="task_done",
        source="worker",
        event_data={"campaign": "c1"},
        occurred_at=now - timedelta(days=100),
    )
    assert [
        e.id
        for e in await events.list_by_type(conn, event_type="user_login", since=now - timedelta(minutes=5))
    ] == [login.id]
    found = await events.search(conn, event_data={"campaign": "c1"}, since=now - timedelta(days=365))
    assert len(found) == 2 and found[-1].id == old.id
    assert (
        len(
            await events.search(
                conn, event_data={"campaign": "c1", "ok": True}, since=now - timedelta(days=1)
            )
        )
        == 1
    )
    with pytest.raises(ValidationError):
        await events.record(conn, event_type="x", source="y", event_data=[1, 2])  # type: ignore[arg-type]


async def test_example_3_campaign_analytics(conn: Connection) -> None:
    campaign = await make_campaign(conn)
    writer = await make_agent(conn, name="Content Writer", agent_level="operational")
    auditor = await make_agent(conn, name="Auditor", agent_level="management")
    bystander = await make_agent(conn)
    assert (summary := await analytics.campaign_task_summary(conn, campaign_id=campaign.id)) is not None
    assert (
        summary.total_tasks,
        summary.success_rate,
        summary.avg_processing_time_ms,
        summary.duration_days,
    ) == (0, 0, None, 0)

    made = []
    for agent, outcome in [
        (writer, "completed"),
        (writer, "completed"),
        (writer, "failed"),
        (auditor, "completed"),
        (auditor, None),
    ]:
        task = await make_task(conn, agent, campaign_id=campaign.id)
        if not made:  # the campaign's first task, three days ago (before it finishes: then it is history)
            await conn.execute(
                "update ai_seo.agent_tasks set created_at = created_at - interval '3 days' where id = $1",
                task.id,
            )
        if outcome:
            await tasks.start(conn, id=task.id)
            await (
                tasks.complete(conn, id=task.id)
                if outcome == "completed"
                else tasks.fail(conn, id=task.id, error_message="e")
            )
        made.append(task)
    await make_task(conn, bystander)  # another campaign's work is not counted

    summary = await analytics.campaign_task_summary(conn, campaign_id=campaign.id)
    assert summary is not None
    assert (summary.total_tasks, summary.completed_tasks) == (5, 3)
    assert summary.success_rate == pytest.approx(3 / 5)
    assert summary.avg_processing_time_ms is not None and summary.avg_processing_time_ms >= 0
    assert summary.duration_days == 3 and summary.last_completed is not None
    assert await analytics.campaign_task_summary(conn, campaign_id=bystander.id) is None

    breakdown = await analytics.campaign_agent_breakdown(conn, campaign_id=campaign.id)
    assert [(b.name, b.agent_level, b.task_count) for b in breakdown] == [
        ("Content Writer", "operational", 3),
        ("Auditor", "management", 2),
    ]
    assert breakdown[0].success_rate == pytest.approx(2 / 3) and breakdown[1].success_rate == pytest.approx(
        1 / 2
    )
    assert breakdown[0].agent_id == writer.agent_id

    now = datetime.now(UTC)
    for agent in (writer, auditor, bystander):
        await metrics.record(conn, agent_id=agent.id, metric_name="quality", metric_value=1)
        await metrics.record(
            conn,
            agent_id=agent.id,
            metric_name="quality",
            metric_value=2,
            recorded_at=now - timedelta(days=8),
        )
    recent = await analytics.campaign_recent_metrics(conn, campaign_id=campaign.id)
    # The seed's join repeated each metric once per task of its agent (3 + 2 rows); a semi-join does not.
    assert sorted(m.agent_id for m in recent) == sorted([writer.id, auditor.id])
    assert len({m.id for m in recent}) == len(recent) == 2
    assert (
        len(
            await analytics.campaign_recent_metrics(
                conn, campaign_id=campaign.id, since=now - timedelta(days=30)
            )
        )
        == 4
    )
    assert len(await analytics.campaign_recent_metrics(conn, campaign_id=campaign.id, limit=1)) == 1


async def test_example_5_full_view_of_a_user_in_one_query(conn: Connection) -> None:
    user = await make_user(conn, full_name="Overview")
    await sessions.issue(conn, user_id=user.id)
    revoked = await sessions.issue(conn, user_id=user.id)
    await sessions.revoke(conn, id=revoked.session.id, user_id=user.id)
    writer = await make_agent(conn, name="Writer")
    auditor = await make_agent(conn, name="Auditor")
    campaign = await make_campaign(conn, name="Spring push")
    made = []
    for i in range(12):
        agent = writer if i % 3 else auditor
        task = await make_task(conn, agent, user_id=user.id, campaign_id=campaign.id if i % 2 else None)
        await conn.execute(
            "update ai_seo.agent_tasks set created_at = now() + make_interval(secs => $2) where id = $1",
            task.id,
            i,
        )
        made.append(task)
    for task in made[:3]:
        await tasks.start(conn, id=task.id)
        await tasks.complete(conn, id=task.id)
    await tasks.start(conn, id=made[3].id)
    await tasks.fail(conn, id=made[3].id, error_message="x")

    view = await analytics.user_overview(conn, user_id=user.id)
    assert view is not None and view.user == await _get(conn, user.id)
    assert view.active_sessions == 1
    assert (view.total_tasks, view.completed_tasks, view.failed_tasks) == (12, 3, 1)
    assert [t.id for t in view.recent_tasks] == [t.id for t in reversed(made[2:])]
    newest = view.recent_tasks[0]
    # made[11]: 11 % 3 -> the writer, 11 % 2 -> in the campaign; made[10] has no campaign.
    assert (newest.agent_id, newest.agent_name, newest.campaign_name) == (
        writer.agent_id,
        "Writer",
        "Spring push",
    )
    assert (view.recent_tasks[1].campaign_id, view.recent_tasks[1].campaign_name) == (None, None)
    assert view.recent_tasks[-1].status is TaskStatus.COMPLETED
    assert [(u.agent_id, u.task_count) for u in view.agent_usage] == [
        (writer.agent_id, 8),
        (auditor.agent_id, 4),
    ]

    lonely = await make_user(conn)
    empty = await analytics.user_overview(conn, user_id=lonely.id)
    assert empty is not None and (
        empty.total_tasks,
        empty.recent_tasks,
        empty.agent_usage,
        empty.active_sessions,
    ) == (0, [], [], 0)
    import uuid

    assert await analytics.user_overview(conn, user_id=uuid.uuid4()) is None


async def _get(conn: Connection, user_id: object) -> object:
    from sqlfirst.ai_seo import users

    return await users.get_by_id(conn, id=user_id)  # type: ignore[arg-type]
