"""Agents: the agency's specialised AI agents, found by uuid or by business key (``agent_id``).

Agents with history are deactivated, never deleted: their tasks and metrics restrict deletion.
"""

from __future__ import annotations

from uuid import UUID

from pydantic import TypeAdapter

from sqlfirst.binding import SqlFile
from sqlfirst.db import Executor

from .models import Agent, AgentCreate, AgentLevel, JsonObject

__all__ = [
    "activate",
    "deactivate",
    "delete",
    "get_by_id",
    "get_by_key",
    "list_all",
    "list_by_level",
    "merge_config",
    "register",
    "set_active",
    "update_config",
]

_sql = SqlFile("ai_seo", "agents")
_level: TypeAdapter[AgentLevel] = TypeAdapter(AgentLevel)
_config: TypeAdapter[JsonObject] = TypeAdapter(JsonObject)


@_sql.query("insert_agent", validate=AgentCreate)
async def register(
    conn: Executor,
    *,
    name: str,
    agent_id: str,
    agent_level: AgentLevel | str,
    description: str | None = None,
    knowledge_base_path: str | None = None,
    config: JsonObject | None = None,
    is_active: bool = True,
) -> Agent:
    """Register an agent. ``Conflict`` (``uq_agents_agent_id``) when the business key is taken."""


@_sql.query("get_agent_by_id")
async def get_by_id(conn: Executor, *, id: UUID) -> Agent | None:
    """The agent with this id, or None."""


@_sql.query("get_agent_by_key")
async def get_by_key(conn: Executor, *, agent_id: str) -> Agent | None:
    """The agent with this business key (e.g. ``chief_seo_strategist``), or None."""


@_sql.query("update_agent_config")
async def _update_config(conn: Executor, *, id: UUID, config: JsonObject) -> Agent | None: ...


async def update_config(conn: Executor, *, id: UUID, config: JsonObject) -> Agent | None:
    """Replace the agent's configuration; None when there is no such agent."""
    return await _update_config(conn, id=id, config=_config.validate_python(config))


@_sql.query("merge_agent_config")
async def _merge_config(conn: Executor, *, id: UUID, patch: JsonObject) -> Agent | None: ...


async def merge_config(conn: Executor, *, id: UUID, patch: JsonObject) -> Agent | None:
    """Merge top-level keys into the agent's configuration atomically; None when there is no such agent."""
    return await _merge_config(conn, id=id, patch=_config.validate_python(patch))


@_sql.query("set_agent_active")
async def set_active(conn: Executor, *, id: UUID, is_active: bool) -> Agent | None:
    """Activate or deactivate the agent; None when there is no such agent."""


async def activate(conn: Executor, *, id: UUID) -> Agent | None:
    """Put the agent back to work; None when there is no such agent."""
    return await set_active(conn, id=id, is_active=True)


async def deactivate(conn: Executor, *, id: UUID) -> Agent | None:
    """Take the agent out of service, keeping its history; None when there is no such agent."""
    return await set_active(conn, id=id, is_active=False)


@_sql.query("list_agents_by_level")
async def _list_by_level(conn: Executor, *, agent_level: AgentLevel) -> list[Agent]: ...


async def list_by_level(conn: Executor, *, agent_level: AgentLevel | str) -> list[Agent]:
    """The agents of one level of the hierarchy, by name."""
    return await _list_by_level(conn, agent_level=_level.validate_python(agent_level))


@_sql.query("list_agents")
async def list_all(conn: Executor) -> list[Agent]:
    """Every agent, executives first, then by name."""


@_sql.query("delete_agent")
async def delete(conn: Executor, *, id: UUID) -> int:
    """Delete an agent without history; 1, or 0 when absent.

    An agent with tasks or metrics raises :class:`~sqlfirst.errors.ReferenceViolation`
    (``fk_agent_tasks_agent_id`` / ``fk_agent_metrics_agent_id``): deactivate it instead.
    """
