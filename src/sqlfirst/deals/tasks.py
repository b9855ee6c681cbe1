"""Tasks: units of work on a goal, assigned to agents, with a 1 (highest) to 5 priority."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlfirst.binding import SqlFile
from sqlfirst.db import Executor

from .models import JsonObject, Task, TaskCreate, TaskStatus

__all__ = ["assign", "create", "delete", "get", "list_for_agent", "list_for_goal", "set_status"]

_sql = SqlFile("deals", "tasks")


@_sql.query("insert_task", validate=TaskCreate)
async def create(
    conn: Executor,
    *,
    goal_id: UUID,
    title: str,
    agent_id: UUID | None = None,
    description: str | None = None,
    priority: int = 3,
    due_date: datetime | None = None,
    meta_data: JsonObject | None = None,
) -> Task:
    """Create a pending task for a goal."""


@_sql.query("get_task_by_id")
async def get(conn: Executor, *, id: UUID) -> Task | None:
    """The task with this id, or None."""


@_sql.query("list_tasks_for_goal")
async def list_for_goal(conn: Executor, *, goal_id: UUID) -> list[Task]:
    """The goal's tasks, most urgent first (priority, then due date)."""


@_sql.query("list_tasks_for_agent")
async def list_for_agent(conn: Executor, *, agent_id: UUID, status: TaskStatus) -> list[Task]:
    """The agent's tasks in one status, most urgent first."""


@_sql.query("set_task_status")
async def set_status(conn: Executor, *, id: UUID, status: TaskStatus) -> Task | None:
    """Change the task's status; None when there is no such task."""


@_sql.query("assign_task")
async def assign(conn: Executor, *, id: UUID, agent_id: UUID | None) -> Task | None:
    """Assign the task to an agent (None unassigns); None when there is no such task."""


@_sql.query("delete_task")
async def delete(conn: Executor, *, id: UUID) -> int:
    """Delete the task with its activities; 1, or 0 when absent."""
