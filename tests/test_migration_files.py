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
from sqlfirst.migrate import CORE, MIGRATION_NAME

MIGRATIONS = paths.migrations_dir()
ROOT = Path(__file__).resolve().parents[1]
FORWARD = sorted(
    p for p in MIGRATIONS.glob("*.sql") if not p.name.endswith(".rollback.sql") and p.name != "schema.sql"
)
NAME = re.compile(rf"^\d{{4}}_(?:{'|'.join((CORE, *paths.DOMAINS))})_[a-z][a-z0-9_]*$")
TRANSACTIONAL_FALSE = re.compile(r"^\s*--\s*transactional\s*:\s*false\s*$", re.IGNORECASE | re.MULTILINE)
ALLOWED_OUTSIDE_TRANSACTION = re.compile(
    r"^\s*(create\s+(unique\s+)?index\s+concurrently|alter\s+type\s+\S+\s+add\s+value)\b", re.IGNORECASE
)


def test_there_are_migrations() -> None:
    assert FORWARD, f"no migrations found in {MIGRATIONS}"


@pytest.mark.parametrize("path", FORWARD, ids=lambda p: p.name)
def test_migration_file_name_is_number_domain_what(path: Path) -> None:
    assert MIGRATION_NAME.match(path.stem)
    assert NAME.match(path.stem), (
        f"{path.name}: expected NNNN_<domain>_<what>.sql, domain one of core, " + ", ".join(paths.DOMAINS)
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


def non_transactional_problem(text: str) -> str | None:
    """Why a ``-- transactional: false`` migration breaks the rule, or None."""
    if not TRANSACTIONAL_FALSE.search(text):
        return None
    statements = [s for s in sqlparse.split(text) if sqlparse.format(s, strip_comments=True).strip()]
    if len(statements) != 1:
        return f"holds {len(statements)} statements; a non-transactional migration holds exactly one"
    body = sqlparse.format(statements[0], strip_comments=True).strip()
    if not ALLOWED_OUTSIDE_TRANSACTION.match(body):
        return "only CREATE INDEX CONCURRENTLY or ALTER TYPE ... ADD VALUE may run outside a transaction"
    return None


@pytest.mark.parametrize("path", FORWARD, ids=lambda p: p.name)
def test_non_transactional_migration_holds_one_allowed_statement(path: Path) -> None:
    problem = non_transactional_problem(path.read_text())
    assert problem is None, f"{path.name}: {problem}"


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("-- transactional: false\ncreate index concurrently ix_t_a on core.t (a);\n", True),
        ("-- transactional: false\nalter type core.mood add value 'meh';\n", True),
        ("create table core.t (a int);\ncreate index ix_t_a on core.t (a);\n", True),
        (
            "-- transactional: false\n"
            "create index concurrently ix_a on core.t (a);\n"
            "create index concurrently ix_b on core.t (b);\n",
            False,
        ),
        ("-- transactional: false\ncreate table core.t (a int);\n", False),
    ],
    ids=["concurrent-index", "add-enum-value", "transactional", "two-statements", "not-allowed"],
)
def test_non_transactional_rule_tells_good_from_bad(text: str, ok: bool) -> None:
    assert (non_transactional_problem(text) is None) is ok


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
