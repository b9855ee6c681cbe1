"""User settings: one row per user with notification, UI and agent preferences."""

from __future__ import annotations

from uuid import UUID

from sqlfirst.binding import SqlFile
from sqlfirst.db import Executor

from .models import JsonObject, UserSettings, UserSettingsUpdate

__all__ = ["get", "save"]

_sql = SqlFile("deals", "user_settings")


@_sql.query("upsert_user_settings", validate=UserSettingsUpdate)
async def save(
    conn: Executor,
    *,
    user_id: UUID,
    notification_preferences: JsonObject | None = None,
    ui_preferences: JsonObject | None = None,
    agent_preferences: JsonObject | None = None,
) -> UserSettings:
    """Create or replace the user's settings (the one row per user); omitted parts become ``{}``."""


@_sql.query("get_user_settings")
async def get(conn: Executor, *, user_id: UUID) -> UserSettings | None:
    """The user's settings, or None when they have none yet."""
