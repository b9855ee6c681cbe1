"""A session's messages, one row each (agent_hub.session_messages): kept equal to message_history by the
database, dense positions under concurrent appends, pages read without the stored history."""

from __future__ import annotations

import asyncio
import random
import secrets
from typing import Any
from uuid import UUID

import asyncpg
import pytest

from sqlfirst.agent_hub import sessions, users
from sqlfirst.bench.plans import PLAN_MODES, explain_analyze
from sqlfirst.bench.plans import plan_nodes as nodes
from sqlfirst.binding import Declaration
from sqlfirst.db import Connection, connect_one
from sqlfirst.migrate import Migrator

from .factories import make_agent, make_session, make_user
from .tenancy import assert_refuses_another_user, migrated_to_just_before


async def stored_rows(conn: Any, session_id: object) -> list[tuple[int, Any]]:
    rows = await conn.fetch(
        "select position, message from agent_hub.session_messages where session_id = $1 order by position",
        session_id,
    )
    return [(r["position"], r["message"]) for r in rows]


async def test_appends_keep_history_count_and_rows_equal(conn: Connection) -> None:
    session = await make_session(conn)
    assert session.message_count == 0
    batches = [[{"n": 0}], [{"n": 1}, {"n": 2}, {"n": 3}], [], [{"n": 4}, "plain text", [5]]]
    counts = [await sessions.append_messages(conn, id=session.id, messages=batch) for batch in batches]
    assert counts == [1, 4, 4, 7]
    everything = [m for batch in batches for m in batch]
    stored = await sessions.get(conn, id=session.id)
    assert stored is not None
    assert (stored.message_history, stored.message_count) == (everything, 7)
    assert await stored_rows(conn, session.id) == list(enumerate(everything))
    [summary] = await sessions.list_for_user(conn, user_id=session.user_id)
    assert summary.message_count == 7


async def test_concurrent_appends_keep_positions_dense_and_unique(
    pool: asyncpg.Pool[asyncpg.Record],
) -> None:
    async with pool.acquire() as c:
        session = await make_session(c)
    rng = random.Random(15)
    batches = [[{"client": client, "k": k} for k in range(rng.randint(1, 4))] for client in range(40)]

    async def append(batch: list[dict[str, int]]) -> tuple[int, list[dict[str, int]]]:
        return await sessions.append_messages(pool, id=session.id, messages=batch), batch

    results = await asyncio.gather(*(append(batch) for batch in batches))
    total = sum(len(b) for b in batches)
    async with pool.acquire() as c:
        rows = await stored_rows(c, session.id)
        stored = await sessions.get(c, id=session.id)
    assert stored is not None
    # Dense and unique: every position from 0 to total - 1 exactly once.
    assert [position for position, _ in rows] == list(range(total))
    # Each append's messages sit together, in order, at the positions its returned count ends.
    by_position = dict(rows)
    for count, batch in results:
        assert [by_position[p] for p in range(count - len(batch), count)] == batch
    assert sorted(count for count, _ in results) == sorted({count for count, _ in results})
    # The seed's column says the same, and so does the count.
    assert stored.message_history == [message for _, message in rows]
    assert stored.message_count == total


async def test_the_database_refuses_to_change_history_other_than_by_appending(conn: Connection) -> None:
    session = await make_session(conn)
    await sessions.append_messages(conn, id=session.id, messages=[{"n": 0}, {"n": 1}])
    refused = [
        ("update agent_hub.sessions set message_history = '[]' where id = $1", "tg_sessions_history_guard"),
        ("update agent_hub.sessions set message_count = 0 where id = $1", "tg_sessions_history_guard"),
        (
            "update agent_hub.session_messages set message = '{}' where session_id = $1",
            "tg_session_messages_append_only",
        ),
        ("delete from agent_hub.session_messages where session_id = $1", "tg_session_messages_append_only"),
    ]
    for statement, constraint in refused:
        with pytest.raises(asyncpg.CheckViolationError) as caught:
            async with conn.transaction():  # a savepoint: the refusal leaves the test's transaction usable
                await conn.execute(statement, session.id)
        assert caught.value.constraint_name == constraint
    # Other columns of the session change as before (no detoasting CHECK on every update either).
    assert await sessions.update_state(conn, id=session.id, state={"step": 2}) is not None
    assert [m for _, m in await stored_rows(conn, session.id)] == [{"n": 0}, {"n": 1}]
    # Deleting the session (or its user) takes its messages with it.
    assert await sessions.delete(conn, id=session.id) == 1
    assert await stored_rows(conn, session.id) == []
    other = await make_session(conn)
    await sessions.append_messages(conn, id=other.id, messages=[{"n": 0}])
    assert await users.delete(conn, id=other.user_id) == 1
    assert await stored_rows(conn, other.id) == []


