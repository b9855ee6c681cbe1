"""Every migration file follows the rules: name, rollback partner, non-transactional discipline, squawk."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sqlparse

from sqlfirst import paths
from sqlfirst.migrate import CORE, MIGRATION_NAME, non_transactional_problem
from sqlfirst.migrate.files import concurrent_index, discover

MIGRATIONS = paths.migrations_dir()
ROOT = Path(__file__).resolve().parents[1]
FORWARD = sorted(
    p for p in MIGRATIONS.glob("*.sql") if not p.name.endswith(".rollback.sql") and p.name != "schema.sql"
)
NAME = re.compile(rf"^\d{{4}}_(?:{'|'.join((CORE, *paths.domain_names()))})_[a-z][a-z0-9_]*$")


def test_there_are_migrations() -> None:
    assert FORWARD, f"no migrations found in {MIGRATIONS}"


@pytest.mark.parametrize("path", FORWARD, ids=lambda p: p.name)
def test_migration_file_name_is_number_domain_what(path: Path) -> None:
    assert MIGRATION_NAME.match(path.stem)
    assert NAME.match(path.stem), (
        f"{path.name}: expected NNNN_<domain>_<what>.sql, domain one of core, "
        + ", ".join(paths.domain_names())
    )


@pytest.mark.parametrize("path", FORWARD, ids=lambda p: p.name)
def test_migration_has_rollback(path: Path) -> None:
    rollback = path.with_name(path.stem + ".rollback.sql")
    assert rollback.exists(), f"{path.name} has no {rollback.name}"
    assert sqlparse.split(rollback.read_text()), f"{rollback.name} holds no statement"


def test_every_rollback_has_a_migration() -> None:
    orphans = [
        p.name
        for p in MIGRATIONS.glob("*.rollback.sql")
        if not p.with_name(p.name[: -len(".rollback.sql")] + ".sql").exists()
    ]
    assert not orphans


def test_migration_numbers_are_unique() -> None:
    numbers = [p.name[:4] for p in FORWARD]
    assert len(numbers) == len(set(numbers))


def test_the_folder_passes_the_migrators_own_file_rules() -> None:
    # The rules `up`, `status` and `verify` enforce (names, rollbacks, depends, re-runnable
    # non-transactional files); discover() raises MigrationFileError naming each file that breaks them.
    assert [p.name for p in discover(MIGRATIONS)] == [p.name for p in FORWARD]


@pytest.mark.parametrize(
    ("forward", "rollback", "ok"),
    [
        (
            "create index concurrently if not exists ix_t_a on core.t (a);",
            "drop index concurrently if exists core.ix_t_a;",
            True,
        ),
        ("create unique index concurrently if not exists ix_t_a on core.t using btree (a);", "", True),
        ("alter type core.mood add value if not exists 'meh';", "", True),
        ("alter type core.mood add value if not exists 'meh' before 'ok';", "-- values stay\n", True),
        (
            "create index concurrently ix_t_a on core.t (a);",
            "drop index concurrently if exists core.ix_t_a;",
            False,
        ),
        ("alter type core.mood add value 'meh';", "", False),
        (
            "create index concurrently if not exists ix_a on core.t (a);\n"
            "create index concurrently if not exists ix_b on core.t (b);",
            "",
            False,
        ),
        ("create table if not exists core.t (a int);", "", False),
        ("create index concurrently if not exists ix_t_a on core.t (a);", "drop index core.ix_t_a;", False),
        (
            "create index concurrently if not exists ix_t_a on core.t (a);",
            "drop index concurrently if exists core.ix_t_a;\ndrop table core.t;",
            False,
        ),
    ],
    ids=[
        "concurrent-index",
        "unique-concurrent-index",
        "add-enum-value",
        "add-enum-value-comment-rollback",
        "index-without-if-not-exists",
        "enum-value-without-if-not-exists",
        "two-statements",
        "not-allowed",
        "rollback-not-idempotent",
        "rollback-two-statements",
    ],
)
def test_non_transactional_rule_tells_rerunnable_from_unsafe(forward: str, rollback: str, ok: bool) -> None:
    text = "-- transactional: false\n" + forward + "\n"
    assert (non_transactional_problem(text, rollback) is None) is ok


def test_concurrent_index_reads_quoted_and_folded_names() -> None:
    index = concurrent_index('CREATE INDEX CONCURRENTLY IF NOT EXISTS "Ix ""T""" ON "Core".t (a)')
    assert index is not None
    assert (index.name, index.table) == ('Ix "T"', '"Core".t')
    folded = concurrent_index("create index concurrently if not exists IX_T_A on core.T (a)")
    assert folded is not None
    assert folded.name == "ix_t_a"
    assert concurrent_index("create index concurrently if not exists ix on only core.t (a)") is None


def _squawk(*files: Path) -> subprocess.CompletedProcess[str]:
    beside_python = Path(sys.executable).with_name("squawk")
    squawk = str(beside_python) if beside_python.exists() else shutil.which("squawk")
    assert squawk, "squawk (PyPI squawk-cli) is in the dev extra"
    return subprocess.run(
        [
            squawk,
            "--config",
            str(ROOT / ".squawk.toml"),
            "--pg-version",
            "15",
            "--reporter",
            "gcc",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_squawk_passes_every_migration() -> None:
    done = _squawk(*FORWARD)
    assert done.returncode == 0, done.stdout + done.stderr


def test_squawk_flags_a_dangerous_migration(tmp_path: Path) -> None:
    bad = tmp_path / "0099_core_bad.sql"
    bad.write_text(
        "alter table core.things drop column name;\nalter table core.things alter column id type bigint;\n"
    )
    done = _squawk(bad)
    assert done.returncode != 0
    assert "ban-drop-column" in done.stdout
    assert "changing-column-type" in done.stdout
