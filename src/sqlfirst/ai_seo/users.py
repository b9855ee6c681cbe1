"""Users: agency staff with a role, Argon2id-hashed passwords (stored, never returned), logins.

Example 1 of the seed, :func:`create_with_session`, creates a user and their first refresh session
atomically.
"""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from pydantic import TypeAdapter

from sqlfirst import arguments
from sqlfirst.binding import SqlFile
from sqlfirst.db import Executor
from sqlfirst.fields import HIDE_INPUT, Password
from sqlfirst.passwords import hash_password, needs_rehash, verify_password

from . import sessions
from ._tx import acting_for, atomic
from .models import (
    IpAddress,
    IssuedSession,
    User,
    UserCreate,
    UserLogin,
    UserRole,
    UserUpdate,
    page_size,
)

__all__ = [
    "create",
    "create_with_session",
    "deactivate",
    "delete",
    "get_by_email",
    "get_by_id",
    "get_by_username",
    "list_by_role",
    "list_page",
    "record_login",
    "set_active",
    "set_password",
    "set_role",
    "update_profile",
    "verify",
]

_sql = SqlFile("ai_seo", "users")
_password: TypeAdapter[Password] = TypeAdapter(Password, config=HIDE_INPUT)
_role: TypeAdapter[UserRole] = TypeAdapter(UserRole)


@_sql.query("insert_user")
async def _insert(
    conn: Executor,
    *,
    username: str,
    email: str,
    password_hash: str,
    full_name: str | None,
    role: UserRole,
) -> User: ...


async def create(
    conn: Executor,
    *,
    username: str,
    email: str,
    password: str,
    full_name: str | None = None,
    role: UserRole | str = UserRole.OPERATOR,
) -> User:
    """Create a user (role ``operator`` unless given).

    Raises ``pydantic.ValidationError`` on bad input (before the database) and
    :class:`~sqlfirst.errors.Conflict` when the username or email is taken.
    """
    new = UserCreate.model_validate(
        {"username": username, "email": email, "password": password, "full_name": full_name, "role": role}
    )
    return await _insert(
        conn,
        username=new.username,
        email=new.email.lower(),
        password_hash=await hash_password(new.password.get_secret_value()),
        full_name=new.full_name,
        role=new.role,
    )


async def create_with_session(
    conn: Executor,
    *,
    username: str,
    email: str,
    password: str,
    full_name: str | None = None,
    role: UserRole | str = UserRole.OPERATOR,
    session_ttl: timedelta = sessions.DEFAULT_TTL,
    user_agent: str | None = None,
    ip_address: IpAddress | str | None = None,
) -> tuple[User, IssuedSession]:
    """Example 1: create a user and their first refresh session, both or neither.

    Returns the user and the issued session (with the raw refresh token, shown this once). The
    session is stored acting for the new user (row-level security lets only a user store their own
    sessions); the transaction then acts for whoever it acted for before.
    """
    UserCreate.model_validate(
        {"username": username, "email": email, "password": password, "full_name": full_name, "role": role}
    )
    sessions.validate_session_input(ttl=session_ttl, user_agent=user_agent, ip_address=ip_address)
    async with atomic(conn) as tx:
        user = await create(
            tx, username=username, email=email, password=password, full_name=full_name, role=role
        )
        async with acting_for(tx, user.id):  # the new user signs up: their first session is theirs
            issued = await sessions.issue(
                tx, user_id=user.id, ttl=session_ttl, user_agent=user_agent, ip_address=ip_address
            )
    return user, issued


@_sql.query("get_user_by_id")
async def get_by_id(conn: Executor, *, id: UUID) -> User | None:
    """The user with this id, or None."""


@_sql.query("get_user_by_username")
async def get_by_username(conn: Executor, *, username: str) -> User | None:
    """The user with this username, or None."""


@_sql.query("get_user_by_email")
async def _get_by_email(conn: Executor, *, email: str) -> User | None: ...


