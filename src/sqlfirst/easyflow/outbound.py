"""queue:send_messages as a table: outbound deliveries with attempts, backoff and dead letters.

:func:`queue` appends an assistant message to the conversation's history and queues its delivery in one
statement; the insert NOTIFYs ``easyflow_send_messages`` (at commit), which :func:`wakeups` turns into
an async iterator so an idle worker sleeps until there is work instead of polling. A worker claims
deliveries whose turn has come with :func:`claim` (``FOR UPDATE SKIP LOCKED``: N workers never get the
same delivery; each claim counts an attempt), then reports :func:`mark_sent` or :func:`mark_failed`.
A failure waits ``backoff * 2^(attempt-1)`` before its next turn; after ``max_attempts`` the delivery
is dead (the dead-letter list, :func:`dead_letters`; :func:`requeue_dead` replays one).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import asyncpg

from sqlfirst import arguments
from sqlfirst.binding import SqlFile
from sqlfirst.db import Connection, Executor
from sqlfirst.errors import NotFound, translate

from .models import JsonObject, MessageRole, OutboundClaim, OutboundCreate, OutboundMessage, page_size

__all__ = [
    "CHANNEL",
    "claim",
    "dead_letters",
    "get",
    "mark_failed",
    "mark_sent",
    "queue",
    "release_stale",
    "requeue_dead",
    "wakeups",
]

CHANNEL = "easyflow_send_messages"
"""The NOTIFY channel of queued deliveries; the payload is the platform id."""

_sql = SqlFile("easyflow", "outbound_messages")


@_sql.query("queue_outbound_message")
async def _queue(
    conn: Executor,
    *,
    conversation_id: UUID,
    content: str,
    role: MessageRole,
    intent: str | None,
    entities: JsonObject,
    confidence: Decimal | None,
    metadata: JsonObject,
    max_attempts: int,
) -> OutboundMessage | None: ...


async def queue(
    conn: Executor,
    *,
    conversation_id: UUID,
    content: str,
    role: MessageRole | str = MessageRole.ASSISTANT,
    intent: str | None = None,
    entities: JsonObject | None = None,
    confidence: Decimal | float | str | None = None,
    metadata: JsonObject | None = None,
    max_attempts: int = 5,
) -> OutboundMessage:
    """Append an outbound message to the conversation and queue its delivery to the conversation's chat.

    ``ValidationError`` for bad input (``max_attempts`` below 1, confidence outside 0-1);
    :class:`~sqlfirst.errors.NotFound` for an unknown conversation;
    :class:`~sqlfirst.easyflow.errors.ConversationClosed` when it is closed; ``NotNullViolation``
    (``chat_id``) when the conversation has no chat to deliver to.
    """
    checked = OutboundCreate.model_validate(
        {
            "conversation_id": conversation_id,
            "content": content,
            "role": role,
            "intent": intent,
            "entities": entities if entities is not None else {},
            "confidence": confidence,
            "metadata": metadata if metadata is not None else {},
            "max_attempts": max_attempts,
        }
    )
    queued = await _queue(conn, **checked.model_dump())
    if queued is None:
        raise NotFound("conversation", id=conversation_id)
    return queued


@_sql.query("get_outbound_message")
async def get(conn: Executor, *, id: UUID) -> OutboundMessage | None:
    """The delivery with this id, or None."""


@_sql.query("claim_outbound_messages")
async def _claim(conn: Executor, *, lim: int) -> list[OutboundClaim]: ...


async def claim(conn: Executor, *, limit: int = 10) -> list[OutboundClaim]:
    """Claim up to ``limit`` deliveries whose turn has come, oldest first: each is ``sending`` with one
    more attempt. Run it in its own short transaction and report each with mark_sent / mark_failed."""
    return await _claim(conn, lim=page_size(limit))


@_sql.query("mark_outbound_sent")
async def _mark_sent(
    conn: Executor, *, id: UUID, platform_message_id: str | None
) -> OutboundMessage | None: ...


async def mark_sent(
    conn: Executor, *, id: UUID, platform_message_id: str | None = None
) -> OutboundMessage | None:
    """The claimed delivery went out (the platform's message id is copied onto the history message).

    None when the delivery is not ``sending`` (not claimed, or already reported).
    """
    return await _mark_sent(conn, id=id, platform_message_id=platform_message_id)


@_sql.query("mark_outbound_failed")
async def _mark_failed(
    conn: Executor, *, id: UUID, error: str, backoff: timedelta
) -> OutboundMessage | None: ...


async def mark_failed(
    conn: Executor, *, id: UUID, error: str, backoff: timedelta = timedelta(seconds=30)
) -> OutboundMessage | None:
    """The claimed delivery failed: ``failed`` until ``now + backoff * 2^(attempts-1)``, or ``dead`` when
    it used its last attempt. None when the delivery is not ``sending``."""
    delay = arguments.duration("mark_failed", "backoff", backoff)
    if delay < timedelta(0):
        raise arguments.invalid_argument("mark_failed", "backoff", "must not be negative", backoff)
    return await _mark_failed(conn, id=id, error=error, backoff=delay)


@_sql.query("release_stale_outbound")
async def _release_stale(conn: Executor, *, older_than: timedelta) -> int: ...


async def release_stale(conn: Executor, *, older_than: timedelta = timedelta(minutes=5)) -> int:
    """Claims older than ``older_than`` (their worker is gone) count as failed attempts; how many."""
    return await _release_stale(conn, older_than=older_than)


@_sql.query("list_dead_letters")
async def _dead_letters(conn: Executor, *, lim: int) -> list[OutboundMessage]: ...


async def dead_letters(conn: Executor, *, limit: int = 50) -> list[OutboundMessage]:
    """Deliveries that used all their attempts, most recent first."""
    return await _dead_letters(conn, lim=page_size(limit))


@_sql.query("requeue_dead_letter")
async def requeue_dead(conn: Executor, *, id: UUID) -> OutboundMessage | None:
    """Give a dead delivery a fresh set of attempts; None when it is not dead."""


async def wakeups(conn: Connection, *, idle_timeout: float = 5.0) -> AsyncIterator[str | None]:
    """LISTEN on :data:`CHANNEL` on ``conn`` (a connection of its own, outside any transaction) and
    yield the platform of each queued delivery, or None after ``idle_timeout`` seconds without one (so
    a worker also looks at deliveries whose backoff ran out). Stops listening when closed.

        async for _ in outbound.wakeups(listener):
            async with db.transaction() as tx:
                batch = await outbound.claim(tx)
            ...
    """
    timeout = arguments.seconds("wakeups", "idle_timeout", idle_timeout)
    notices: asyncio.Queue[str] = asyncio.Queue()

    def on_notify(_conn: Any, _pid: int, _channel: str, payload: object) -> None:
        notices.put_nowait(str(payload))

    try:
        await conn.add_listener(CHANNEL, on_notify)
    except asyncpg.PostgresError as exc:
        raise translate(exc) from exc
    try:
        while True:
            try:
                yield await asyncio.wait_for(notices.get(), timeout)
            except TimeoutError:
                yield None
    finally:
        if not conn.is_closed():
            await conn.remove_listener(CHANNEL, on_notify)
