"""Users: accounts with Argon2id-hashed passwords. The hash is stored, never returned."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Annotated
from uuid import UUID

import bcrypt
from pydantic import BaseModel, ConfigDict, EmailStr, StringConstraints, TypeAdapter

from sqlfirst import arguments
from sqlfirst.binding import SqlFile
from sqlfirst.db import Executor
from sqlfirst.fields import HIDE_INPUT, Password, at_most_characters
from sqlfirst.passwords import hash_password, needs_rehash, verify_password

from .models import User, UserCreate, UserLogin

__all__ = [
    "create",
    "deactivate",
    "delete",
    "get_by_email",
    "get_by_id",
    "get_by_ids",
    "get_by_username",
    "set_active",
    "set_password",
    "update_profile",
    "verify",
]

_sql = SqlFile("agent_hub", "users")
_password: TypeAdapter[Password] = TypeAdapter(Password, config=HIDE_INPUT)


@_sql.query("insert_user")
async def _insert(
    conn: Executor, *, username: str, email: str, password_hash: str, full_name: str | None
) -> User: ...


@_sql.query("get_user_by_id")
async def get_by_id(conn: Executor, *, id: UUID) -> User | None:
    """The user with this id, or None."""


@_sql.query("get_users_by_ids")
async def _get_by_ids(conn: Executor, *, ids: list[UUID]) -> list[User]: ...


async def get_by_ids(conn: Executor, *, ids: Sequence[UUID]) -> list[User | None]:
    """The users with these ids in one round trip, in the order asked: ``result[i]`` is the user
    with ``ids[i]``, or None when there is none (a repeated id gets the same user twice)."""
    wanted = arguments.uuids("get_by_ids", "ids", ids)
    found = {user.id: user for user in await _get_by_ids(conn, ids=wanted)}
    return [found.get(key) for key in wanted]


@_sql.query("get_user_by_username")
async def get_by_username(conn: Executor, *, username: str) -> User | None:
    """The user with this username, or None."""


@_sql.query("get_user_by_email")
async def _get_by_email(conn: Executor, *, email: str) -> User | None: ...


@_sql.query(
    "get_login_by_username",
    not_null={"password_hash": "login_password_hash reads the NOT NULL column of the row it is called for"},
)
async def _get_login(conn: Executor, *, username: str) -> UserLogin | None: ...


@_sql.query("set_user_password_hash")
async def _set_password_hash(conn: Executor, *, id: UUID, password_hash: str) -> int: ...


@_sql.query("set_user_active")
async def set_active(conn: Executor, *, id: UUID, is_active: bool) -> User | None:
    """Activate or deactivate a user; None when there is no such user."""


@_sql.query("delete_user")
async def delete(conn: Executor, *, id: UUID) -> int:
    """Delete a user with their agents, sessions and events; returns 1, or 0 when absent."""


async def create(
    conn: Executor, *, username: str, email: str, password: str, full_name: str | None = None
) -> User:
    """Create a user. Raises ``pydantic.ValidationError`` on bad input (before the database) and
    :class:`~sqlfirst.errors.Conflict` when the username or email is taken."""
    new = UserCreate.model_validate(
        {"username": username, "email": email, "password": password, "full_name": full_name}
    )
    return await _insert(
        conn,
        username=new.username,
        email=new.email.lower(),
        password_hash=await hash_password(new.password.get_secret_value()),
        full_name=new.full_name,
    )


async def get_by_email(conn: Executor, *, email: str) -> User | None:
    """The user with this email (compared case-insensitively), or None."""
    return await _get_by_email(conn, email=arguments.email_key("get_by_email", email))


_BCRYPT_PREFIXES = ("$2a$", "$2b$", "$2y$")


async def _verify_bcrypt(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches a bcrypt hash; False for a malformed one.

    bcrypt reads at most 72 bytes of a password and passlib passed longer ones truncated, so the
    same 72 bytes are checked here (bcrypt 5 refuses longer input instead of truncating).
    """

    def check() -> bool:
        try:
            return bcrypt.checkpw(password.encode()[:72], password_hash.encode())
        except ValueError:
            return False

    return await asyncio.to_thread(check)


async def verify(conn: Executor, *, username: str, password: str) -> User | None:
    """The active user when ``password`` is theirs, else None.

    A hash made with weaker parameters than today's is replaced on success, and so is a bcrypt hash
    (``$2a$``/``$2b$``/``$2y$``, what the seed's passlib wrote): such users still log in, and leave
    with an Argon2id hash.
    """
    login = await _get_login(conn, username=username)
    if login is None or not login.is_active:
        return None
    if login.password_hash.startswith(_BCRYPT_PREFIXES):
        # The seed's passlib default: still accepted, and replaced by Argon2id on the first success.
        if not await _verify_bcrypt(login.password_hash, password):
            return None
        await _set_password_hash(conn, id=login.id, password_hash=await hash_password(password))
    elif not await verify_password(login.password_hash, password):
        return None
    elif needs_rehash(login.password_hash):
        await _set_password_hash(conn, id=login.id, password_hash=await hash_password(password))
    return User.model_validate(login.model_dump(exclude={"password_hash"}))


async def set_password(conn: Executor, *, id: UUID, password: str) -> bool:
    """Replace a user's password; False when there is no such user."""
    secret = _password.validate_python(password)  # the same rules as at creation
    return (
        await _set_password_hash(conn, id=id, password_hash=await hash_password(secret.get_secret_value()))
        == 1
    )


async def deactivate(conn: Executor, *, id: UUID) -> User | None:
    """Deactivate a user (they can no longer log in); None when there is no such user."""
    return await set_active(conn, id=id, is_active=False)


class _Profile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Annotated[EmailStr, at_most_characters(100)]
    full_name: Annotated[str, StringConstraints(max_length=100)] | None


@_sql.query("update_user_profile")
async def _update_profile(conn: Executor, *, id: UUID, email: str, full_name: str | None) -> User | None: ...


async def update_profile(conn: Executor, *, id: UUID, email: str, full_name: str | None) -> User | None:
    """Replace the user's email (stored lowercased) and full name; None when there is no such user.

    ``ValidationError`` before the database for a malformed email; ``Conflict`` naming
    ``uq_users_email`` when another user has it.
    """
    profile = _Profile.model_validate({"email": email, "full_name": full_name})
    return await _update_profile(conn, id=id, email=profile.email.lower(), full_name=profile.full_name)
