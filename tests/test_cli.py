"""The command line: real processes, real servers, one-line errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sqlfirst import paths


def sqlfirst(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sqlfirst", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("command", [[], ["db"], ["migrate"], ["check"], ["migrate", "up"]])
def test_every_command_has_help(command: list[str]) -> None:
    result = sqlfirst(*command, "--help")
    assert result.returncode == 0, result.stderr
    assert "Usage" in result.stdout


def test_migrate_up_applies_then_reports_nothing_to_do(empty_db_url: str) -> None:
    first = sqlfirst("migrate", "up", "--database-url", empty_db_url)
    assert first.returncode == 0, first.stderr
    assert "applied  0001_core_schema" in first.stdout
    assert "applied  0002_core_partitions" in first.stdout
    assert "applied  0010_agent_hub_schema" in first.stdout
    second = sqlfirst("migrate", "up", "--database-url", empty_db_url)
    assert second.returncode == 0, second.stderr
    assert "nothing to apply" in second.stdout
    status = sqlfirst("migrate", "status", "--database-url", empty_db_url)
    assert status.returncode == 0
    migrations = [
        p for p in paths.migrations_dir().glob("[0-9]*.sql") if not p.name.endswith(".rollback.sql")
    ]
    assert f"{len(migrations)} applied" in status.stdout
    # The status column of every row (a migration's own name may hold the word, as 0035's does).
    states = {cells[2].strip() for line in status.stdout.splitlines() if len(cells := line.split("│")) > 3}
    assert states == {"applied"}, status.stdout


def test_migrate_down_rolls_back_the_latest(empty_db_url: str) -> None:
    assert sqlfirst("migrate", "up", "--database-url", empty_db_url).returncode == 0
    down = sqlfirst("migrate", "down", "--database-url", empty_db_url)
    assert down.returncode == 0, down.stderr
    assert down.stdout.count("rolled back") == 1
    status = sqlfirst("migrate", "status", "--database-url", empty_db_url)
    assert "1 pending" in status.stdout or "pending" in status.stdout


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("mysql://root@localhost/db", "unsupported database URL scheme 'mysql'"),
        ("postgresql://postgres@127.0.0.1:99999/x", "malformed database URL"),
        (
            "postgresql://postgres@127.0.0.1:1/postgres",
            "cannot connect to postgresql://postgres@127.0.0.1:1/postgres",
        ),
    ],
)
def test_expected_failures_print_one_line_and_no_traceback(url: str, expected: str) -> None:
    result = sqlfirst("migrate", "up", "--database-url", url)
    assert result.returncode == 1
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_password_in_a_url_is_never_printed() -> None:
    result = sqlfirst("migrate", "status", "--database-url", "postgresql://u:hunter2@127.0.0.1:1/db")
    assert result.returncode == 1
    assert "hunter2" not in result.stderr
    assert "***" in result.stderr


def test_check_command_verifies_every_query(server_url: str) -> None:
    result = sqlfirst("check", "--database-url", server_url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("queries verified")
    assert int(result.stdout.split()[0]) >= 38


def test_migrate_new_creates_a_numbered_pair(tmp_path: Path) -> None:
    (tmp_path / "0001_core_schema.sql").write_text("select 1;\n")
    result = sqlfirst("migrate", "new", "agent_hub", "Add user settings", "--directory", str(tmp_path))
    assert result.returncode == 0, result.stderr
    created = tmp_path / "0002_agent_hub_add_user_settings.sql"
    assert created.exists()
    assert (tmp_path / "0002_agent_hub_add_user_settings.rollback.sql").exists()
    assert created.read_text().startswith("-- depends: 0001_core_schema")


def test_a_new_projects_first_migration_creates_its_folder(tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    result = sqlfirst("migrate", "new", "agent_hub", "first", "--directory", str(folder))
    assert result.returncode == 0, result.stderr
    assert (folder / "0001_agent_hub_first.sql").exists()
    assert (folder / "0001_agent_hub_first.rollback.sql").exists()
    nowhere = sqlfirst("migrate", "new", "agent_hub", "x", "--directory", str(tmp_path / "a" / "b"))
    assert nowhere.returncode == 1 and "nor a folder to create it in" in nowhere.stderr


def test_version_prints_the_installed_version() -> None:
    from importlib.metadata import version

    result = sqlfirst("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"sqlfirst {version('sqlfirst')}"


def test_migrate_new_refuses_to_write_into_the_installed_package() -> None:
    inside = paths.packaged_data_dir() / "migrations"
    result = sqlfirst("migrate", "new", "agent_hub", "add_thing", "--directory", str(inside))
    assert result.returncode == 1
    assert "inside the installed sqlfirst package" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) <= 3
    assert not inside.exists() or not list(inside.glob("*_agent_hub_add_thing.sql"))


def test_db_restore_refuses_a_bad_time_and_a_non_empty_target_in_one_line(tmp_path: Path) -> None:
    base = tmp_path / "base"
    base.mkdir()
    (base / "PG_VERSION").write_text("16\n")
    bad_time = sqlfirst("db", "restore", str(base), "--into", str(tmp_path / "new"), "--to", "yesterday")
    assert bad_time.returncode == 1
    assert "ISO 8601" in bad_time.stderr and "Traceback" not in bad_time.stderr
    occupied = tmp_path / "occupied"
    occupied.mkdir()
    (occupied / "PG_VERSION").write_text("16\n")
    taken = sqlfirst("db", "restore", str(base), "--into", str(occupied))
    assert taken.returncode == 1
    assert "not empty" in taken.stderr and "Traceback" not in taken.stderr
