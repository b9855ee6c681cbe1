"""devskyy tool executions: the seed's log, a trace by correlation id, a tool's failures over a time
range, and monthly partitions that keep every row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest
from pydantic import ValidationError

from sqlfirst.db import Connection
from sqlfirst.devskyy import tool_executions
from sqlfirst.devskyy.models import ToolExecutionStatus
from sqlfirst.errors import ReferenceViolation

from .factories import HOSTILE, make_user


async def test_log_tool_execution_as_the_seed_does(conn: Connection) -> None:
    user = await make_user(conn)
    run = await tool_executions.log(
        conn,
        correlation_id="corr-1",
        tool_name="web_search",
        inputs={"query": "pgvector"},
        agent_id="super-agent",
        user_id=user.id,
        status="success",
        output={"hits": 3},
        duration_ms=150,
        metadata={"permissions": ["READ"]},
    )
    assert run.status is ToolExecutionStatus.SUCCESS
    assert (run.inputs, run.output, run.duration_ms, run.error_message) == (
        {"query": "pgvector"},
        {"hits": 3},
        150,
        None,
    )
    assert run.metadata == {"permissions": ["READ"]}
    assert await tool_executions.trace(conn, correlation_id="corr-1") == [run]


async def test_bad_runs_are_refused(conn: Connection) -> None:
    with pytest.raises(ValidationError):
        await tool_executions.log(conn, correlation_id="x" * 65, tool_name="t", inputs={})
    with pytest.raises(ValidationError):
        await tool_executions.log(conn, correlation_id="c", tool_name="t", inputs={}, status="crashed")
    with pytest.raises(ValidationError):
        await tool_executions.log(conn, correlation_id="c", tool_name="t", inputs=None)  # type: ignore[arg-type]
    with pytest.raises(ReferenceViolation) as unknown:
        async with conn.transaction():
            await tool_executions.log(conn, correlation_id="c", tool_name="t", inputs={}, user_id=UUID(int=5))
    assert unknown.value.constraint == "fk_tool_executions_user_id"


async def test_trace_keeps_the_call_order_and_failures_filter_tool_status_and_time(conn: Connection) -> None:
    steps = [
        ("plan", "success"),
        ("search", "failed"),
        ("search", "timeout"),
        ("search", "success"),
        ("write", "failed"),
    ]
    made = [
        await tool_executions.log(
            conn, correlation_id="corr-t", tool_name=tool, inputs={"n": n}, status=status
        )
        for n, (tool, status) in enumerate(steps)
    ]
    await tool_executions.log(
        conn, correlation_id="corr-other", tool_name="search", inputs={}, status="failed"
    )
    assert [r.id for r in await tool_executions.trace(conn, correlation_id="corr-t")] == [r.id for r in made]

    now = datetime.now(UTC)
    failures = await tool_executions.failures(
        conn, tool_name="search", since=now - timedelta(hours=1), until=now + timedelta(hours=1)
    )
    assert [(r.correlation_id, r.status) for r in failures] == [
        ("corr-other", ToolExecutionStatus.FAILED),
        ("corr-t", ToolExecutionStatus.TIMEOUT),
        ("corr-t", ToolExecutionStatus.FAILED),
    ]
    assert (
        await tool_executions.failures(
            conn, tool_name="search", since=now + timedelta(hours=1), until=now + timedelta(hours=2)
        )
        == []
    )
    assert (
        len(
            await tool_executions.failures(
                conn,
                tool_name="search",
                since=now - timedelta(hours=1),
                until=now + timedelta(hours=1),
                limit=1,
            )
        )
        == 1
    )


async def test_rows_of_any_month_are_kept_in_their_partition_or_the_default(conn: Connection) -> None:
    month = datetime.now(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    for when in (month + timedelta(days=3), month - timedelta(days=40), month + timedelta(days=400)):
        await conn.execute(
            "insert into devskyy.tool_executions (correlation_id, tool_name, inputs, status, created_at)"
            " values ('corr-p', 't', '{}', 'success', $1)",
            when,
        )
    homes = await conn.fetch(
        "select tableoid::regclass::text as home, count(*) from devskyy.tool_executions"
        " where correlation_id = 'corr-p' group by 1 order by 1"
    )
    assert {r["home"] for r in homes} == {
        f"devskyy.tool_executions_p{month:%Y_%m}",
        "devskyy.tool_executions_default",
    }
    assert len(await tool_executions.trace(conn, correlation_id="corr-p")) == 3
    assert (
        len(
            await tool_executions.trace(
                conn, correlation_id="corr-p", since=month, until=month + timedelta(days=31)
            )
        )
        == 1
    )


@pytest.mark.parametrize("text", HOSTILE)
async def test_hostile_strings_are_stored_verbatim(conn: Connection, text: str) -> None:
    run = await tool_executions.log(
        conn,
        correlation_id=text[:64],
        tool_name=text[:128],
        inputs={text: text},
        status="failed",
        error_message=text,
    )
    assert await tool_executions.trace(conn, correlation_id=text[:64]) == [run]
    assert run.inputs == {text: text} and run.error_message == text
