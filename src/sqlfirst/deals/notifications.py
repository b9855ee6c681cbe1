"""Notifications: messages to a user about deals, goals, tokens, ...; the unread ones are the inbox."""

from __future__ import annotations

from collections.abc import Collection
from uuid import UUID

from sqlfirst import arguments
from sqlfirst.arguments import member
from sqlfirst.binding import SqlFile
from sqlfirst.db import Executor

from .models import (
    JsonObject,
    Notification,
    NotificationCreate,
    NotificationPriority,
    NotificationType,
    page_size,
)

__all__ = [
    "count_unread",
    "create",
    "list_history",
    "list_unread",
    "mark_all_read",
    "mark_delivered",
    "mark_failed",
    "mark_read",
    "mark_sent",
]

_sql = SqlFile("deals", "notifications")


@_sql.query("insert_notification", validate=NotificationCreate)
async def create(
    conn: Executor,
    *,
    user_id: UUID,
    type: NotificationType | str,
    title: str,
    message: str,
    priority: NotificationPriority | str = NotificationPriority.MEDIUM,
    goal_id: UUID | None = None,
    deal_id: UUID | None = None,
    action_url: str | None = None,
    channels: list[str] | None = None,
    meta_data: JsonObject | None = None,
) -> Notification:
    """Create a pending notification for the user.

    ``deal_id`` may name the user's own deal or any shared one (found on a market). Another user's
    private deal is refused with ``PermissionDenied``, for every role; acting as a user, an unknown
    deal is refused the same way (trying teaches nothing), and for the owner or worker roles it is a
    ``ReferenceViolation`` naming ``fk_notifications_deal_id``.
    """


@_sql.query("list_unread_notifications")
async def _list_unread(conn: Executor, *, user_id: UUID, lim: int) -> list[Notification]: ...


async def list_unread(conn: Executor, *, user_id: UUID, limit: int = 50) -> list[Notification]:
    """The user's unread notifications, newest first."""
    return await _list_unread(conn, user_id=user_id, lim=page_size(limit))


@_sql.query("count_unread_notifications")
async def count_unread(conn: Executor, *, user_id: UUID) -> int:
    """How many unread notifications the user has."""


@_sql.query("mark_notifications_read")
async def _mark_read(conn: Executor, *, user_id: UUID, ids: list[UUID]) -> int: ...


async def mark_read(conn: Executor, *, user_id: UUID, ids: Collection[UUID]) -> int:
    """Mark these notifications of the user read in one statement; ids of other users are ignored."""
    return await _mark_read(conn, user_id=user_id, ids=arguments.uuids("mark_read", "ids", ids))


@_sql.query("mark_all_notifications_read")
async def mark_all_read(conn: Executor, *, user_id: UUID) -> int:
    """Mark every unread notification of the user read; returns how many."""


@_sql.query("mark_notifications_sent")
async def _mark_sent(conn: Executor, *, ids: list[UUID]) -> int: ...


async def mark_sent(conn: Executor, *, ids: Collection[UUID]) -> int:
    """Mark pending notifications sent, in bulk; returns how many changed."""
    return await _mark_sent(conn, ids=arguments.uuids("mark_sent", "ids", ids))


@_sql.query("mark_notifications_delivered")
async def _mark_delivered(conn: Executor, *, ids: list[UUID]) -> int: ...


async def mark_delivered(conn: Executor, *, ids: Collection[UUID]) -> int:
    """Mark pending or sent notifications delivered, in bulk; read or failed ones stay as they are."""
    return await _mark_delivered(conn, ids=arguments.uuids("mark_delivered", "ids", ids))


@_sql.query("mark_notification_failed")
async def mark_failed(conn: Executor, *, id: UUID, error: str) -> Notification | None:
    """Mark a pending or sent notification ``failed``, keeping ``error`` in ``meta_data["error"]``;
    None when it is absent or already delivered, read or failed (those never become failed)."""


@_sql.query("list_notifications")
async def _list(
    conn: Executor,
    *,
    user_id: UUID,
    type: NotificationType | None,
    priority: NotificationPriority | None,
    lim: int,
) -> list[Notification]: ...


async def list_history(
    conn: Executor,
    *,
    user_id: UUID,
    type: NotificationType | str | None = None,
    priority: NotificationPriority | str | None = None,
    limit: int = 100,
) -> list[Notification]:
    """A user's notifications, read ones included, newest first; only one type / priority when given."""
    return await _list(
        conn,
        user_id=user_id,
        type=None if type is None else member("list_history", "type", type, NotificationType),
        priority=None
        if priority is None
        else member("list_history", "priority", priority, NotificationPriority),
        lim=page_size(limit),
    )
