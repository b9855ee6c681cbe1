"""Applied migrations cannot change silently: checksums, verify, status, and all-or-nothing applies."""

from __future__ import annotations

from pathlib import Path

import asyncpg
import pytest

from sqlfirst import paths
from sqlfirst.migrate import CHECKSUM_TABLE, IntegrityError, MigrationError, MigrationFileError, Migrator

from .migration_helpers import applied_ids, cli_env, copy_migrations, run_cli, write_migration

AGENT_HUB = "0010_agent_hub_schema"
# The newest agent_hub migration: nothing depends on it, so it can be removed or renamed alone.
AGENT_HUB_LEAF = max(
    p.stem for p in paths.migrations_dir().glob("*_agent_hub_*.sql") if not p.name.endswith(".rollback.sql")
)


@pytest.fixture
def migrations(tmp_path: Path) -> Path:
    return copy_migrations(tmp_path / "migrations")


def all_ids(directory: Path) -> list[str]:
    return sorted(p.stem for p in directory.glob("[0-9]*.sql") if not p.name.endswith(".rollback.sql"))


async def test_verify_passes_right_after_up(empty_db_url: str, migrations: Path) -> None:
    migrator = Migrator(empty_db_url, directory=migrations)
    result = migrator.up()
    assert result.applied == all_ids(migrations)
    report = migrator.verify()
    assert report.ok
    assert report.verified == len(all_ids(migrations))
    assert report.recorded == []


async def test_edited_migration_fails_verify_and_blocks_up(empty_db_url: str, migrations: Path) -> None:
    migrator = Migrator(empty_db_url, directory=migrations)
    migrator.up()
    path = migrations / f"{AGENT_HUB}.sql"
    path.write_text(path.read_text() + "\ncreate index ix_users_full_name on agent_hub.users (full_name);\n")

    report = migrator.verify()
    assert [(p.id, p.kind) for p in report.problems] == [(AGENT_HUB, "edited")]
    with pytest.raises(IntegrityError, match=AGENT_HUB) as raised:
        migrator.up()
    assert "--allow-edited" in str(raised.value)
    with pytest.raises(IntegrityError):
        migrator.down()
    assert [s.state for s in migrator.status() if s.id == AGENT_HUB] == ["edited"]


async def test_allow_edited_runs_and_reports_what_it_ignored(empty_db_url: str, migrations: Path) -> None:
    migrator = Migrator(empty_db_url, directory=migrations)
    migrator.up()
    path = migrations / f"{AGENT_HUB}.sql"
    path.write_text(path.read_text() + "\n-- a comment is an edit too\n")
    write_migration(
        migrations,
        "0011_agent_hub_more",
        "-- depends: 0010_agent_hub_schema\ncreate table agent_hub.more (id int primary key);\n",
        "drop table agent_hub.more;\n",
    )

    result = migrator.up(allow_edited=True)

    assert result.applied == ["0011_agent_hub_more"]
    assert [p.id for p in result.ignored] == [AGENT_HUB]
    # The recorded checksum still describes what was applied: verify keeps failing.
    assert not migrator.verify().ok


async def test_edited_rollback_is_detected(empty_db_url: str, migrations: Path) -> None:
    migrator = Migrator(empty_db_url, directory=migrations)
    migrator.up()
    (migrations / f"{AGENT_HUB}.rollback.sql").write_text("drop schema agent_hub;\n")
    [problem] = migrator.verify().problems
    assert problem.id == AGENT_HUB
    assert "rollback" in problem.detail


async def test_removed_migration_is_reported_missing(empty_db_url: str, migrations: Path) -> None:
    migrator = Migrator(empty_db_url, directory=migrations)
    migrator.up()
    (migrations / f"{AGENT_HUB_LEAF}.sql").unlink()
    (migrations / f"{AGENT_HUB_LEAF}.rollback.sql").unlink()
    [problem] = migrator.verify().problems
    assert (problem.id, problem.kind) == (AGENT_HUB_LEAF, "missing")
    assert [s.state for s in migrator.status() if s.id == AGENT_HUB_LEAF] == ["missing"]


async def test_renamed_migration_is_reported_with_its_new_name(empty_db_url: str, migrations: Path) -> None:
    migrator = Migrator(empty_db_url, directory=migrations)
    migrator.up()
    renamed = f"{AGENT_HUB_LEAF[:4]}_agent_hub_renamed"
    for suffix in (".sql", ".rollback.sql"):
        (migrations / f"{AGENT_HUB_LEAF}{suffix}").rename(migrations / f"{renamed}{suffix}")
    [problem] = migrator.verify().problems
    assert (problem.id, problem.kind) == (AGENT_HUB_LEAF, "renamed")
    assert renamed in problem.detail
    # Applying the renamed file would apply its change twice: up refuses.
    with pytest.raises(IntegrityError):
        migrator.up()


