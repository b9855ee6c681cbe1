"""The agent marketplace: one entry per published agent, searchable by category and tags."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from pydantic import TypeAdapter

from sqlfirst import arguments
from sqlfirst.arguments import page_size
from sqlfirst.binding import SqlFile
from sqlfirst.db import Executor
from sqlfirst.errors import NotFound

from .models import MarketplaceEntry, MarketplacePublish, MarketplaceVersion, Rating, Tag

__all__ = ["download", "get", "publish", "rate", "search", "versions", "withdraw"]

_sql = SqlFile("agent_hub", "marketplace")
_tags: TypeAdapter[list[Tag]] = TypeAdapter(list[Tag])


@_sql.query("upsert_marketplace_entry")
async def _upsert(
    conn: Executor, *, agent_id: UUID, category: str, tags: list[str], changelog: str | None
) -> MarketplaceEntry: ...


async def publish(
    conn: Executor,
    *,
    agent_id: UUID,
    category: str,
    tags: Sequence[str] = (),
    changelog: str | None = None,
) -> MarketplaceEntry:
    """Publish the agent, or update its entry (ratings and downloads are kept).

    Every publication is kept as a version (see :func:`versions`), written by the database. Only a
    public agent can be published: a private one raises :class:`~sqlfirst.errors.CheckViolation`
    (``ck_marketplace_entries_agent_public``); so does another user's agent the caller cannot see.
    """
    new = MarketplacePublish.model_validate(
        {
            "agent_id": agent_id,
            "category": category,
            "tags": list(arguments.items("publish", "tags", tags)),
            "changelog": changelog,
        }
    )
    return await _upsert(conn, **new.model_dump())


@_sql.query("get_marketplace_entry_by_agent")
async def get(conn: Executor, *, agent_id: UUID) -> MarketplaceEntry | None:
    """The agent's marketplace entry, or None."""


# The searches select the entries' own columns in both branches of a union (0093), which hides their
# NOT NULL from ``sqlfirst check``: each is a NOT NULL column of agent_hub.marketplace_entries.
_SEARCH_NOT_NULL = {
    column: "both branches of the search's union select the NOT NULL marketplace_entries column"
    for column in ("id", "agent_id", "category", "tags", "rating_count", "download_count", "published_at")
}


@_sql.query("search_marketplace_by_category", not_null=_SEARCH_NOT_NULL)
async def _search_category(
    conn: Executor, *, category: str, tags: list[str], lim: int
) -> list[MarketplaceEntry]: ...


@_sql.query("search_marketplace_by_tags", not_null=_SEARCH_NOT_NULL)
async def _search_tags(conn: Executor, *, tags: list[str], lim: int) -> list[MarketplaceEntry]: ...


async def search(
    conn: Executor, *, category: str | None = None, tags: Sequence[str] = (), limit: int = 50
) -> list[MarketplaceEntry]:
    """Entries of public agents in ``category`` (any, when None) carrying every tag in ``tags``, best
    rated first. An agent made private after publishing drops out."""
    wanted = arguments.listed("search", "tags", tags, _tags)
    if category is None:
        return await _search_tags(conn, tags=wanted, lim=page_size(limit))
    return await _search_category(conn, category=category, tags=wanted, lim=page_size(limit))


@_sql.query("increment_download_count")
async def _increment_downloads(conn: Executor, *, agent_id: UUID) -> int | None: ...


async def download(conn: Executor, *, agent_id: UUID) -> int:
    """Count one download atomically and return the new count; NotFound when not published."""
    count = await _increment_downloads(conn, agent_id=agent_id)
    if count is None:
        raise NotFound("marketplace entry", agent_id=agent_id)
    return count


@_sql.query("rate_marketplace_entry")
async def _rate(conn: Executor, *, agent_id: UUID, score: float) -> MarketplaceEntry | None: ...


async def rate(conn: Executor, *, agent_id: UUID, score: float) -> MarketplaceEntry:
    """Fold a 0–5 rating into the entry's average atomically; ValidationError outside 0–5."""
    rating = Rating.model_validate({"score": score})
    entry = await _rate(conn, agent_id=agent_id, score=rating.score)
    if entry is None:
        raise NotFound("marketplace entry", agent_id=agent_id)
    return entry


@_sql.query("delete_marketplace_entry")
async def withdraw(conn: Executor, *, agent_id: UUID) -> int:
    """Remove the agent from the marketplace; 1, or 0 when it was not published."""


@_sql.query("list_marketplace_versions")
async def _versions(conn: Executor, *, agent_id: UUID, lim: int) -> list[MarketplaceVersion]: ...


async def versions(conn: Executor, *, agent_id: UUID, limit: int = 50) -> list[MarketplaceVersion]:
    """Every published version of the agent's entry (version, category, tags, changelog, when), newest
    first; empty when the agent was never published (or was withdrawn: history goes with the entry)."""
    return await _versions(conn, agent_id=agent_id, lim=page_size(limit))
