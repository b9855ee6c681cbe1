"""Hostile strings are data: stored and read back verbatim, never executed."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sqlfirst.agent_hub import agents, events, marketplace, sessions
from sqlfirst.db import Connection

from .factories import make_session, make_user

PAYLOADS = [
    "'; drop table agent_hub.users; --",
    '" or 1=1 --',
    "Robert'); DROP TABLE students;--",
    "$1 $$ :id :: ::jsonb ? ?| ?&",
    "/* comment */ select pg_sleep(10);",
    "\\x00 \\' \\\\ ' '' \"\"",
    "😀 Ñandú — 日本語 \u202e",
]

# PostgreSQL text cannot hold NUL; everything else is fair game.
hostile_text = st.text(
    alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=200
)


@pytest.mark.parametrize("payload", PAYLOADS)
async def test_payloads_round_trip_through_every_text_column(conn: Connection, payload: str) -> None:
    owner = await make_user(conn, full_name=payload[:100])
    agent = await agents.create(
        conn,
        name=payload[:100],
        display_name=payload[:200],
        description=payload,
        owner_id=owner.id,
        definition={payload: payload},
        is_public=True,
    )
    session = await sessions.create(
        conn, agent_id=agent.id, user_id=owner.id, external_session_id=payload[:255]
    )
    event = await events.append(
        conn, session_id=session.id, author="user", content=payload, metadata={"k": payload}
    )
    entry = await marketplace.publish(conn, agent_id=agent.id, category=payload[:100], tags=[payload[:50]])

    assert owner.full_name == payload[:100]
    fetched = await agents.get(conn, id=agent.id)
    assert fetched is not None
    assert (fetched.name, fetched.description, fetched.definition) == (
        payload[:100],
        payload,
        {payload: payload},
    )
    found = await sessions.find_by_external_id(conn, external_session_id=payload[:255])
    assert found is not None
    assert found.id == session.id
    assert [e.content for e in await events.list_page(conn, session_id=session.id)] == [payload]
    assert event.metadata == {"k": payload}
    await sessions.append_messages(conn, id=session.id, messages=[{"content": payload}])
    assert (await sessions.history_page(conn, id=session.id)).messages == [{"content": payload}]
    assert [
        e.id for e in await marketplace.search(conn, category=payload[:100].strip(), tags=[payload[:50]])
    ] == [entry.id]
    tables = await conn.fetch("select tablename from pg_tables where schemaname = 'agent_hub'")
    assert {t["tablename"] for t in tables} == {
        "users", "agents", "sessions", "session_messages", "events", "marketplace_entries",
        "marketplace_versions", "marketplace_entry_tags",
    }  # fmt: skip


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=hostile_text)
async def test_any_text_round_trips_through_event_content(conn: Connection, text: str) -> None:
    session = await make_session(conn)
    appended = await events.append(
        conn, session_id=session.id, author="agent", content=text, metadata={"t": text}
    )
    [read] = await events.list_page(conn, session_id=session.id)
    assert read.content == text
    assert read.metadata == {"t": text}
    assert appended == read
