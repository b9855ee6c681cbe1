"""Refresh-token sessions (example 4): issue, validate, rotate with reuse detection, revoke, clean up.

A refresh token is 32 random bytes (urlsafe base64), returned once by :func:`issue` or
:func:`rotate`; only its sha256 is stored, and no query ever selects it, so a leaked table cannot be
replayed. Rotation revokes the presented token and issues its successor atomically; presenting a
token that was already revoked is treated as theft and revokes every session of the user.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import Annotated
from uuid import UUID

from pydantic import Field, SecretStr, TypeAdapter

from sqlfirst import arguments
from sqlfirst.binding import SqlFile
from sqlfirst.db import Executor

from .models import IpAddress, IssuedSession, Rotation, RotationRow, Session, SessionCreate, page_size

__all__ = [
    "DEFAULT_TTL",
    "cleanup",
    "hash_token",
    "issue",
    "list_active",
    "revoke",
    "revoke_all",
    "rotate",
    "validate",
]

_sql = SqlFile("ai_seo", "sessions")

DEFAULT_TTL = timedelta(days=30)
"""The seed's refresh-session lifetime."""

_ttl: TypeAdapter[timedelta] = TypeAdapter(Annotated[timedelta, Field(gt=timedelta(0))])
_grace: TypeAdapter[timedelta] = TypeAdapter(Annotated[timedelta, Field(ge=timedelta(0))])


def hash_token(raw_token: str) -> str:
    """The stored form of a refresh token: sha256, 64 lowercase hex digits (``ValidationError`` for
    a ``raw_token`` that is not a string)."""
    return hashlib.sha256(arguments.text("hash_token", "raw_token", raw_token).encode()).hexdigest()


def validate_session_input(
    *, ttl: timedelta, user_agent: str | None, ip_address: IpAddress | str | None
) -> SessionCreate:
    """Check a new session's fields (``pydantic.ValidationError`` when bad)."""
    return SessionCreate.model_validate(
        {
            "expires_at": datetime.now(UTC) + _ttl.validate_python(ttl),
            "user_agent": user_agent,
            "ip_address": ip_address,
        }
    )


@_sql.query("insert_session")
async def _insert(
    conn: Executor,
    *,
    user_id: UUID,
    refresh_token_hash: str,
    expires_at: datetime,
    user_agent: str | None,
    ip_address: IpAddress | None,
) -> Session: ...


async def issue(
    conn: Executor,
    *,
    user_id: UUID,
    ttl: timedelta = DEFAULT_TTL,
    user_agent: str | None = None,
    ip_address: IpAddress | str | None = None,
) -> IssuedSession:
    """Start a refresh session for the user; the raw token in the result is shown this once.

    Under row-level security the transaction must act for that user (``as_user=user_id``, e.g.
    after :func:`~sqlfirst.ai_seo.users.verify`), else :class:`~sqlfirst.errors.PermissionDenied`.
    Raises :class:`~sqlfirst.errors.ReferenceViolation` for an unknown user.
    """
    new = validate_session_input(ttl=ttl, user_agent=user_agent, ip_address=ip_address)
    raw = secrets.token_urlsafe(32)
    session = await _insert(
        conn,
        user_id=user_id,
        refresh_token_hash=hash_token(raw),
        expires_at=new.expires_at,
        user_agent=new.user_agent,
        ip_address=new.ip_address,
    )
    return IssuedSession(session=session, refresh_token=SecretStr(raw))


_SESSION_NOT_NULL = {
    column: "ai_seo.use_refresh_token returns the NOT NULL column of the session it updated"
    for column in ("id", "user_id", "expires_at", "created_at", "is_active")
}


@_sql.query("use_session", not_null=_SESSION_NOT_NULL)
async def _use(conn: Executor, *, refresh_token_hash: str, user_id: UUID) -> Session | None: ...


