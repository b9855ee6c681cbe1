"""Tool executions: the audit trail of every tool call. Log one, trace a correlation id, list a
tool's failures over a time range. Partitioned by month on ``created_at``."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from sqlfirst.binding import SqlFile
from sqlfirst.db import Executor

from .models import (
    FIRST_PAGE,
    JsonDocument,
    JsonObject,
    ToolExecution,
    ToolExecutionCreate,
    ToolExecutionStatus,
    page_size,
    time_range,
)

__all__ = ["failures", "log", "trace"]

_sql = SqlFile("devskyy", "tool_executions")
_END_OF_TIME = datetime(9999, 12, 31, tzinfo=UTC)


@_sql.query("log_tool_execution", validate=ToolExecutionCreate)
async def log(
    conn: Executor,
    *,
    correlation_id: str,
    tool_name: str,
    inputs: JsonDocument,
    status: ToolExecutionStatus | str = ToolExecutionStatus.SUCCESS,
    agent_id: str | None = None,
    user_id: UUID | None = None,
    output: JsonDocument | None = None,
    duration_ms: int | None = None,
    error_message: str | None = None,
    metadata: JsonObject | None = None,
) -> ToolExecution:
    """Append one tool execution. ``ReferenceViolation`` for an unknown ``user_id``."""


@_sql.query("trace_by_correlation_id")
async def _trace(
    conn: Executor, *, correlation_id: str, since: datetime, until: datetime
) -> list[ToolExecution]: ...


async def trace(
    conn: Executor,
    *,
    correlation_id: str,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[ToolExecution]:
    """Every tool execution of ``correlation_id`` in the order they ran; a time range (when the caller
    knows one) lets the database read only those months' partitions."""
    since, until = time_range(since or FIRST_PAGE, until or _END_OF_TIME)
    return await _trace(conn, correlation_id=correlation_id, since=since, until=until)


@_sql.query("failed_tool_executions")
async def _failures(
    conn: Executor, *, tool_name: str, since: datetime, until: datetime, lim: int
) -> list[ToolExecution]: ...


async def failures(
    conn: Executor, *, tool_name: str, since: datetime, until: datetime, limit: int = 100
) -> list[ToolExecution]:
    """A tool's failed and timed-out runs in [since, until), newest first."""
    since, until = time_range(since, until)
    return await _failures(conn, tool_name=tool_name, since=since, until=until, lim=page_size(limit))
