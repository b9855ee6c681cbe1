"""Every .sql file in the migrations folder is a valid migration or an error naming it: `up`,
`status` and `verify` never skip a file silently."""

from __future__ import annotations

from pathlib import Path

import pytest

from sqlfirst.migrate import MigrationFileError, Migrator
from sqlfirst.migrate.files import discover

from .migration_helpers import applied_ids, cli_env, copy_migrations, run_cli, write_migration

CORE_SCHEMA = "0001_core_schema"

# (file name, text, what the error says about it)
BAD_FILES = [
    ("0002_core_add-b.sql", "create table core.b (id int);\n", "no capitals, hyphens or spaces"),
    ("0003_Core_add_c.sql", "create table core.c (id int);\n", "no capitals, hyphens or spaces"),
    ("0004_core add d.sql", "create table core.d (id int);\n", "no capitals, hyphens or spaces"),
    ("add_e.sql", "create table core.e (id int);\n", "four digits"),
    ("0005_billing_add_f.sql", "create table core.f (id int);\n", "no known domain"),
    ("0006_core_add_g.SQL", "create table core.g (id int);\n", "lower case"),
    ("0007_core_add_h.py", "steps = []\n", "yoyo would run this Python"),
    ("0008_core_gone.rollback.sql", "drop table core.gone;\n", "a rollback without its migration"),
    (
        "0009_core_no_rollback.sql",
        "create table core.i (id int);\n",
        "has no 0009_core_no_rollback.rollback.sql",
    ),
    ("0010_core_bad_depends.sql", "-- depends: 0001_core_nope\nselect 1;\n", "depends on 0001_core_nope"),
    ("0011_core_maybe.sql", "-- transactional: maybe\nselect 1;\n", "must be true or false"),
    (
        "0012_core_plain_index.sql",
        "-- transactional: false\ncreate index concurrently ix_x on core.x (a);\n",
        "IF NOT EXISTS",
    ),
]


def _add_rollbacks(directory: Path) -> None:
    for path in directory.glob("*.sql"):
        if path.name.endswith(".rollback.sql") or "no_rollback" in path.name:
            continue
        rollback = path.with_name(path.stem + ".rollback.sql")
        if not rollback.exists():
            rollback.write_text("select 1;\n")


@pytest.mark.parametrize(("name", "text", "reason"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_each_bad_file_is_an_error_naming_it(tmp_path: Path, name: str, text: str, reason: str) -> None:
    migrations = copy_migrations(tmp_path / "migrations", CORE_SCHEMA)
    (migrations / name).write_text(text)
    _add_rollbacks(migrations)
    if name.endswith(".rollback.sql"):
        (migrations / name).write_text(text)  # its partner must stay missing

    with pytest.raises(MigrationFileError) as raised:
        discover(migrations)

    [problem] = raised.value.problems
    assert problem.path.name == name
    assert reason in problem.reason
    assert name in str(raised.value)


def test_the_snapshot_and_other_files_are_not_migrations(tmp_path: Path) -> None:
    migrations = copy_migrations(tmp_path / "migrations", CORE_SCHEMA)
    (migrations / "schema.sql").write_text("CREATE SCHEMA core;\n")
    (migrations / "README.md").write_text("notes\n")
    assert [p.name for p in discover(migrations)] == [f"{CORE_SCHEMA}.sql"]


async def test_up_status_and_verify_refuse_a_folder_with_a_bad_file_and_apply_nothing(
    empty_db_url: str, tmp_path: Path
) -> None:
    migrations = copy_migrations(tmp_path / "migrations", CORE_SCHEMA)
    write_migration(migrations, "0002_core_add-b", "create table core.b (id int);\n", "drop table core.b;\n")
    write_migration(migrations, "0003_Core_add_c", "create table core.c (id int);\n", "drop table core.c;\n")
    migrator = Migrator(empty_db_url, directory=migrations)

    for operation in (migrator.up, migrator.status, migrator.verify, migrator.down):
        with pytest.raises(MigrationFileError) as raised:
            operation()
        names = sorted(p.path.name for p in raised.value.problems)
        assert names == ["0002_core_add-b.sql", "0003_Core_add_c.sql"], operation
    assert await applied_ids(empty_db_url) == []

    # Renamed to the pattern, both are applied.
    for old, new in (("0002_core_add-b", "0002_core_add_b"), ("0003_Core_add_c", "0003_core_add_c")):
        for suffix in (".sql", ".rollback.sql"):
            (migrations / f"{old}{suffix}").rename(migrations / f"{new}{suffix}")
    assert migrator.up().applied == [CORE_SCHEMA, "0002_core_add_b", "0003_core_add_c"]


async def test_cli_names_the_bad_files_without_a_traceback(empty_db_url: str, tmp_path: Path) -> None:
    migrations = copy_migrations(tmp_path / "migrations", CORE_SCHEMA)
    write_migration(migrations, "0002_core_add-b", "create table core.b (id int);\n", "drop table core.b;\n")
    env = cli_env(migrations)
    for command in ("up", "status", "verify"):
        run = await run_cli("migrate", command, "--database-url", empty_db_url, env=env)
        assert run.returncode == 1, (command, run.stdout)
        assert "0002_core_add-b.sql" in run.stderr, command
        assert "Traceback" not in run.stderr
    assert await applied_ids(empty_db_url) == []


async def test_a_folder_whose_path_has_glob_characters_is_read(empty_db_url: str, tmp_path: Path) -> None:
    # yoyo reads its source as a glob pattern: "[v2]" would match "v" or "2" and find nothing.
    migrations = copy_migrations(tmp_path / "app[v2]" / "migrations", CORE_SCHEMA)
    write_migration(migrations, "0002_core_add_b", "create table core.b (id int);\n", "drop table core.b;\n")
    assert Migrator(empty_db_url, directory=migrations).up().applied == [CORE_SCHEMA, "0002_core_add_b"]
