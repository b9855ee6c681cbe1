"""Auth tokens: issued as random strings, stored only as their sha256, looked up by hash, revoked, purged.

The raw token is returned once, by :func:`issue`, and never stored: a leaked table cannot be replayed.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from uuid import UUID

from pydantic import SecretStr

from sqlfirst import arguments
from sqlfirst.arguments import invalid_argument
from sqlfirst.batches import MAINTENANCE_BATCH, drain_before
from sqlfirst.binding import SqlFile
from sqlfirst.db import Executor

from .models import AuthToken, AuthTokenCreate, IssuedAuthToken, JsonObject, TokenScope, TokenType

__all__ = [
    "authenticate",
    "delete_expired",
    "hash_token",
    "issue",
    "list_active",
    "revoke",
    "revoke_all_for_user",
]

_sql = SqlFile("deals", "auth_tokens")


def hash_token(raw_token: str) -> str:
    """The stored form of a token: sha256, 64 lowercase hex digits (``ValidationError`` for a
    ``raw_token`` that is not a string)."""
    return hashlib.sha256(arguments.text("hash_token", "raw_token", raw_token).encode()).hexdigest()


@_sql.query("insert_auth_token")
async def _insert(
    conn: Executor,
    *,
    user_id: UUID,
    token_hash: str,
    token_type: TokenType,
    scope: TokenScope,
    expires_at: datetime,
    meta_data: JsonObject,
) -> AuthToken: ...


async def issue(
    conn: Executor,
    *,
    user_id: UUID,
    token_type: TokenType | str,
    expires_in: timedelta | None = None,
    expires_at: datetime | None = None,
    scope: TokenScope | str = TokenScope.FULL,
    meta_data: JsonObject | None = None,
) -> IssuedAuthToken:
    """Issue a token for a user; give ``expires_in`` or ``expires_at`` (timezone-aware).

    Returns the stored record and the raw token: keep the raw token, it cannot be recovered.
    """
    if (expires_in is None) == (expires_at is None):
        raise invalid_argument(
            "issue", "expires_in", "give exactly one of expires_in and expires_at", (expires_in, expires_at)
        )
    if expires_in is not None:
        expires_at = datetime.now(UTC) + arguments.duration("issue", "expires_in", expires_in)
    new = AuthTokenCreate.model_validate(
        {
            "user_id": user_id,
            "token_type": token_type,
            "scope": scope,
            "expires_at": expires_at,
            "meta_data": meta_data if meta_data is not None else {},
        }
    )
    raw = secrets.token_urlsafe(32)
    record = await _insert(
        conn,
        user_id=new.user_id,
        token_hash=hash_token(raw),
        token_type=new.token_type,
        scope=new.scope,
        expires_at=new.expires_at,
        meta_data=new.meta_data,
    )
    return IssuedAuthToken(auth_token=record, raw_token=SecretStr(raw))


_TOKEN_NOT_NULL = {
    column: "deals.active_auth_token returns rows of deals.auth_tokens, where it is NOT NULL"
    for column in (
        "id",
        "user_id",
        "token_type",
        "status",
        "scope",
        "expires_at",
        "created_at",
        "updated_at",
        "meta_data",
    )
}


@_sql.query("get_active_auth_token_by_hash", not_null=_TOKEN_NOT_NULL)
async def _get_active_by_hash(conn: Executor, *, token_hash: str) -> AuthToken | None: ...


async def authenticate(conn: Executor, *, raw_token: str) -> AuthToken | None:
    """The active, unexpired token this raw token is, or None."""
    return await _get_active_by_hash(
        conn, token_hash=hash_token(arguments.text("authenticate", "raw_token", raw_token))
    )


@_sql.query("list_active_auth_tokens")
async def list_active(conn: Executor, *, user_id: UUID) -> list[AuthToken]:
    """A user's active tokens (some may have expired but not yet been purged), newest first."""


@_sql.query("revoke_auth_token")
async def revoke(conn: Executor, *, id: UUID) -> AuthToken | None:
    """Revoke the token; None when there is no such active token."""


@_sql.query("revoke_user_auth_tokens")
async def revoke_all_for_user(conn: Executor, *, user_id: UUID) -> int:
    """Revoke every active token of the user; returns how many."""


@_sql.query("delete_expired_auth_tokens")
async def _delete_expired(conn: Executor, *, as_of: datetime, lim: int) -> int: ...


async def delete_expired(
    conn: Executor, *, as_of: datetime | None = None, batch: int = MAINTENANCE_BATCH
) -> int:
    """Delete the tokens expired at ``as_of`` (default now); returns how many.

    Works in batches of ``batch`` tokens, the oldest first (:mod:`sqlfirst.batches`): outside a
    transaction each batch commits on its own, two runs at once share the tokens between them, and a
    token another transaction holds is left for the next run.
    """
    return await drain_before(
        "delete_expired", "as_of", as_of, lambda at, lim: _delete_expired(conn, as_of=at, lim=lim), batch
    )
