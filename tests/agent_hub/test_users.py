from __future__ import annotations

import asyncpg
import bcrypt
import pytest
from pydantic import ValidationError

from sqlfirst.agent_hub import users
from sqlfirst.agent_hub.models import User
from sqlfirst.db import Connection
from sqlfirst.errors import Conflict

from .factories import make_user


async def count_users(conn: Connection) -> int:
    return int(await conn.fetchval("select count(*) from agent_hub.users"))


async def test_create_then_get_by_id_username_and_email(conn: Connection) -> None:
    created = await users.create(
        conn, username="ada", email="Ada@Example.COM", password="s3cret-enough", full_name="Ada L"
    )
    assert created.email == "ada@example.com"
    assert created.is_active
    assert await users.get_by_id(conn, id=created.id) == created
    assert await users.get_by_username(conn, username="ada") == created
    assert await users.get_by_email(conn, email="ADA@example.com") == created
    assert await users.get_by_username(conn, username="nobody") is None


async def test_password_is_stored_hashed_and_never_returned(conn: Connection) -> None:
    user = await users.create(conn, username="grace", email="grace@example.com", password="hopper-1906")
    stored = await conn.fetchval("select password_hash from agent_hub.users where id = $1", user.id)
    assert stored.startswith("$argon2id$")
    assert "hopper-1906" not in stored
    assert "password_hash" not in User.model_fields
    assert "password_hash" not in user.model_dump()
    assert stored not in user.model_dump_json()


async def test_verify_accepts_the_right_password_only(conn: Connection) -> None:
    user = await make_user(conn, password="right password")
    assert await users.verify(conn, username=user.username, password="right password") == user
    assert await users.verify(conn, username=user.username, password="wrong password") is None
    assert await users.verify(conn, username="no_such_user", password="right password") is None


async def test_deactivated_user_cannot_log_in(conn: Connection) -> None:
    user = await make_user(conn, password="right password")
    deactivated = await users.deactivate(conn, id=user.id)
    assert deactivated is not None and not deactivated.is_active
    assert await users.verify(conn, username=user.username, password="right password") is None


async def test_set_password_replaces_the_hash(conn: Connection) -> None:
    user = await make_user(conn, password="old password")
    assert await users.set_password(conn, id=user.id, password="new password")
    assert await users.verify(conn, username=user.username, password="old password") is None
    assert await users.verify(conn, username=user.username, password="new password") is not None
    with pytest.raises(ValidationError):
        await users.set_password(conn, id=user.id, password="short")


async def test_duplicate_username_raises_conflict_naming_the_constraint(conn: Connection) -> None:
    await make_user(conn, username="taken")
    with pytest.raises(Conflict) as caught:
        await make_user(conn, username="taken")
    assert caught.value.constraint == "uq_users_username"
    assert caught.value.columns == ("username",)
    assert "uq_users_username" in str(caught.value)
    assert caught.value.__cause__ is not None


async def test_duplicate_email_in_other_case_raises_conflict(conn: Connection) -> None:
    await make_user(conn, email="same@example.com")
    with pytest.raises(Conflict) as caught:
        await make_user(conn, email="SAME@example.com")
    assert caught.value.constraint == "uq_users_email"


@pytest.mark.parametrize(
    "field",
    [
        {"email": "not-an-email"},
        {"email": "two@@example.com"},
        {"username": "ab"},
        {"username": "has space"},
        {"username": "x" * 51},
        {"password": "short"},
        {"full_name": "n" * 101},
    ],
)
async def test_bad_input_is_rejected_before_the_database(conn: Connection, field: dict[str, str]) -> None:
    before = await count_users(conn)
    with pytest.raises(ValidationError):
        await make_user(conn, **field)
    assert await count_users(conn) == before


async def test_the_database_refuses_a_mixed_case_email(conn: Connection) -> None:
    user = await make_user(conn)
    with pytest.raises(asyncpg.CheckViolationError) as caught:
        async with conn.transaction():
            await conn.execute("update agent_hub.users set email = 'Ada@Example.com' where id = $1", user.id)
    assert caught.value.constraint_name == "ck_users_email_lowercase"


async def stored_hash(conn: Connection, user_id: object) -> str:
    return str(await conn.fetchval("select password_hash from agent_hub.users where id = $1", user_id))


async def test_a_bcrypt_user_logs_in_and_is_rehashed_to_argon2id(conn: Connection) -> None:
    user = await make_user(conn)
    legacy = bcrypt.hashpw(b"legacy passw0rd", bcrypt.gensalt(rounds=4)).decode()
    await conn.execute("update agent_hub.users set password_hash = $2 where id = $1", user.id, legacy)

    assert await users.verify(conn, username=user.username, password="wrong password") is None
    assert await stored_hash(conn, user.id) == legacy  # a failed login changes nothing
    assert await users.verify(conn, username=user.username, password="legacy passw0rd") == user
    rehashed = await stored_hash(conn, user.id)
    assert rehashed.startswith("$argon2id$")
    assert await users.verify(conn, username=user.username, password="legacy passw0rd") == user
    assert await stored_hash(conn, user.id) == rehashed  # already Argon2id: not rehashed again


async def test_a_long_bcrypt_password_is_checked_on_its_first_72_bytes_like_passlib(conn: Connection) -> None:
    user = await make_user(conn)
    long_password = "x" * 80
    legacy = bcrypt.hashpw(long_password.encode()[:72], bcrypt.gensalt(rounds=4)).decode()
    await conn.execute("update agent_hub.users set password_hash = $2 where id = $1", user.id, legacy)
    assert await users.verify(conn, username=user.username, password=long_password) == user
