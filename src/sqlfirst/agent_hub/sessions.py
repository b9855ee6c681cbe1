"""Sessions: one agent run for one user, with its message history and state."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from pydantic import JsonValue

from sqlfirst import arguments
from sqlfirst.arguments import invalid_argument, page_size
from sqlfirst.binding import SqlFile
from sqlfirst.db import Executor
from sqlfirst.errors import NotFound

from .models import JsonObject, Session, SessionCreate, SessionHistoryPage, SessionSummary

__all__ = [
    "append_messages",
    "create",
    "delete",
    "find_by_external_id",
    "get",
    "history_page",
    "list_for_agent",
    "list_for_user",
    "list_for_user_agent",
    "update_state",
]

_sql = SqlFile("agent_hub", "sessions")


@_sql.query("insert_session", validate=SessionCreate)
async def create(
    conn: Executor,
    *,
    agent_id: UUID,
    user_id: UUID,
    external_session_id: str | None = None,
    state: JsonObject | None = None,
) -> Session:
    """Start a session. ``ReferenceViolation`` when the agent or user does not exist."""


@_sql.query("get_session_by_id")
async def get(conn: Executor, *, id: UUID) -> Session | None:
    """The session with its whole message history, or None."""


@_sql.query("find_session_by_external_id")
async def find_by_external_id(conn: Executor, *, external_session_id: str) -> Session | None:
    """The newest session with this external id, or None."""


@_sql.query("append_session_messages")
async def _append_messages(conn: Executor, *, id: UUID, messages: list[JsonValue]) -> int | None: ...


async def append_messages(conn: Executor, *, id: UUID, messages: Sequence[JsonValue]) -> int:
    """Append messages to the history atomically and return the history's new length.

    One database function writes ``message_history``, ``message_count`` and the messages' rows
    (``agent_hub.session_messages``, read by :func:`history_page`) together under the session's row
    lock: concurrent appends all land, each at consecutive positions, none overwrites another.
    Raises :class:`~sqlfirst.errors.NotFound` when there is no such session.
    """
    if isinstance(messages, str | bytes) or not isinstance(messages, Sequence):
        raise invalid_argument(
            "append_messages", "messages", "messages must be a list of JSON messages", messages
        )
    length = await _append_messages(conn, id=id, messages=list(messages))
    if length is None:
        raise NotFound("session", id=id)
    return length


@_sql.query("update_session_state")
async def update_state(conn: Executor, *, id: UUID, state: JsonObject) -> Session | None:
    """Replace the session's state; None when there is no such session."""


@_sql.query("list_sessions_for_user")
async def _list_for_user(conn: Executor, *, user_id: UUID, lim: int) -> list[SessionSummary]: ...


async def list_for_user(conn: Executor, *, user_id: UUID, limit: int = 50) -> list[SessionSummary]:
    """A user's sessions, most recently active first, without message histories."""
    return await _list_for_user(conn, user_id=user_id, lim=page_size(limit))


@_sql.query("delete_session")
async def delete(conn: Executor, *, id: UUID) -> int:
    """Delete the session with its messages and events; 1, or 0 when absent."""


@_sql.query("list_sessions_for_user_agent")
async def _list_for_user_agent(
    conn: Executor, *, user_id: UUID, agent_id: UUID, lim: int
) -> list[SessionSummary]: ...


async def list_for_user_agent(
    conn: Executor, *, user_id: UUID, agent_id: UUID, limit: int = 50
) -> list[SessionSummary]:
    """A user's sessions with one agent, most recently active first, without message histories."""
    return await _list_for_user_agent(conn, user_id=user_id, agent_id=agent_id, lim=page_size(limit))


@_sql.query("list_sessions_for_agent")
async def _list_for_agent(conn: Executor, *, agent_id: UUID, lim: int) -> list[SessionSummary]: ...


async def list_for_agent(conn: Executor, *, agent_id: UUID, limit: int = 50) -> list[SessionSummary]:
    """An agent's sessions (all users), most recently active first, without message histories."""
    return await _list_for_agent(conn, agent_id=agent_id, lim=page_size(limit))


# The row exists only for an existing session; first_position and messages are computed (total is
# sessions.message_count, NOT NULL in the catalog).
_PAGE_NOT_NULL = {
    "first_position": "coalesce(min(position), end_position): end_position is greatest(..., 0), never NULL",
    "messages": "coalesce(jsonb_agg(...), '[]'): never NULL",
}


@_sql.query("get_session_history_page", not_null=_PAGE_NOT_NULL)
async def _history_page(
    conn: Executor, *, id: UUID, before: int | None, lim: int
) -> SessionHistoryPage | None: ...


async def history_page(
    conn: Executor, *, id: UUID, limit: int = 20, before: int | None = None
) -> SessionHistoryPage:
    """The last ``limit`` messages of the session's history (``before=None``), or the ``limit`` just
    before position ``before`` (pass the previous page's ``first_position`` for older ones), in order.

    The page is read from ``agent_hub.session_messages`` backwards along its key from ``before`` and
    stops at ``limit`` rows: its cost depends on the page, not on the length of the history (the
    stored ``message_history`` is not read). :class:`~sqlfirst.errors.NotFound` when there is no such
    session; ``ValidationError`` for a ``before`` that is no position (0 or more).
    """
    position = None if before is None else arguments.count("history_page", "before", before)
    page = await _history_page(conn, id=id, before=position, lim=page_size(limit))
    if page is None:
        raise NotFound("session", id=id)
    return page
