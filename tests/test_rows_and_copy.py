"""Rows become models without re-validation where the database already proves the types; COPY ingest."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from pydantic import BaseModel, Field, field_validator

from sqlfirst.agent_hub import events, users
from sqlfirst.agent_hub.models import Event, EventAuthor, User, UserLogin
from sqlfirst.binding import row_factory
from sqlfirst.db import Connection, copy_models
from sqlfirst.errors import Conflict
from tests.agent_hub.factories import make_session, make_user


class Constrained(BaseModel):
    name: str = Field(min_length=3)


class Checked(BaseModel):
    name: str

    @field_validator("name")
    @classmethod
    def shout(cls, value: str) -> str:
        return value.upper()


def test_model_with_constraints_or_validators_is_still_validated() -> None:
    with pytest.raises(ValueError, match="at least 3"):
        row_factory(Constrained)({"name": "ab"})
    assert row_factory(Checked)({"name": "abc"}).name == "ABC"


async def test_query_results_equal_validated_models(conn: Connection) -> None:
    session = await make_session(conn)
    appended = await events.append(conn, session_id=session.id, author="agent", metadata={"k": [1, 2]})
    (listed,) = await events.list_page(conn, session_id=session.id)
    assert listed == appended
    assert listed.author is EventAuthor.AGENT
    assert Event.model_validate(listed.model_dump()) == listed


async def test_copy_models_writes_every_row(conn: Connection) -> None:
    session = await make_session(conn)
    now = datetime.now(UTC)
    batch = [
        Event(
            id=uuid.uuid4(),
            session_id=session.id,
            sequence_number=n,
            author=EventAuthor.USER,
            content=f"message {n}",
            metadata={"n": n, "nested": {"ok": True}},
            partial=False,
            turn_complete=True,
            error_code=None,
            error_message=None,
            timestamp=now,
        )
        for n in range(1, 101)
    ]
    assert await copy_models(conn, "agent_hub.events", batch) == 100
    page = await events.list_page(conn, session_id=session.id, limit=100)
    assert page == batch


async def test_copy_models_translates_a_duplicate_key(conn: Connection) -> None:
    user = await make_user(conn)
    login = UserLogin(**user.model_dump(), password_hash="$argon2id$fixed")
    twins = [login.model_copy(update={"id": uuid.uuid4(), "email": f"{i}{user.email}"}) for i in range(2)]
    with pytest.raises(Conflict):
        await copy_models(conn, "agent_hub.users", twins)


async def test_copy_models_with_chosen_columns(conn: Connection) -> None:
    user = await make_user(conn)
    login = UserLogin(**user.model_dump(), password_hash="$argon2id$fixed")
    copy = login.model_copy(update={"id": uuid.uuid4(), "username": "copied", "email": "copied@example.com"})
    written = await copy_models(
        conn, "agent_hub.users", [copy], columns=["id", "username", "email", "password_hash"]
    )
    assert written == 1
    assert await users.get_by_username(conn, username="copied") is not None


async def test_copy_models_of_nothing_writes_nothing(conn: Connection) -> None:
    assert await copy_models(conn, "agent_hub.users", list[User]()) == 0
