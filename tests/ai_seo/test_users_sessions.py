"""Users (example 1) and refresh-token sessions (example 4): hashes stored, never returned."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import timedelta
from ipaddress import IPv4Address, IPv6Address

import asyncpg
import pytest
from pydantic import ValidationError

from sqlfirst.ai_seo import sessions, users
from sqlfirst.ai_seo.models import Session, User, UserRole
from sqlfirst.db import Connection
from sqlfirst.errors import Conflict, ReferenceViolation

from .factories import PASSWORD, make_user


async def test_create_user_stores_an_argon2id_hash_and_never_returns_it(conn: Connection) -> None:
    user = await make_user(conn, full_name="Ada", role="manager", email="Ada@Example.COM")
    assert user.role is UserRole.MANAGER
    assert user.email == "ada@example.com"
    assert user.is_active and user.last_login is None
    assert "password_hash" not in User.model_fields and "password_hash" not in Session.model_fields
    stored = await conn.fetchval("select password_hash from ai_seo.users where id = $1", user.id)
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert await users.get_by_id(conn, id=user.id) == user
    assert await users.get_by_username(conn, username=user.username) == user
    assert await users.get_by_email(conn, email=" ADA@example.com ") == user


async def test_default_role_is_operator_and_bad_input_never_reaches_the_database(conn: Connection) -> None:
    assert (await make_user(conn)).role is UserRole.OPERATOR
    for bad in (
        {"username": "x", "email": "a@b.c", "password": PASSWORD},
        {"username": "good_name", "email": "not-an-email", "password": PASSWORD},
        {"username": "good_name", "email": "a@example.com", "password": "short"},
        {"username": "good_name", "email": "a@example.com", "password": PASSWORD, "role": "root"},
    ):
        with pytest.raises(ValidationError):
            await users.create(conn, **bad)  # type: ignore[arg-type]
    assert await conn.fetchval("select count(*) from ai_seo.users where username = 'good_name'") == 0


async def test_duplicate_username_or_email_is_a_conflict_naming_the_constraint(conn: Connection) -> None:
    user = await make_user(conn)
    with pytest.raises(Conflict) as caught:
        async with conn.transaction():
            await make_user(conn, username=user.username)
    assert caught.value.constraint == "uq_users_username"
    with pytest.raises(Conflict) as caught:
        async with conn.transaction():
            await make_user(conn, email=user.email.upper())
    assert caught.value.constraint == "uq_users_email"


async def test_verify_password_profile_role_login_and_deactivate(conn: Connection) -> None:
    user = await make_user(conn)
    assert await users.verify(conn, username=user.username, password=PASSWORD) == user
    assert await users.verify(conn, username=user.username, password="wrong password") is None
    assert await users.verify(conn, username="nobody_here", password=PASSWORD) is None

    updated = await users.update_profile(conn, id=user.id, email="New@Example.com", full_name="New Name")
    assert updated is not None and (updated.email, updated.full_name) == ("new@example.com", "New Name")
    promoted = await users.set_role(conn, id=user.id, role="admin")
    assert promoted is not None and promoted.role is UserRole.ADMIN
    with pytest.raises(ValidationError):
        await users.set_role(conn, id=user.id, role="superuser")
    logged = await users.record_login(conn, id=user.id)
    assert logged is not None and logged.last_login is not None

    assert await users.set_password(conn, id=user.id, password="another good one")
    assert await users.verify(conn, username=user.username, password="another good one") is not None
    deactivated = await users.deactivate(conn, id=user.id)
    assert deactivated is not None and not deactivated.is_active
    assert await users.verify(conn, username=user.username, password="another good one") is None


async def test_keyset_pages_by_username_and_by_role(conn: Connection) -> None:
    made = [
        await make_user(conn, username=f"kp_{i:02d}", role="admin" if i % 2 else "operator") for i in range(7)
    ]
    seen: list[str] = []
    after = "kp_"
    while page := [
        u for u in await users.list_page(conn, after_username=after, limit=3) if u.username.startswith("kp_")
    ]:
        seen += [u.username for u in page]
        after = page[-1].username
    assert seen == sorted(u.username for u in made)
    admins = await users.list_by_role(conn, role="admin", after_username="kp_", limit=100)
    assert [u.username for u in admins if u.username.startswith("kp_")] == ["kp_01", "kp_03", "kp_05"]
    with pytest.raises(ValidationError):
        await users.list_page(conn, limit=0)


async def test_example_1_user_and_first_session_in_one_transaction(conn: Connection) -> None:
    user, issued = await users.create_with_session(
        conn,
        username="example_one",
        email="one@example.com",
        password=PASSWORD,
        user_agent="Mozilla/5.0",
        ip_address="203.0.113.9",
    )
    assert issued.session.user_id == user.id
    assert issued.session.ip_address == IPv4Address("203.0.113.9")
    raw = issued.refresh_token.get_secret_value()
    stored = await conn.fetchval(
        "select refresh_token_hash from ai_seo.user_sessions where user_id = $1", user.id
    )
    assert stored == hashlib.sha256(raw.encode()).hexdigest() and raw not in stored
    assert issued.session.expires_at - issued.session.created_at == pytest.approx(
        timedelta(days=30), abs=timedelta(seconds=5)
    )


async def test_example_1_leaves_nothing_when_the_user_cannot_be_created(conn: Connection) -> None:
    taken = await make_user(conn)
    before = await conn.fetchval("select count(*) from ai_seo.user_sessions")
    with pytest.raises(Conflict):
        await users.create_with_session(
            conn, username=taken.username, email="fresh@example.com", password=PASSWORD
        )
    assert await conn.fetchval("select count(*) from ai_seo.user_sessions") == before
    assert await users.get_by_email(conn, email="fresh@example.com") is None


async def test_example_1_through_the_pool_commits_both_or_neither(pool: asyncpg.Pool[asyncpg.Record]) -> None:
    user, issued = await users.create_with_session(
        pool, username="pooled", email="p@example.com", password=PASSWORD
    )
    assert await users.get_by_id(pool, id=user.id) == user
    assert [s.id for s in await sessions.list_active(pool, user_id=user.id)] == [issued.session.id]
    with pytest.raises(ValidationError):
        await users.create_with_session(
            pool, username="pooled2", email="q@example.com", password=PASSWORD, ip_address="not an ip"
        )
    assert await users.get_by_username(pool, username="pooled2") is None


async def test_validate_records_last_used_at_and_leaves_created_at(conn: Connection) -> None:
    user = await make_user(conn)
    issued = await sessions.issue(conn, user_id=user.id, ip_address="2001:db8::1", user_agent="curl/8")
    assert issued.session.ip_address == IPv6Address("2001:db8::1") and issued.session.last_used_at is None
    raw = issued.refresh_token.get_secret_value()
    used = await sessions.validate(conn, refresh_token=raw, user_id=user.id)
    assert used is not None and used.last_used_at is not None
    assert used.created_at == issued.session.created_at
    other = await make_user(conn)
    assert await sessions.validate(conn, refresh_token=raw, user_id=other.id) is None
    assert await sessions.validate(conn, refresh_token="forged", user_id=user.id) is None
    await conn.execute(
        "update ai_seo.user_sessions set expires_at = created_at + interval '1 microsecond' where id = $1",
        issued.session.id,
    )
    assert await sessions.validate(conn, refresh_token=raw, user_id=user.id) is None


async def test_rotation_revokes_the_old_token_and_issues_a_new_one(conn: Connection) -> None:
    user = await make_user(conn)
    first = await sessions.issue(conn, user_id=user.id, user_agent="app/1", ip_address="198.51.100.7")
    rotated = await sessions.rotate(
        conn, refresh_token=first.refresh_token.get_secret_value(), user_id=user.id
    )
    assert rotated.outcome == "rotated" and rotated.issued is not None
    second = rotated.issued
    assert second.session.id != first.session.id
    assert (second.session.user_agent, second.session.ip_address) == ("app/1", IPv4Address("198.51.100.7"))
    assert [s.id for s in await sessions.list_active(conn, user_id=user.id)] == [second.session.id]
    assert (
        await sessions.validate(conn, refresh_token=first.refresh_token.get_secret_value(), user_id=user.id)
        is None
    )
    assert await sessions.validate(
        conn, refresh_token=second.refresh_token.get_secret_value(), user_id=user.id
    )


async def test_presenting_a_revoked_token_revokes_every_session_of_the_user(conn: Connection) -> None:
    user = await make_user(conn)
    bystander = await make_user(conn)
    other_session = await sessions.issue(conn, user_id=bystander.id)
    first = await sessions.issue(conn, user_id=user.id)
    laptop = await sessions.issue(conn, user_id=user.id, user_agent="laptop")
    rotated = await sessions.rotate(
        conn, refresh_token=first.refresh_token.get_secret_value(), user_id=user.id
    )
    assert rotated.issued is not None

    replay = await sessions.rotate(
        conn, refresh_token=first.refresh_token.get_secret_value(), user_id=user.id
    )
    assert replay.outcome == "reused" and replay.issued is None
    assert await sessions.list_active(conn, user_id=user.id) == []
    for token in (rotated.issued.refresh_token, laptop.refresh_token):
        assert await sessions.validate(conn, refresh_token=token.get_secret_value(), user_id=user.id) is None
    assert [s.id for s in await sessions.list_active(conn, user_id=bystander.id)] == [
        other_session.session.id
    ]


async def test_rotating_an_unknown_foreign_or_expired_token_changes_nothing(conn: Connection) -> None:
    user = await make_user(conn)
    issued = await sessions.issue(conn, user_id=user.id)
    raw = issued.refresh_token.get_secret_value()
    assert (await sessions.rotate(conn, refresh_token="unknown", user_id=user.id)).outcome == "invalid"
    stranger = await make_user(conn)
    assert (await sessions.rotate(conn, refresh_token=raw, user_id=stranger.id)).outcome == "invalid"
    await conn.execute(
        "update ai_seo.user_sessions set expires_at = created_at + interval '1 microsecond' where id = $1",
        issued.session.id,
    )
    assert (await sessions.rotate(conn, refresh_token=raw, user_id=user.id)).outcome == "invalid"
    assert await conn.fetchval("select is_active from ai_seo.user_sessions where id = $1", issued.session.id)


async def test_concurrent_rotations_of_one_token_rotate_once(pool: asyncpg.Pool[asyncpg.Record]) -> None:
    user = await make_user(pool)
    issued = await sessions.issue(pool, user_id=user.id)
    raw = issued.refresh_token.get_secret_value()
    results = await asyncio.gather(
        *(sessions.rotate(pool, refresh_token=raw, user_id=user.id) for _ in range(8))
    )
    outcomes = sorted(r.outcome for r in results)
    assert outcomes == ["reused"] * 7 + ["rotated"]
    # The replays revoked the successor too: a raced token is treated as stolen.
    assert await sessions.list_active(pool, user_id=user.id) == []


async def test_revoke_list_and_cleanup_in_batches(conn: Connection) -> None:
    user = await make_user(conn)
    kept = [await sessions.issue(conn, user_id=user.id) for _ in range(3)]
    active = await sessions.list_active(conn, user_id=user.id)
    # One transaction, one now(): equal created_at, so the id breaks the tie (newest first, then id desc).
    assert [s.id for s in active] == sorted((k.session.id for k in kept), reverse=True)
    revoked = await sessions.revoke(conn, id=kept[0].session.id, user_id=user.id)
    assert revoked is not None and not revoked.is_active
    assert await sessions.revoke(conn, id=kept[0].session.id, user_id=user.id) is None
    stale = [await sessions.issue(conn, user_id=user.id) for _ in range(5)]
    await conn.execute(
        "update ai_seo.user_sessions"
        " set created_at = now() - interval '2 days', expires_at = now() - interval '1 day'"
        " where id = any($1::uuid[])",
        [s.session.id for s in stale],
    )
    await conn.execute(
        "delete from ai_seo.user_sessions where user_id <> $1 and (expires_at <= now() or not is_active)",
        user.id,
    )
    assert await sessions.cleanup(conn, keep_revoked_for=timedelta(hours=1), batch_size=2) == 5
    assert await sessions.cleanup(conn, batch_size=2) == 1  # the revoked one, no grace
    assert sorted(s.id for s in await sessions.list_active(conn, user_id=user.id)) == sorted(
        k.session.id for k in kept[1:]
    )
    assert await sessions.revoke_all(conn, user_id=user.id) == 2
    assert await sessions.list_active(conn, user_id=user.id) == []


async def test_session_for_an_unknown_user_is_a_reference_violation(conn: Connection) -> None:
    import uuid

    with pytest.raises(ReferenceViolation) as caught:
        await sessions.issue(conn, user_id=uuid.uuid4())
    assert caught.value.constraint == "fk_user_sessions_user_id"


async def test_deleting_a_user_takes_sessions_and_keeps_tasks(conn: Connection) -> None:
    from .factories import make_task

    user = await make_user(conn)
    await sessions.issue(conn, user_id=user.id)
    task = await make_task(conn, user_id=user.id)
    assert await users.delete(conn, id=user.id) == 1
    assert await conn.fetchval("select count(*) from ai_seo.user_sessions where user_id = $1", user.id) == 0
    assert await conn.fetchval("select user_id from ai_seo.agent_tasks where id = $1", task.id) is None
