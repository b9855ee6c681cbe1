"""Conversations: session:{session_id} of the seed, as rows.

A conversation is found by its session id or by platform + chat; its state and context change
atomically in one statement (:func:`update_session`, context merged as a jsonb patch). The database
keeps ``messages_count`` and ``closed_at``; closed is final
(:class:`~sqlfirst.easyflow.errors.ConversationClosed`).
"""

from __future__ import annotations

from uuid import UUID

from pydantic import TypeAdapter

from sqlfirst import arguments
from sqlfirst.arguments import member
from sqlfirst.binding import SqlFile
from sqlfirst.db import Executor

from .models import Conversation, ConversationStart, ConversationStatus, JsonObject, page_size

__all__ = [
    "close",
    "delete",
    "escalate",
    "escalated",
    "find_by_chat",
    "find_by_context",
    "get",
    "get_by_session",
    "list_for_user",
    "pause",
    "resume",
    "set_status",
    "start",
    "update_session",
]

_sql = SqlFile("easyflow", "conversations")
_object: TypeAdapter[JsonObject] = TypeAdapter(JsonObject)


@_sql.query("start_conversation", validate=ConversationStart)
async def start(
    conn: Executor,
    *,
    session_id: str,
    user_id: UUID,
    platform: str,
    chat_id: str | None = None,
    current_state: str = "initial",
    context_data: JsonObject | None = None,
) -> Conversation:
    """Start a conversation; :class:`~sqlfirst.errors.Conflict` naming ``pk_conversation_sessions``
    when the session exists (session ids are unique across users), ``ReferenceViolation`` for an
    unknown user or platform."""


@_sql.query("get_conversation")
async def get(conn: Executor, *, id: UUID) -> Conversation | None:
    """The conversation with this id, or None."""


@_sql.query("get_conversation_by_session")
async def get_by_session(conn: Executor, *, session_id: str) -> Conversation | None:
    """The conversation of this session, or None."""


@_sql.query("find_conversation_by_chat")
async def find_by_chat(conn: Executor, *, platform: str, chat_id: str) -> Conversation | None:
    """The latest conversation in this platform chat, or None."""


@_sql.query("update_session_state")
async def _update_session(
    conn: Executor, *, session_id: str, current_state: str | None, context_patch: JsonObject
) -> Conversation | None: ...


async def update_session(
    conn: Executor,
    *,
    session_id: str,
    current_state: str | None = None,
    context_patch: JsonObject | None = None,
) -> Conversation | None:
    """Set the session's state (None keeps it) and merge ``context_patch`` into its context, atomically.

    Top-level keys of the patch replace those of the context; concurrent patches of different keys
    both survive (each statement re-reads the row it updates). None when there is no such session.
    """
    if (
        current_state is not None
        and not arguments.text("update_session", "current_state", current_state).strip()
    ):
        raise arguments.invalid_argument(
            "update_session", "current_state", "must not be blank", current_state
        )
    return await _update_session(
        conn,
        session_id=session_id,
        current_state=current_state,
        context_patch=_object.validate_python(context_patch if context_patch is not None else {}),
    )


@_sql.query("set_conversation_status")
async def _set_status(
    conn: Executor, *, id: UUID, status: ConversationStatus, context_patch: JsonObject
) -> Conversation | None: ...


async def set_status(
    conn: Executor, *, id: UUID, status: ConversationStatus | str, context_patch: JsonObject | None = None
) -> Conversation | None:
    """Change the status (``closed_at`` follows); None when there is no such conversation.

    :class:`~sqlfirst.easyflow.errors.ConversationClosed` when the conversation is already closed.
    """
    return await _set_status(
        conn,
        id=id,
        status=member("set_status", "status", status, ConversationStatus),
        context_patch=_object.validate_python(context_patch if context_patch is not None else {}),
    )


async def pause(conn: Executor, *, id: UUID) -> Conversation | None:
    """Pause the conversation."""
    return await set_status(conn, id=id, status=ConversationStatus.PAUSED)


async def resume(conn: Executor, *, id: UUID) -> Conversation | None:
    """Make a paused or escalated conversation active again."""
    return await set_status(conn, id=id, status=ConversationStatus.ACTIVE)


async def escalate(conn: Executor, *, id: UUID, reason: str | None = None) -> Conversation | None:
    """Hand the conversation to a human operator; the reason goes into its context (``escalation_reason``)."""
    patch: JsonObject = {"escalation_reason": reason} if reason is not None else {}
    return await set_status(conn, id=id, status=ConversationStatus.ESCALATED, context_patch=patch)


async def close(conn: Executor, *, id: UUID) -> Conversation | None:
    """Close the conversation (final); ``closed_at`` is stamped by the database."""
    return await set_status(conn, id=id, status=ConversationStatus.CLOSED)


@_sql.query("list_user_conversations")
async def _list_for_user(conn: Executor, *, user_id: UUID, lim: int) -> list[Conversation]: ...


async def list_for_user(conn: Executor, *, user_id: UUID, limit: int = 50) -> list[Conversation]:
    """The user's conversations, latest activity first."""
    return await _list_for_user(conn, user_id=user_id, lim=page_size(limit))


@_sql.query("list_escalated_conversations")
async def _escalated(conn: Executor, *, lim: int) -> list[Conversation]: ...


async def escalated(conn: Executor, *, limit: int = 50) -> list[Conversation]:
    """The escalation queue: escalated conversations, longest waiting first."""
    return await _escalated(conn, lim=page_size(limit))


@_sql.query("find_conversations_by_context")
async def _by_context(conn: Executor, *, context: JsonObject, lim: int) -> list[Conversation]: ...


async def find_by_context(conn: Executor, *, context: JsonObject, limit: int = 50) -> list[Conversation]:
    """Conversations whose context contains ``context`` (jsonb ``@>``), latest activity first.

    Meant for keys that few conversations hold (an order id, a ticket): the GIN index finds every
    match, then the newest ``limit`` are returned, so a key held by many reads all of them.
    """
    return await _by_context(conn, context=_object.validate_python(context), lim=page_size(limit))


@_sql.query("delete_conversation")
async def delete(conn: Executor, *, id: UUID) -> int:
    """Delete the conversation with its messages and deliveries; 1, or 0 when absent."""
