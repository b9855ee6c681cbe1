"""No crash window: a migrator killed between a migration's statements and its bookkeeping (a real
SIGKILL of a real process) leaves a state the next run finishes; a lost lock commits nothing."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from sqlfirst.migrate import MigrationError, MigrationLockLost, Migrator

from .migration_helpers import applied_ids, copy_migrations, write_migration

CORE_SCHEMA = "0001_core_schema"

# Runs `Migrator.up()` in a process of its own that kills itself (SIGKILL: no cleanup, no goodbye
# to the server) at the start of the bookkeeping of one migration: after its statements ran, before
# its _yoyo_migration row, log row and checksum are written.
KILL_BEFORE_BOOKKEEPING = """
import os, signal, sys
from pathlib import Path
from sqlfirst.migrate import Migrator, apply

url, directory, victim = sys.argv[1:4]
real_book = apply.book

def book(backend, migration, direction, doing):
    if migration.id == victim:
        os.kill(os.getpid(), signal.SIGKILL)
    real_book(backend, migration, direction, doing)

apply.book = book
Migrator(url, directory=Path(directory)).up()
"""


async def up_killed_before_bookkeeping_of(url: str, migrations: Path, victim: str) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        KILL_BEFORE_BOOKKEEPING,
        url,
        str(migrations),
        victim,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=180)
    assert process.returncode == -9, stderr.decode()  # it died where it was told to, not earlier


@pytest.fixture
def migrations(tmp_path: Path) -> Path:
    folder = copy_migrations(tmp_path / "migrations", CORE_SCHEMA)
    write_migration(
        folder,
        "0002_core_things",
        "-- depends: 0001_core_schema\n"
        "create table core.things (a int);\n"
        "create type core.mood as enum ('ok');\n"
        "insert into core.things values (1), (2);\n",
        "drop type core.mood;\ndrop table core.things;\n",
    )
    return folder


@pytest.fixture
async def db(empty_db_url: str) -> AsyncIterator[asyncpg.Connection[asyncpg.Record]]:
    conn = await asyncpg.connect(empty_db_url)
    try:
        yield conn
    finally:
        await conn.close()


async def index_state(db: asyncpg.Connection[asyncpg.Record], name: str) -> list[tuple[str, bool]]:
    rows = await db.fetch(
        "select i.indrelid::regclass::text as tbl, i.indisvalid from pg_index i"
        " where i.indexrelid = to_regclass($1)",
        name,
    )
    return [(r["tbl"], r["indisvalid"]) for r in rows]


async def test_a_transactional_migration_killed_before_its_bookkeeping_leaves_nothing_and_reruns(
    empty_db_url: str, migrations: Path, db: asyncpg.Connection[asyncpg.Record]
) -> None:
    await up_killed_before_bookkeeping_of(empty_db_url, migrations, "0002_core_things")

    # The statements ran in the transaction the bookkeeping never joined: all of it rolled back.
    assert await applied_ids(empty_db_url) == [CORE_SCHEMA]
    assert await db.fetchval("select to_regclass('core.things')") is None
    assert await db.fetchval("select to_regtype('core.mood')") is None

    result = Migrator(empty_db_url, directory=migrations, lock_wait_s=30).up()

    assert result.applied == ["0002_core_things"]
    assert await db.fetchval("select count(*) from core.things") == 2


@pytest.mark.parametrize(
    ("statement", "rollback", "done"),
    [
        (
            "create index concurrently if not exists ix_things_a on core.things (a);",
            "drop index concurrently if exists core.ix_things_a;",
            "select indisvalid from pg_index where indexrelid = to_regclass('core.ix_things_a')",
        ),
        (
            "alter type core.mood add value if not exists 'meh';",
            "",
            "select 'meh' = any (enum_range(null::core.mood)::text[])",
        ),
    ],
    ids=["concurrent-index", "enum-value"],
)
async def test_a_non_transactional_migration_killed_before_its_bookkeeping_reruns(
    empty_db_url: str,
    migrations: Path,
    db: asyncpg.Connection[asyncpg.Record],
    statement: str,
    rollback: str,
    done: str,
) -> None:
    write_migration(
        migrations,
        "0003_core_outside",
        f"-- depends: 0002_core_things\n-- transactional: false\n{statement}\n",
        rollback,
    )
    await up_killed_before_bookkeeping_of(empty_db_url, migrations, "0003_core_outside")

    # The statement committed on its own; the migration is still pending.
    assert await db.fetchval(done) is True
    assert await applied_ids(empty_db_url) == [CORE_SCHEMA, "0002_core_things"]

    migrator = Migrator(empty_db_url, directory=migrations, lock_wait_s=30)
    result = migrator.up()  # runs the statement again: it finds it done

    assert result.applied == ["0003_core_outside"]
    assert result.repaired == []
    assert await db.fetchval(done) is True
    assert migrator.verify().ok
    assert migrator.down() == ["0003_core_outside"]


async def test_an_invalid_index_left_by_a_failed_concurrent_build_is_dropped_and_rebuilt(
    empty_db_url: str, migrations: Path, db: asyncpg.Connection[asyncpg.Record]
) -> None:
    write_migration(
        migrations,
        "0003_core_unique_a",
        "-- depends: 0002_core_things\n-- transactional: false\n"
        "create unique index concurrently if not exists ix_things_a on core.things (a);\n",
        "drop index concurrently if exists core.ix_things_a;\n",
    )
    migrator = Migrator(empty_db_url, directory=migrations, lock_wait_s=30)
    migrator.up(target="0002_core_things")
    await db.execute("insert into core.things values (1)")  # a duplicate: the build will fail

    with pytest.raises(MigrationError, match="0003_core_unique_a"):
        migrator.up()
    # What a failed (or killed) CREATE INDEX CONCURRENTLY leaves: an INVALID index that
    # IF NOT EXISTS alone would take for done.
    assert await index_state(db, "core.ix_things_a") == [("core.things", False)]
    assert "0003_core_unique_a" not in await applied_ids(empty_db_url)

    await db.execute("delete from core.things where ctid = (select max(ctid) from core.things where a = 1)")
    result = migrator.up()

    assert result.applied == ["0003_core_unique_a"]
    assert [r for r in result.repaired if "core.ix_things_a" in r and "INVALID" in r] == result.repaired
    assert len(result.repaired) == 1
    assert await index_state(db, "core.ix_things_a") == [("core.things", True)]
    with pytest.raises(asyncpg.UniqueViolationError):
        await db.execute("insert into core.things values (2)")


async def test_an_index_name_taken_on_another_table_is_not_recorded_as_applied(
    empty_db_url: str, migrations: Path, db: asyncpg.Connection[asyncpg.Record]
) -> None:
    write_migration(
        migrations,
        "0003_core_index_a",
        "-- depends: 0002_core_things\n-- transactional: false\n"
        "create index concurrently if not exists ix_things_a on core.things (a);\n",
        "drop index concurrently if exists core.ix_things_a;\n",
    )
    migrator = Migrator(empty_db_url, directory=migrations)
    migrator.up(target="0002_core_things")
    await db.execute("create table core.others (a int); create index ix_things_a on core.others (a)")

    with pytest.raises(MigrationError, match=r"already exists on core\.others"):
        migrator.up()
    assert "0003_core_index_a" not in await applied_ids(empty_db_url)


async def test_a_migration_that_releases_the_lock_commits_nothing(
    empty_db_url: str, migrations: Path, db: asyncpg.Connection[asyncpg.Record]
) -> None:
    write_migration(
        migrations,
        "0003_core_unlocks",
        "-- depends: 0002_core_things\n"
        "create table core.unlocked (id int);\n"
        "select pg_advisory_unlock_all();\n",
        "drop table core.unlocked;\n",
    )
    with pytest.raises(MigrationLockLost, match="0003_core_unlocks"):
        Migrator(empty_db_url, directory=migrations).up()
    assert await applied_ids(empty_db_url) == [CORE_SCHEMA, "0002_core_things"]
    assert await db.fetchval("select to_regclass('core.unlocked')") is None


async def test_a_migrator_whose_session_is_terminated_fails_typed_and_commits_nothing(
    empty_db_url: str, migrations: Path, db: asyncpg.Connection[asyncpg.Record]
) -> None:
    write_migration(
        migrations,
        "0003_core_slow",
        "-- depends: 0002_core_things\ncreate table core.slow (id int);\nselect pg_sleep(60);\n",
        "drop table core.slow;\n",
    )
    migrator = Migrator(empty_db_url, directory=migrations)
    running = asyncio.create_task(asyncio.to_thread(migrator.up))
    for _ in range(600):
        pid = await db.fetchval(
            "select pid from pg_stat_activity where datname = current_database()"
            " and query like '%pg_sleep(60)%' and pid <> pg_backend_pid()"
        )
        if pid or running.done():
            break
        await asyncio.sleep(0.1)
    assert pid, "the migrator never reached the slow migration"
    await db.execute("select pg_terminate_backend($1)", pid)  # an operator, a failover, a NAT

    with pytest.raises(MigrationLockLost, match="0003_core_slow"):
        await running
    assert await applied_ids(empty_db_url) == [CORE_SCHEMA, "0002_core_things"]
    assert await db.fetchval("select to_regclass('core.slow')") is None


async def test_a_migrator_never_terminates_another_session(
    empty_db_url: str, migrations: Path, db: asyncpg.Connection[asyncpg.Record]
) -> None:
    # A session that looks like a migrator (same application_name) but holds no lock, idle in a
    # transaction: the old migrator took it for a dead one of its own and terminated it.
    other = await asyncpg.connect(empty_db_url, server_settings={"application_name": "sqlfirst migrate"})
    try:
        transaction = other.transaction()
        await transaction.start()
        await other.execute("select 1")
        assert Migrator(empty_db_url, directory=migrations).up().applied
        assert await other.fetchval("select 2") == 2
        await transaction.rollback()
    finally:
        await other.close()
