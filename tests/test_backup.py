"""Base backup + WAL archive + point-in-time recovery, on a real embedded server of this module's own."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import tempfile
from datetime import datetime
from pathlib import Path

import asyncpg

from sqlfirst import backup, embedded

TABLES = "create table kept (id int primary key, note text);create table dropped_later (id int primary key);"


async def _archived_through(url: str, segment: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        for _ in range(300):
            done = await conn.fetchval("select coalesce(last_archived_wal, '') from pg_stat_archiver")
            if done >= segment:
                return
            await asyncio.sleep(0.1)
    finally:
        await conn.close()
    raise AssertionError(f"WAL segment {segment} was never archived")


async def test_restore_to_a_moment_has_every_row_before_it_none_after_and_the_dropped_table() -> None:
    root = Path(tempfile.mkdtemp(prefix="sqlfirst-pitr-"))
    primary = root / "pgdata"
    server = embedded.temporary(primary)
    report: backup.RestoreReport | None = None
    try:
        server.psql(f"create database {embedded.DATABASE_NAME};")
        assert backup.enable_wal_archiving(root / "wal", primary) is True
        url = embedded.status(primary).url
        assert url is not None
        conn = await asyncpg.connect(url)
        try:
            await conn.execute(TABLES)
            await conn.execute("insert into dropped_later select generate_series(1, 50)")
            base = await asyncio.to_thread(backup.base_backup, root / "backups", primary)
            assert (base / "backup_manifest").exists()
            # Rows written after the base backup come back from the archived WAL.
            for batch in range(5):
                await conn.execute(
                    "insert into kept select g, 'before' from generate_series($1::int, $1::int + 99) g",
                    batch * 100,
                )
            noted: datetime = await conn.fetchval("select clock_timestamp()")
            await asyncio.sleep(0.05)
            await conn.execute("insert into kept select g, 'after' from generate_series(1000, 1099) g")
            await conn.execute("update kept set note = 'changed after' where id < 10")
            await conn.execute("drop table dropped_later")
            segment = await conn.fetchval("select pg_walfile_name(pg_switch_wal())")
        finally:
            await conn.close()
        await _archived_through(url, segment)

        report = await asyncio.to_thread(
            backup.restore, base, root / "restored", to=noted, wal_archive=root / "wal"
        )
        assert report.row_counts == {"public.kept": 500, "public.dropped_later": 50}
        restored = await asyncpg.connect(report.url())
        try:
            notes = await restored.fetch("select note, count(*) from kept group by note")
            assert {row["note"]: row["count"] for row in notes} == {"before": 500}
            assert await restored.fetchval("select max(id) from kept") == 499
            # The restored server is a new primary: it takes writes.
            await restored.execute("insert into kept values (5000, 'restored')")
        finally:
            await restored.close()
    finally:
        if report is not None:
            backup.stop_restored(report)
        server.cleanup()
        shutil.rmtree(root, ignore_errors=True)


async def test_logical_backup_is_a_custom_format_dump_that_pg_restore_reads(
    db_url: str, empty_db_url: str, tmp_path: Path
) -> None:
    conn = await asyncpg.connect(db_url)
    try:
        await conn.execute(
            "create table logical_probe (id int primary key); insert into logical_probe values (7)"
        )
    finally:
        await conn.close()
    dump = await asyncio.to_thread(backup.logical_backup, db_url, tmp_path / "dumps")
    assert dump.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    await asyncio.to_thread(
        subprocess.run,
        [str(embedded.pg_bin("pg_restore")), "--no-owner", "--dbname", empty_db_url, str(dump)],
        check=True,
        capture_output=True,
    )
    restored = await asyncpg.connect(empty_db_url)
    try:
        assert await restored.fetchval("select id from logical_probe") == 7
    finally:
        await restored.close()
