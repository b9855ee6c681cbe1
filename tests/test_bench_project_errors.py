"""``sqlfirst bench`` on a project of one's own: what the project's workloads, generator, benchmarks
folder or bench database get wrong is reported as the project's, naming the domain, query or table,
never as "a bug in sqlfirst"."""

from __future__ import annotations

import hashlib
import json
import secrets
from pathlib import Path

import pytest

from tests.cli_driver import CliResult, run_cli
from tests.conftest import _create_database, _drop_database
from tests.test_project import MIGRATION, WORKLOADS, _env, _write_project

pytest.importorskip("sqlalchemy", reason="sqlfirst bench needs the bench extra")

QUICK = ["--scale", "small", "--no-plot", "--duration", "1", "--iterations", "30", "--clients", "2"]
QUICK += ["--mixed-calls", "3"]
BUG = "a bug in sqlfirst"


def _project(tmp_path: Path, workloads: str = WORKLOADS) -> Path:
    root = tmp_path / "shopdemo-project"
    root.mkdir()
    _write_project(root)
    (root / "benchmarks" / "workloads" / "shop.py").write_text(workloads)
    return root


def _bench(root: Path, *argv: str) -> CliResult:
    (result,) = run_cli([["bench", *QUICK, *argv]], env=_env(root), cwd=root)
    return result


def _error_line(result: CliResult) -> str:
    assert result.code == 1, result.stdout[-2000:] + result.stderr
    assert BUG not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, result.stderr
    return lines[0]


async def test_workload_errors_fail_their_query_in_a_bench_database_of_the_projects_own(
    server_url: str, tmp_path: Path
) -> None:
    workloads = WORKLOADS.replace('{"id": rng.choice(ids)}', '{"id": rng.choice(ids), **{}["nope"]}')
    workloads = workloads.replace('{"name": f"bench {rng.random()}"', '{"nom": f"bench {rng.random()}"')
    root = _project(tmp_path, workloads)
    # The project's folder and a hash of its path, not the built-in domains' database.
    digest = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:6]
    database = f"sqlfirst_bench_shopdemo_project_{digest}_small"
    await _drop_database(server_url, database)
    try:
        result = _bench(root, "--database-url", server_url, "--json", "bench.json")
    finally:
        await _drop_database(server_url, database)
    assert result.code == 1 and BUG not in result.stderr, result.stdout[-3000:] + result.stderr
    shown = next(line for line in result.stdout.splitlines() if line.startswith("bench database: "))
    assert f"/{database}" in shown, shown
    failures = json.loads((root / "bench.json").read_text())["failures"]
    assert "shop.get_item: workload failed: params raised KeyError: 'nope'" in failures
    assert (
        "shop.add_item: workload failed: params returned unexpected argument 'nom'; missing argument"
        " 'name' (the plan check binds every argument of add_item: name, price)" in failures
    ), failures
    assert "mixed pass shop.get_item: params raised KeyError: 'nope'" in failures
    assert (
        "mixed pass shop.add_item: params returned unexpected argument 'nom'; missing argument 'name'"
        " (add_item takes name, price)" in failures
    ), failures
    verdict = f"FAIL: {len(failures)} failures; measured 2 queries, 0 side-by-side workloads"
    assert verdict in result.stdout.splitlines(), result.stdout[-1000:]


async def test_a_sample_that_raises_names_the_domain(server_url: str, tmp_path: Path) -> None:
    workloads = WORKLOADS.replace("async def sample(conn: Any, rng: random.Random) -> list[int]:\n", "")
    workloads = workloads.replace(
        "    return [r[0] for r in await conn.fetch(",
        "async def sample(conn, rng):\n    return [r['nope'] for r in await conn.fetch(",
    )
    root = _project(tmp_path, workloads)
    database = f"sqlfirst_bench_user_errors_{secrets.token_hex(4)}"
    try:
        line = _error_line(_bench(root, "--database-url", server_url, "--database", database))
    finally:
        await _drop_database(server_url, database)
    assert line == "error: shop: BENCH.sample raised KeyError: 'nope'", line


def test_an_import_error_in_a_workloads_package_names_its_folder(tmp_path: Path) -> None:
    root = _project(tmp_path)
    package = root / "benchmarks" / "workloads" / "shop"
    package.mkdir()
    (root / "benchmarks" / "workloads" / "shop.py").rename(package / "__init__.py")
    (package / "__init__.py").write_text("import shop_helpers_not_written_yet\n" + WORKLOADS)
    line = _error_line(_bench(root))
    assert line == (
        "error: benchmarks/workloads/shop: cannot import: ModuleNotFoundError: "
        "No module named 'shop_helpers_not_written_yet'"
    ), line


@pytest.mark.parametrize("folder", ["pydantic", "json", "sqlfirst"])
def test_a_benchmarks_folder_named_like_an_installed_module_is_named_as_such(
    tmp_path: Path, folder: str
) -> None:
    root = _project(tmp_path)
    (root / "benchmarks").rename(root / folder)
    pyproject = root / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace('sql = "queries"', f'sql = "queries"\nbenchmarks = "{folder}"')
    )
    line = _error_line(_bench(root))
    assert f"another module named {folder!r} comes first" in line, line


async def test_a_bench_database_of_another_project_is_named_as_such(server_url: str, tmp_path: Path) -> None:
    root = _project(tmp_path)
    other = tmp_path / "other"
    (other / "migrations").mkdir(parents=True)
    (other / "pyproject.toml").write_text("[tool.sqlfirst.domains]\nshop = 'shopdemo'\n")
    (other / "migrations" / "0001_shop_catalogue.sql").write_text(MIGRATION)
    (other / "migrations" / "0001_shop_catalogue.rollback.sql").write_text("drop schema shop cascade;\n")
    database = f"sqlfirst_bench_other_project_{secrets.token_hex(4)}"
    url = await _create_database(server_url, database)
    try:
        (up,) = run_cli([["migrate", "up", "--database-url", url]], env=_env(other), cwd=other)
        assert up.code == 0, up.stderr
        line = _error_line(_bench(root, "--database-url", server_url, "--database", database))
    finally:
        await _drop_database(server_url, database)
    assert f"the bench database {database} has 1 applied migration(s)" in line, line
    assert "may belong to another project; pass --database NAME" in line, line


def test_two_projects_of_the_same_folder_name_get_different_bench_databases(tmp_path: Path) -> None:
    from sqlfirst import project
    from sqlfirst.bench.runner import database_name

    names = set()
    for parent in ("one", "two", "three"):
        for folder in ("api", "проект", "x" * 80):
            root = tmp_path / parent / folder
            root.mkdir(parents=True)
            (root / "pyproject.toml").write_text("[tool.sqlfirst.domains]\nshop = 'shopapp'\n")
            name = database_name("small", project.load(root))
            assert len(name.encode()) <= 63 and name.isascii() and name.endswith("_small"), name
            names.add(name)
    assert len(names) == 9
    assert database_name("small", project.builtin()) == "sqlfirst_bench_small"
