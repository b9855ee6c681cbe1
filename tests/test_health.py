"""`sqlfirst db health` finds what needs care and is quiet on a healthy database."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys

import asyncpg

from sqlfirst.db import connect_one
from sqlfirst.health import Thresholds, check_health


async def _flush(conn: asyncpg.Connection[asyncpg.Record]) -> None:
    # Statistics reach the shared views when a backend flushes them (PG15+: on demand).
    await conn.execute("select pg_stat_force_next_flush()")
    await conn.execute("select 1")


async def test_a_fresh_database_is_healthy(db_url: str) -> None:
    conn = await connect_one(db_url)
    try:
        report = await check_health(conn)
    finally:
        await conn.close()
    assert report.ok, report.findings
    assert [f.check for f in report.findings] == ["connections"]


async def test_unused_index_dead_tuples_default_rows_and_idle_transaction_are_flagged(db_url: str) -> None:
    conn = await connect_one(db_url)
    idle = await connect_one(db_url)
    idle_pid = idle.get_server_pid()
    try:
        await conn.execute(
            "create table public.readings (id int primary key, sensor int, value int)"
            " with (autovacuum_enabled = false);"
            "create index ix_readings_value on public.readings (value);"
            "insert into public.readings select g, g % 10, g from generate_series(1, 5000) g;"
            "analyze public.readings;"
        )
        for _ in range(60):  # read the table by sensor: the value index is never used
            await conn.fetch("select count(*) from public.readings where sensor = 3")
        await conn.execute("delete from public.readings where id > 1000")
        await _flush(conn)
        transaction = idle.transaction()
        await transaction.start()
        await idle.execute("select 1")
        await asyncio.sleep(1.2)
        report = await check_health(conn, thresholds=Thresholds(transaction_threshold_s=1.0))
        await transaction.rollback()
    finally:
        await idle.close()
        await conn.close()
    found = {(f.check, f.object) for f in report.findings if f.severity == "action"}
    assert ("unused_index", "public.ix_readings_value") in found
    assert ("dead_tuples", "public.readings") in found
    (waiting,) = [f for f in report.findings if f.check == "long_transaction"]
    assert waiting.object == f"pid {idle_pid}"
    assert waiting.detail.startswith("idle in transaction for ")
    assert not report.ok


async def test_rows_in_a_default_partition_are_flagged(db_url: str) -> None:
    conn = await connect_one(db_url)
    try:
        await conn.execute(
            "create table public.events (at timestamptz not null, n int) partition by range (at);"
            "select core.register_partitioned_table('public.events'::regclass, 'at', 2, null, 'detach');"
            "select * from core.run_partition_maintenance('public.events'::regclass);"
            "insert into public.events values (now() + interval '5 years', 1)"
        )
        report = await check_health(conn, schemas=["public"])
    finally:
        await conn.close()
    assert ("default_partition_rows", "public.events") in {(f.check, f.object) for f in report.findings}


def test_the_command_exits_1_and_prints_json_when_action_is_needed(db_url: str) -> None:
    async def seed() -> None:
        conn = await asyncpg.connect(db_url)
        try:
            await conn.execute(
                "create table public.t (at timestamptz not null) partition by range (at);"
                "select core.register_partitioned_table('public.t'::regclass, 'at', 1, null, 'detach');"
                "select * from core.run_partition_maintenance('public.t'::regclass);"
                "insert into public.t values (now() + interval '3 years')"
            )
        finally:
            await conn.close()

    asyncio.run(seed())
    result = _health_command(db_url)
    assert result.returncode == 1, result.stderr
    doc = json.loads(result.stdout)
    assert doc["ok"] is False
    assert any(f["check"] == "default_partition_rows" for f in doc["findings"])


def test_the_command_exits_0_on_a_healthy_fresh_database(db_url: str) -> None:
    result = _health_command(db_url)
    assert result.returncode == 0, result.stdout + result.stderr
    doc = json.loads(result.stdout)
    assert doc["ok"] is True
    assert [f["severity"] for f in doc["findings"]] == ["info"]  # connections by state, nothing to do


def _health_command(db_url: str) -> subprocess.CompletedProcess[str]:
    """``sqlfirst db health --json`` on ``db_url``, in a child process, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "sqlfirst", "db", "health", "--json", "--database-url", db_url],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=120,
        check=False,
    )
