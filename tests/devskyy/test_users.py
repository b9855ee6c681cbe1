"""devskyy users: the seed's create and get-by-email, keyset pages of active users, logins, and
the password hash that never leaves the database except to be verified."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from sqlfirst.db import Connection
from sqlfirst.devskyy import models, orders, tool_executions, users
from sqlfirst.devskyy.models import UserRole
from sqlfirst.errors import Conflict

from .factories import HOSTILE, make_product, make_user


async def test_create_user_as_the_seed_does_defaults_to_an_active_unverified_customer(
    conn: Connection,
) -> None:
    user = await users.create(
        conn,
        email="Test@Example.com",
        username="testuser",
        password="hashed_password_not_really",
        metadata={"signup_source": "web", "preferences": {}},
    )
    assert user.email == "test@example.com"
    assert user.role is UserRole.CUSTOMER
    assert user.is_active is True
    assert user.is_verified is False
    assert user.last_login is None
    assert user.metadata == {"signup_source": "web", "preferences": {}}
    assert user.created_at == user.updated_at

    assert await users.get_by_email(conn, email="TEST@example.com ") == user
    assert await users.get_by_id(conn, id=user.id) == user
    assert await users.get_by_email(conn, email="nobody@example.com") is None


async def test_password_is_stored_as_argon2_hash_and_no_output_model_has_it(conn: Connection) -> None:
    user = await make_user(conn, password="s3cret-passw0rd")
    stored = await conn.fetchval("select password_hash from devskyy.users where id = $1", user.id)
    assert stored.startswith("$argon2id$")
    assert "s3cret-passw0rd" not in stored
    outputs = [
        obj
        for obj in vars(models).values()
        if isinstance(obj, type) and issubclass(obj, BaseModel) and obj.model_config.get("frozen")
    ]
    assert models.User in outputs
    for model in outputs:
        if model is not models.UserLogin:  # internal to users.verify, never returned
            assert not [
                f
                for f in model.model_fields
                if "password" in f or (f.endswith("_hash") and f != "content_hash")
            ]
    assert await users.verify(conn, email=user.email, password="s3cret-passw0rd") == user
    assert await users.verify(conn, email=user.email, password="wrong password") is None
    await users.set_active(conn, id=user.id, is_active=False)
    assert await users.verify(conn, email=user.email, password="s3cret-passw0rd") is None


async def test_duplicate_email_or_username_is_a_conflict_naming_the_constraint(conn: Connection) -> None:
    user = await make_user(conn)
    with pytest.raises(Conflict) as email_taken:
        async with conn.transaction():  # a savepoint: the test's transaction survives the error
            await make_user(conn, email=user.email.upper())
    assert email_taken.value.constraint == "uq_users_email"
    with pytest.raises(Conflict) as name_taken:
        async with conn.transaction():
            await make_user(conn, username=user.username)
    assert name_taken.value.constraint == "uq_users_username"


async def test_bad_input_is_refused_before_the_database(conn: Connection) -> None:
    with pytest.raises(ValidationError):
        await make_user(conn, email="not-an-email")
    with pytest.raises(ValidationError):
        await make_user(conn, password="short")
    with pytest.raises(ValidationError):
        await make_user(conn, username="x" * 101)
    with pytest.raises(ValidationError):
        await make_user(conn, role="superuser")


async def test_active_users_come_in_keyset_pages_without_gaps_or_repeats(conn: Connection) -> None:
    await conn.execute("delete from devskyy.users")
    made = [await make_user(conn) for _ in range(7)]
    await users.set_active(conn, id=made[3].id, is_active=False)
    seen = []
    page = await users.list_active(conn, limit=3)
    while page:
        seen.extend(page)
        page = await users.list_active(conn, after=page[-1], limit=3)
    assert [u.id for u in seen] == [
        u.id for u in sorted(made, key=lambda u: (u.created_at, u.id)) if u != made[3]
    ]
    assert all(u.is_active for u in seen)


async def test_login_verification_and_activation_flags(conn: Connection) -> None:
    user = await make_user(conn)
    stamped = await users.record_login(conn, id=user.id)
    assert stamped is not None
    after = await users.get_by_id(conn, id=user.id)
    assert after is not None and after.last_login == stamped and after.updated_at >= user.updated_at
    assert await users.mark_verified(conn, id=user.id) is True
    assert await users.mark_verified(conn, id=user.id) is False
    assert await users.set_active(conn, id=user.id, is_active=False) is True
    assert await users.set_active(conn, id=user.id, is_active=False) is False


async def test_deleting_a_user_keeps_their_orders_as_guest_orders_and_their_tool_runs(
    conn: Connection,
) -> None:
    user = await make_user(conn)
    product = await make_product(conn)
    order = await orders.place(conn, user_id=user.id, items=[(product.id, 1)])
    run = await tool_executions.log(
        conn, correlation_id="c-1", tool_name="search", inputs={}, user_id=user.id
    )
    assert await users.delete(conn, id=user.id) is True
    kept = await orders.get_by_id(conn, id=order.id)
    assert kept is not None and kept.user_id is None and kept.total_price == order.total_price
    trace = await tool_executions.trace(conn, correlation_id="c-1")
    assert [t.id for t in trace] == [run.id] and trace[0].user_id is None
    assert await users.delete(conn, id=user.id) is False


@pytest.mark.parametrize("text", HOSTILE)
async def test_hostile_strings_are_stored_verbatim(conn: Connection, text: str) -> None:
    user = await make_user(conn, full_name=text, metadata={"note": text})
    again = await users.get_by_id(conn, id=user.id)
    assert again is not None and again.full_name == text and again.metadata == {"note": text}


async def test_nul_characters_are_refused_before_the_database(conn: Connection) -> None:
    with pytest.raises(ValidationError):
        await make_user(conn, full_name="nul\x00inside")
