"""Users of Easy Flow: create, look up, change language and time zone, deactivate."""

from __future__ import annotations

from uuid import UUID

from pydantic import TypeAdapter

from sqlfirst import arguments
from sqlfirst.binding import SqlFile
from sqlfirst.db import Executor

from .models import JsonObject, LanguageCode, TimeZone, User, UserCreate

__all__ = ["activate", "create", "deactivate", "delete", "get_by_email", "get_by_id", "update_locale"]

_sql = SqlFile("easyflow", "users")
_language: TypeAdapter[str] = TypeAdapter(LanguageCode)
_timezone: TypeAdapter[str] = TypeAdapter(TimeZone)


@_sql.query("insert_user")
async def _insert(
    conn: Executor,
    *,
    email: str,
    name: str,
    phone: str | None,
    language_code: str,
    timezone: str,
    metadata: JsonObject,
) -> User: ...


async def create(
    conn: Executor,
    *,
    email: str,
    name: str,
    phone: str | None = None,
    language_code: str = "ru",
    timezone: str = "Europe/Moscow",
    metadata: JsonObject | None = None,
) -> User:
    """Create a user (email stored lowercased).

    ``ValidationError`` on bad input (email, blank name, language code, unknown time zone);
    :class:`~sqlfirst.errors.Conflict` naming ``uq_users_email`` when the email is taken.
    """
    new = UserCreate.model_validate(
        {
            "email": email,
            "name": name,
            "phone": phone,
            "language_code": language_code,
            "timezone": timezone,
            "metadata": metadata if metadata is not None else {},
        }
    )
    return await _insert(
        conn,
        email=new.email.lower(),
        name=new.name,
        phone=new.phone,
        language_code=new.language_code,
        timezone=new.timezone,
        metadata=new.metadata,
    )


@_sql.query("get_user_by_id")
async def get_by_id(conn: Executor, *, id: UUID) -> User | None:
    """The user with this id, or None."""


@_sql.query("get_user_by_email")
async def _get_by_email(conn: Executor, *, email: str) -> User | None: ...


async def get_by_email(conn: Executor, *, email: str) -> User | None:
    """The user with this email (compared case-insensitively), or None."""
    return await _get_by_email(conn, email=arguments.email_key("get_by_email", email))


@_sql.query("update_user_locale")
async def _update_locale(
    conn: Executor, *, id: UUID, language_code: str | None, timezone: str | None
) -> User | None: ...


async def update_locale(
    conn: Executor, *, id: UUID, language_code: str | None = None, timezone: str | None = None
) -> User | None:
    """Change the user's language and/or time zone (None keeps it); None when there is no such user."""
    return await _update_locale(
        conn,
        id=id,
        language_code=None if language_code is None else _language.validate_python(language_code),
        timezone=None if timezone is None else _timezone.validate_python(timezone),
    )


@_sql.query("set_user_active")
async def _set_active(conn: Executor, *, id: UUID, is_active: bool) -> User | None: ...


async def deactivate(conn: Executor, *, id: UUID) -> User | None:
    """Deactivate the user (kept, with their history); None when there is no such user."""
    return await _set_active(conn, id=id, is_active=False)


async def activate(conn: Executor, *, id: UUID) -> User | None:
    """Activate the user again; None when there is no such user."""
    return await _set_active(conn, id=id, is_active=True)


@_sql.query("delete_user")
async def delete(conn: Executor, *, id: UUID) -> int:
    """Delete the user and everything they own; 1, or 0 when absent."""
