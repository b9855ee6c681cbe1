"""A broken project configuration is one ``error:`` line from the command that reads it, never a
traceback from every command (the CLI imports the domains' commands before it parses anything)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BROKEN = {
    "a folder that is not a string": "[tool.sqlfirst]\nsql = 5\n[tool.sqlfirst.domains]\nshop = 'shopapp'\n",
    "a domain that is not snake_case": "[tool.sqlfirst.domains]\nMyShop = 'shopapp'\n",
    "an unreadable pyproject naming tool.sqlfirst": "[tool.sqlfirst\nsql = \n",
}


def _sqlfirst(root: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SQLFIRST_", "PG")) and k != "DATABASE_URL"
    }
    env["SQLFIRST_EMBEDDED"] = "never"
    return subprocess.run(
        [sys.executable, "-m", "sqlfirst", *argv],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("config", BROKEN.values(), ids=BROKEN.keys())
def test_a_broken_configuration_is_one_error_line_and_help_still_works(
    server_url: str, tmp_path: Path, config: str
) -> None:
    (tmp_path / "pyproject.toml").write_text(config)
    helped = _sqlfirst(tmp_path, "--help")
    assert helped.returncode == 0 and "Traceback" not in helped.stderr, helped.stderr
    for argv in (
        ["migrate", "status", "--database-url", server_url],
        ["check", "--database-url", server_url],
    ):
        done = _sqlfirst(tmp_path, *argv)
        assert done.returncode == 1, (argv, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr, done.stderr
        assert done.stderr.startswith("error:") and "pyproject.toml" in done.stderr, done.stderr


def test_a_domain_whose_commands_cannot_be_imported_fails_alone(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.sqlfirst.domains]\nshop = {package = 'shopapp', cli = 'shopapp.cli:app'}\n"
    )
    helped = _sqlfirst(tmp_path, "--help")
    assert helped.returncode == 0 and "Traceback" not in helped.stderr, helped.stderr
    assert "shop" in helped.stdout
    done = _sqlfirst(tmp_path, "shop", "rotate", "--now")
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert "sqlfirst shop: cannot load its commands from shopapp.cli:app" in " ".join(done.stderr.split())
    assert "No module named 'shopapp'" in done.stderr


def test_an_app_run_outside_its_project_is_told_how_to_find_it(tmp_path: Path) -> None:
    (tmp_path / "shopapp").mkdir()
    (tmp_path / "shopapp" / "__init__.py").write_text("")
    (tmp_path / "shopapp" / "items.py").write_text(
        'from sqlfirst import SqlFile\n_sql = SqlFile("shop", "items")\n'
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("SQLFIRST_")}
    env["PYTHONPATH"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", "import shopapp.items"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 1
    assert "QueryDeclarationError: no query file" in done.stderr
    said = " ".join(done.stderr.split())
    assert "'shop' is not a built-in domain, and no project with a [tool.sqlfirst] table" in said
    assert f"was found from {tmp_path}" in said
    assert "set SQLFIRST_PROJECT" in done.stderr


def test_a_domain_package_that_cannot_be_imported_is_named(server_url: str, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.sqlfirst.domains]\nshop = 'shopapp'\n")
    (tmp_path / "sql" / "shop").mkdir(parents=True)
    (tmp_path / "sql" / "shop" / "items.sql").write_text("-- name: one()$\n-- One.\nselect 1;\n")
    (tmp_path / "migrations").mkdir()
    done = _sqlfirst(tmp_path, "check", "--database-url", server_url)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    said = " ".join(done.stderr.split())
    assert said.startswith("error: cannot import shopapp, the package declaring domain shop's queries"), said
    assert f"put the package in {tmp_path}" in said


def test_a_pyproject_naming_tool_sqlfirst_that_is_not_utf8_is_an_error(
    server_url: str, tmp_path: Path
) -> None:
    text = "[project]\nauthors = [{name = 'José'}]\n[tool.sqlfirst.domains]\nshop = 'shopapp'\n"
    (tmp_path / "pyproject.toml").write_bytes(text.encode("latin-1"))
    done = _sqlfirst(tmp_path, "migrate", "status", "--database-url", server_url)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith("error: cannot read") and "pyproject.toml" in done.stderr, done.stderr


def test_a_domain_cli_imports_from_the_project_folder(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.sqlfirst.domains]\nshop = {package = 'shopapp', cli = 'shopapp.cli:app'}\n"
    )
    (tmp_path / "shopapp").mkdir()
    (tmp_path / "shopapp" / "__init__.py").write_text("")
    (tmp_path / "shopapp" / "cli.py").write_text(
        "import typer\napp = typer.Typer()\n\n@app.command()\ndef hello() -> None:\n"
        "    print('hello shop')\n\n@app.command()\ndef bye() -> None:\n    print('bye')\n"
    )
    (tmp_path / "sub").mkdir()
    done = _sqlfirst(tmp_path / "sub", "shop", "hello")  # not the project's folder: not on sys.path by itself
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "hello shop"
