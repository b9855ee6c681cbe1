"""analytics.system_events: the system's event stream, partitioned by month on ``occurred_at``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from pydantic import AwareDatetime, TypeAdapter

from sqlfirst import arguments
from sqlfirst.binding import SqlFile
from sqlfirst.db import Executor, copy_models

from .models import JsonObject, SystemEvent, SystemEventCreate, page_size

__all__ = ["ingest", "list_by_type", "record", "search"]

_sql = SqlFile("ai_seo", "events")
_instant: TypeAdapter[datetime] = TypeAdapter(AwareDatetime)
_object: TypeAdapter[JsonObject] = TypeAdapter(JsonObject)


@_sql.query("record_event", validate=SystemEventCreate)
async def record(
    conn: Executor,
    *,
    event_type: str,
    source: str,
    event_data: JsonObject,
    user_id: UUID | None = None,
    agent_id: UUID | None = None,
    occurred_at: datetime | None = None,
) -> SystemEvent:
    """Record one event (at ``occurred_at``, default now)."""


async def ingest(conn: Executor, events: Iterable[SystemEventCreate | dict[str, object]]) -> int:
    """Bulk-insert events with COPY, all or nothing (each validated first); returns the rows written."""
    now = datetime.now(UTC)
    rows = []
    for item in arguments.items("ingest", "events", events):
        new = item if isinstance(item, SystemEventCreate) else SystemEventCreate.model_validate(item)
        rows.append(
            SystemEvent(
                id=uuid4(),
                event_type=new.event_type,
                source=new.source,
                user_id=new.user_id,
                agent_id=new.agent_id,
                event_data=new.event_data,
                occurred_at=new.occurred_at or now,
            )
        )
    return await copy_models(conn, "analytics.system_events", rows)


def _range(since: datetime, until: datetime | None) -> tuple[datetime, datetime]:
    start = _instant.validate_python(since)
    end = _instant.validate_python(until) if until is not None else datetime.now(UTC) + timedelta(minutes=1)
    return start, end


@_sql.query("list_events_by_type")
async def _list_by_type(
    conn: Executor, *, event_type: str, since: datetime, until: datetime, lim: int
) -> list[SystemEvent]: ...


async def list_by_type(
    conn: Executor, *, event_type: str, since: datetime, until: datetime | None = None, limit: int = 100
) -> list[SystemEvent]:
    """Events of ``event_type`` in ``[since, until)``, newest first; only those months are read."""
    start, end = _range(since, until)
    return await _list_by_type(conn, event_type=event_type, since=start, until=end, lim=page_size(limit))


@_sql.query("search_events")
async def _search(
    conn: Executor, *, event_data: JsonObject, since: datetime, until: datetime, lim: int
) -> list[SystemEvent]: ...


async def search(
    conn: Executor,
    *,
    event_data: JsonObject,
    since: datetime,
    until: datetime | None = None,
    limit: int = 100,
) -> list[SystemEvent]:
    """Events whose data contains ``event_data`` (jsonb ``@>``) in ``[since, until)``, newest first."""
    start, end = _range(since, until)
    return await _search(
        conn, event_data=_object.validate_python(event_data), since=start, until=end, lim=page_size(limit)
    )
