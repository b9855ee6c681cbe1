"""The task queue (example 2): priority order, lifecycle kept by the database, concurrent claims."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

import asyncpg
import pytest
from pydantic import ValidationError

from sqlfirst.ai_seo import agents, campaigns, tasks
from sqlfirst.ai_seo.errors import IllegalTaskTransition
from sqlfirst.ai_seo.models import TaskPriority, TaskStatus
from sqlfirst.db import Connection
from sqlfirst.errors import NotFound, ReferenceViolation

from .factories import make_agent, make_campaign, make_task, make_user


async def test_example_2_create_claim_complete_with_times_measured_by_the_database(conn: Connection) -> None:
    agent = await make_agent(conn)
    campaign = await make_campaign(conn)
    user = await make_user(conn)
    task = await tasks.create(
        conn,
        agent_id=agent.id,
        campaign_id=campaign.id,
        user_id=user.id,
        task_type="keyword_research",
        input_data={"keywords": ["seo", "audit"]},
        priority="high",
    )
    assert (task.status, task.priority) == (TaskStatus.PENDING, TaskPriority.HIGH)
    assert task.started_at is None and task.completed_at is None and task.processing_time_ms is None

    claimed = await tasks.claim_next(conn, agent_id=agent.id)
    assert claimed is not None and claimed.id == task.id
    assert claimed.status is TaskStatus.IN_PROGRESS and claimed.started_at is not None
    await asyncio.sleep(0.02)
    done = await tasks.complete(conn, id=task.id, output_data={"found": 42})
    assert done.status is TaskStatus.COMPLETED and done.output_data == {"found": 42}
    assert done.completed_at is not None and done.started_at == claimed.started_at
    assert done.processing_time_ms is not None and done.processing_time_ms >= 20
    expected = round((done.completed_at - claimed.started_at).total_seconds() * 1000)
    assert abs(done.processing_time_ms - expected) <= 1
    assert await tasks.get_by_id(conn, id=task.id) == done
    assert await tasks.claim_next(conn, agent_id=agent.id) is None


async def test_failing_stamps_completion_and_keeps_the_error(conn: Connection) -> None:
    task = await make_task(conn)
    await tasks.start(conn, id=task.id)
    failed = await tasks.fail(conn, id=task.id, error_message="provider timeout")
    assert failed.status is TaskStatus.FAILED and failed.error_message == "provider timeout"
    assert failed.completed_at is not None and failed.processing_time_ms is not None
    with pytest.raises(ValidationError):
        await tasks.fail(conn, id=task.id, error_message="")


async def test_claims_follow_priority_then_age(conn: Connection) -> None:
    agent = await make_agent(conn)
    other = await make_agent(conn)
    await make_task(conn, other, priority="urgent")
    made = []
    for priority in ("low", "normal", "urgent", "high", "urgent", "normal"):
        made.append(await make_task(conn, agent, priority=priority))
        await conn.execute("select pg_sleep(0.002)")
    # One transaction: created_at ties, so spread them out explicitly (oldest first as made).
    for i, t in enumerate(made):
        await conn.execute(
            "update ai_seo.agent_tasks set created_at = now() + make_interval(secs => $2) where id = $1",
            t.id,
            i,
        )
    order = []
    while (claimed := await tasks.claim_next(conn, agent_id=agent.id)) is not None:
        order.append(claimed.id)
    assert order == [made[2].id, made[4].id, made[3].id, made[1].id, made[5].id, made[0].id]
    assert await tasks.count_pending(conn, agent_id=other.id) == 1


@pytest.mark.parametrize(
    ("prepare", "step"),
    [
        ([], "complete"),  # completing a pending task
        ([], "fail"),
        (["start", "complete"], "start"),  # restarting a completed one
        (["start", "complete"], "complete"),  # completing twice
        (["start", "complete"], "cancel"),
        (["start", "fail"], "complete"),
        (["cancel"], "start"),
        (["start"], "start"),
    ],
)
async def test_illegal_transitions_are_refused_by_the_database(
    conn: Connection, prepare: list[str], step: str
) -> None:
    task = await make_task(conn)
    steps = {
        "start": lambda: tasks.start(conn, id=task.id),
        "complete": lambda: tasks.complete(conn, id=task.id, output_data={}),
        "fail": lambda: tasks.fail(conn, id=task.id, error_message="boom"),
        "cancel": lambda: tasks.cancel(conn, id=task.id),
    }
    for name in prepare:
        await steps[name]()
    before = await tasks.get_by_id(conn, id=task.id)
    with pytest.raises(IllegalTaskTransition) as caught:
        async with conn.transaction():
            await steps[step]()
    assert caught.value.sqlstate == "SF031"
    assert caught.value.constraint == "agent_tasks_lifecycle"
    assert isinstance(caught.value.__cause__, asyncpg.PostgresError)
    assert await tasks.get_by_id(conn, id=task.id) == before


async def test_a_finished_task_cannot_be_rewritten_by_hand(conn: Connection) -> None:
    task = await make_task(conn)
    await tasks.start(conn, id=task.id)
    await tasks.complete(conn, id=task.id, output_data={"ok": True})
    with pytest.raises(asyncpg.PostgresError) as caught:
        async with conn.transaction():
            await conn.execute("update ai_seo.agent_tasks set output_data = '{}' where id = $1", task.id)
    assert caught.value.sqlstate == "SF031"
    with pytest.raises(asyncpg.CheckViolationError):
        async with conn.transaction():
            await conn.execute(
                "insert into ai_seo.agent_tasks (agent_id, task_type, input_data, status)"
                " values ($1, 'x', '{}', 'completed')",
                task.agent_id,
            )


async def test_cancel_from_pending_and_from_in_progress(conn: Connection) -> None:
    pending = await make_task(conn)
    cancelled = await tasks.cancel(conn, id=pending.id)
    assert cancelled.status is TaskStatus.CANCELLED and cancelled.started_at is None
    running = await make_task(conn)
    await tasks.start(conn, id=running.id)
    stopped = await tasks.cancel(conn, id=running.id)
    assert stopped.status is TaskStatus.CANCELLED and stopped.started_at is not None
    assert stopped.completed_at is None


async def test_unknown_task_is_not_found_and_bad_references_name_the_key(conn: Connection) -> None:
    with pytest.raises(NotFound):
        await tasks.complete(conn, id=uuid.uuid4())
    with pytest.raises(ReferenceViolation) as caught:
        async with conn.transaction():
            await tasks.create(conn, agent_id=uuid.uuid4(), task_type="x", input_data={})
    assert caught.value.constraint == "fk_agent_tasks_agent_id"
    with pytest.raises(ValidationError):
        await tasks.create(conn, agent_id=uuid.uuid4(), task_type="x", input_data={}, priority="asap")
    with pytest.raises(ValidationError):
        await tasks.create(conn, agent_id=uuid.uuid4(), task_type="  ", input_data={})


async def test_tasks_are_an_audit_trail_agents_and_campaigns_with_tasks_cannot_be_deleted(
    conn: Connection,
) -> None:
    agent = await make_agent(conn)
    campaign = await make_campaign(conn)
    await make_task(conn, agent, campaign_id=campaign.id)
    with pytest.raises(ReferenceViolation) as caught:
        async with conn.transaction():
            await agents.delete(conn, id=agent.id)
    assert caught.value.constraint == "fk_agent_tasks_agent_id"
    with pytest.raises(ReferenceViolation) as caught:
        async with conn.transaction():
            await campaigns.delete(conn, id=campaign.id)
    assert caught.value.constraint == "fk_agent_tasks_campaign_id"
    deactivated = await agents.deactivate(conn, id=agent.id)
    assert deactivated is not None and not deactivated.is_active
    assert len(await tasks.list_for_agent(conn, agent_id=agent.id)) == 1


async def test_32_workers_drain_2000_tasks_each_claimed_exactly_once(
    pool: asyncpg.Pool[asyncpg.Record],
) -> None:
    agent = await make_agent(pool)
    ids = await pool.fetch(
        "insert into ai_seo.agent_tasks (agent_id, task_type, input_data, priority)"
        " select $1, 'bulk', jsonb_build_object('n', n), (enum_range(null::ai_seo.task_priority))[1 + n % 4]"
        " from generate_series(1, 2000) as n returning id",
        agent.id,
    )
    created = {r["id"] for r in ids}
    claims: list[tuple[int, uuid.UUID]] = []

    async def worker(number: int) -> None:
        while True:
            async with pool.acquire() as conn, conn.transaction():
                task = await tasks.claim_next(conn, agent_id=agent.id)
                if task is None:
                    return
                claims.append((number, task.id))
                await tasks.complete(conn, id=task.id, output_data={"worker": number})

    await asyncio.gather(*(worker(n) for n in range(32)))
    claimed = Counter(task_id for _, task_id in claims)
    assert set(claimed) == created
    assert max(claimed.values()) == 1
    assert len({n for n, _ in claims}) > 1
    statuses = await pool.fetch(
        "select status, count(*) as n from ai_seo.agent_tasks where agent_id = $1 group by status", agent.id
    )
    assert {r["status"]: r["n"] for r in statuses} == {"completed": 2000}
    workers = await pool.fetchval(
        "select count(distinct output_data ->> 'worker') from ai_seo.agent_tasks where agent_id = $1",
        agent.id,
    )
    assert workers > 1