async def test_every_message_carries_its_sessions_user_and_no_other(conn: Connection) -> None:
    # The tenant of a message is its session's (Citus distributes both by user_id, co-located):
    # both writers set it, and fk_session_messages_session_id_user_id refuses any other.
    session = await make_session(conn)
    await sessions.append_messages(conn, id=session.id, messages=[{"n": 0}, {"n": 1}])
    agent = await make_agent(conn, await make_user(conn))
    imported = await conn.fetchval(
        "insert into agent_hub.sessions (agent_id, user_id, message_history) values ($1, $2, '[1, 2, 3]')"
        " returning id",
        agent.id,
        session.user_id,
    )
    owners = await conn.fetch(
        "select m.session_id, m.user_id, s.user_id as session_user_id from agent_hub.session_messages as m"
        " join agent_hub.sessions as s on s.id = m.session_id where m.session_id = any($1::uuid[])",
        [session.id, imported],
    )
    assert len(owners) == 5
    assert all(r["user_id"] == r["session_user_id"] == session.user_id for r in owners)

    await assert_refuses_another_user(
        conn,
        table="session_messages",
        insert="insert into agent_hub.session_messages (session_id, position, message, user_id)"
        " values ($1, 9, '{}', $2)",
        session_id=session.id,
        constraint="fk_session_messages_session_id_user_id",
    )
    with pytest.raises(asyncpg.NotNullViolationError):
        async with conn.transaction():
            await conn.execute(
                "insert into agent_hub.session_messages (session_id, position, message) values ($1, 9, '{}')",
                session.id,
            )
    # Setting a message's user to its session's own changes nothing, and the append-only rule stands.
    same = "update agent_hub.session_messages set user_id = $2 where session_id = $1"
    assert await conn.execute(same, session.id, session.user_id) == "UPDATE 2"
    assert await stored_rows(conn, session.id) == [(0, {"n": 0}), (1, {"n": 1})]


async def test_the_migrations_give_existing_messages_their_sessions_user(empty_db_url: str) -> None:
    migrator = migrated_to_just_before(empty_db_url, "0111_agent_hub_session_messages_user")
    conn = await connect_one(empty_db_url)
    try:
        session = await make_session(conn)
        await sessions.append_messages(conn, id=session.id, messages=[{"n": 0}, {"n": 1}, {"n": 2}])
    finally:
        await conn.close()
    migrator.up()
    conn = await connect_one(empty_db_url)
    try:
        users_of_messages = await conn.fetch(
            "select distinct user_id from agent_hub.session_messages where session_id = $1", session.id
        )
        key = await conn.fetchval(
            "select pg_get_constraintdef(oid) from pg_constraint where conname = 'pk_session_messages'"
        )
    finally:
        await conn.close()
    assert [r["user_id"] for r in users_of_messages] == [session.user_id]
    assert key == 'PRIMARY KEY (session_id, "position", user_id)'


async def test_a_session_inserted_with_a_history_gets_its_rows_and_count(conn: Connection) -> None:
    owner = await make_user(conn)
    agent = await make_agent(conn, owner)
    history = [{"kind": "request"}, {"kind": "response"}]
    session_id, count = await conn.fetchrow(
        "insert into agent_hub.sessions (agent_id, user_id, message_history, message_count)"
        " values ($1, $2, $3, 99) returning id, message_count",
        agent.id,
        owner.id,
        history,
    )
    assert count == 2
    assert await stored_rows(conn, session_id) == list(enumerate(history))
    assert await sessions.append_messages(conn, id=session_id, messages=[{"kind": "request"}]) == 3
    assert [p for p, _ in await stored_rows(conn, session_id)] == [0, 1, 2]
    with pytest.raises(asyncpg.CheckViolationError) as caught:
        await conn.execute(
            "insert into agent_hub.sessions (agent_id, user_id, message_history) values ($1, $2, '{}')",
            agent.id,
            owner.id,
        )
    assert caught.value.constraint_name == "ck_sessions_message_history_array"


