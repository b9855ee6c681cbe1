"""Test harness: a real PostgreSQL for every test that touches data.

The server is ``DATABASE_URL`` (or ``PG*``) when set, else a throwaway embedded PostgreSQL 16 from
the pgserver wheel, tuned for tests (fsync off). A template database is migrated once per session;
``conn`` gives a connection inside a transaction that is rolled back after the test, ``db_url``/``pool``
a fresh database copied from the template for tests that commit (concurrency, cascades across
connections, migrations).
"""

from __future__ import annotations

import asyncio
import os
import secrets
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

# Argon2's cheapest parameters: hashing stays real, the suite stays fast. Never set in production.
os.environ.setdefault("SQLFIRST_PASSWORD_HASH", "fast")

from sqlfirst import embedded
from sqlfirst.db import Connection, connect_one, create_pool
from sqlfirst.migrate import Migrator
from sqlfirst.settings import Settings
from tests.fault_server import RestartableServer


async def rows_updated_in_transaction(conn: Connection, table: str) -> int:
    """Row updates of ``table`` (``schema.name``) so far in the current transaction (its own stats)."""
    schema, _, name = table.partition(".")
    n: int = await conn.fetchval(
        "select n_tup_upd from pg_stat_xact_user_tables where schemaname = $1 and relname = $2", schema, name
    )
    return n


async def vacuum_as_autovacuum_leaves_it(conn: Connection, *schemas: str) -> None:
    """``vacuum analyze`` until every table of ``schemas`` is all-visible, as autovacuum leaves tables
    in service: index-only scans (and the plans they win) need the visibility map set. One vacuum is
    not always enough: a snapshot taken during the seeding (an auto-analyze started on one of its
    tables) holds back the horizon, and vacuum then leaves the seeded pages not all-visible."""
    await conn.execute("vacuum analyze")
    for _ in range(100):
        behind = await conn.fetch(
            "select c.oid::regclass::text as name from pg_class c"
            " where c.relkind = 'r' and c.relnamespace::regnamespace::text = any($1::text[])"
            " and c.relpages > 0 and c.relallvisible < c.relpages",
            list(schemas),
        )
        if not behind:
            return
        await asyncio.sleep(0.1)
        await conn.execute(f"vacuum analyze {', '.join(row['name'] for row in behind)}")
    raise AssertionError(f"tables never became all-visible: {[row['name'] for row in behind]}")


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """URL of a maintenance database on the server under test."""
    configured = Settings.from_env().database_url
    if configured:
        yield configured
        return
    root = Path(tempfile.mkdtemp(prefix="sqlfirst-tests-"))
    server = embedded.temporary(root / "pgdata")
    server.psql(
        "alter system set fsync = off;"
        "alter system set synchronous_commit = off;"
        "alter system set full_page_writes = off;"
        "alter system set max_connections = 200;"
        "select pg_reload_conf();"
    )
    yield server.get_uri("postgres")
    server.cleanup()


async def _create_database(server_url: str, name: str, template: str | None = None) -> str:
    admin = await asyncpg.connect(server_url)
    try:
        suffix = f' template "{template}"' if template else ""
        await admin.execute(f'create database "{name}"{suffix}')
    finally:
        await admin.close()
    return with_database(server_url, name)


async def _drop_database(server_url: str, name: str) -> None:
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(f'drop database if exists "{name}" with (force)')
    finally:
        await admin.close()


@pytest.fixture(scope="session")
async def template_name(server_url: str) -> AsyncIterator[str]:
    """A database with every migration applied, copied for each test that needs its own."""
    name = f"sqlfirst_tpl_{secrets.token_hex(4)}"
    url = await _create_database(server_url, name)
    Migrator(url).up()
    yield name
    await _drop_database(server_url, name)


@pytest.fixture(scope="session")
async def shared_url(server_url: str, template_name: str) -> AsyncIterator[str]:
    """One migrated database for the rolled-back-transaction tests."""
    name = f"sqlfirst_shared_{secrets.token_hex(4)}"
    url = await _create_database(server_url, name, template_name)
    yield url
    await _drop_database(server_url, name)


@pytest.fixture
async def conn(shared_url: str) -> AsyncIterator[Connection]:
    """A connection in a transaction that is rolled back after the test: nothing persists."""
    connection = await connect_one(shared_url)
    transaction = connection.transaction()
    await transaction.start()
    try:
        yield connection
    finally:
        await transaction.rollback()
        await connection.close()


@pytest.fixture
async def db_url(server_url: str, template_name: str) -> AsyncIterator[str]:
    """A fresh migrated database of this test's own (commits are fine)."""
    name = f"sqlfirst_t_{secrets.token_hex(4)}"
    url = await _create_database(server_url, name, template_name)
    yield url
    await _drop_database(server_url, name)


@pytest.fixture
async def empty_db_url(server_url: str) -> AsyncIterator[str]:
    """A fresh database with no migrations applied."""
    name = f"sqlfirst_e_{secrets.token_hex(4)}"
    url = await _create_database(server_url, name)
    yield url
    await _drop_database(server_url, name)


@pytest.fixture
async def pool(db_url: str) -> AsyncIterator[asyncpg.Pool[asyncpg.Record]]:
    """A sqlfirst pool on this test's own database."""
    p = await create_pool(Settings(database_url=db_url, min_size=2, max_size=60))
    try:
        yield p
    finally:
        await p.close()


@pytest.fixture(scope="session")
def restartable_server() -> Iterator[RestartableServer]:
    """A throwaway embedded server of the fault tests' own, which they may stop and restart."""
    server = RestartableServer()
    try:
        yield server
    finally:
        server.close()