async def test_migrations_applied_before_checksums_get_them_recorded(
    empty_db_url: str, migrations: Path
) -> None:
    migrator = Migrator(empty_db_url, directory=migrations)
    migrator.up()
    conn = await asyncpg.connect(empty_db_url)
    try:
        await conn.execute(f"drop table {CHECKSUM_TABLE}")
    finally:
        await conn.close()

    assert {s.state for s in migrator.status()} == {"unrecorded"}
    report = migrator.verify()
    assert report.ok
    assert sorted(report.recorded) == all_ids(migrations)
    assert {s.state for s in migrator.status()} == {"applied"}
    assert migrator.verify().recorded == []


async def test_failed_migration_leaves_nothing_behind(empty_db_url: str, migrations: Path) -> None:
    write_migration(
        migrations,
        "0011_agent_hub_broken",
        "-- depends: 0010_agent_hub_schema\n"
        "create table agent_hub.half_done (id int primary key);\n"
        "insert into agent_hub.half_done values (1), (1);\n",
        "drop table agent_hub.half_done;\n",
    )
    migrator = Migrator(empty_db_url, directory=migrations)
    with pytest.raises(MigrationError, match="0011_agent_hub_broken"):
        migrator.up()

    assert "0011_agent_hub_broken" not in await applied_ids(empty_db_url)
    conn = await asyncpg.connect(empty_db_url)
    try:
        assert await conn.fetchval("select to_regclass('agent_hub.half_done')") is None
        recorded = await conn.fetchval(
            f"select count(*) from {CHECKSUM_TABLE} where migration_id like '0011%'"
        )
        assert recorded == 0
    finally:
        await conn.close()


async def test_non_transactional_migration_with_two_statements_is_refused(
    empty_db_url: str, migrations: Path
) -> None:
    write_migration(
        migrations,
        "0011_agent_hub_indexes",
        "-- depends: 0010_agent_hub_schema\n-- transactional: false\n"
        "create index concurrently ix_users_full_name on agent_hub.users (full_name);\n"
        "create index concurrently ix_users_is_active on agent_hub.users (is_active);\n",
        "drop index agent_hub.ix_users_full_name;\ndrop index agent_hub.ix_users_is_active;\n",
    )
    migrator = Migrator(empty_db_url, directory=migrations)
    with pytest.raises(MigrationFileError, match=r"0011_agent_hub_indexes\.sql: holds 2 statements"):
        migrator.up()
    # The folder is checked before anything runs: not even core was applied.
    assert await applied_ids(empty_db_url) == []


async def test_non_transactional_migration_applies_and_rolls_back(
    empty_db_url: str, migrations: Path
) -> None:
    write_migration(
        migrations,
        "9999_agent_hub_full_name_index",
        "-- depends: 0010_agent_hub_schema\n-- transactional: false\n"
        "create index concurrently if not exists ix_users_full_name on agent_hub.users (full_name);\n",
        "drop index concurrently if exists agent_hub.ix_users_full_name;\n",
    )
    # Only core and agent_hub, so the new file is the one migration to roll back first.
    migrator = Migrator(empty_db_url, directory=migrations, domains=["agent_hub"])
    assert "9999_agent_hub_full_name_index" in migrator.up().applied
    assert migrator.verify().ok
    assert migrator.down() == ["9999_agent_hub_full_name_index"]
    assert "9999_agent_hub_full_name_index" not in await applied_ids(empty_db_url)


async def test_cli_verify_exits_nonzero_naming_the_edited_migration(
    empty_db_url: str, migrations: Path
) -> None:
    env = cli_env(migrations)
    up = await run_cli("migrate", "up", "--database-url", empty_db_url, env=env)
    assert up.returncode == 0, up.stderr
    ok = await run_cli("migrate", "verify", "--database-url", empty_db_url, env=env)
    assert ok.returncode == 0, ok.stderr

    path = migrations / f"{AGENT_HUB}.sql"
    path.write_text(path.read_text().replace("varchar(50)", "varchar(60)", 1))
    bad = await run_cli("migrate", "verify", "--database-url", empty_db_url, env=env)
    assert bad.returncode == 1
    assert AGENT_HUB in bad.stderr
    assert "Traceback" not in bad.stderr

    refused = await run_cli("migrate", "up", "--database-url", empty_db_url, env=env)
    assert refused.returncode == 1
    assert AGENT_HUB in refused.stderr
    status = await run_cli("migrate", "status", "--database-url", empty_db_url, env=env)
    assert status.returncode == 1
    assert "edited" in status.stdout
