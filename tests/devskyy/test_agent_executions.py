"""devskyy agent executions: the seed's log and complete, a unique execution id on a partitioned
log, a lifecycle that only moves forward, and per-agent statistics."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
from pydantic import ValidationError

from sqlfirst.db import Connection
from sqlfirst.devskyy import agent_executions
from sqlfirst.devskyy.errors import InvalidTransition
from sqlfirst.devskyy.models import AgentExecutionStatus
from sqlfirst.errors import Conflict, NotFound


async def test_log_then_complete_an_execution_as_the_seed_does(conn: Connection) -> None:
    started = await agent_executions.log(
        conn,
        execution_id="exec-1",
        agent_name="super-agent",
        prompt="Plan a launch",
        metadata={"plan": {"steps": 3}},
    )
    assert started.status is AgentExecutionStatus.RUNNING
    assert (started.result, started.tokens_used, started.duration_ms, started.completed_at) == (
        None,
        None,
        None,
        None,
    )
    done = await agent_executions.complete(
        conn,
        execution_id="exec-1",
        result={"answer": "ok", "tokens_used": 1234},
        tokens_used=1234,
        duration_ms=850,
    )
    assert done.status is AgentExecutionStatus.COMPLETED
    assert (done.result, done.tokens_used, done.duration_ms) == (
        {"answer": "ok", "tokens_used": 1234},
        1234,
        850,
    )
    assert done.completed_at is not None and done.completed_at >= done.created_at
    assert done.id == started.id and done.created_at == started.created_at
    assert await agent_executions.get(conn, execution_id="exec-1") == done
    assert await agent_executions.get(conn, execution_id="exec-404") is None


async def test_a_finished_execution_never_changes_again(conn: Connection) -> None:
    await agent_executions.log(conn, execution_id="exec-f", agent_name="a", prompt="p")
    failed = await agent_executions.complete(
        conn, execution_id="exec-f", status="failed", result={"error": "boom"}
    )
    assert failed.status is AgentExecutionStatus.FAILED
    with pytest.raises(InvalidTransition) as again:
        async with conn.transaction():
            await agent_executions.complete(conn, execution_id="exec-f", result={"late": True})
    assert again.value.sqlstate == "SF042"
    with pytest.raises(asyncpg.PostgresError) as raw:  # any writer, not only this module
        async with conn.transaction():
            await conn.execute(
                "update devskyy.agent_executions set status = 'running' where execution_id = 'exec-f'"
            )
    assert raw.value.sqlstate == "SF042"
    with pytest.raises(NotFound):
        await agent_executions.complete(conn, execution_id="exec-404")
    with pytest.raises(ValidationError):
        await agent_executions.complete(conn, execution_id="exec-f", status="running")
    with pytest.raises(ValidationError):
        await agent_executions.complete(conn, execution_id="exec-f", tokens_used=-1)


async def test_execution_ids_are_unique_across_every_partition(conn: Connection) -> None:
    await agent_executions.log(conn, execution_id="exec-u", agent_name="a", prompt="p")
    with pytest.raises(Conflict) as taken:
        async with conn.transaction():
            await agent_executions.log(conn, execution_id="exec-u", agent_name="b", prompt="q")
    assert taken.value.constraint == "pk_agent_execution_ids"
    # A second row with the same execution id in another month's partition has no key row to point at.
    with pytest.raises(asyncpg.ForeignKeyViolationError) as orphan:
        async with conn.transaction():
            await conn.execute(
                "insert into devskyy.agent_executions (execution_id, agent_name, prompt, created_at)"
                " values ('exec-u', 'a', 'p', now() - interval '40 days')"
            )
    assert orphan.value.constraint_name == "fk_agent_executions_execution_id"


async def test_list_and_stats_per_agent_over_a_time_range(conn: Connection) -> None:
    await conn.execute("delete from devskyy.agent_executions")
    await conn.execute("delete from devskyy.agent_execution_ids")
    runs = [
        ("planner", 100, 10),
        ("planner", 200, 20),
        ("planner", 300, 30),
        ("planner", 400, 40),
        ("coder", 50, 5),
    ]
    for n, (agent, duration, tokens) in enumerate(runs):
        await agent_executions.log(conn, execution_id=f"e{n}", agent_name=agent, prompt="p")
        await agent_executions.complete(conn, execution_id=f"e{n}", duration_ms=duration, tokens_used=tokens)
    await agent_executions.log(conn, execution_id="e-fail", agent_name="coder", prompt="p")
    await agent_executions.complete(conn, execution_id="e-fail", status="failed")
    await agent_executions.log(conn, execution_id="e-running", agent_name="coder", prompt="p")
    now = datetime.now(UTC)
    stats = {
        s.agent_name: s
        for s in await agent_executions.stats(
            conn, since=now - timedelta(hours=1), until=now + timedelta(hours=1)
        )
    }
    assert set(stats) == {"planner", "coder"}
    planner, coder = stats["planner"], stats["coder"]
    assert (planner.executions, planner.failed, planner.tokens_used) == (4, 0, 100)
    assert planner.p50_duration_ms == pytest.approx(250.0)
    assert planner.p95_duration_ms == pytest.approx(385.0)
    assert (coder.executions, coder.failed, coder.tokens_used, coder.p50_duration_ms) == (3, 1, 5, 50.0)
    assert (
        await agent_executions.stats(conn, since=now + timedelta(hours=1), until=now + timedelta(hours=2))
        == []
    )

    listed = await agent_executions.list_for_agent(
        conn, agent_name="planner", since=now - timedelta(hours=1), until=now + timedelta(hours=1), limit=2
    )
    assert [e.execution_id for e in listed] == ["e3", "e2"]
