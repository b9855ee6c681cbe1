"""Concurrent, killed and blocked migrators, with real `sqlfirst migrate up` processes."""

from __future__ import annotations

import asyncio
import secrets
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from sqlfirst.migrate import LOCK_NAMESPACE, MIGRATION_LOCK, MigrationError, Migrator

from .migration_helpers import (
    applied_ids,
    cli_env,
    copy_migrations,
    finish,
    run_cli,
    start_cli,
    waiting_for_migration_lock,
    with_user,
    write_migration,
)


async def test_two_parallel_ups_on_an_empty_database_both_succeed_applying_each_once(
    empty_db_url: str,
) -> None:
    env = cli_env()
    first, second = await asyncio.gather(
        start_cli("migrate", "up", "--database-url", empty_db_url, env=env),
        start_cli("migrate", "up", "--database-url", empty_db_url, env=env),
    )
    runs = await asyncio.gather(finish(first), finish(second))

    assert [r.returncode for r in runs] == [0, 0], [r.stderr for r in runs]
    expected = sorted(m.id for m in Migrator(empty_db_url).status())
    assert await applied_ids(empty_db_url) == expected
    conn = await asyncpg.connect(empty_db_url)
    try:
        applies = await conn.fetch(
            "select migration_id, count(*) as n from _yoyo_log"
            " where operation = 'apply' group by migration_id"
        )
    finally:
        await conn.close()
    assert {r["migration_id"]: r["n"] for r in applies} == dict.fromkeys(expected, 1)
    # One of them applied everything, the other found nothing left to do.
    assert sorted("nothing to apply" in r.stdout for r in runs) == [False, True]


async def test_sigkilled_migrator_leaves_no_lock_and_no_half_migration(
    empty_db_url: str, tmp_path: Path
) -> None:
    migrations = copy_migrations(tmp_path / "migrations", "0001_core_schema")
    slow = write_migration(
        migrations,
        "0002_core_slow",
        "-- depends: 0001_core_schema\n"
        "create table core.slow_marker (id int primary key);\n"
        "select pg_sleep(120);\n",
        "drop table core.slow_marker;\n",
    )
    process = await start_cli("migrate", "up", "--database-url", empty_db_url, env=cli_env(migrations))
    watcher = await asyncpg.connect(empty_db_url)
    try:
        for _ in range(600):
            sleeping = await watcher.fetchval(
                "select count(*) from pg_stat_activity"
                " where datname = current_database() and query like '%pg_sleep(120)%'"
                " and pid <> pg_backend_pid()"
            )
            if sleeping or process.returncode is not None:
                break
            await asyncio.sleep(0.1)
        assert sleeping, "the migrator never reached the slow migration"
        process.send_signal(signal.SIGKILL)
        await process.wait()

        # The slow migration was never committed; its file may now be fixed without it counting as an edit.
        slow.write_text("-- depends: 0001_core_schema\ncreate table core.slow_marker (id int primary key);\n")
        # If the dead process's lock survived, this would give up with MigrationError.
        result = Migrator(empty_db_url, directory=migrations, lock_wait_s=30).up()

        assert result.applied == ["0002_core_slow"]
        assert await applied_ids(empty_db_url) == ["0001_core_schema", "0002_core_slow"]
        assert await watcher.fetchval("select to_regclass('yoyo_lock')") is None
        assert await watcher.fetchval("select count(*) from core.slow_marker") == 0
    finally:
        await watcher.close()
        if process.returncode is None:
            process.kill()
            await process.wait()


async def test_migration_blocked_by_a_long_transaction_times_out_and_changes_nothing(
    empty_db_url: str, tmp_path: Path
) -> None:
    migrations = copy_migrations(tmp_path / "migrations", "0001_core_schema")
    Migrator(empty_db_url, directory=migrations).up()
    write_migration(
        migrations,
        "0002_core_alter_target",
        "-- depends: 0001_core_schema\n"
        "create table core.unrelated (id int primary key);\n"
        "alter table core.lock_target add column note text;\n",
        "alter table core.lock_target drop column note;\ndrop table core.unrelated;\n",
    )
    blocker = await asyncpg.connect(empty_db_url)
    try:
        await blocker.execute("create table core.lock_target (id int primary key)")
        transaction = blocker.transaction()
        await transaction.start()
        await blocker.fetch("select * from core.lock_target")  # holds ACCESS SHARE until rollback

        blocked = await run_cli(
            "migrate",
            "up",
            "--database-url",
            empty_db_url,
            "--lock-timeout-ms",
            "200",
            env=cli_env(migrations),
        )
        assert blocked.returncode == 1
        assert "lock_timeout" in blocked.stderr
        assert "0002_core_alter_target" in blocked.stderr
        assert "Traceback" not in blocked.stderr
        await transaction.rollback()

        assert await applied_ids(empty_db_url) == ["0001_core_schema"]
        assert await blocker.fetchval("select to_regclass('core.unrelated')") is None
        columns = await blocker.fetch(
            "select attname from pg_attribute where attrelid = 'core.lock_target'::regclass and attnum > 0"
        )
        assert [c["attname"] for c in columns] == ["id"]

        # The same timeout from the environment; with the blocker gone the migration goes through.
        done = await run_cli(
            "migrate",
            "up",
            "--database-url",
            empty_db_url,
            env=cli_env(migrations, SQLFIRST_LOCK_TIMEOUT_MS="200"),
        )
        assert done.returncode == 0, done.stderr
        assert "0002_core_alter_target" in await applied_ids(empty_db_url)
    finally:
        await blocker.close()


