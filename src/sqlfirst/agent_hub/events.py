"""Events: the ordered, append-only trail of a session (streaming parts, turns, errors)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from uuid import UUID

from sqlfirst.arguments import page_size
from sqlfirst.binding import SqlFile
from sqlfirst.db import Executor
from sqlfirst.errors import NotFound

from .models import Event, EventAuthor, EventCreate, JsonObject

__all__ = ["append", "count_errors", "list_page", "mark_turn_complete", "record_error", "stream"]

_sql = SqlFile("agent_hub", "events")


@_sql.query("append_event")
async def _append(
    conn: Executor,
    *,
    session_id: UUID,
    author: EventAuthor,
    content: str,
    metadata: JsonObject,
    partial: bool,
    turn_complete: bool,
    error_code: str | None,
    error_message: str | None,
) -> Event | None: ...


async def append(
    conn: Executor,
    *,
    session_id: UUID,
    author: EventAuthor | str,
    content: str = "",
    metadata: JsonObject | None = None,
    partial: bool = False,
    turn_complete: bool = True,
    error_code: str | None = None,
    error_message: str | None = None,
) -> Event:
    """Append an event with the session's next sequence number (1, 2, 3... even under concurrency).

    Raises ``ValidationError`` for bad input and :class:`~sqlfirst.errors.NotFound` when there is
    no such session.
    """
    new = EventCreate.model_validate(
        {
            "author": author,
            "content": content,
            "metadata": metadata if metadata is not None else {},
            "partial": partial,
            "turn_complete": turn_complete,
            "error_code": error_code,
            "error_message": error_message,
        }
    )
    event = await _append(conn, session_id=session_id, **new.model_dump())
    if event is None:
        raise NotFound("session", id=session_id)
    return event


@_sql.query("list_session_events")
async def _list_page(conn: Executor, *, session_id: UUID, after_sequence: int, lim: int) -> list[Event]: ...


async def list_page(
    conn: Executor, *, session_id: UUID, after_sequence: int = 0, limit: int = 50
) -> list[Event]:
    """A page of the session's events in order; pass the last ``sequence_number`` seen for the next."""
    return await _list_page(conn, session_id=session_id, after_sequence=after_sequence, lim=page_size(limit))


@_sql.query("stream_session_events")
def stream(conn: Executor, *, session_id: UUID) -> AsyncIterator[Event]:
    """Every event of the session in order, fetched through a server-side cursor."""


@_sql.query("mark_turn_complete")
async def mark_turn_complete(conn: Executor, *, session_id: UUID, sequence_number: int) -> Event | None:
    """Mark the event as the complete end of its turn; None when there is no such event."""


@_sql.query("record_event_error")
async def record_error(
    conn: Executor, *, session_id: UUID, sequence_number: int, error_code: str, error_message: str | None
) -> Event | None:
    """Attach an error to the event; None when there is no such event."""


@_sql.query("count_session_errors")
async def count_errors(conn: Executor, *, session_id: UUID) -> int:
    """How many of the session's events carry an error."""
