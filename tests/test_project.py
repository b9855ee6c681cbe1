"""A project of one's own: ``[tool.sqlfirst]`` in its pyproject.toml gets migrate, check, docs, bench and
typed calls, with nothing installed into sqlfirst's package; and the engine names no domain."""

from __future__ import annotations

import ast
import asyncio
import json
import os
import re
import secrets
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from sqlfirst import paths, project
from sqlfirst.db import connect_one
from sqlfirst.errors import ConfigurationError
from tests.cli_driver import run_cli
from tests.conftest import _create_database, _drop_database, with_database

SRC = Path(project.__file__).resolve().parent
BUILTIN = ("agent_hub", "ai_seo", "deals", "devskyy", "easyflow")

PYPROJECT = """\
[project]
name = "shopdemo"
version = "0.1"

[tool.sqlfirst]
sql = "queries"

[tool.sqlfirst.domains]
shop = "shopdemo"
"""

MIGRATION = """\
-- The shop's one table.
create schema shop;
create table shop.items (
    id bigint generated always as identity primary key,
    name text not null check (name <> ''),
    price numeric(10, 2) not null check (price >= 0),
    note text
);
"""

QUERIES = """\
-- name: add_item(name, price)<!
-- Add an item.
insert into shop.items (name, price) values (:name, :price)
returning id, name, price, note;

-- name: get_item(id)^
-- One item by id.
select id, name, price, note from shop.items where id = :id;
"""

DECLARATIONS = '''\
"""Items of the demo shop."""

from decimal import Decimal

from pydantic import BaseModel

from sqlfirst.binding import SqlFile
from sqlfirst.db import Executor

_sql = SqlFile("shop", "items")


class Item(BaseModel):
    id: int
    name: str
    price: Decimal
    note: str | None


@_sql.query("add_item")
async def add(conn: Executor, *, name: str, price: Decimal) -> Item:
    """Add an item."""


@_sql.query("get_item")
async def get(conn: Executor, *, id: int) -> Item | None:
    """One item by id, or None."""
'''

CALL = """\
import asyncio, sys
from decimal import Decimal
from sqlfirst.db import connect_one
from shopdemo import items

async def main() -> None:
    conn = await connect_one(sys.argv[1])
    try:
        added = await items.add(conn, name="lamp", price=Decimal("19.90"))
        again = await items.get(conn, id=added.id)
        assert again == added and type(again.price) is Decimal, (added, again)
        print(again.model_dump_json())
    finally:
        await conn.close()

asyncio.run(main())
"""


WORKLOADS = """\
\"\"\"The shop's benchmark: a generated catalogue and both of its queries.\"\"\"

import random
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from sqlfirst.bench.registry import DomainBench, QueryWorkload, TableLoad

ITEMS = 50_000  # at medium scale


def tables(factor: float, seed: int) -> list[TableLoad]:
    count = max(200, int(ITEMS * factor))

    def records() -> Iterator[tuple[Any, ...]]:
        rng = random.Random(seed)
        for n in range(count):
            yield (f"item {n}", Decimal(rng.randrange(100, 100_000)) / 100, None)

    return [TableLoad("shop.items", ("name", "price", "note"), count, records)]


async def sample(conn: Any, rng: random.Random) -> list[int]:
    return [r[0] for r in await conn.fetch("select id from shop.items order by random() limit 5000")]


async def cleanup(conn: Any) -> None:
    await conn.execute("delete from shop.items where name like 'bench %'")


BENCH = DomainBench(
    domain="shop",
    tables=tables,
    sample=sample,
    queries=[
        QueryWorkload("get_item", lambda ids, rng: {"id": rng.choice(ids)}),
        QueryWorkload("add_item", lambda ids, rng: {"name": f"bench {rng.random()}", "price": Decimal(2)}),
    ],
    mix={"get_item": 9, "add_item": 1},
    cleanup=cleanup,
)
"""

BUDGETS = """\
[shop.get_item]
p95_ms = 50

[shop.add_item]
p95_ms = 100
"""


