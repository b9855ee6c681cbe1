"""Faults, tried from outside: every one comes out as a sqlfirst error, never as a raw driver error.

A backend terminated inside a transaction, during COMMIT, or while idle in the pool; a statement
that outlasts ``command_timeout``; a pool whose server is stopped; a server out of connection
slots. Each runs against a real server; the ones that stop a server use a throwaway one.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from sqlfirst import partitions
from sqlfirst.binding import SqlFile
from sqlfirst.db import Connection, Database, Executor, connect, connect_one, transaction_on
from sqlfirst.errors import (
    CommandTimeout,
    ConnectionLost,
    DatabaseError,
    DatabaseUnavailable,
    QueryCanceled,
    RetryableError,
    SqlfirstError,
    TooManyConnections,
    TransactionOutcomeUnknown,
    translate,
)
from sqlfirst.settings import Settings
from tests.conftest import with_database
from tests.fault_server import RestartableServer

SQL = """
-- name: add_entry(note)<!
-- Add an entry, return its id.
insert into entries (note) values (:note) returning id;

-- name: count_entries()$
-- How many entries.
select count(*) from entries;

-- name: sleep_for(seconds)$
-- Hold the connection busy.
select true from pg_sleep(:seconds);
"""

SCHEMA = """
create table entries (id serial primary key, note text not null);
-- A deferred check that makes COMMIT itself take a while (to lose the connection during it).
create function slow_commit() returns trigger language plpgsql as
  $$ begin if new.note = 'slow commit' then perform pg_sleep(3); end if; return null; end $$;
create constraint trigger entries_slow_commit after insert on entries
  deferrable initially deferred for each row execute function slow_commit();
