"""Agents: the AI workers (market analyst, research, negotiator, executor) that take tasks."""

from __future__ import annotations

from uuid import UUID

from pydantic import TypeAdapter

from sqlfirst import arguments
from sqlfirst.binding import SqlFile
from sqlfirst.db import Executor

from .models import Agent, AgentCreate, AgentStatus, AgentType, JsonObject

__all__ = [
    "create",
    "delete",
    "get",
    "list_by_type_status",
    "set_status",
    "update_config",
]

_sql = SqlFile("deals", "agents")


@_sql.query("insert_agent", validate=AgentCreate)
async def create(
    conn: Executor,
    *,
    name: str,
    type: AgentType | str,
    status: AgentStatus | str = AgentStatus.ACTIVE,
    capabilities: list[str] | None = None,
    config: JsonObject | None = None,
) -> Agent:
    """Register an agent."""


@_sql.query("get_agent_by_id")
async def get(conn: Executor, *, id: UUID) -> Agent | None:
    """The agent with this id, or None."""


@_sql.query("list_agents_by_type_status")
async def list_by_type_status(conn: Executor, *, type: AgentType, status: AgentStatus) -> list[Agent]:
    """The agents of one type in one status, by name."""


@_sql.query("set_agent_status")
async def set_status(conn: Executor, *, id: UUID, status: AgentStatus) -> Agent | None:
    """Change the agent's status; None when there is no such agent."""


@_sql.query("delete_agent")
async def delete(conn: Executor, *, id: UUID) -> int:
    """Delete the agent (its tasks and activities stay, unassigned); 1, or 0 when absent."""


@_sql.query("update_agent_config")
async def _update_config(
    conn: Executor, *, id: UUID, config: JsonObject, capabilities: list[str]
) -> Agent | None: ...


async def update_config(
    conn: Executor, *, id: UUID, config: JsonObject, capabilities: list[str]
) -> Agent | None:
    """Replace the agent's config and capabilities; None when there is no such agent."""
    checked = _config.validate_python(config)
    return await _update_config(
        conn,
        id=id,
        config=checked,
        capabilities=arguments.listed("update_config", "capabilities", capabilities, _capabilities),
    )


_config: TypeAdapter[JsonObject] = TypeAdapter(JsonObject)
_capabilities: TypeAdapter[list[str]] = TypeAdapter(list[str])