def _write_project(root: Path) -> None:
    (root / "pyproject.toml").write_text(PYPROJECT)
    (root / "migrations").mkdir()
    (root / "migrations" / "0001_shop_items.sql").write_text(MIGRATION)
    (root / "migrations" / "0001_shop_items.rollback.sql").write_text("drop schema shop cascade;\n")
    (root / "queries" / "shop").mkdir(parents=True)
    (root / "queries" / "shop" / "items.sql").write_text(QUERIES)
    (root / "shopdemo").mkdir()
    (root / "shopdemo" / "__init__.py").write_text('"""A demo shop: items and prices."""\n')
    (root / "shopdemo" / "items.py").write_text(DECLARATIONS)
    (root / "benchmarks" / "workloads").mkdir(parents=True)
    (root / "benchmarks" / "workloads" / "shop.py").write_text(WORKLOADS)
    (root / "benchmarks" / "budgets.toml").write_text(BUDGETS)


def _env(root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SQLFIRST_") and k != "DATABASE_URL"}
    # No PYTHONPATH: the commands import the project's own packages from its folder themselves.
    return env


async def test_a_throwaway_project_gets_migrate_check_docs_bench_and_typed_calls(
    server_url: str, tmp_path: Path
) -> None:
    root = tmp_path / "shopdemo-project"
    root.mkdir()
    _write_project(root)
    env = _env(root)
    name = f"sqlfirst_project_shop_{secrets.token_hex(4)}"
    url = await _create_database(server_url, name)
    bench_db = f"{name}_bench"
    small_bench = ["bench", "--scale", "small", "--database-url", server_url, "--database", bench_db]
    small_bench += ["--no-plot", "--json", "bench.json", "--duration", "1", "--iterations", "30"]
    small_bench += ["--clients", "4", "--mixed-calls", "3"]
    try:
        up, status, check, docs, bench = run_cli(
            [
                ["migrate", "up", "--database-url", url],
                ["migrate", "status", "--database-url", url],
                ["check", "--database-url", server_url],
                ["docs", "--database-url", server_url, "--out", "docs"],
                small_bench,
            ],
            env=env,
            cwd=root,
        )
        assert up.code == 0, up.stderr
        assert "applied  0001_shop_items" in up.stdout
        assert "0001_shop_items" in status.stdout
        assert check.code == 0, check.stderr
        assert "2 queries verified" in check.stdout
        assert docs.code == 0, docs.stderr
        page = (root / "docs" / "shop.md").read_text()
        assert "erDiagram" in page and "items" in page
        assert "queries/shop/items.sql:" in page  # every function with its SQL location
        assert not (root / "docs" / "agent_hub.md").exists()  # the built-in domains stay out
        # From a subfolder, the pages are the project's docs/, not the working directory's.
        (checked,) = run_cli(
            [["docs", "--database-url", server_url, "--check"]], env=env, cwd=root / "queries"
        )
        assert checked.code == 0, checked.stderr
        assert f"up to date in {root / 'docs'}" in " ".join(checked.stdout.split())

        # A small bench of the project's own workloads and budgets, with sqlfirst's bench engine.
        assert bench.code == 0, bench.stdout[-3000:] + bench.stderr
        report = json.loads((root / "bench.json").read_text())
        measured = {(q["domain"], q["query"]): q for q in report["queries"]}
        assert set(measured) == {("shop", "get_item"), ("shop", "add_item")}
        assert all(q["calls"] > 0 and q["error"] is None and q["plan"]["ok"] for q in measured.values())
        assert report["ok"] and not report["concurrency"]["errors"]
        bench_conn = await connect_one(with_database(server_url, bench_db))
        try:  # the workload's cleanup left the generated catalogue as it was
            assert await bench_conn.fetchval("select count(*) from shop.items where name like 'bench %'") == 0
        finally:
            await bench_conn.close()

        # Only the project's own schema was created: its migrations, not the built-in ones.
        conn = await connect_one(url)
        try:
            schemas = await conn.fetchval(
                "select array_agg(nspname::text order by nspname) from pg_namespace where nspname !~ '^pg_'"
                " and nspname not in ('information_schema', 'public')"
            )
        finally:
            await conn.close()
        assert "shop" in schemas and not set(BUILTIN) & set(schemas), schemas

        # A typed call from the project's own package, in its own process.
        call = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-c", CALL, url],
            capture_output=True,
            text=True,
            env=env,
            cwd=root,
            check=False,
        )
        assert call.returncode == 0, call.stderr
        assert '"name":"lamp"' in call.stdout and '"price":"19.90"' in call.stdout

        # A deliberate mismatch: a non-Optional field fed by a nullable column, reported at file:line.
        (root / "shopdemo" / "items.py").write_text(DECLARATIONS.replace("note: str | None", "note: str"))
        (bad,) = run_cli([["check", "--database-url", server_url]], env=env, cwd=root)
        assert bad.code == 1, bad.stdout
        line = QUERIES.splitlines().index("-- name: get_item(id)^") + 1
        assert f"queries/shop/items.sql:{line}: get_item:" in bad.stderr, bad.stderr
        assert str(root) not in bad.stderr  # the path as the reader would type it, from where they are
        assert "note" in bad.stderr
    finally:
        await _drop_database(server_url, name)
        await _drop_database(server_url, bench_db)


