"""Agents: definitions and metadata owned by a user, private or public."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlfirst.arguments import cursor, page_size
from sqlfirst.binding import SqlFile
from sqlfirst.db import Executor

from .models import Agent, AgentCreate, JsonObject

__all__ = [
    "create",
    "delete",
    "get",
    "list_by_owner",
    "list_public",
    "merge_metadata",
    "set_public",
    "update_definition",
    "update_metadata",
    "update_profile",
]

_sql = SqlFile("agent_hub", "agents")


@_sql.query("insert_agent", validate=AgentCreate)
async def create(
    conn: Executor,
    *,
    name: str,
    display_name: str,
    owner_id: UUID,
    definition: JsonObject,
    description: str | None = None,
    metadata: JsonObject | None = None,
    is_public: bool = False,
) -> Agent:
    """Create an agent. ``ValidationError`` on bad input; ``ReferenceViolation`` for an unknown owner."""


@_sql.query("get_agent_by_id")
async def get(conn: Executor, *, id: UUID) -> Agent | None:
    """The agent with this id, or None."""


@_sql.query("update_agent_definition")
async def update_definition(conn: Executor, *, id: UUID, definition: JsonObject) -> Agent | None:
    """Replace the definition; None when there is no such agent."""


@_sql.query("update_agent_metadata")
async def update_metadata(conn: Executor, *, id: UUID, metadata: JsonObject) -> Agent | None:
    """Replace the metadata; None when there is no such agent."""


@_sql.query("merge_agent_metadata")
async def merge_metadata(conn: Executor, *, id: UUID, patch: JsonObject) -> Agent | None:
    """Merge top-level keys into the metadata atomically; None when there is no such agent."""


@_sql.query("set_agent_public")
async def set_public(conn: Executor, *, id: UUID, is_public: bool) -> Agent | None:
    """Publish or hide the agent; None when there is no such agent."""


@_sql.query("list_agents_by_owner")
async def _list_by_owner(conn: Executor, *, owner_id: UUID, lim: int) -> list[Agent]: ...


async def list_by_owner(conn: Executor, *, owner_id: UUID, limit: int = 50) -> list[Agent]:
    """A user's agents, newest first."""
    return await _list_by_owner(conn, owner_id=owner_id, lim=page_size(limit))


@_sql.query("list_public_agents")
async def _list_public(conn: Executor, *, lim: int) -> list[Agent]: ...


@_sql.query("list_public_agents_before")
async def _list_public_before(
    conn: Executor, *, before_created_at: datetime, before_id: UUID, lim: int
) -> list[Agent]: ...


async def list_public(conn: Executor, *, limit: int = 50, after: Agent | None = None) -> list[Agent]:
    """Public agents, newest first. Pass the last agent of a page as ``after`` for the next page."""
    keys = cursor("list_public", "after", after, Agent, ("created_at", "id"))
    if keys is None:
        return await _list_public(conn, lim=page_size(limit))
    before_created_at, before_id = keys
    return await _list_public_before(
        conn, before_created_at=before_created_at, before_id=before_id, lim=page_size(limit)
    )


@_sql.query("delete_agent")
async def delete(conn: Executor, *, id: UUID) -> int:
    """Delete the agent with its sessions, events and marketplace entry; 1, or 0 when absent."""


@_sql.query("update_agent_profile")
async def _update_profile(
    conn: Executor, *, id: UUID, name: str, display_name: str, description: str | None
) -> Agent | None: ...


async def update_profile(
    conn: Executor, *, id: UUID, name: str, display_name: str, description: str | None = None
) -> Agent | None:
    """Replace the agent's name, display name and description; None when there is no such agent.

    ``ValidationError`` before the database for a blank or too long name (as :func:`create`).
    """
    checked = AgentCreate.model_validate(
        {
            "name": name,
            "display_name": display_name,
            "description": description,
            "owner_id": id,
            "definition": {},
        }
    )
    return await _update_profile(
        conn, id=id, name=checked.name, display_name=checked.display_name, description=checked.description
    )
