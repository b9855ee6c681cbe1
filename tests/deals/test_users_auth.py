"""Users (lookups, referral chains, hashed passwords) and auth tokens (hashed, revoked, purged)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from sqlfirst.db import Connection
from sqlfirst.deals import auth_tokens, users
from sqlfirst.deals.models import AuthToken, IssuedAuthToken, TokenStatus, User
from sqlfirst.errors import Conflict

from .factories import WALLET, make_user


async def test_create_and_get_by_email_referral_code_and_wallet(conn: Connection) -> None:
    user = await users.create(
        conn, email="Deal.Hunter@Example.com", password="long enough", name="Dee", sol_address=WALLET
    )
    assert user.email == "deal.hunter@example.com"
    assert user.referral_code is not None and len(user.referral_code) == 8
    assert user.token_balance == 0 and user.notification_channels == ["in_app"]
    assert await users.get_by_email(conn, email="DEAL.hunter@example.com") == user
    assert await users.get_by_referral_code(conn, referral_code=user.referral_code) == user
    assert await users.get_by_wallet(conn, sol_address=WALLET) == user
    assert await users.get_by_wallet(conn, sol_address="1" * 40) is None


async def test_password_is_stored_hashed_and_never_returned(conn: Connection) -> None:
    user = await make_user(conn, password="hunter2-hunter2")
    stored = await conn.fetchval("select password from deals.users where id = $1", user.id)
    assert stored.startswith("$argon2id$")
    assert "password" not in User.model_fields and "password_hash" not in User.model_fields
    assert stored not in user.model_dump_json()
    assert await users.verify(conn, email=user.email, password="hunter2-hunter2") == user
    assert await users.verify(conn, email=user.email, password="wrong password") is None
    await users.set_status(conn, id=user.id, status="suspended")  # type: ignore[arg-type]
    assert await users.verify(conn, email=user.email, password="hunter2-hunter2") is None


async def test_referral_chain_walks_up_nearest_first(conn: Connection) -> None:
    root = await make_user(conn, referral_code="ROOT0001")
    middle = await make_user(conn, referred_by=root.id)
    leaf = await make_user(conn, referred_by=middle.id)
    chain = await users.referral_chain(conn, id=leaf.id)
    assert [(link.id, link.depth) for link in chain] == [(middle.id, 1), (root.id, 2)]
    assert await users.referral_chain(conn, id=root.id) == []
    assert [r.id for r in await users.list_referred(conn, id=root.id)] == [middle.id]


async def test_referral_chain_stops_at_a_cycle(conn: Connection) -> None:
    a = await make_user(conn)
    b = await make_user(conn, referred_by=a.id)
    await conn.execute("update deals.users set referred_by = $2 where id = $1", a.id, b.id)
    chain = await users.referral_chain(conn, id=b.id)
    assert [link.id for link in chain] == [a.id]


async def test_duplicate_email_wallet_and_referral_code_raise_conflict_naming_the_constraint(
    conn: Connection,
) -> None:
    first = await make_user(conn, sol_address=WALLET, referral_code="TAKEN123")
    for overrides, constraint in [
        ({"email": first.email.upper()}, "uq_users_email"),
        ({"sol_address": WALLET}, "uq_users_sol_address"),
        ({"referral_code": "TAKEN123"}, "uq_users_referral_code"),
    ]:
        with pytest.raises(Conflict) as caught:
            async with conn.transaction():
                await make_user(conn, **overrides)
        assert caught.value.constraint == constraint
        assert constraint in str(caught.value)


@pytest.mark.parametrize(
    "overrides",
    [
        {"email": "not-an-email"},
        {"password": "short"},
        {"sol_address": "0OIl" * 10},  # 0, O, I and l are not base58
        {"sol_address": "abc"},
        {"referral_code": "lower123"},
        {"referral_code": "TOO-LONG-CODE"},
    ],
)
async def test_bad_user_input_is_rejected_before_the_database(
    conn: Connection, overrides: dict[str, str]
) -> None:
    before = await conn.fetchval("select count(*) from deals.users")
    with pytest.raises(ValidationError):
        await make_user(conn, **overrides)
    assert await conn.fetchval("select count(*) from deals.users") == before


async def test_auth_token_is_stored_as_sha256_and_returned_raw_only_once(conn: Connection) -> None:
    user = await make_user(conn)
    issued = await auth_tokens.issue(
        conn, user_id=user.id, token_type="access", expires_in=timedelta(hours=1)
    )
    assert isinstance(issued, IssuedAuthToken)
    raw = issued.raw_token.get_secret_value()
    stored = await conn.fetchval("select token from deals.auth_tokens where id = $1", issued.auth_token.id)
    assert stored == hashlib.sha256(raw.encode()).hexdigest() != raw
    assert "token" not in AuthToken.model_fields
    assert raw not in repr(issued) and stored not in issued.auth_token.model_dump_json()
    assert await auth_tokens.authenticate(conn, raw_token=raw) == issued.auth_token
    assert await auth_tokens.authenticate(conn, raw_token=raw + "x") is None


async def test_revoked_and_expired_tokens_do_not_authenticate_and_expired_are_purged(
    conn: Connection,
) -> None:
    user = await make_user(conn)
    live = await auth_tokens.issue(conn, user_id=user.id, token_type="refresh", expires_in=timedelta(days=7))
    revoked = await auth_tokens.issue(
        conn, user_id=user.id, token_type="access", expires_in=timedelta(hours=1)
    )
    expired = [
        await auth_tokens.issue(
            conn, user_id=user.id, token_type="reset", expires_at=datetime.now(UTC) - timedelta(minutes=m)
        )
        for m in (1, 2, 3)
    ]
    assert (await auth_tokens.revoke(conn, id=revoked.auth_token.id)).status is TokenStatus.REVOKED  # type: ignore[union-attr]
    assert await auth_tokens.revoke(conn, id=revoked.auth_token.id) is None
    assert await auth_tokens.authenticate(conn, raw_token=revoked.raw_token.get_secret_value()) is None
    assert await auth_tokens.authenticate(conn, raw_token=expired[0].raw_token.get_secret_value()) is None

    assert await auth_tokens.delete_expired(conn) == 3
    remaining = {
        r[0] for r in await conn.fetch("select id from deals.auth_tokens where user_id = $1", user.id)
    }
    assert remaining == {live.auth_token.id, revoked.auth_token.id}
    assert [t.id for t in await auth_tokens.list_active(conn, user_id=user.id)] == [live.auth_token.id]
    assert await auth_tokens.revoke_all_for_user(conn, user_id=user.id) == 1
    assert await auth_tokens.authenticate(conn, raw_token=live.raw_token.get_secret_value()) is None


async def test_the_database_refuses_a_token_that_is_not_a_sha256(conn: Connection) -> None:
    from sqlfirst.errors import CheckViolation

    user = await make_user(conn)
    with pytest.raises(CheckViolation) as caught:
        await auth_tokens._insert(
            conn,
            user_id=user.id,
            token_hash="raw-token-by-mistake",
            token_type="access",  # type: ignore[arg-type]
            scope="full",  # type: ignore[arg-type]
            expires_at=datetime.now(UTC) + timedelta(hours=1),
            meta_data={},
        )
    assert caught.value.constraint == "ck_auth_tokens_token_sha256"
