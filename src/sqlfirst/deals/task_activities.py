"""Task activities: the progress log of a task (created, started, progress, blocked, ...)."""

from __future__ import annotations

from uuid import UUID

from sqlfirst.binding import SqlFile
from sqlfirst.db import Executor

from .models import JsonObject, TaskActivity, TaskActivityCreate, TaskActivityType, page_size

__all__ = ["list_for_task", "record"]

_sql = SqlFile("deals", "task_activities")


@_sql.query("insert_task_activity", validate=TaskActivityCreate)
async def record(
    conn: Executor,
    *,
    task_id: UUID,
    activity_type: TaskActivityType | str,
    agent_id: UUID | None = None,
    description: str | None = None,
    meta_data: JsonObject | None = None,
) -> TaskActivity:
    """Record progress on a task."""


@_sql.query("list_task_activities")
async def _list(conn: Executor, *, task_id: UUID, lim: int) -> list[TaskActivity]: ...


async def list_for_task(conn: Executor, *, task_id: UUID, limit: int = 100) -> list[TaskActivity]:
    """The task's activities in the order they happened."""
    return await _list(conn, task_id=task_id, lim=page_size(limit))
