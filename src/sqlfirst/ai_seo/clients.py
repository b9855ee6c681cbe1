"""Clients: the companies the agency runs campaigns for."""

from __future__ import annotations

from uuid import UUID

from sqlfirst.arguments import cursor
from sqlfirst.binding import SqlFile
from sqlfirst.db import Executor

from .models import Client, ClientCreate, JsonObject, page_size

__all__ = ["create", "delete", "get_by_id", "list_by_industry", "list_page", "update"]

_sql = SqlFile("ai_seo", "clients")


@_sql.query("insert_client")
async def _insert(
    conn: Executor,
    *,
    company_name: str,
    industry: str | None,
    website: str | None,
    annual_revenue: int | None,
    employee_count: int | None,
    country: str,
    contact_person: str | None,
    contact_email: str | None,
    contact_phone: str | None,
    metadata: JsonObject,
) -> Client: ...


def _fields(
    company_name: str,
    industry: str | None,
    website: str | None,
    annual_revenue: int | None,
    employee_count: int | None,
    country: str,
    contact_person: str | None,
    contact_email: str | None,
    contact_phone: str | None,
    metadata: JsonObject | None,
) -> ClientCreate:
    new = ClientCreate.model_validate(
        {
            "company_name": company_name,
            "industry": industry,
            "website": website,
            "annual_revenue": annual_revenue,
            "employee_count": employee_count,
            "country": country,
            "contact_person": contact_person,
            "contact_email": contact_email,
            "contact_phone": contact_phone,
            "metadata": metadata if metadata is not None else {},
        }
    )
    if new.contact_email is not None:
        new = new.model_copy(update={"contact_email": new.contact_email.lower()})
    return new


async def create(
    conn: Executor,
    *,
    company_name: str,
    industry: str | None = None,
    website: str | None = None,
    annual_revenue: int | None = None,
    employee_count: int | None = None,
    country: str = "RU",
    contact_person: str | None = None,
    contact_email: str | None = None,
    contact_phone: str | None = None,
    metadata: JsonObject | None = None,
) -> Client:
    """Create a client (country ``RU`` unless given, as the seed defaults)."""
    new = _fields(
        company_name, industry, website, annual_revenue, employee_count, country, contact_person,
        contact_email, contact_phone, metadata,
    )  # fmt: skip
    return await _insert(conn, **new.model_dump())


@_sql.query("get_client_by_id")
async def get_by_id(conn: Executor, *, id: UUID) -> Client | None:
    """The client with this id, or None."""


@_sql.query("update_client")
async def _update(
    conn: Executor,
    *,
    id: UUID,
    company_name: str,
    industry: str | None,
    website: str | None,
    annual_revenue: int | None,
    employee_count: int | None,
    country: str,
    contact_person: str | None,
    contact_email: str | None,
    contact_phone: str | None,
    metadata: JsonObject,
) -> Client | None: ...


async def update(
    conn: Executor,
    *,
    id: UUID,
    company_name: str,
    industry: str | None = None,
    website: str | None = None,
    annual_revenue: int | None = None,
    employee_count: int | None = None,
    country: str = "RU",
    contact_person: str | None = None,
    contact_email: str | None = None,
    contact_phone: str | None = None,
    metadata: JsonObject | None = None,
) -> Client | None:
    """Replace every field of the client; None when there is no such client."""
    new = _fields(
        company_name, industry, website, annual_revenue, employee_count, country, contact_person,
        contact_email, contact_phone, metadata,
    )  # fmt: skip
    return await _update(conn, id=id, **new.model_dump())


@_sql.query("list_clients")
async def _list_page(
    conn: Executor, *, after_company_name: str, after_id: UUID, lim: int
) -> list[Client]: ...


async def list_page(conn: Executor, *, after: Client | None = None, limit: int = 50) -> list[Client]:
    """A page of clients by company name; pass the last client of a page to get the next."""
    after_company_name, after_id = cursor("list_page", "after", after, Client, ("company_name", "id")) or (
        "",
        UUID(int=0),
    )
    return await _list_page(
        conn,
        after_company_name=after_company_name,
        after_id=after_id,
        lim=page_size(limit),
    )


@_sql.query("list_clients_by_industry")
async def _list_by_industry(conn: Executor, *, industry: str, lim: int) -> list[Client]: ...


async def list_by_industry(conn: Executor, *, industry: str, limit: int = 50) -> list[Client]:
    """Clients of an industry, by company name."""
    return await _list_by_industry(conn, industry=industry, lim=page_size(limit))


@_sql.query("delete_client")
async def delete(conn: Executor, *, id: UUID) -> int:
    """Delete a client with its campaigns; 1, or 0 when absent.

    A campaign with tasks keeps its client: :class:`~sqlfirst.errors.ReferenceViolation`
    (``fk_agent_tasks_campaign_id``).
    """
