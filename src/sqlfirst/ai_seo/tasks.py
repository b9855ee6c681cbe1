"""The agent task queue (example 2): create, claim with SKIP LOCKED, complete, fail, cancel.

The lifecycle lives in the database (migration 0031): only pending -> in_progress | cancelled and
in_progress -> completed | failed | cancelled are allowed, a finished task never changes, and the
times (``started_at``, ``completed_at``, ``processing_time_ms``) are stamped by the database. An
illegal step raises :class:`~sqlfirst.ai_seo.errors.IllegalTaskTransition`.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from pydantic import StringConstraints, TypeAdapter

from sqlfirst.binding import SqlFile
from sqlfirst.db import Executor
from sqlfirst.errors import NotFound

from .models import JsonObject, Task, TaskCreate, TaskPriority, page_size

__all__ = [
    "cancel",
    "claim_next",
    "complete",
    "count_pending",
    "create",
    "fail",
    "get_by_id",
    "list_for_agent",
    "start",
]

_sql = SqlFile("ai_seo", "tasks")
_output: TypeAdapter[JsonObject] = TypeAdapter(JsonObject)
_error: TypeAdapter[str] = TypeAdapter(Annotated[str, StringConstraints(min_length=1)])


@_sql.query("insert_task", validate=TaskCreate)
async def create(
    conn: Executor,
    *,
    agent_id: UUID,
    task_type: str,
    input_data: JsonObject,
    priority: TaskPriority | str = TaskPriority.NORMAL,
    campaign_id: UUID | None = None,
    user_id: UUID | None = None,
) -> Task:
    """Queue a pending task for an agent.

    ``ReferenceViolation`` names the foreign key when the agent, campaign or user does not exist.
    """


@_sql.query("get_task_by_id")
async def get_by_id(conn: Executor, *, id: UUID) -> Task | None:
    """The task with this id, or None."""


@_sql.query("claim_next_task")
async def claim_next(conn: Executor, *, agent_id: UUID) -> Task | None:
    """Claim the agent's next pending task (urgent first, then oldest) and move it to in_progress;
    None when the queue is empty. Concurrent workers never get the same task: rows another
    transaction holds are skipped (``FOR UPDATE SKIP LOCKED``)."""


def _found(task: Task | None, id: UUID) -> Task:
    if task is None:
        raise NotFound("task", id=id)
    return task


@_sql.query("start_task")
async def _start(conn: Executor, *, id: UUID) -> Task | None: ...


async def start(conn: Executor, *, id: UUID) -> Task:
    """Start this pending task. ``IllegalTaskTransition`` unless it is pending; ``NotFound``."""
    return _found(await _start(conn, id=id), id)


@_sql.query("complete_task")
async def _complete(conn: Executor, *, id: UUID, output_data: JsonObject) -> Task | None: ...


async def complete(conn: Executor, *, id: UUID, output_data: JsonObject | None = None) -> Task:
    """Complete this running task with its output; the database measures ``processing_time_ms``.

    ``IllegalTaskTransition`` unless it is in progress; ``NotFound`` when there is no such task.
    """
    output = _output.validate_python(output_data if output_data is not None else {})
    return _found(await _complete(conn, id=id, output_data=output), id)


@_sql.query("fail_task")
async def _fail(conn: Executor, *, id: UUID, error_message: str) -> Task | None: ...


async def fail(conn: Executor, *, id: UUID, error_message: str) -> Task:
    """Fail this running task with an error message (``completed_at`` and the time are stamped).

    ``IllegalTaskTransition`` unless it is in progress; ``NotFound`` when there is no such task.
    """
    return _found(await _fail(conn, id=id, error_message=_error.validate_python(error_message)), id)


@_sql.query("cancel_task")
async def _cancel(conn: Executor, *, id: UUID) -> Task | None: ...


async def cancel(conn: Executor, *, id: UUID) -> Task:
    """Cancel this pending or running task. ``IllegalTaskTransition`` when it already finished."""
    return _found(await _cancel(conn, id=id), id)


@_sql.query("count_pending_tasks", not_null={"count": "count(*) is never NULL"})
async def count_pending(conn: Executor, *, agent_id: UUID) -> int:
    """How many tasks wait in the agent's queue."""


@_sql.query("list_agent_tasks")
async def _list_for_agent(conn: Executor, *, agent_id: UUID, lim: int) -> list[Task]: ...


async def list_for_agent(conn: Executor, *, agent_id: UUID, limit: int = 50) -> list[Task]:
    """The agent's latest tasks, newest first."""
    return await _list_for_agent(conn, agent_id=agent_id, lim=page_size(limit))
