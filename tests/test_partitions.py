"""Partition maintenance keeps pg_partman's promises on a RANGE-partitioned table made by the test."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest

from sqlfirst import partitions
from sqlfirst.db import Connection, connect_one

from .migration_helpers import cli_env, copy_migrations, run_cli, write_migration

Conn = Connection


def month_start(months_from_now: int) -> datetime:
    now = datetime.now(UTC)
    index = now.year * 12 + now.month - 1 + months_from_now
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


def name(months_from_now: int) -> str:
    return f"readings_p{month_start(months_from_now):%Y_%m}"


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Conn]:
    conn = await connect_one(db_url)
    await conn.execute(
        "create table public.readings ("
        " id bigint generated always as identity,"
        " taken_at timestamptz not null,"
        " value integer not null,"
        " constraint pk_readings primary key (id, taken_at)"
        ") partition by range (taken_at)"
    )
    try:
        yield conn
    finally:
        await conn.close()


async def register(conn: Conn, *args: str) -> None:
    extra = "".join(f", {a}" for a in args)
    await conn.execute(f"select core.register_partitioned_table('public.readings', 'taken_at'{extra})")


async def partition_names(conn: Conn) -> list[str]:
    rows = await conn.fetch(
        "select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid"
        " where i.inhparent = 'public.readings'::regclass order by c.relname"
    )
    return [r["relname"] for r in rows]


async def rows_in(conn: Conn, table: str) -> int:
    count: int = await conn.fetchval(f"select count(*) from public.{table}")
    return count


async def test_register_creates_default_current_and_premade_partitions(db: Conn) -> None:
    await register(db)
    assert await partition_names(db) == sorted(["readings_default", *(name(m) for m in range(4))])
    bounds = await db.fetchval(
        "select pg_get_expr(relpartbound, oid) from pg_class where relname = $1", name(1)
    )
    assert month_start(1).strftime("%Y-%m-%d 00:00:00+00") in bounds
    assert month_start(2).strftime("%Y-%m-%d 00:00:00+00") in bounds


async def test_rows_far_in_the_past_and_future_land_in_default_then_maintain_moves_them(db: Conn) -> None:
    await register(db)
    past, future = month_start(-120), month_start(240)
    await db.executemany(
        "insert into public.readings (taken_at, value) values ($1, $2)",
        [
            (past.replace(day=3), 1),
            (past.replace(day=20), 2),
            (future.replace(day=9), 3),
            (month_start(0), 4),
        ],
    )
    assert await rows_in(db, "readings_default") == 3

    actions = await partitions.maintain(db)

    by_kind = {(a.action, a.partition_name): a.row_count for a in actions}
    assert by_kind == {
        ("created", f"readings_p{past:%Y_%m}"): None,
        ("moved", f"readings_p{past:%Y_%m}"): 2,
        ("created", f"readings_p{future:%Y_%m}"): None,
        ("moved", f"readings_p{future:%Y_%m}"): 1,
    }
    assert await rows_in(db, "readings_default") == 0
    assert await rows_in(db, f"readings_p{past:%Y_%m}") == 2
    assert await rows_in(db, f"readings_p{future:%Y_%m}") == 1
    assert await rows_in(db, "readings") == 4
    values = await db.fetch("select value from public.readings order by value")
    assert [r["value"] for r in values] == [1, 2, 3, 4]


async def test_maintain_twice_changes_nothing_the_second_time(db: Conn) -> None:
    await register(db)
    await db.execute("insert into public.readings (taken_at, value) values ('2001-02-03', 1)")
    assert await partitions.maintain(db)
    names = await partition_names(db)
    assert await partitions.maintain(db) == []
    assert await partition_names(db) == names


async def test_retention_drops_exactly_the_expired_partitions(db: Conn) -> None:
    await register(db)
    await db.executemany(
        "insert into public.readings (taken_at, value) values (now() - $1::text::interval, 1)",
        [("8 months",), ("2 months",)],
    )
    # The month that holds the cutoff (now - 5 months) starts before it and ends after it: it is not
    # wholly expired, so it stays (retention goes by a partition's upper bound, not its lower one).
    await db.execute("insert into public.readings (taken_at, value) values ($1, 1)", month_start(-5))
    await partitions.maintain(db)
    before = await partition_names(db)
    assert {name(-8), name(-5), name(-2)} <= set(before)

    await register(db, "3", "'5 months'", "'drop'")

    after = await partition_names(db)
    assert sorted(set(before) - set(after)) == [name(-8)]
    assert await db.fetchval("select to_regclass($1)", f"public.{name(-8)}") is None
    assert await rows_in(db, name(-5)) == 1
    assert await rows_in(db, "readings") == 2


async def test_retention_in_detach_mode_keeps_the_table_outside_the_parent(db: Conn) -> None:
    await register(db)
    await db.execute("insert into public.readings (taken_at, value) values (now() - interval '8 months', 7)")
    await db.execute("insert into public.readings (taken_at, value) values ($1, 5)", month_start(-5))
    await partitions.maintain(db)
    await db.execute("update core.partitioned_tables set retention = '5 months'")

    actions = await partitions.maintain(db)

    assert [(a.action, a.partition_name) for a in actions] == [("detached", name(-8))]
    assert name(-8) not in await partition_names(db)
    assert name(-5) in await partition_names(db)
    assert await db.fetchval(f"select value from public.{name(-8)}") == 7
    assert await rows_in(db, "readings") == 1


# Far from UTC on either side: a row near a month's edge in UTC is in the next (or previous) month there.
FAR_ZONES = ["Pacific/Kiritimati", "Etc/GMT+12"]  # UTC+14 and UTC-12


@pytest.mark.parametrize("zone", FAR_ZONES)
async def test_maintenance_buckets_rows_by_utc_whatever_the_session_time_zone(db: Conn, zone: str) -> None:
    await db.execute(f"set timezone = '{zone}'")
    await register(db)
    feb = datetime(2020, 2, 29, 23, 30, tzinfo=UTC)  # 1 March in Kiritimati
    mar = datetime(2020, 3, 1, 0, 30, tzinfo=UTC)  # still 29 February at UTC-12
    await db.executemany(
        "insert into public.readings (taken_at, value) values ($1, $2)", [(feb, 1), (mar, 2)]
    )

    actions = await partitions.maintain(db)

    moved = {a.partition_name: a.row_count for a in actions if a.action == "moved"}
    assert moved == {"readings_p2020_02": 1, "readings_p2020_03": 1}
    assert await db.fetchval("select value from public.readings_p2020_02") == 1
    assert await db.fetchval("select value from public.readings_p2020_03") == 2
    [table] = [t for t in await partitions.status(db) if t.parent_table == "public.readings"]
    bounds = {p.name: (p.lower_bound, p.upper_bound) for p in table.partitions}
    assert bounds["readings_p2020_02"] == (datetime(2020, 2, 1), datetime(2020, 3, 1))
    assert bounds[name(0)] == (month_start(0).replace(tzinfo=None), month_start(1).replace(tzinfo=None))


async def test_premade_daily_partitions_follow_the_utc_date_not_the_session_one(db: Conn) -> None:
    now = datetime.now(UTC)
    # Whichever far zone is on another calendar day than UTC right now.
    zone = "Pacific/Kiritimati" if now.hour >= 10 else "Etc/GMT+12"
    await db.execute(f"set timezone = '{zone}'")
    await db.execute(
        "insert into core.partitioned_tables (parent_table, control_column, partition_interval, premake)"
        " values ('public.readings', 'taken_at', '1 day', 1)"
    )
    await partitions.maintain(db)

    today = now.date()
    days = [today.fromordinal(today.toordinal() + n) for n in range(2)]
    assert await partition_names(db) == sorted(
        ["readings_default", *(f"readings_p{d:%Y_%m_%d}" for d in days)]
    )
    await db.execute("insert into public.readings (taken_at, value) values (now(), 1)")
    assert await rows_in(db, "readings_default") == 0


async def test_time_range_query_prunes_to_the_partitions_that_can_match(db: Conn) -> None:
    await register(db)
    start = month_start(1)
    plan = await db.fetchval(
        "explain (format json) select count(*) from public.readings where taken_at >= $1 and taken_at < $2",
        start.replace(day=5),
        start.replace(day=20),
    )
    scanned = set(_relations(json.loads(plan) if isinstance(plan, str) else plan))
    assert scanned == {name(1)}

    wide = await db.fetchval(
        "explain (format json) select count(*) from public.readings where taken_at >= $1 and taken_at < $2",
        start.replace(day=20),
        month_start(2).replace(day=10),
    )
    assert set(_relations(json.loads(wide) if isinstance(wide, str) else wide)) == {name(1), name(2)}


def _relations(node: object) -> list[str]:
    found: list[str] = []
    if isinstance(node, dict):
        if "Relation Name" in node:
            found.append(node["Relation Name"])
        for value in node.values():
            found += _relations(value)
    elif isinstance(node, list):
        for value in node:
            found += _relations(value)
    return found


async def test_index_on_the_parent_reaches_every_partition_old_and_new(db: Conn) -> None:
    await register(db)
    await db.execute("create index ix_readings_value on public.readings (value)")
    await db.execute("insert into public.readings (taken_at, value) values ('1999-12-31', 1)")
    await partitions.maintain(db)  # a partition created after the index

    missing = await db.fetch(
        "select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid"
        " where i.inhparent = 'public.readings'::regclass and not exists ("
        "   select 1 from pg_index x join pg_inherits xi on xi.inhrelid = x.indexrelid"
        "   where x.indrelid = c.oid and xi.inhparent = 'public.ix_readings_value'::regclass)"
    )
    assert [r["relname"] for r in missing] == []
    assert "readings_p1999_12" in await partition_names(db)


async def test_register_rejects_a_table_that_is_not_range_partitioned_by_the_column(db: Conn) -> None:
    await db.execute("create table public.plain (taken_at timestamptz not null)")
    with pytest.raises(asyncpg.InvalidParameterValueError, match="not a RANGE-partitioned table"):
        await db.execute("select core.register_partitioned_table('public.plain', 'taken_at')")
    with pytest.raises(asyncpg.InvalidParameterValueError, match="value"):
        await db.execute("select core.register_partitioned_table('public.readings', 'value')")


async def test_status_reports_partitions_and_rows_waiting_in_default(db: Conn) -> None:
    await register(db, "1")
    await db.execute("insert into public.readings (taken_at, value) values ('1990-01-01', 1), (now(), 2)")

    [table] = [t for t in await partitions.status(db) if t.parent_table == "public.readings"]

    assert table.rows_in_default == 1
    assert [p.name for p in table.partitions] == [name(0), name(1), "readings_default"]
    assert [p.row_count for p in table.partitions] == [1, 0, 1]
    assert table.partitions[0].lower_bound == month_start(0).replace(tzinfo=None)


async def test_cli_maintain_and_status_print_what_happened(db: Conn, db_url: str) -> None:
    await register(db)
    await db.execute("insert into public.readings (taken_at, value) values ('1990-01-01', 1)")
    env = cli_env()

    status = await run_cli("partitions", "status", "--database-url", db_url, env=env)
    assert status.returncode == 0, status.stderr
    assert "public.readings" in status.stdout
    assert name(0) in status.stdout
    assert "readings_default (default)" in status.stdout
    assert "1 row(s) in the default partition" in status.stdout

    maintain = await run_cli("partitions", "maintain", "--database-url", db_url, env=env)
    assert maintain.returncode == 0, maintain.stderr
    assert "created" in maintain.stdout
    assert "readings_p1990_01" in maintain.stdout
    assert "1 row(s) out of the default partition" in maintain.stdout

    again = await run_cli("partitions", "maintain", "--database-url", db_url, env=env)
    assert "nothing to do" in again.stdout


async def test_daily_interval_names_partitions_by_day(db: Conn) -> None:
    await db.execute(
        "insert into core.partitioned_tables (parent_table, control_column, partition_interval, premake)"
        " values ('public.readings', 'taken_at', '1 day', 2)"
    )
    await partitions.maintain(db)
    await db.execute("insert into public.readings (taken_at, value) values ('2020-02-29 23:30:00+00', 1)")
    await partitions.maintain(db)

    today = datetime.now(UTC).date()
    days = [today.fromordinal(today.toordinal() + n) for n in range(3)]
    expected = ["readings_default", "readings_p2020_02_29", *(f"readings_p{d:%Y_%m_%d}" for d in days)]
    assert await partition_names(db) == sorted(expected)
    assert await rows_in(db, "readings_p2020_02_29") == 1


async def test_a_migration_registers_its_table_and_its_rollback_unregisters_it(
    empty_db_url: str, tmp_path: Path
) -> None:
    migrations = copy_migrations(tmp_path / "migrations", "0001_core_schema", "0002_core_partitions")
    write_migration(
        migrations,
        "0099_core_readings",
        "-- depends: 0002_core_partitions\n"
        "create table core.readings (taken_at timestamptz not null) partition by range (taken_at);\n"
        "select core.register_partitioned_table('core.readings', 'taken_at');\n",
        "select core.unregister_partitioned_table('core.readings');\ndrop table core.readings;\n",
    )
    env = cli_env(migrations)
    up = await run_cli("migrate", "up", "--database-url", empty_db_url, env=env)
    assert up.returncode == 0, up.stderr
    assert "register_partitioned_table" not in up.stdout  # yoyo's echo of the SELECT is swallowed
    conn = await connect_one(empty_db_url)
    try:
        assert await conn.fetchval("select count(*) from core.partitioned_tables") == 1
        assert await conn.fetchval("select to_regclass('core.readings_default')") is not None

        down = await run_cli("migrate", "down", "--database-url", empty_db_url, env=env)
        assert down.returncode == 0, down.stderr
        assert await conn.fetchval("select count(*) from core.partitioned_tables") == 0
        assert await conn.fetchval("select to_regclass('core.readings')") is None
    finally:
        await conn.close()


async def test_cli_status_on_a_fresh_database_and_on_an_unmigrated_one(
    db_url: str, empty_db_url: str
) -> None:
    fresh = await run_cli("partitions", "status", "--database-url", db_url, env=cli_env())
    assert fresh.returncode == 0, fresh.stderr
    assert "partitioned tables under maintenance" in fresh.stdout
    # A migrated database has the domains' partitioned tables registered by their migrations.
    assert "deals.price_tracking" in fresh.stdout
    assert "price_tracking_default (default)" in fresh.stdout

    unmigrated = await run_cli("partitions", "status", "--database-url", empty_db_url, env=cli_env())
    assert unmigrated.returncode == 1
    assert "sqlfirst migrate up" in unmigrated.stderr
    assert "Traceback" not in unmigrated.stderr
