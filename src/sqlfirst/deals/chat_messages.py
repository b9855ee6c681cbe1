"""Chat messages: a user's conversation with the assistant, optionally about one goal."""

from __future__ import annotations

from uuid import UUID

from sqlfirst.binding import SqlFile
from sqlfirst.db import Executor

from .models import ChatMessage, ChatMessageCreate, JsonObject, MessageRole, page_size

__all__ = ["create", "list_for_goal", "list_for_user"]

_sql = SqlFile("deals", "chat_messages")


@_sql.query("insert_chat_message", validate=ChatMessageCreate)
async def create(
    conn: Executor,
    *,
    user_id: UUID,
    role: MessageRole | str,
    content: str,
    goal_id: UUID | None = None,
    tokens_used: int = 0,
    meta_data: JsonObject | None = None,
) -> ChatMessage:
    """Append a message to the user's conversation."""


@_sql.query("list_chat_messages_for_user")
async def _list_for_user(conn: Executor, *, user_id: UUID, lim: int) -> list[ChatMessage]: ...


async def list_for_user(conn: Executor, *, user_id: UUID, limit: int = 100) -> list[ChatMessage]:
    """The user's latest ``limit`` messages in conversation order."""
    return await _list_for_user(conn, user_id=user_id, lim=page_size(limit))


@_sql.query("list_chat_messages_for_goal")
async def _list_for_goal(conn: Executor, *, goal_id: UUID, lim: int) -> list[ChatMessage]: ...


async def list_for_goal(conn: Executor, *, goal_id: UUID, limit: int = 100) -> list[ChatMessage]:
    """The latest ``limit`` messages about the goal in conversation order."""
    return await _list_for_goal(conn, goal_id=goal_id, lim=page_size(limit))