async def get_by_email(conn: Executor, *, email: str) -> User | None:
    """The user with this email (compared case-insensitively), or None."""
    return await _get_by_email(conn, email=arguments.email_key("get_by_email", email))


@_sql.query(
    "get_user_login_by_username",
    not_null={"password_hash": "login_password_hash reads the NOT NULL column of the row it is called for"},
)
async def _get_login(conn: Executor, *, username: str) -> UserLogin | None: ...


@_sql.query("set_user_password_hash")
async def _set_password_hash(conn: Executor, *, id: UUID, password_hash: str) -> int: ...


async def verify(conn: Executor, *, username: str, password: str) -> User | None:
    """The active user when ``password`` is theirs, else None.

    A hash made with weaker parameters than today's is replaced on success. The login itself is
    recorded by :func:`record_login`.
    """
    login = await _get_login(conn, username=username)
    if login is None or not login.is_active:
        return None
    if not await verify_password(login.password_hash, password):
        return None
    if needs_rehash(login.password_hash):
        await _set_password_hash(conn, id=login.id, password_hash=await hash_password(password))
    return User.model_validate(login.model_dump(exclude={"password_hash"}))


async def set_password(conn: Executor, *, id: UUID, password: str) -> bool:
    """Replace a user's password; False when there is no such user."""
    secret = _password.validate_python(password)
    new_hash = await hash_password(secret.get_secret_value())
    return await _set_password_hash(conn, id=id, password_hash=new_hash) == 1


@_sql.query("update_user_profile")
async def _update_profile(conn: Executor, *, id: UUID, email: str, full_name: str | None) -> User | None: ...


async def update_profile(conn: Executor, *, id: UUID, email: str, full_name: str | None) -> User | None:
    """Replace the user's email and full name; None when there is no such user."""
    new = UserUpdate.model_validate({"email": email, "full_name": full_name})
    return await _update_profile(conn, id=id, email=new.email.lower(), full_name=new.full_name)


@_sql.query("set_user_role")
async def _set_role(conn: Executor, *, id: UUID, role: UserRole) -> User | None: ...


async def set_role(conn: Executor, *, id: UUID, role: UserRole | str) -> User | None:
    """Give the user another role; None when there is no such user."""
    return await _set_role(conn, id=id, role=_role.validate_python(role))


@_sql.query("set_user_active")
async def set_active(conn: Executor, *, id: UUID, is_active: bool) -> User | None:
    """Activate or deactivate a user; None when there is no such user."""


async def deactivate(conn: Executor, *, id: UUID) -> User | None:
    """Deactivate a user (they can no longer log in); None when there is no such user."""
    return await set_active(conn, id=id, is_active=False)


@_sql.query("record_user_login")
async def record_login(conn: Executor, *, id: UUID) -> User | None:
    """Stamp ``last_login`` with the transaction time; None when there is no such user."""


@_sql.query("list_users")
async def _list_page(conn: Executor, *, after_username: str, lim: int) -> list[User]: ...


async def list_page(conn: Executor, *, after_username: str = "", limit: int = 50) -> list[User]:
    """A page of users in username order; pass the last username seen for the next page."""
    return await _list_page(conn, after_username=after_username, lim=page_size(limit))


@_sql.query("list_users_by_role")
async def _list_by_role(conn: Executor, *, role: UserRole, after_username: str, lim: int) -> list[User]: ...


async def list_by_role(
    conn: Executor, *, role: UserRole | str, after_username: str = "", limit: int = 50
) -> list[User]:
    """A page of the users of a role in username order (keyset on username)."""
    return await _list_by_role(
        conn, role=_role.validate_python(role), after_username=after_username, lim=page_size(limit)
    )


@_sql.query("delete_user")
async def delete(conn: Executor, *, id: UUID) -> int:
    """Delete a user with their sessions (their tasks stay, requester NULL); 1, or 0 when absent."""
