"""Deal activities: the audit trail of a deal (created, analyzed, goal added, ...)."""

from __future__ import annotations

from uuid import UUID

from sqlfirst.arguments import member
from sqlfirst.binding import SqlFile
from sqlfirst.db import Executor

from .models import DealActivity, DealActivityCreate, DealActivityType, JsonObject, page_size

__all__ = [
    "list_by_agent",
    "list_by_user",
    "list_for_deal",
    "record",
]

_sql = SqlFile("deals", "deal_activities")


@_sql.query("insert_deal_activity", validate=DealActivityCreate)
async def record(
    conn: Executor,
    *,
    deal_id: UUID,
    activity_type: DealActivityType | str,
    user_id: UUID | None = None,
    agent_id: UUID | None = None,
    description: str | None = None,
    meta_data: JsonObject | None = None,
) -> DealActivity:
    """Record something that happened to a deal, by a user and/or an agent."""


@_sql.query("list_deal_activities")
async def _list(conn: Executor, *, deal_id: UUID, lim: int) -> list[DealActivity]: ...


async def list_for_deal(conn: Executor, *, deal_id: UUID, limit: int = 100) -> list[DealActivity]:
    """The deal's activities in the order they happened."""
    return await _list(conn, deal_id=deal_id, lim=page_size(limit))


@_sql.query("list_deal_activities_by_user")
async def _list_by_user(
    conn: Executor, *, user_id: UUID, activity_type: DealActivityType | None, lim: int
) -> list[DealActivity]: ...


async def list_by_user(
    conn: Executor, *, user_id: UUID, activity_type: DealActivityType | str | None = None, limit: int = 100
) -> list[DealActivity]:
    """What the user did to deals, newest first (only ``activity_type`` when given)."""
    kind = (
        None
        if activity_type is None
        else member("list_by_user", "activity_type", activity_type, DealActivityType)
    )
    return await _list_by_user(conn, user_id=user_id, activity_type=kind, lim=page_size(limit))


@_sql.query("list_deal_activities_by_agent")
async def _list_by_agent(
    conn: Executor, *, agent_id: UUID, activity_type: DealActivityType | None, lim: int
) -> list[DealActivity]: ...


async def list_by_agent(
    conn: Executor, *, agent_id: UUID, activity_type: DealActivityType | str | None = None, limit: int = 100
) -> list[DealActivity]:
    """What the agent did to deals, newest first (only ``activity_type`` when given)."""
    kind = (
        None
        if activity_type is None
        else member("list_by_agent", "activity_type", activity_type, DealActivityType)
    )
    return await _list_by_agent(conn, agent_id=agent_id, activity_type=kind, lim=page_size(limit))