def test_a_project_is_found_from_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write_project(tmp_path)
    nested = tmp_path / "shopdemo"
    for name in ("SQLFIRST_PROJECT", "SQLFIRST_SQL_DIR", "SQLFIRST_MIGRATIONS_DIR", "SQLFIRST_BENCH_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(nested)
    found = project.current()
    assert found.config == (tmp_path / "pyproject.toml").resolve()
    assert found.domain_names == ("shop",)
    assert found.sql_dir == (tmp_path / "queries").resolve()
    assert found.migrations_dir == (tmp_path / "migrations").resolve()
    assert paths.domains() == ["shop"]
    # SQLFIRST_*_DIR still override the project's folders.
    monkeypatch.setenv("SQLFIRST_MIGRATIONS_DIR", str(tmp_path / "elsewhere"))
    assert paths.migrations_dir() == (tmp_path / "elsewhere").resolve()


def test_no_configuration_means_the_built_in_domains(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SQLFIRST_PROJECT", raising=False)
    monkeypatch.chdir(tmp_path)
    current = project.current()
    assert current.is_builtin and current.domain_names == BUILTIN
    assert current.domain("easyflow") == project.Domain(
        "easyflow", "sqlfirst.easyflow", "sqlfirst.easyflow.cli:app"
    )


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("[tool.other]\nx = 1\n", "has no [tool.sqlfirst] table"),
        ("[tool.sqlfirst]\nsql = 'q'\n", "must name at least one domain"),
        ("[tool.sqlfirst]\nqueries = 'q'\n[tool.sqlfirst.domains]\na = 'a'\n", "unknown [tool.sqlfirst] key"),
        ("[tool.sqlfirst.domains]\nShop = 'shop'\n", "must be snake_case"),
        ("[tool.sqlfirst.domains]\nshop = 'shop queries'\n", "is not a module name"),
        (
            "[tool.sqlfirst.domains]\nshop = {package = 'shop', cli = 'shop.cli'}\n",
            "must be 'module:attribute'",
        ),
        ("[tool.sqlfirst]\nsql = 3\n[tool.sqlfirst.domains]\nshop = 'shop'\n", "sql must be a folder"),
        ("[tool.sqlfirst\n", "cannot read"),
    ],
)
def test_a_bad_configuration_is_a_configuration_error(tmp_path: Path, table: str, message: str) -> None:
    (tmp_path / "pyproject.toml").write_text(table)
    with pytest.raises(ConfigurationError, match=message.replace("[", r"\[").replace("]", r"\]")):
        project.load(tmp_path)


_NAMES_A_DOMAIN = re.compile(rf"^(sqlfirst\.)?({'|'.join(BUILTIN)})(\.|$)")


def _engine_modules() -> list[Path]:
    """The engine: everything in the package but the domains and the example application."""
    domain_packages = {SRC / name for name in (*BUILTIN, "examples")}
    return [p for p in sorted(SRC.rglob("*.py")) if not any(p.is_relative_to(d) for d in domain_packages)]


def test_the_engine_names_no_domain() -> None:
    """Outside the domain packages, no import and no identifier-like string (``"deals"``,
    ``"sqlfirst.deals.models"``) names a built-in domain: they are registered as data
    (``builtin.toml``). Docstrings, comments and help texts may use them as examples."""
    offenders = []
    for path in _engine_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or "", *(a.name for a in node.names)]
            elif (
                isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
            ):
                names = [node.value]
            for name in names:
                if _NAMES_A_DOMAIN.match(name):
                    offenders.append(f"{path.relative_to(SRC)}:{node.lineno}: {name[:60]!r}")
    assert not offenders, "\n".join(offenders)


def test_the_built_in_registration_ships_in_the_package() -> None:
    assert project.BUILTIN_CONFIG.parent == SRC and project.BUILTIN_CONFIG.is_file()
    text = textwrap.dedent(project.BUILTIN_CONFIG.read_text())
    for domain in BUILTIN:
        assert f"\n{domain} = " in text
