"""Users: accounts with Argon2id-hashed passwords and roles. The hash is never returned.

Under row-level security (migration 0076) every user is readable and sign-up needs no acting user,
but a user's row is changed or deleted by that user acting (``record_login`` after :func:`verify`
succeeded, for one) or by an acting admin; only an admin gives a role other than customer. The
application role cannot select the hash: :func:`verify` reads it through
``devskyy.login_password_hash``.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlfirst import arguments
from sqlfirst.arguments import cursor
from sqlfirst.binding import SqlFile
from sqlfirst.db import Executor
from sqlfirst.passwords import hash_password, verify_password

from .models import FIRST_PAGE, JsonObject, User, UserCreate, UserLogin, UserRole, page_size

__all__ = [
    "create",
    "delete",
    "get_by_email",
    "get_by_id",
    "list_active",
    "mark_verified",
    "record_login",
    "set_active",
    "verify",
]

_sql = SqlFile("devskyy", "users")
_NIL = UUID(int=0)


@_sql.query("insert_user")
async def _insert(
    conn: Executor,
    *,
    email: str,
    username: str,
    password_hash: str,
    full_name: str | None,
    role: UserRole,
    metadata: JsonObject,
) -> User: ...


async def create(
    conn: Executor,
    *,
    email: str,
    username: str,
    password: str,
    full_name: str | None = None,
    role: UserRole | str = UserRole.CUSTOMER,
    metadata: JsonObject | None = None,
) -> User:
    """Create a user (role ``customer`` unless given); the password is stored as an Argon2id hash.

    ``ValidationError`` on bad input (email, password length, sizes); :class:`~sqlfirst.errors.Conflict`
    naming ``uq_users_email`` or ``uq_users_username`` when taken. The email is stored lowercased.
    """
    new = UserCreate.model_validate(
        {
            "email": email,
            "username": username,
            "password": password,
            "full_name": full_name,
            "role": role,
            "metadata": metadata if metadata is not None else {},
        }
    )
    return await _insert(
        conn,
        email=new.email.lower(),
        username=new.username,
        password_hash=await hash_password(new.password.get_secret_value()),
        full_name=new.full_name,
        role=new.role,
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


_LOGIN_NOT_NULL = {"password_hash": "login_password_hash reads the NOT NULL column of the user's row"}


@_sql.query("get_login_by_email", not_null=_LOGIN_NOT_NULL)
async def _get_login(conn: Executor, *, email: str) -> UserLogin | None: ...


async def verify(conn: Executor, *, email: str, password: str) -> User | None:
    """The active user when ``password`` is theirs, else None (the hash never leaves this module)."""
    login = await _get_login(conn, email=arguments.email_key("verify", email))
    if login is None or not login.is_active:
        return None
    if not await verify_password(login.password_hash, password):
        return None
    return await get_by_id(conn, id=login.id)


@_sql.query("list_active_users")
async def _list_active(
    conn: Executor, *, after_created_at: datetime, after_id: UUID, lim: int
) -> list[User]: ...


async def list_active(conn: Executor, *, after: User | None = None, limit: int = 100) -> list[User]:
    """Active users, oldest first, one keyset page: pass the last user of a page as ``after``."""
    after_created_at, after_id = cursor("list_active", "after", after, User, ("created_at", "id")) or (
        FIRST_PAGE,
        _NIL,
    )
    return await _list_active(
        conn,
        after_created_at=after_created_at,
        after_id=after_id,
        lim=page_size(limit),
    )


@_sql.query("record_login")
async def record_login(conn: Executor, *, id: UUID) -> datetime | None:
    """Stamp ``last_login`` with the transaction time and return it; None for an unknown user."""


@_sql.query("set_user_active")
async def _set_active(conn: Executor, *, id: UUID, is_active: bool) -> int: ...


async def set_active(conn: Executor, *, id: UUID, is_active: bool) -> bool:
    """Activate or deactivate a user; True when the flag changed."""
    return await _set_active(conn, id=id, is_active=is_active) == 1


@_sql.query("mark_user_verified")
async def _mark_verified(conn: Executor, *, id: UUID) -> int: ...


async def mark_verified(conn: Executor, *, id: UUID) -> bool:
    """Mark the user's email verified; True when it was not before."""
    return await _mark_verified(conn, id=id) == 1


@_sql.query("delete_user")
async def _delete(conn: Executor, *, id: UUID) -> int: ...


async def delete(conn: Executor, *, id: UUID) -> bool:
    """Delete a user; True when there was one. Their orders and items stay without a user (user_id
    NULL, so no session sees them, as guest orders; their ``customer_id`` keeps the deleted id, the
    tenant they are distributed by) and their tool executions keep their audit rows without a user."""
    return await _delete(conn, id=id) == 1
