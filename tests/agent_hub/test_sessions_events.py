from __future__ import annotations

import asyncio
import uuid

import asyncpg
import pytest
from pydantic import ValidationError

from sqlfirst.agent_hub import events, sessions
from sqlfirst.agent_hub.models import EventAuthor
from sqlfirst.db import Connection
from sqlfirst.errors import NotFound, ReferenceViolation

from .factories import make_agent, make_session, make_user
from .tenancy import assert_refuses_another_user, migrated_to_just_before


async def test_create_get_and_find_by_external_id(conn: Connection) -> None:
    session = await make_session(conn, external_session_id="ext-42")
    assert session.message_history == []
    assert session.state == {}
    assert await sessions.get(conn, id=session.id) == session
    assert await sessions.find_by_external_id(conn, external_session_id="ext-42") == session
    assert await sessions.find_by_external_id(conn, external_session_id="ext-nope") is None


async def test_append_messages_extends_history_in_order(conn: Connection) -> None:
    session = await make_session(conn)
    first = [{"kind": "request", "parts": [{"part_kind": "user-prompt", "content": "hi"}]}]
    second = [{"kind": "response", "parts": [{"part_kind": "text", "content": "hello"}]}, {"kind": "request"}]
    assert await sessions.append_messages(conn, id=session.id, messages=first) == 1
    assert await sessions.append_messages(conn, id=session.id, messages=second) == 3
    stored = await sessions.get(conn, id=session.id)
    assert stored is not None
    assert stored.message_history == first + second


async def test_append_messages_to_missing_session_raises_not_found(conn: Connection) -> None:
    with pytest.raises(NotFound):
        await sessions.append_messages(conn, id=uuid.uuid4(), messages=[{"kind": "request"}])


async def test_concurrent_message_appends_all_land(pool: asyncpg.Pool[asyncpg.Record]) -> None:
    async with pool.acquire() as c:
        session = await make_session(c)
    await asyncio.gather(
        *(sessions.append_messages(pool, id=session.id, messages=[{"n": i}]) for i in range(30))
    )
    stored = await sessions.get(pool, id=session.id)
    assert stored is not None
    assert sorted(m["n"] for m in stored.message_history) == list(range(30))  # type: ignore[index]


async def test_update_state_and_list_for_user(conn: Connection) -> None:
    session = await make_session(conn)
    updated = await sessions.update_state(conn, id=session.id, state={"step": 2, "notes": ["a"]})
    assert updated is not None and updated.state == {"step": 2, "notes": ["a"]}
    listed = await sessions.list_for_user(conn, user_id=session.user_id)
    assert [s.id for s in listed] == [session.id]
    assert not hasattr(listed[0], "message_history")


async def test_session_for_unknown_agent_raises_reference_violation(conn: Connection) -> None:
    user = await make_user(conn)
    with pytest.raises(ReferenceViolation) as caught:
        await sessions.create(conn, agent_id=uuid.uuid4(), user_id=user.id)
    assert caught.value.constraint == "fk_sessions_agent_id"


async def test_events_get_consecutive_sequence_numbers_and_page_in_order(conn: Connection) -> None:
    session = await make_session(conn)
    for i in range(5):
        event = await events.append(conn, session_id=session.id, author=EventAuthor.USER, content=f"m{i}")
        assert event.sequence_number == i + 1
    page1 = await events.list_page(conn, session_id=session.id, limit=2)
    page2 = await events.list_page(
        conn, session_id=session.id, after_sequence=page1[-1].sequence_number, limit=2
    )
    page3 = await events.list_page(
        conn, session_id=session.id, after_sequence=page2[-1].sequence_number, limit=2
    )
    assert [e.content for e in page1 + page2 + page3] == [f"m{i}" for i in range(5)]
    streamed = [e.content async for e in events.stream(conn, session_id=session.id)]
    assert streamed == [f"m{i}" for i in range(5)]


async def test_fifty_concurrent_appends_get_numbers_one_to_fifty(pool: asyncpg.Pool[asyncpg.Record]) -> None:
    async with pool.acquire() as c:
        session = await make_session(c)
    appended = await asyncio.gather(
        *(events.append(pool, session_id=session.id, author="agent", content=str(i)) for i in range(50))
    )
    assert sorted(e.sequence_number for e in appended) == list(range(1, 51))
    async with pool.acquire() as c:
        numbers = [
            r[0]
            for r in await c.fetch(
                "select sequence_number from agent_hub.events where session_id = $1 order by 1", session.id
            )
        ]
    assert numbers == list(range(1, 51))


