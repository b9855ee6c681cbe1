"""Campaigns: a client's SEO campaigns, their workflow (kept by the database) and objective search."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID

from pydantic import TypeAdapter

from sqlfirst.arguments import cursor
from sqlfirst.binding import SqlFile
from sqlfirst.db import Executor

from .models import Campaign, CampaignCreate, CampaignStatus, JsonObject, Objective, page_size

__all__ = ["create", "delete", "get_by_id", "list_for_client", "search", "set_status", "update"]

_sql = SqlFile("ai_seo", "campaigns")
_status: TypeAdapter[CampaignStatus] = TypeAdapter(CampaignStatus)
_objectives: TypeAdapter[list[str]] = TypeAdapter(list[Objective])
_FAR_FUTURE = datetime(9999, 1, 1, tzinfo=UTC)


@_sql.query("insert_campaign")
async def _insert(
    conn: Executor,
    *,
    client_id: UUID,
    name: str,
    campaign_type: str,
    status: CampaignStatus,
    start_date: date | None,
    end_date: date | None,
    budget: Decimal | None,
    objectives: list[str],
    config: JsonObject,
) -> Campaign: ...


def _fields(
    name: str,
    campaign_type: str,
    start_date: date | None,
    end_date: date | None,
    budget: Decimal | int | str | None,
    objectives: list[str] | None,
    config: JsonObject | None,
) -> CampaignCreate:
    return CampaignCreate.model_validate(
        {
            "name": name,
            "campaign_type": campaign_type,
            "start_date": start_date,
            "end_date": end_date,
            "budget": budget,
            "objectives": objectives if objectives is not None else [],
            "config": config if config is not None else {},
        }
    )


async def create(
    conn: Executor,
    *,
    client_id: UUID,
    name: str,
    campaign_type: str,
    status: CampaignStatus | str = CampaignStatus.ACTIVE,
    start_date: date | None = None,
    end_date: date | None = None,
    budget: Decimal | int | str | None = None,
    objectives: list[str] | None = None,
    config: JsonObject | None = None,
) -> Campaign:
    """Create a campaign (``active`` unless given, as the seed defaults).

    ``ReferenceViolation`` (``fk_campaigns_client_id``) for an unknown client.
    """
    new = _fields(name, campaign_type, start_date, end_date, budget, objectives, config)
    checked = _status.validate_python(status)
    return await _insert(conn, client_id=client_id, status=checked, **new.model_dump())


@_sql.query("get_campaign_by_id")
async def get_by_id(conn: Executor, *, id: UUID) -> Campaign | None:
    """The campaign with this id, or None."""


@_sql.query("update_campaign", validate=CampaignCreate)
async def update(
    conn: Executor,
    *,
    id: UUID,
    name: str,
    campaign_type: str,
    start_date: date | None = None,
    end_date: date | None = None,
    budget: Decimal | int | str | None = None,
    objectives: list[str] | None = None,
    config: JsonObject | None = None,
) -> Campaign | None:
    """Replace the campaign's fields (not its status); None when there is no such campaign."""


@_sql.query("set_campaign_status")
async def _set_status(conn: Executor, *, id: UUID, status: CampaignStatus) -> Campaign | None: ...


async def set_status(conn: Executor, *, id: UUID, status: CampaignStatus | str) -> Campaign | None:
    """Move the campaign along draft -> active -> paused / completed / cancelled.

    An illegal change raises :class:`~sqlfirst.ai_seo.errors.IllegalCampaignTransition`; None when
    there is no such campaign.
    """
    return await _set_status(conn, id=id, status=_status.validate_python(status))


@_sql.query("list_client_campaigns")
async def _list_for_client(conn: Executor, *, client_id: UUID, lim: int) -> list[Campaign]: ...


async def list_for_client(conn: Executor, *, client_id: UUID, limit: int = 100) -> list[Campaign]:
    """The client's campaigns, newest first."""
    return await _list_for_client(conn, client_id=client_id, lim=page_size(limit))


@_sql.query("search_campaigns")
async def _search(
    conn: Executor,
    *,
    status: CampaignStatus,
    objectives: list[str],
    before_created_at: datetime,
    before_id: UUID,
    lim: int,
) -> list[Campaign]: ...


async def search(
    conn: Executor,
    *,
    status: CampaignStatus | str,
    objectives: list[str] | None = None,
    before: Campaign | None = None,
    limit: int = 50,
) -> list[Campaign]:
    """A page of campaigns of ``status`` pursuing every one of ``objectives``, newest first.

    Pass the last campaign of a page as ``before`` for the next page.
    """
    before_created_at, before_id = cursor("search", "before", before, Campaign, ("created_at", "id")) or (
        _FAR_FUTURE,
        UUID(int=(1 << 128) - 1),
    )
    return await _search(
        conn,
        status=_status.validate_python(status),
        objectives=_objectives.validate_python(objectives or []),
        before_created_at=before_created_at,
        before_id=before_id,
        lim=page_size(limit),
    )


@_sql.query("delete_campaign")
async def delete(conn: Executor, *, id: UUID) -> int:
    """Delete a campaign without tasks; 1, or 0 when absent.

    A campaign with tasks raises :class:`~sqlfirst.errors.ReferenceViolation`
    (``fk_agent_tasks_campaign_id``): cancel or complete it instead.
    """