"""


@dataclass
class Queries:
    add_entry: Any
    count_entries: Any
    sleep_for: Any


@pytest.fixture(scope="module")
def q(tmp_path_factory: pytest.TempPathFactory) -> Queries:
    root: Path = tmp_path_factory.mktemp("faults_sql")
    (root / "faults").mkdir()
    (root / "faults" / "entries.sql").write_text(SQL)
    f = SqlFile("faults", "entries", root=root)

    @f.query("add_entry")
    async def add_entry(conn: Executor, *, note: str) -> int: ...

    @f.query("count_entries")
    async def count_entries(conn: Executor) -> int: ...

    @f.query("sleep_for")
    async def sleep_for(conn: Executor, *, seconds: float) -> bool: ...

    return Queries(add_entry, count_entries, sleep_for)


@pytest.fixture
async def database(empty_db_url: str) -> AsyncIterator[Database]:
    admin = await asyncpg.connect(empty_db_url)
    await admin.execute(SCHEMA)
    await admin.close()
    db = await connect(Settings(database_url=empty_db_url, min_size=2, max_size=4))
    yield db
    await db.close()


@pytest.fixture
async def admin(empty_db_url: str) -> AsyncIterator[asyncpg.Connection[asyncpg.Record]]:
    conn = await asyncpg.connect(empty_db_url)
    yield conn
    await conn.close()


async def terminate(admin: asyncpg.Connection[asyncpg.Record], pid: int) -> None:
    """Terminate one backend and wait until it has exited."""
    assert await admin.fetchval("select pg_terminate_backend($1, 10000)", pid)


async def wait_for_query(admin: asyncpg.Connection[asyncpg.Record], pid: int, text: str) -> None:
    """Wait until backend ``pid`` runs a statement starting with ``text``."""
    for _ in range(500):
        query = await admin.fetchval(
            "select query from pg_stat_activity where pid = $1 and state = 'active'", pid
        )
        if query is not None and query.startswith(text):
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"backend {pid} never ran {text!r}")


# -- lost connections inside a transaction ---------------------------------------------------------


async def test_backend_terminated_inside_a_transaction_is_connection_lost(
    database: Database, admin: asyncpg.Connection[asyncpg.Record], q: Queries
) -> None:
    with pytest.raises(ConnectionLost) as caught:
        async with database.transaction() as conn:
            await q.add_entry(conn, note="lost")
            await terminate(admin, conn.get_server_pid())
            await q.add_entry(conn, note="after")
    assert isinstance(caught.value, RetryableError)
    assert await q.count_entries(database.pool) == 0  # nothing was committed


async def test_backend_terminated_mid_statement_is_connection_lost(
    database: Database, admin: asyncpg.Connection[asyncpg.Record], q: Queries
) -> None:
    async def kill_when_sleeping(pid: int) -> None:
        await wait_for_query(admin, pid, "select true from pg_sleep($1)")
        await terminate(admin, pid)

    with pytest.raises(ConnectionLost):
        async with database.transaction() as conn:
            await q.add_entry(conn, note="lost")
            killer = asyncio.create_task(kill_when_sleeping(conn.get_server_pid()))
            await q.sleep_for(conn, seconds=5)
    await killer
    # Raw driver calls in the block come out typed too.
    with pytest.raises(ConnectionLost):
        async with database.transaction() as conn:
            killer = asyncio.create_task(kill_when_sleeping(conn.get_server_pid()))
            await conn.execute("select true from pg_sleep($1)", 5.0)
    await killer
    assert await q.count_entries(database.pool) == 0


async def test_the_driver_refusing_a_raw_call_after_the_farewell_is_connection_lost(
    database: Database, admin: asyncpg.Connection[asyncpg.Record]
) -> None:
    # When the server's FATAL farewell (57P01) lands between two protocol steps of a raw call
    # (after Parse, before Bind), asyncpg refuses the next step with InternalClientError ("cannot
    # switch to state 12; another operation (2) is in progress"); CI hit it by chance. The timing
    # cannot be forced from outside, so the block raises what the driver raises there, on a
    # connection whose backend really is gone. Neither block may let the raw error out.
    refusal = "cannot switch to state 12; another operation (2) is in progress"
    with pytest.raises(ConnectionLost):
        async with database.transaction() as conn:
            await terminate(admin, conn.get_server_pid())
            raise asyncpg.InternalClientError(refusal)
    with pytest.raises(ConnectionLost):  # never sent, so not "outcome unknown" even outside one
        async with database.connection() as conn:
            await terminate(admin, conn.get_server_pid())
            raise asyncpg.InternalClientError(refusal)


async def test_connection_lost_after_the_last_statement_is_connection_lost_at_commit(
    database: Database, admin: asyncpg.Connection[asyncpg.Record], q: Queries
) -> None:
    with pytest.raises(ConnectionLost):
        async with database.transaction() as conn:
            await q.add_entry(conn, note="lost before commit")
            await terminate(admin, conn.get_server_pid())
            await asyncio.sleep(0.05)  # the client notices while the block does something else
    assert await q.count_entries(database.pool) == 0


async def test_run_in_transaction_retries_a_lost_connection_on_a_fresh_one(
    database: Database, admin: asyncpg.Connection[asyncpg.Record], q: Queries
) -> None:
    pids: list[int] = []

    async def work(conn: Connection) -> int:
        pids.append(conn.get_server_pid())
        entry: int = await q.add_entry(conn, note=f"attempt {len(pids)}")
        if len(pids) == 1:
            await terminate(admin, conn.get_server_pid())
        await q.count_entries(conn)
        return entry

    await database.run_in_transaction(work)
    assert len(pids) == 2 and pids[0] != pids[1]
    rows = await admin.fetch("select note from entries")
    assert [r["note"] for r in rows] == ["attempt 2"]  # the lost attempt left nothing


async def test_connection_lost_during_commit_is_outcome_unknown_and_never_retried(
    database: Database, admin: asyncpg.Connection[asyncpg.Record], q: Queries
) -> None:
    calls = 0

    async def work(conn: Connection) -> None:
        nonlocal calls
        calls += 1
        await q.add_entry(conn, note="slow commit")
        asyncio.get_running_loop().create_task(kill_during_commit(conn.get_server_pid()))

    async def kill_during_commit(pid: int) -> None:
        await wait_for_query(admin, pid, "COMMIT;")
        await terminate(admin, pid)

    with pytest.raises(TransactionOutcomeUnknown) as caught:
        await database.run_in_transaction(work)
    assert calls == 1
    assert not isinstance(caught.value, RetryableError)
    assert "COMMIT" in str(caught.value)


async def test_transaction_on_a_held_connection_types_a_lost_connection(
    empty_db_url: str, admin: asyncpg.Connection[asyncpg.Record], database: Database, q: Queries
) -> None:
    conn = await connect_one(empty_db_url)
    try:
        with pytest.raises(ConnectionLost):
            async with transaction_on(conn):
                await q.add_entry(conn, note="held")
                await terminate(admin, conn.get_server_pid())
                await q.add_entry(conn, note="held again")
    finally:
        await conn.close()
    assert await q.count_entries(database.pool) == 0


async def test_a_statement_outside_a_transaction_that_loses_its_connection_has_an_unknown_outcome(
    database: Database, admin: asyncpg.Connection[asyncpg.Record], q: Queries
) -> None:
    async with database.connection() as conn:
        killer = asyncio.create_task(kill_when(conn.get_server_pid(), admin))
        with pytest.raises(TransactionOutcomeUnknown):
            await q.sleep_for(conn, seconds=5)
        await killer


async def kill_when(pid: int, admin: asyncpg.Connection[asyncpg.Record]) -> None:
    await wait_for_query(admin, pid, "select true from pg_sleep($1)")
    await terminate(admin, pid)


# -- idle pooled connections the server closed ---------------------------------------------------


async def test_idle_pooled_connections_closed_by_the_server_are_replaced_silently(
    empty_db_url: str, admin: asyncpg.Connection[asyncpg.Record], q: Queries
) -> None:
    await admin.execute(SCHEMA)
    db = await connect(Settings(database_url=empty_db_url, min_size=4, max_size=4))
    try:
        held = [await db.pool.acquire() for _ in range(4)]  # all four connections are open
        for c in held:
            await db.pool.release(c)
        backends = await admin.fetch(
            "select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()"
        )
        assert len(backends) == 4
        for row in backends:
            await terminate(admin, row["pid"])
        assert await q.count_entries(db.pool) == 0  # a one-off call on the pool

        async def one(n: int) -> int:
            async with db.transaction() as conn:
                entry: int = await q.add_entry(conn, note=f"after {n}")
                return entry

        assert len(await asyncio.gather(*(one(n) for n in range(8)))) == 8
        assert await q.count_entries(db.pool) == 8
    finally:
        await db.close()


# -- timeouts and unreachable servers --------------------------------------------------------------


async def test_command_timeout_is_a_typed_error(empty_db_url: str, q: Queries) -> None:
    db = await connect(Settings(database_url=empty_db_url, min_size=1, max_size=2, command_timeout_s=0.2))
    try:
        with pytest.raises(CommandTimeout) as caught:
            await q.sleep_for(db.pool, seconds=3)
        assert isinstance(caught.value, QueryCanceled)
        with pytest.raises(CommandTimeout):
            async with db.transaction() as conn:
                await q.sleep_for(conn, seconds=3)
        async with db.transaction() as conn:  # the pool still serves
            assert await q.sleep_for(conn, seconds=0) is True
    finally:
        await db.close()


async def test_a_stopped_server_is_database_unavailable_and_the_pool_recovers(
    restartable_server: RestartableServer, q: Queries
) -> None:
    name = f"sqlfirst_faults_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(restartable_server.url)
    await admin.execute(f'create database "{name}"')
    await admin.close()
    url = with_database(restartable_server.url, name)
    admin = await asyncpg.connect(url)
    await admin.execute(SCHEMA)
    await admin.close()
    db = await connect(Settings(database_url=url, min_size=2, max_size=4))
    try:
        await q.add_entry(db.pool, note="before")
        await asyncio.to_thread(restartable_server.stop)  # the event loop runs on, as in a service
        with pytest.raises(DatabaseUnavailable):
            await q.count_entries(db.pool)
        with pytest.raises(DatabaseUnavailable):
            async with db.transaction() as conn:
                await q.add_entry(conn, note="while down")
        with pytest.raises(DatabaseUnavailable):
            async with db.connection() as conn:
                await q.count_entries(conn)
        with pytest.raises(DatabaseUnavailable):
            await db.run_in_transaction(lambda conn: q.add_entry(conn, note="while down"))
        with pytest.raises(DatabaseUnavailable):
            await connect(Settings(database_url=url, min_size=1, max_size=1))
        with pytest.raises(DatabaseUnavailable):
            await connect_one(url)
        await asyncio.to_thread(restartable_server.start)
        assert await q.count_entries(db.pool) == 1
        async with db.transaction() as conn:
            await q.add_entry(conn, note="after")
        assert await q.count_entries(db.pool) == 2
    finally:
        if not restartable_server.running():
            restartable_server.start()
        await db.close()


async def test_no_connection_slot_left_is_too_many_connections(
    server_url: str, empty_db_url: str, q: Queries
) -> None:
    role = f"sqlfirst_limited_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(empty_db_url)
    await admin.execute(f'create role "{role}" login connection limit 1')
    try:
        parts = empty_db_url.split("://", 1)[1]
        url = f"postgresql://{role}@{parts.split('@', 1)[1]}"
        db = await connect(Settings(database_url=url, min_size=1, max_size=2))
        try:
            async with db.connection():
                with pytest.raises(TooManyConnections) as caught:
                    async with db.transaction():
                        pass
                assert isinstance(caught.value, DatabaseUnavailable)
                assert caught.value.sqlstate == "53300"
        finally:
            await db.close()
    finally:
        await admin.execute(f'drop role "{role}"')
        await admin.close()


@pytest.mark.parametrize(
    ("sqlstate", "kind"),
    [
        ("08006", ConnectionLost),
        ("08P01", ConnectionLost),
        ("57P01", ConnectionLost),
        ("57P02", ConnectionLost),
        ("08001", DatabaseUnavailable),
        ("57P03", DatabaseUnavailable),
        ("53300", TooManyConnections),
        ("28P01", DatabaseUnavailable),
    ],
)
async def test_connection_sqlstates_have_their_own_types(conn: Connection, sqlstate: str, kind: type) -> None:
    with pytest.raises(asyncpg.PostgresError) as raw:
        await conn.execute(f"do $$ begin raise exception using errcode = '{sqlstate}'; end $$")
    assert type(translate(raw.value)) is kind


# -- partitions ------------------------------------------------------------------------------------


async def test_partition_status_and_maintain_raise_typed_errors(empty_db_url: str) -> None:
    conn = await connect_one(empty_db_url)  # no migrations: the core functions are missing
    try:
        with pytest.raises(DatabaseError) as caught:
            await partitions.status(conn)
        assert caught.value.sqlstate == "42P01"
        with pytest.raises(DatabaseError):
            await partitions.maintain(conn)
    finally:
        await conn.close()


async def test_nothing_raw_escapes_when_the_pool_is_closed(database: Database, q: Queries) -> None:
    await database.close()
    with pytest.raises(SqlfirstError):
        await q.count_entries(database.pool)
    with pytest.raises(SqlfirstError):
        async with database.transaction():
            pass


async def test_a_pool_whose_server_refuses_connections_raises_database_unavailable(q: Queries) -> None:
    # min_size=0: the pool opens no connection up front, so the refusal comes at the first call.
    db = await connect(Settings(database_url="postgresql://postgres@127.0.0.1:1/x", min_size=0, max_size=1))
    try:
        with pytest.raises(DatabaseUnavailable) as caught:
            await q.count_entries(db.pool)
        assert isinstance(caught.value.__cause__, ConnectionRefusedError)
        with pytest.raises(DatabaseUnavailable):
            async with db.transaction():
                pass
        with pytest.raises(DatabaseUnavailable):
            await db.run_in_transaction(q.count_entries)
    finally:
        await db.close()
