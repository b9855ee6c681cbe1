"""Users: accounts with Argon2id-hashed passwords, wallets and referral codes. The hash is never returned."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, StringConstraints

from sqlfirst import arguments
from sqlfirst.arguments import cursor, member
from sqlfirst.binding import SqlFile
from sqlfirst.db import Executor
from sqlfirst.errors import NotFound
from sqlfirst.fields import Password
from sqlfirst.passwords import hash_password, verify_password

from .models import JsonObject, Name, ReferralLink, User, UserCreate, UserLogin, UserStatus, page_size

__all__ = [
    "change_password",
    "create",
    "delete",
    "get_by_email",
    "get_by_id",
    "get_by_referral_code",
    "get_by_social",
    "get_by_wallet",
    "link_social",
    "list_by_status",
    "list_referred",
    "mark_email_verified",
    "new_referral_code",
    "record_login",
    "referral_chain",
    "set_status",
    "update_profile",
    "verify",
]

_sql = SqlFile("deals", "users")
_FIRST_PAGE = (datetime(1, 1, 2, tzinfo=UTC), UUID(int=0))
"""The keyset before every user: a listing's first page starts after it."""
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read aloud and typed


def new_referral_code(length: int = 8) -> str:
    """A random referral code of ``length`` capital letters and digits."""
    size = arguments.count("new_referral_code", "length", length, least=1)
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(size))


@_sql.query("insert_user")
async def _insert(
    conn: Executor,
    *,
    email: str,
    name: str | None,
    password_hash: str,
    sol_address: str | None,
    referral_code: str | None,
    referred_by: UUID | None,
    preferences: JsonObject,
    notification_channels: list[str],
) -> User: ...


async def create(
    conn: Executor,
    *,
    email: str,
    password: str,
    name: str | None = None,
    sol_address: str | None = None,
    referral_code: str | None = None,
    referred_by: UUID | None = None,
    preferences: JsonObject | None = None,
    notification_channels: list[str] | None = None,
) -> User:
    """Create a user; a referral code is generated when none is given.

    ``ValidationError`` on bad input (before the database: email, password length, wallet and
    referral code format); :class:`~sqlfirst.errors.Conflict` naming ``uq_users_email``,
    ``uq_users_sol_address`` or ``uq_users_referral_code`` when taken; ``ReferenceViolation`` for an
    unknown ``referred_by``.
    """
    fields: dict[str, object] = {
        "email": email,
        "password": password,
        "name": name,
        "sol_address": sol_address,
        "referral_code": referral_code if referral_code is not None else new_referral_code(),
        "referred_by": referred_by,
        "preferences": preferences if preferences is not None else {},
    }
    if notification_channels is not None:
        fields["notification_channels"] = notification_channels
    new = UserCreate.model_validate(fields)
    return await _insert(
        conn,
        email=new.email.lower(),
        name=new.name,
        password_hash=await hash_password(new.password.get_secret_value()),
        sol_address=new.sol_address,
        referral_code=new.referral_code,
        referred_by=new.referred_by,
        preferences=new.preferences,
        notification_channels=new.notification_channels,
    )


@_sql.query("get_user_by_id")
async def get_by_id(conn: Executor, *, id: UUID) -> User | None:
    """The user with this id, or None."""


@_sql.query("get_user_by_email")
async def _get_by_email(conn: Executor, *, email: str) -> User | None: ...


async def get_by_email(conn: Executor, *, email: str) -> User | None:
    """The user with this email (compared case-insensitively), or None."""
    return await _get_by_email(conn, email=arguments.email_key("get_by_email", email))


@_sql.query("get_user_by_referral_code")
async def get_by_referral_code(conn: Executor, *, referral_code: str) -> User | None:
    """The owner of this referral code, or None."""


@_sql.query("get_user_by_wallet")
async def get_by_wallet(conn: Executor, *, sol_address: str) -> User | None:
    """The user with this Solana wallet address, or None."""


@_sql.query("get_user_by_social")
async def get_by_social(conn: Executor, *, social_provider: str, social_id: str) -> User | None:
    """The user linked to this social login (provider and the provider's user id), or None."""


@_sql.query("link_user_social")
async def link_social(conn: Executor, *, id: UUID, social_provider: str, social_id: str) -> User | None:
    """Link a social login to the user; None when there is no such user.

    :class:`~sqlfirst.errors.Conflict` naming ``uq_users_social_provider_social_id`` when the login
    already belongs to another user.
    """


_LOGIN_NOT_NULL = {"password_hash": "login_password_hash reads the NOT NULL column of the user's row"}


