"""ai_seo.user_task_counts: each requester's tasks per agent and status, kept true by the database
(migration 0033) whoever writes the tasks, also under concurrent writers."""

from __future__ import annotations

import asyncio
import random
import uuid
from typing import Any

import asyncpg
import pytest

from sqlfirst.ai_seo import analytics, tasks, users
from sqlfirst.db import Connection
from sqlfirst.errors import CheckViolation

from .factories import make_agent, make_task, make_user

STATUSES = ("pending", "in_progress", "completed", "failed", "cancelled")

KEPT = """
select k.user_id, k.agent_id, k.pending, k.in_progress, k.completed, k.failed, k.cancelled
from ai_seo.user_task_counts as k
where k.user_id = any($1::uuid[])
order by 1, 2
"""

TRUE = """
select t.user_id, t.agent_id,
       count(*) filter (where t.status = 'pending') as pending,
       count(*) filter (where t.status = 'in_progress') as in_progress,
       count(*) filter (where t.status = 'completed') as completed,
       count(*) filter (where t.status = 'failed') as failed,
       count(*) filter (where t.status = 'cancelled') as cancelled
from ai_seo.agent_tasks as t
where t.user_id = any($1::uuid[])
group by 1, 2
order by 1, 2
"""


async def kept_and_true(
    conn: Any, user_ids: list[uuid.UUID]
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    kept = [tuple(r) for r in await conn.fetch(KEPT, user_ids)]
    true = [tuple(r) for r in await conn.fetch(TRUE, user_ids)]
    return kept, true


async def test_counts_follow_inserts_transitions_deletes_and_requester_deletion(conn: Connection) -> None:
    alice, bob = await make_user(conn), await make_user(conn)
    writer, auditor = await make_agent(conn), await make_agent(conn)
    made = [await make_task(conn, writer if i % 2 else auditor, user_id=alice.id) for i in range(6)]
    await make_task(conn, writer, user_id=bob.id)
    await make_task(conn, writer)  # no requester: not counted
    await tasks.start(conn, id=made[0].id)
    await tasks.complete(conn, id=made[0].id, output_data={"ok": True})
    await tasks.start(conn, id=made[1].id)
    await tasks.fail(conn, id=made[1].id, error_message="timeout")
    await tasks.cancel(conn, id=made[2].id)
    await tasks.start(conn, id=made[3].id)
    kept, true = await kept_and_true(conn, [alice.id, bob.id])
    assert kept == true
    assert {(r[1], r[2:]) for r in kept if r[0] == alice.id} == {
        (auditor.id, (1, 0, 1, 0, 1)),  # made[0] completed, [2] cancelled, [4] pending
        (writer.id, (1, 1, 0, 1, 0)),  # made[1] failed, [3] running, [5] pending
    }
    # Updates that change no status, user or agent leave the counts alone; a move of requester moves
    # the count; deleting a pair's last task deletes its row.
    await conn.execute(
        "update ai_seo.agent_tasks set priority = 'urgent' where user_id = $1 and status = 'pending'",
        alice.id,
    )
    await conn.execute("update ai_seo.agent_tasks set user_id = $2 where id = $1", made[5].id, bob.id)
    await conn.execute("delete from ai_seo.agent_tasks where id = any($1::uuid[])", [made[0].id, made[2].id])
    kept, true = await kept_and_true(conn, [alice.id, bob.id])
    assert kept == true
    assert (alice.id, auditor.id) in {r[:2] for r in kept}  # made[4] is still pending
    await conn.execute("delete from ai_seo.agent_tasks where id = $1", made[4].id)
    kept, true = await kept_and_true(conn, [alice.id, bob.id])
    assert kept == true
    assert (alice.id, auditor.id) not in {r[:2] for r in kept}
    # Deleting the requester detaches the tasks (ON DELETE SET NULL) and takes the counts with them.
    assert await users.delete(conn, id=alice.id)
    kept, true = await kept_and_true(conn, [alice.id, bob.id])
    assert kept == true
    assert {r[0] for r in kept} == {bob.id}


async def test_overview_reads_the_counts(conn: Connection) -> None:
    user = await make_user(conn)
    agent = await make_agent(conn)
    for _ in range(3):
        await make_task(conn, agent, user_id=user.id)
    running = await tasks.claim_next(conn, agent_id=agent.id)
    assert running is not None
    await tasks.complete(conn, id=running.id, output_data={})
    # The overview's totals are the counter row's, so a count changed behind the triggers' back shows.
    await conn.execute("update ai_seo.user_task_counts set failed = 5 where user_id = $1", user.id)
    overview = await analytics.user_overview(conn, user_id=user.id)
    assert overview is not None
    assert (overview.total_tasks, overview.completed_tasks, overview.failed_tasks) == (8, 1, 5)
    assert [(u.agent_id, u.task_count) for u in overview.agent_usage] == [(agent.agent_id, 8)]


async def test_truncate_empties_and_recount_rebuilds_after_a_trigger_free_load(conn: Connection) -> None:
    user = await make_user(conn)
    agent = await make_agent(conn)
    await make_task(conn, agent, user_id=user.id)
    await conn.execute("truncate ai_seo.agent_tasks")
    assert await conn.fetchval("select count(*) from ai_seo.user_task_counts") == 0
    # A load with triggers off (the bench's COPY) bypasses the counts; recount_user_tasks rebuilds.
    # It names each task's client too (the nil uuid: no campaign), which a trigger fills otherwise.
    await conn.execute("set local session_replication_role = replica")
    await conn.execute(
        "insert into ai_seo.agent_tasks (client_id, agent_id, user_id, task_type, input_data, status)"
        " select '00000000-0000-0000-0000-000000000000', $1, $2, 'bulk', '{}', 'pending'"
        " from generate_series(1, 7)",
        agent.id,
        user.id,
    )
    await conn.execute("set local session_replication_role = origin")
    assert await conn.fetchval("select count(*) from ai_seo.user_task_counts") == 0
    assert await conn.fetchval("select ai_seo.recount_user_tasks()") == 1
    kept, true = await kept_and_true(conn, [user.id])
    assert kept == true == [(user.id, agent.id, 7, 0, 0, 0, 0)]


async def test_a_count_that_would_go_negative_is_refused(conn: Connection) -> None:
    user = await make_user(conn)
    task = await make_task(conn, user_id=user.id)
    await conn.execute("delete from ai_seo.user_task_counts where user_id = $1", user.id)
    with pytest.raises(CheckViolation) as caught:
        async with conn.transaction():
            await tasks.cancel(conn, id=task.id)
    assert caught.value.constraint == "user_task_counts_not_negative"
    assert (await tasks.get_by_id(conn, id=task.id)).status == "pending"


async def test_concurrent_writers_keep_the_counts_true(pool: asyncpg.Pool[asyncpg.Record]) -> None:
    """24 clients create, claim, finish, cancel, reassign and delete tasks of 3 users x 3 agents, one
    at a time and in multi-row statements whose rows come in random order; no count is lost and no
    two statements deadlock on the counter rows."""
    people = [await make_user(pool) for _ in range(3)]
    crew = [await make_agent(pool) for _ in range(3)]
    user_ids = [u.id for u in people]
    agent_ids = [a.id for a in crew]

    async def client(number: int) -> None:
        rng = random.Random(number)
        for _ in range(40):
            roll = rng.random()
            async with pool.acquire() as conn:
                if roll < 0.3:
                    pairs = [(rng.choice(user_ids), rng.choice(agent_ids)) for _ in range(rng.randint(1, 6))]
                    await conn.execute(
                        "insert into ai_seo.agent_tasks (user_id, agent_id, task_type, input_data)"
                        " select u, a, 'concurrent', '{}' from unnest($1::uuid[], $2::uuid[]) as p(u, a)",
                        [u for u, _ in pairs],
                        [a for _, a in pairs],
                    )
                elif roll < 0.6:
                    async with conn.transaction():
                        task = await tasks.claim_next(conn, agent_id=rng.choice(agent_ids))
                        if task is not None:
                            if rng.random() < 0.7:
                                await tasks.complete(conn, id=task.id, output_data={"client": number})
                            else:
                                await tasks.fail(conn, id=task.id, error_message="boom")
                elif roll < 0.75:
                    await conn.execute(
                        "update ai_seo.agent_tasks set status = 'cancelled'"
                        " where id in (select id from ai_seo.agent_tasks where status = 'pending'"
                        "  and user_id = any($1::uuid[]) order by random() limit 3 for update skip locked)",
                        user_ids,
                    )
                elif roll < 0.9:
                    await conn.execute(
                        "update ai_seo.agent_tasks set user_id = $2"
                        " where id in (select id from ai_seo.agent_tasks where status = 'pending'"
                        "  and user_id = any($1::uuid[]) order by random() limit 2 for update skip locked)",
                        user_ids,
                        rng.choice(user_ids),
                    )
                else:
                    await conn.execute(
                        "delete from ai_seo.agent_tasks"
                        " where id in (select id from ai_seo.agent_tasks where user_id = any($1::uuid[])"
                        "  order by random() limit 3 for update skip locked)",
                        user_ids,
                    )

    await asyncio.gather(*(client(n) for n in range(24)))
    async with pool.acquire() as conn:
        kept, true = await kept_and_true(conn, user_ids)
        assert kept == true
        assert sum(sum(r[2:]) for r in kept) > 0
        assert {s for s in STATUSES if any(r[2 + STATUSES.index(s)] for r in kept)} >= {
            "pending",
            "completed",
        }
        for user in people:
            overview = await analytics.user_overview(conn, user_id=user.id)
            assert overview is not None
            mine = [r for r in true if r[0] == user.id]
            assert overview.total_tasks == sum(sum(r[2:]) for r in mine)
            assert overview.completed_tasks == sum(r[4] for r in mine)
            assert overview.failed_tasks == sum(r[5] for r in mine)
