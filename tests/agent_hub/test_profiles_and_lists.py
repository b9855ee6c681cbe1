"""Issue 15 (seed 004): profile updates, and sessions by user and agent."""

from __future__ import annotations

import uuid

import pytest
from pydantic import ValidationError

from sqlfirst.agent_hub import agents, sessions, users
from sqlfirst.db import Connection
from sqlfirst.errors import Conflict, NotFound

from .factories import make_agent, make_user


async def test_update_user_profile_lowercases_email_and_refuses_a_taken_one(conn: Connection) -> None:
    ada, bob = await make_user(conn), await make_user(conn)
    updated = await users.update_profile(conn, id=ada.id, email="Ada.L@Example.COM", full_name="Ada L")
    assert updated is not None and (updated.email, updated.full_name) == ("ada.l@example.com", "Ada L")
    assert await users.get_by_email(conn, email="ada.l@example.com") == updated
    with pytest.raises(Conflict) as caught:
        async with conn.transaction():
            await users.update_profile(conn, id=bob.id, email="ADA.L@example.com", full_name=None)
    assert caught.value.constraint == "uq_users_email"
    with pytest.raises(ValidationError):
        await users.update_profile(conn, id=bob.id, email="not an email", full_name=None)
    assert await users.update_profile(conn, id=uuid.uuid4(), email="x@example.com", full_name=None) is None


async def test_update_agent_profile(conn: Connection) -> None:
    owner = await make_user(conn)
    agent = await make_agent(conn, owner)
    updated = await agents.update_profile(
        conn, id=agent.id, name="researcher", display_name="Researcher", description="Finds sources."
    )
    assert updated is not None
    assert (updated.name, updated.display_name, updated.description) == (
        "researcher",
        "Researcher",
        "Finds sources.",
    )
    assert updated.definition == agent.definition
    with pytest.raises(ValidationError):
        await agents.update_profile(conn, id=agent.id, name="", display_name="x")
    assert await agents.update_profile(conn, id=uuid.uuid4(), name="a", display_name="A") is None


async def test_sessions_of_a_user_with_one_agent_and_of_an_agent(conn: Connection) -> None:
    ada, bob = await make_user(conn), await make_user(conn)
    helper, coder = await make_agent(conn, ada), await make_agent(conn, ada, name="coder")
    ada_helper = [await sessions.create(conn, agent_id=helper.id, user_id=ada.id) for _ in range(2)]
    await sessions.create(conn, agent_id=coder.id, user_id=ada.id)
    bob_helper = await sessions.create(conn, agent_id=helper.id, user_id=bob.id)

    mine = await sessions.list_for_user_agent(conn, user_id=ada.id, agent_id=helper.id)
    assert {s.id for s in mine} == {s.id for s in ada_helper}
    assert all(s.agent_id == helper.id and s.user_id == ada.id for s in mine)
    of_helper = await sessions.list_for_agent(conn, agent_id=helper.id)
    assert {s.id for s in of_helper} == {*(s.id for s in ada_helper), bob_helper.id}
    assert len(await sessions.list_for_agent(conn, agent_id=helper.id, limit=1)) == 1
    assert await sessions.list_for_user_agent(conn, user_id=bob.id, agent_id=coder.id) == []


async def test_history_pages_give_the_last_messages_then_older_ones(conn: Connection) -> None:
    owner = await make_user(conn)
    agent = await make_agent(conn, owner)
    session = await sessions.create(conn, agent_id=agent.id, user_id=owner.id)
    empty = await sessions.history_page(conn, id=session.id)
    assert (empty.total, empty.first_position, empty.messages) == (0, 0, [])
    await sessions.append_messages(conn, id=session.id, messages=[{"n": i} for i in range(7)])

    last = await sessions.history_page(conn, id=session.id, limit=3)
    assert (last.total, last.first_position, last.messages) == (7, 4, [{"n": 4}, {"n": 5}, {"n": 6}])
    older = await sessions.history_page(conn, id=session.id, limit=3, before=last.first_position)
    assert (older.first_position, older.messages) == (1, [{"n": 1}, {"n": 2}, {"n": 3}])
    oldest = await sessions.history_page(conn, id=session.id, limit=3, before=older.first_position)
    assert (oldest.first_position, oldest.messages) == (0, [{"n": 0}])
    assert (await sessions.history_page(conn, id=session.id, limit=3, before=0)).messages == []
    assert (await sessions.history_page(conn, id=session.id, limit=50, before=99)).messages == [
        {"n": i} for i in range(7)
    ]
    with pytest.raises(ValidationError, match="before"):
        await sessions.history_page(conn, id=session.id, before=-1)
    with pytest.raises(NotFound):
        await sessions.history_page(conn, id=uuid.uuid4())