async def test_mark_turn_complete_and_record_error(conn: Connection) -> None:
    session = await make_session(conn)
    part = await events.append(
        conn, session_id=session.id, author="agent", content="Hel", partial=True, turn_complete=False
    )
    done = await events.mark_turn_complete(conn, session_id=session.id, sequence_number=part.sequence_number)
    assert done is not None and done.turn_complete and not done.partial
    failed = await events.record_error(
        conn,
        session_id=session.id,
        sequence_number=part.sequence_number,
        error_code="rate_limited",
        error_message="429 from provider",
    )
    assert failed is not None and failed.error_code == "rate_limited"
    assert await events.count_errors(conn, session_id=session.id) == 1
    assert await events.mark_turn_complete(conn, session_id=session.id, sequence_number=999) is None


async def test_append_event_to_missing_session_raises_not_found(conn: Connection) -> None:
    with pytest.raises(NotFound):
        await events.append(conn, session_id=uuid.uuid4(), author="user")


@pytest.mark.parametrize("bad", [{"author": "robot"}, {"author": "user", "error_code": "e" * 51}])
async def test_bad_event_input_is_rejected_before_the_database(conn: Connection, bad: dict[str, str]) -> None:
    session = await make_session(conn)
    with pytest.raises(ValidationError):
        await events.append(conn, session_id=session.id, **bad)  # type: ignore[arg-type]
    assert (
        await conn.fetchval("select last_event_sequence from agent_hub.sessions where id = $1", session.id)
        == 0
    )


async def test_deleting_a_user_cascades_to_agents_sessions_events_and_entries(conn: Connection) -> None:
    from sqlfirst.agent_hub import marketplace, users

    owner = await make_user(conn)
    agent = await make_agent(conn, owner, is_public=True)
    session = await sessions.create(conn, agent_id=agent.id, user_id=owner.id)
    await events.append(conn, session_id=session.id, author="user", content="hi")
    await marketplace.publish(conn, agent_id=agent.id, category="research")
    assert await users.delete(conn, id=owner.id) == 1
    for table, column, key in [
        ("agents", "id", agent.id),
        ("sessions", "id", session.id),
        ("events", "session_id", session.id),
        ("marketplace_entries", "agent_id", agent.id),
    ]:
        assert await conn.fetchval(f"select count(*) from agent_hub.{table} where {column} = $1", key) == 0, (
            table
        )


async def test_deleting_an_agent_keeps_its_owner(conn: Connection) -> None:
    from sqlfirst.agent_hub import agents, users

    owner = await make_user(conn)
    agent = await make_agent(conn, owner)
    session = await sessions.create(conn, agent_id=agent.id, user_id=owner.id)
    assert await agents.delete(conn, id=agent.id) == 1
    assert await sessions.get(conn, id=session.id) is None
    assert await users.get_by_id(conn, id=owner.id) is not None


async def test_every_event_carries_its_sessions_user_and_no_other(conn: Connection) -> None:
    # The tenant of an event is its session's (Citus distributes both by user_id, co-located):
    # append_event writes it, a writer that leaves it out gets it from tg_events_user, and
    # fk_events_session_id_user_id refuses any other.
    session = await make_session(conn)
    appended = await events.append(conn, session_id=session.id, author=EventAuthor.USER, content="hi")
    copied = await conn.fetchval(
        "insert into agent_hub.events (session_id, sequence_number, author)"
        " values ($1, 99, 'agent') returning id",
        session.id,
    )
    owners = await conn.fetch(
        "select id, user_id from agent_hub.events where session_id = $1 order by sequence_number", session.id
    )
    assert [(r["id"], r["user_id"]) for r in owners] == [
        (appended.id, session.user_id),
        (copied, session.user_id),
    ]

    await assert_refuses_another_user(
        conn,
        table="events",
        insert="insert into agent_hub.events (session_id, sequence_number, author, user_id)"
        " values ($1, 7, 'agent', $2)",
        session_id=session.id,
        constraint="fk_events_session_id_user_id",
    )
    # The sequence stays unique per session, and its constraint keeps its name.
    with pytest.raises(asyncpg.UniqueViolationError) as duplicate:
        async with conn.transaction():
            await conn.execute(
                "insert into agent_hub.events (session_id, sequence_number, author) values ($1, 99, 'agent')",
                session.id,
            )
    assert duplicate.value.constraint_name == "uq_events_session_id_sequence_number"


async def test_the_fill_trigger_runs_only_for_an_event_written_without_its_user(conn: Connection) -> None:
    # tg_events_user's WHEN clause (0124): append_event names the user, so it pays no trigger call.
    session = await make_session(conn)
    async with conn.transaction():
        await conn.execute("set local track_functions = 'pl'")
        await events.append(conn, session_id=session.id, author=EventAuthor.USER, content="hi")
        await events.append(conn, session_id=session.id, author=EventAuthor.AGENT, content="hello")
        await conn.execute(
            "insert into agent_hub.events (session_id, sequence_number, author) values ($1, 99, 'agent')",
            session.id,
        )
        calls = await conn.fetchval(
            "select calls from pg_stat_xact_user_functions"
            " where schemaname = 'agent_hub' and funcname = 'fill_event_user'"
        )
    assert calls == 1


