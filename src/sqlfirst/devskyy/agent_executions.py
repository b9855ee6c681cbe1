"""Agent executions: the SuperAgent audit log. Log one (running), complete it by execution id,
read it, list an agent's runs, statistics per agent over a time range.

The log is partitioned by month; the unique ``execution_id`` lives in ``agent_execution_ids`` with
the row's ``created_at``, so a lookup by execution id reads one partition.
"""

from __future__ import annotations

from datetime import datetime

from sqlfirst.binding import SqlFile
from sqlfirst.db import Executor
from sqlfirst.errors import NotFound

from .models import (
    AgentExecution,
    AgentExecutionCompletion,
    AgentExecutionCreate,
    AgentExecutionStats,
    AgentExecutionStatus,
    JsonDocument,
    JsonObject,
    page_size,
    time_range,
)

__all__ = ["complete", "get", "list_for_agent", "log", "stats"]

_sql = SqlFile("devskyy", "agent_executions")


@_sql.query("log_agent_execution", validate=AgentExecutionCreate)
async def log(
    conn: Executor,
    *,
    execution_id: str,
    agent_name: str,
    prompt: str,
    metadata: JsonObject | None = None,
) -> AgentExecution:
    """Record the start of an execution (status running).

    :class:`~sqlfirst.errors.Conflict` naming ``pk_agent_execution_ids`` when the execution id was
    used before.
    """


@_sql.query("complete_agent_execution")
async def _complete(
    conn: Executor,
    *,
    execution_id: str,
    status: AgentExecutionStatus,
    result: JsonDocument | None,
    tokens_used: int | None,
    duration_ms: int | None,
) -> AgentExecution | None: ...


async def complete(
    conn: Executor,
    *,
    execution_id: str,
    result: JsonDocument | None = None,
    tokens_used: int | None = None,
    duration_ms: int | None = None,
    status: AgentExecutionStatus | str = AgentExecutionStatus.COMPLETED,
) -> AgentExecution:
    """Finish a running execution as ``completed`` (default) or ``failed`` with its result, tokens
    used and duration; ``completed_at`` is stamped by the database.

    :class:`~sqlfirst.errors.NotFound` for an unknown execution id;
    :class:`~sqlfirst.devskyy.errors.InvalidTransition` when it already finished.
    """
    done = AgentExecutionCompletion.model_validate(
        {
            "execution_id": execution_id,
            "status": status,
            "result": result,
            "tokens_used": tokens_used,
            "duration_ms": duration_ms,
        }
    )
    finished = await _complete(conn, **done.model_dump())
    if finished is None:
        raise NotFound("agent execution", execution_id=execution_id)
    return finished


@_sql.query("get_agent_execution")
async def get(conn: Executor, *, execution_id: str) -> AgentExecution | None:
    """The execution with this execution id, or None."""


@_sql.query("list_agent_executions")
async def _list_for_agent(
    conn: Executor, *, agent_name: str, since: datetime, until: datetime, lim: int
) -> list[AgentExecution]: ...


async def list_for_agent(
    conn: Executor, *, agent_name: str, since: datetime, until: datetime, limit: int = 100
) -> list[AgentExecution]:
    """An agent's executions started in [since, until), newest first."""
    since, until = time_range(since, until)
    return await _list_for_agent(conn, agent_name=agent_name, since=since, until=until, lim=page_size(limit))


@_sql.query(
    "agent_execution_stats",
    not_null={
        "executions": "count(*) is never NULL",
        "failed": "count(*) filter (...) is never NULL",
        "tokens_used": "coalesce(sum(tokens_used), 0)",
    },
)
async def _stats(conn: Executor, *, since: datetime, until: datetime) -> list[AgentExecutionStats]: ...


async def stats(conn: Executor, *, since: datetime, until: datetime) -> list[AgentExecutionStats]:
    """Per agent, executions started in [since, until): count, failures, tokens used, and the p50/p95
    duration (ms) of those with a duration (None when none has one)."""
    since, until = time_range(since, until)
    return await _stats(conn, since=since, until=until)