async def validate(conn: Executor, *, refresh_token: str, user_id: UUID) -> Session | None:
    """The user's active, unexpired session of this token, with the use recorded in
    ``last_used_at``; None otherwise (``created_at`` is never touched)."""
    return await _use(
        conn,
        refresh_token_hash=hash_token(arguments.text("validate", "refresh_token", refresh_token)),
        user_id=user_id,
    )


@_sql.query("rotate_session", not_null={"outcome": "rotate_refresh_token always returns an outcome"})
async def _rotate(
    conn: Executor,
    *,
    user_id: UUID,
    presented_hash: str,
    new_hash: str,
    expires_at: datetime,
    user_agent: str | None,
    ip_address: IpAddress | None,
) -> RotationRow | None: ...


async def rotate(
    conn: Executor,
    *,
    refresh_token: str,
    user_id: UUID,
    ttl: timedelta = DEFAULT_TTL,
    user_agent: str | None = None,
    ip_address: IpAddress | str | None = None,
) -> Rotation:
    """Exchange a refresh token for a new one, atomically (see :class:`~.models.Rotation`).

    The new session keeps the old one's user agent and address unless new ones are given. On
    ``reused`` every session of the user is revoked: commit the transaction before reporting it.
    """
    new = validate_session_input(ttl=ttl, user_agent=user_agent, ip_address=ip_address)
    raw = secrets.token_urlsafe(32)
    row = await _rotate(
        conn,
        user_id=user_id,
        presented_hash=hash_token(arguments.text("rotate", "refresh_token", refresh_token)),
        new_hash=hash_token(raw),
        expires_at=new.expires_at,
        user_agent=new.user_agent,
        ip_address=new.ip_address,
    )
    if row is None or row.outcome != "rotated":
        return Rotation.model_validate({"outcome": row.outcome if row is not None else "invalid"})
    session = Session.model_validate(row.model_dump(exclude={"outcome"}))
    return Rotation(outcome="rotated", issued=IssuedSession(session=session, refresh_token=SecretStr(raw)))


@_sql.query("revoke_session")
async def revoke(conn: Executor, *, id: UUID, user_id: UUID) -> Session | None:
    """Revoke one active session of the user (logout); None when there is no such active session."""


@_sql.query("revoke_user_sessions")
async def revoke_all(conn: Executor, *, user_id: UUID) -> int:
    """Revoke every active session of the user (logout everywhere); returns how many."""


@_sql.query("list_active_sessions")
async def list_active(conn: Executor, *, user_id: UUID) -> list[Session]:
    """The user's active, unexpired sessions, newest first."""


@_sql.query("delete_stale_sessions")
async def _delete_stale(conn: Executor, *, as_of: datetime, revoked_before: datetime, lim: int) -> int: ...


async def cleanup(
    conn: Executor,
    *,
    keep_revoked_for: timedelta = timedelta(0),
    batch_size: int = 500,
    max_batches: int | None = None,
) -> int:
    """Delete expired sessions and revoked ones older than ``keep_revoked_for``, in batches of
    ``batch_size`` of each kind (each batch one short statement walking the expiry and revocation
    indexes, oldest first); returns how many were deleted.

    Keeping revoked sessions a while keeps reuse detection working for them. Batches skip rows that
    other transactions hold, so concurrent cleaners share the work. Under row-level security only
    the acting user's sessions are seen: clean up every user's as ``sqlfirst_worker``.
    """
    size = page_size(batch_size)
    most = None if max_batches is None else arguments.count("cleanup", "max_batches", max_batches, least=1)
    grace = _grace.validate_python(keep_revoked_for)
    now = datetime.now(UTC)
    total = 0
    batches = 0
    while most is None or batches < most:
        deleted = await _delete_stale(conn, as_of=now, revoked_before=now - grace, lim=size)
        total += deleted
        batches += 1
        if deleted < size:  # both kinds ran out (each batch takes up to `size` of each)
            break
    return total