async def test_the_migrations_give_existing_events_their_sessions_user(empty_db_url: str) -> None:
    from sqlfirst.db import connect_one

    migrator = migrated_to_just_before(empty_db_url, "0117_agent_hub_events_user")
    conn = await connect_one(empty_db_url)
    try:
        session = await make_session(conn)
        for n in range(1, 4):  # as the old schema takes them (append_event now names user_id)
            await conn.execute(
                "insert into agent_hub.events (session_id, sequence_number, author) values ($1, $2, 'user')",
                session.id,
                n,
            )
    finally:
        await conn.close()
    migrator.up()
    conn = await connect_one(empty_db_url)
    try:
        users_of_events = await conn.fetch(
            "select distinct user_id from agent_hub.events where session_id = $1", session.id
        )
        keys = await conn.fetch(
            "select conname, pg_get_constraintdef(oid) as def from pg_constraint"
            " where conrelid = 'agent_hub.events'::regclass and contype in ('p', 'u') order by conname"
        )
    finally:
        await conn.close()
    assert [r["user_id"] for r in users_of_events] == [session.user_id]
    assert [(r["conname"], r["def"]) for r in keys] == [
        ("pk_events", "PRIMARY KEY (id, user_id)"),
        ("uq_events_session_id_sequence_number", "UNIQUE (session_id, sequence_number, user_id)"),
    ]


_KEYS_OF_SESSIONS = """
select c.conrelid::regclass::text as tbl, c.conname, pg_get_constraintdef(c.oid) as def, c.convalidated,
       c.conindid::regclass::text as via
from pg_constraint as c
where 'agent_hub.sessions'::regclass in (c.conrelid, c.confrelid) and c.contype in ('p', 'u', 'f')
order by 1, 2
"""


async def test_the_migrations_key_sessions_by_their_user_and_keep_every_child(empty_db_url: str) -> None:
    # 0125-0127: sessions' key includes the tenant (Citus), the children's foreign keys name it,
    # and rows written before stay whole and tied to their session.
    from sqlfirst.db import connect_one

    migrator = migrated_to_just_before(empty_db_url, "0125_agent_hub_sessions_key_index")
    conn = await connect_one(empty_db_url)
    try:
        session = await make_session(conn)
        await sessions.append_messages(conn, id=session.id, messages=[{"n": 0}, {"n": 1}])
        await events.append(conn, session_id=session.id, author=EventAuthor.USER, content="hi")
    finally:
        await conn.close()
    migrator.up()
    conn = await connect_one(empty_db_url)
    try:
        keys = [tuple(r) for r in await conn.fetch(_KEYS_OF_SESSIONS)]
        counts = await conn.fetchrow(
            "select (select count(*) from agent_hub.session_messages where session_id = $1) as messages,"
            " (select count(*) from agent_hub.events where session_id = $1) as events",
            session.id,
        )
        # The key still refuses a second session with the same id and user, and deleting the
        # session still takes its children with it.
        with pytest.raises(asyncpg.UniqueViolationError) as duplicate:
            await conn.execute(
                "insert into agent_hub.sessions (id, agent_id, user_id) values ($1, $2, $3)",
                session.id,
                session.agent_id,
                session.user_id,
            )
        assert duplicate.value.constraint_name == "pk_sessions"
        await conn.execute("delete from agent_hub.sessions where id = $1", session.id)
        left = await conn.fetchval(
            "select (select count(*) from agent_hub.session_messages where session_id = $1)"
            " + (select count(*) from agent_hub.events where session_id = $1)",
            session.id,
        )
    finally:
        await conn.close()
    assert (counts["messages"], counts["events"]) == (2, 1)
    assert left == 0
    by_name = {k[1]: k for k in keys}
    assert by_name["pk_sessions"][2:] == ("PRIMARY KEY (id, user_id)", True, "agent_hub.pk_sessions")
    assert "uq_sessions_id_user_id" not in by_name
    for child, fk in (
        ("agent_hub.session_messages", "fk_session_messages_session_id_user_id"),
        ("agent_hub.events", "fk_events_session_id_user_id"),
    ):
        assert by_name[fk] == (
            child,
            fk,
            "FOREIGN KEY (session_id, user_id) REFERENCES agent_hub.sessions(id, user_id) ON DELETE CASCADE",
            True,
            "agent_hub.pk_sessions",
        )