async def test_the_migration_copies_existing_histories_into_rows(empty_db_url: str) -> None:
    migrator = Migrator(empty_db_url, domains=["agent_hub"])
    migrator.up(target="0015_agent_hub_marketplace_versions")
    conn = await connect_one(empty_db_url)
    try:
        owner = await users.create(
            conn, username="old", email="old@example.com", password="long enough secret"
        )
        agent = await make_agent(conn, owner)  # type: ignore[arg-type]
        await conn.execute(
            "insert into agent_hub.sessions (agent_id, user_id, message_history, updated_at) values"
            " ($1, $2, $3, '2025-01-01'), ($1, $2, '[]', '2025-01-01')",
            agent.id,
            owner.id,
            [{"n": 0}, {"n": 1}, {"n": 2}],
        )
        migrator.up(target="0016_agent_hub_session_messages")
        rows = await conn.fetch(
            "select s.message_count, s.updated_at::text, m.position, m.message, m.created_at::text"
            " from agent_hub.sessions as s"
            " left join agent_hub.session_messages as m on m.session_id = s.id"
            " order by s.message_count, m.position"
        )
    finally:
        await conn.close()
    stamp = "2025-01-01 00:00:00+00"
    assert [tuple(r) for r in rows] == [
        (0, stamp, None, None, None),
        (3, stamp, 0, {"n": 0}, stamp),
        (3, stamp, 1, {"n": 1}, stamp),
        (3, stamp, 2, {"n": 2}, stamp),
    ]


LONG = 3000


@pytest.fixture
async def long_history(db_url: str) -> tuple[str, UUID]:
    """A database with a 3,000-message conversation (about 1.5 MB of history) among 300 short ones."""
    conn = await connect_one(db_url)
    try:
        owner = await make_user(conn)
        agent = await make_agent(conn, owner)
        for _ in range(300):
            short = await sessions.create(conn, agent_id=agent.id, user_id=owner.id)
            await sessions.append_messages(conn, id=short.id, messages=[{"n": n} for n in range(10)])
        long = await sessions.create(conn, agent_id=agent.id, user_id=owner.id)
        for start in range(0, LONG, 500):
            batch = [{"n": n, "text": secrets.token_hex(240)} for n in range(start, start + 500)]
            await sessions.append_messages(conn, id=long.id, messages=batch)
        await conn.execute("vacuum (analyze) agent_hub.sessions, agent_hub.session_messages")
    finally:
        await conn.close()
    return db_url, long.id


@pytest.mark.parametrize("mode", PLAN_MODES)
@pytest.mark.parametrize("before", [None, 1500])
async def test_a_history_page_reads_its_rows_backwards_and_not_the_stored_history(
    long_history: tuple[str, UUID], mode: str, before: int | None
) -> None:
    url, session_id = long_history
    decl = sessions._history_page.__sqlfirst__  # type: ignore[attr-defined]
    assert isinstance(decl, Declaration)
    arguments = {"id": session_id, "before": before, "lim": 20}
    conn = await connect_one(url)
    try:
        history_size = await conn.fetchval(
            "select pg_column_size(message_history) from agent_hub.sessions where id = $1", session_id
        )
        plan = await explain_analyze(
            conn, decl.query.sql, [arguments[name] for name in decl.query.parameters], mode=mode
        )
        page = await sessions.history_page(conn, id=session_id, limit=20, before=before)
    finally:
        await conn.close()
    end = LONG if before is None else before
    assert (page.total, page.first_position) == (LONG, end - 20)
    assert [m["n"] for m in page.messages] == list(range(end - 20, end))  # type: ignore[index]

    # The page's key range of pk_session_messages, whatever the plan: 20 rows read, none thrown away.
    [scan] = [n for n in nodes(plan) if n.get("Relation Name") == "session_messages"]
    assert scan["Actual Rows"] == 20
    assert not any(scan.get(key) for key in ("Rows Removed by Filter", "Rows Removed by Index Recheck"))
    assert {n.get("Index Name") for n in nodes(scan)} & {"pk_session_messages"}
    # The stored history is over 100 kB of TOAST; the whole page touches a handful of 8 kB blocks
    # (8 here: the session, the key's descent, the page's heap pages).
    blocks = plan["Shared Hit Blocks"] + plan.get("Shared Read Blocks", 0)
    assert history_size > 100_000
    assert blocks < 20, blocks
