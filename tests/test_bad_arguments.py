"""Bad arguments raise pydantic.ValidationError, like every other bad input: never a bare ValueError."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from sqlfirst.agent_hub import agents, sessions
from sqlfirst.db import Connection, Database, connect
from sqlfirst.deals import auth_tokens, chat_messages, price_tracking
from sqlfirst.errors import ConfigurationError, DatabaseError, register_sqlstate
from sqlfirst.settings import Settings
from tests.agent_hub.factories import make_session
from tests.agent_hub.factories import make_user as make_hub_user
from tests.deals.factories import make_deal
from tests.deals.factories import make_user as make_deals_user


@pytest.mark.parametrize("limit", [0, -1, 1001, "10"])
async def test_a_bad_page_size_is_a_validation_error(conn: Connection, limit: object) -> None:
    owner = await make_hub_user(conn)
    with pytest.raises(ValidationError, match="limit"):
        await agents.list_by_owner(conn, owner_id=owner.id, limit=limit)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="limit"):
        await agents.list_public(conn, limit=limit)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="limit"):
        await chat_messages.list_for_user(conn, user_id=uuid.uuid4(), limit=limit)  # type: ignore[arg-type]


async def test_a_window_that_ends_before_it_starts_is_a_validation_error(conn: Connection) -> None:
    deal = await make_deal(conn)
    now = datetime.now(UTC)
    with pytest.raises(ValidationError, match="until must be after since") as caught:
        await price_tracking.history(conn, deal_id=deal.id, since=now, until=now - timedelta(days=1))
    assert caught.value.errors()[0]["loc"] == ("until",)


@pytest.mark.parametrize(
    "expiry",
    [{}, {"expires_in": timedelta(days=1), "expires_at": datetime(2030, 1, 1, tzinfo=UTC)}],
)
async def test_token_expiry_given_neither_or_both_ways_is_a_validation_error(
    conn: Connection, expiry: dict[str, object]
) -> None:
    user = await make_deals_user(conn)
    with pytest.raises(ValidationError, match="exactly one of expires_in and expires_at"):
        await auth_tokens.issue(conn, user_id=user.id, token_type="refresh", **expiry)  # type: ignore[arg-type]


async def test_messages_that_are_not_a_list_are_a_validation_error(conn: Connection) -> None:
    session = await make_session(conn)
    with pytest.raises(ValidationError, match="messages"):
        await sessions.append_messages(conn, id=session.id, messages="hello")


async def test_retry_attempts_below_one_or_an_unknown_isolation_is_a_validation_error(db_url: str) -> None:
    db: Database = await connect(Settings(database_url=db_url, min_size=1, max_size=1))
    try:

        async def work(conn: Connection) -> None:
            raise AssertionError("never runs")

        with pytest.raises(ValidationError, match="attempts"):
            await db.run_in_transaction(work, attempts=0)
        with pytest.raises(ValidationError, match="isolation"):
            await db.run_in_transaction(work, isolation="snapshot")  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match="isolation"):
            async with db.transaction(isolation="READ COMMITTED"):  # type: ignore[arg-type]
                pass
    finally:
        await db.close()


def test_register_sqlstate_rejects_a_malformed_code_or_type() -> None:
    with pytest.raises(ConfigurationError, match="SQLSTATE"):
        register_sqlstate("SF01", DatabaseError)
    with pytest.raises(ConfigurationError, match="DatabaseError"):
        register_sqlstate("SF099", ValueError)  # type: ignore[arg-type]