@_sql.query("get_login_by_email", not_null=_LOGIN_NOT_NULL)
async def _get_login(conn: Executor, *, email: str) -> UserLogin | None: ...


async def verify(conn: Executor, *, email: str, password: str) -> User | None:
    """The active user when ``password`` is theirs, else None."""
    login = await _get_login(conn, email=arguments.email_key("verify", email))
    if login is None or login.status is not UserStatus.ACTIVE:
        return None
    if not await verify_password(login.password_hash, password):
        return None
    return await get_by_id(conn, id=login.id)


@_sql.query("get_referral_chain", not_null={"depth": "the recursive CTE starts at 1 and adds 1: never NULL"})
async def referral_chain(conn: Executor, *, id: UUID) -> list[ReferralLink]:
    """Who referred this user, who referred them, ... nearest first (depth 1); empty when nobody did.

    A cycle in ``referred_by`` ends the chain instead of looping.
    """


@_sql.query("list_referred_users", not_null={"depth": "the literal 1"})
async def _list_referred(conn: Executor, *, id: UUID, lim: int) -> list[ReferralLink]: ...


async def list_referred(conn: Executor, *, id: UUID, limit: int = 100) -> list[ReferralLink]:
    """The users this user referred directly, oldest first."""
    return await _list_referred(conn, id=id, lim=page_size(limit))


@_sql.query("set_user_status")
async def set_status(conn: Executor, *, id: UUID, status: UserStatus) -> User | None:
    """Change the user's status; None when there is no such user."""


@_sql.query("list_users_by_status")
async def _list_by_status(
    conn: Executor, *, status: UserStatus, after_created_at: datetime, after_id: UUID, lim: int
) -> list[User]: ...


async def list_by_status(
    conn: Executor, *, status: UserStatus | str, after: User | None = None, limit: int = 100
) -> list[User]:
    """Users with this status, oldest first, one keyset page: pass the last user of a page as ``after``.

    ``ValidationError`` for an unknown status, a page size outside 1-1000 or a cursor that is no user.
    """
    after_created_at, after_id = (
        cursor("list_by_status", "after", after, User, ("created_at", "id")) or _FIRST_PAGE
    )
    return await _list_by_status(
        conn,
        status=member("list_by_status", "status", status, UserStatus),
        after_created_at=after_created_at,
        after_id=after_id,
        lim=page_size(limit),
    )


@_sql.query("record_user_login")
async def record_login(conn: Executor, *, id: UUID) -> int:
    """Stamp ``last_login_at``; 1, or 0 when there is no such user."""


@_sql.query("delete_user")
async def delete(conn: Executor, *, id: UUID) -> int:
    """Delete the user and everything they own; 1, or 0 when absent."""


_Channel = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]


class _Profile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name | None
    preferences: JsonObject
    notification_channels: list[
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
    ]


@_sql.query("update_user_profile", validate=_Profile)
async def update_profile(
    conn: Executor,
    *,
    id: UUID,
    name: str | None,
    preferences: JsonObject,
    notification_channels: list[str],
) -> User | None:
    """Replace the user's name, preferences and notification channels; None when there is no such user.

    ``ValidationError`` before the database for a name over 255 characters or a blank channel.
    """


@_sql.query("mark_user_email_verified")
async def mark_email_verified(conn: Executor, *, id: UUID) -> User | None:
    """Mark the user's email verified; None when there is no such user."""


@_sql.query("get_login_by_id", not_null=_LOGIN_NOT_NULL)
async def _get_login_by_id(conn: Executor, *, id: UUID) -> UserLogin | None: ...


@_sql.query("set_user_password_hash")
async def _set_password_hash(conn: Executor, *, id: UUID, password_hash: str) -> int: ...


async def change_password(conn: Executor, *, id: UUID, current_password: str, new_password: str) -> bool:
    """Replace the password when ``current_password`` is the user's; False (nothing changed) otherwise.

    The new password is validated (``ValidationError``, which never echoes it) and stored as an
    Argon2id hash. :class:`~sqlfirst.errors.NotFound` when there is no such user.
    """
    checked = _NewPassword.model_validate({"password": new_password})
    login = await _get_login_by_id(conn, id=id)
    if login is None:
        raise NotFound("user", id=id)
    if not await verify_password(login.password_hash, current_password):
        return False
    new_hash = await hash_password(checked.password.get_secret_value())
    return await _set_password_hash(conn, id=id, password_hash=new_hash) == 1


class _NewPassword(BaseModel):
    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)

    password: Password