async def test_migrator_gives_up_waiting_for_a_live_migrator(empty_db_url: str) -> None:
    other = await asyncpg.connect(empty_db_url)
    try:
        await other.execute("select pg_advisory_lock($1, $2)", LOCK_NAMESPACE, MIGRATION_LOCK)
        with pytest.raises(MigrationError, match="holds the migration lock"):
            Migrator(empty_db_url, lock_wait_s=0.3).up()
        assert await applied_ids(empty_db_url) == []
    finally:
        await other.close()
    assert Migrator(empty_db_url, lock_wait_s=30).up().applied


@pytest.fixture
async def migrator_role(empty_db_url: str) -> AsyncIterator[str]:
    """A non-superuser login role that may read every table and create tables in ``public``:
    enough to run ``sqlfirst migrate up`` on an up-to-date database, not to signal another backend."""
    name = f"sqlfirst_migrator_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(empty_db_url)
    try:
        await admin.execute(f"create role {name} login nosuperuser")
        await admin.execute(f"grant pg_read_all_data to {name}")
        await admin.execute(f"grant create on schema public to {name}")
        yield name
        await admin.execute(f"drop owned by {name}")
        await admin.execute(f"drop role {name}")
    finally:
        await admin.close()


@pytest.mark.parametrize("b_is_superuser", [True, False], ids=["superuser-B", "non-superuser-B"])
async def test_idle_session_timeout_never_hands_the_lock_to_a_second_migrator(
    empty_db_url: str, tmp_path: Path, migrator_role: str, b_is_superuser: bool
) -> None:
    """The issue's scenario: idle_session_timeout = 1s; A runs a 4 s migration; B starts 2 s later.

    A must finish; B waits for the lock (it never takes it from A, never terminates A) and then
    finds nothing left to apply.
    """
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    write_migration(
        migrations,
        "0001_core_slow",
        "create table public.slow_marker (id int primary key);\nselect pg_sleep(4);\n",
        "drop table public.slow_marker;\n",
    )
    write_migration(
        migrations,
        "0002_core_after_slow",
        "-- depends: 0001_core_slow\ncreate table public.after_slow (id int primary key);\n",
        "drop table public.after_slow;\n",
    )
    watcher = await asyncpg.connect(empty_db_url)
    await watcher.execute("set idle_session_timeout = 0")
    database = await watcher.fetchval("select current_database()")
    await watcher.execute(f"alter database \"{database}\" set idle_session_timeout = '1s'")
    process = await start_cli("migrate", "up", "--database-url", empty_db_url, env=cli_env(migrations))
    try:
        for _ in range(600):
            sleeping = await watcher.fetchval(
                "select count(*) from pg_stat_activity"
                " where datname = current_database() and query like '%pg_sleep(4)%'"
                " and pid <> pg_backend_pid()"
            )
            if sleeping or process.returncode is not None:
                break
            await asyncio.sleep(0.1)
        assert sleeping, "migrator A never reached the slow migration"
        await asyncio.sleep(2)  # every idle session of A has been idle for more than 1 s by now

        b_url = empty_db_url if b_is_superuser else with_user(empty_db_url, migrator_role)
        b_migrator = Migrator(b_url, directory=migrations, lock_wait_s=60)
        b = asyncio.create_task(asyncio.to_thread(b_migrator.up))
        b_waited = False
        while not b.done() and not b_waited:
            b_waited = await waiting_for_migration_lock(watcher) > 0
            await asyncio.sleep(0.05)
        a = await finish(process)
        b_result = await b

        assert a.returncode == 0, a.stderr
        assert "applied  0001_core_slow" in a.stdout
        assert "applied  0002_core_after_slow" in a.stdout
        assert b_waited, "B never waited for the migration lock while A ran"
        assert b_result.applied == []
        applies = await watcher.fetch(
            "select migration_id, count(*) as n from _yoyo_log"
            " where operation = 'apply' group by migration_id order by 1"
        )
        assert [(r["migration_id"], r["n"]) for r in applies] == [
            ("0001_core_slow", 1),
            ("0002_core_after_slow", 1),
        ]
    finally:
        await watcher.execute(f'alter database "{database}" reset idle_session_timeout')
        await watcher.close()
        if process.returncode is None:
            process.kill()
            await process.wait()


async def test_a_database_wide_statement_timeout_does_not_cut_a_migration_or_the_wait_for_the_lock(
    empty_db_url: str, tmp_path: Path
) -> None:
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    write_migration(
        migrations,
        "0001_core_longer",
        "create table public.longer (id int primary key);\nselect pg_sleep(1);\n",
        "drop table public.longer;\n",
    )
    admin = await asyncpg.connect(empty_db_url)
    database = await admin.fetchval("select current_database()")
    await admin.execute(f"alter database \"{database}\" set statement_timeout = '300ms'")
    try:
        await admin.execute("select pg_advisory_lock($1, $2)", LOCK_NAMESPACE, MIGRATION_LOCK)
        waiting = asyncio.create_task(asyncio.to_thread(Migrator(empty_db_url, directory=migrations).up))
        for _ in range(600):
            if waiting.done() or await waiting_for_migration_lock(admin):
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.6)  # longer than the statement_timeout: the wait goes on
        assert not waiting.done()
        await admin.execute("select pg_advisory_unlock($1, $2)", LOCK_NAMESPACE, MIGRATION_LOCK)

        assert (await waiting).applied == ["0001_core_longer"]
    finally:
        await admin.execute(f'alter database "{database}" reset statement_timeout')
        await admin.close()
