"""A project that uses built-in domains beside its own (``[tool.sqlfirst] builtin = [...]``): migrate
applies the built-in ``core`` and chosen domains' migrations then its own, check and docs cover both,
bench only its own, and typed calls of either work on the one database."""

from __future__ import annotations

import asyncio
import json
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from sqlfirst import paths, project
from sqlfirst.bench import registry
from sqlfirst.db import connect_one
from sqlfirst.errors import ConfigurationError
from sqlfirst.migrate.files import discover_folders
from tests.cli_driver import run_cli
from tests.conftest import _create_database, _drop_database
from tests.test_project import BUILTIN, DECLARATIONS, MIGRATION, PYPROJECT, QUERIES, _env, _write_project

WITH_DEALS = PYPROJECT.replace('sql = "queries"\n', 'sql = "queries"\nbuiltin = ["deals"]\n')

# The shop's migration may name a built-in one it needs first.
SHOP_MIGRATION = "-- depends: 0020_deals_schema\n" + MIGRATION

CALL = """\
import asyncio, sys
from decimal import Decimal
from sqlfirst.db import connect_one
from sqlfirst.deals import token_pricing
from shopdemo import items

async def main() -> None:
    conn = await connect_one(sys.argv[1])
    try:
        added = await items.add(conn, name="lamp", price=Decimal("19.90"))
        assert await items.get(conn, id=added.id) == added
        price = await token_pricing.create(conn, service_type="chat", token_cost="2.5")
        found = await token_pricing.price_at(conn, service_type="chat")
        assert found == price and type(found.token_cost) is Decimal, (price, found)
        print(added.model_dump_json(), found.model_dump_json())
    finally:
        await conn.close()

asyncio.run(main())
"""


def _write(root: Path) -> None:
    _write_project(root)
    (root / "pyproject.toml").write_text(WITH_DEALS)
    (root / "migrations" / "0001_shop_items.sql").write_text(SHOP_MIGRATION)


async def _schemas(url: str) -> list[str]:
    conn = await connect_one(url)
    try:
        found = await conn.fetchval(
            "select array_agg(nspname::text order by nspname) from pg_namespace where nspname !~ '^pg_'"
            " and nspname not in ('information_schema', 'public')"
        )
        return list(found)
    finally:
        await conn.close()


async def test_a_project_with_a_built_in_domain_beside_its_own(server_url: str, tmp_path: Path) -> None:
    root = tmp_path / "shop-with-deals"
    root.mkdir()
    _write(root)
    env = _env(root)
    name = f"sqlfirst_project_deals_{secrets.token_hex(4)}"
    url = await _create_database(server_url, name)
    bench_db = f"{name}_bench"
    small_bench = ["bench", "--scale", "small", "--database-url", server_url, "--database", bench_db]
    small_bench += ["--no-plot", "--json", "bench.json", "--duration", "1", "--iterations", "30"]
    small_bench += ["--clients", "2", "--mixed-calls", "2"]
    try:
        up, status, shop_only, verify, check, docs, dump, bench = run_cli(
            [
                ["migrate", "up", "--database-url", url],
                ["migrate", "status", "--database-url", url],
                ["migrate", "status", "--database-url", url, "--domain", "shop"],
                ["migrate", "verify", "--database-url", url],
                ["check", "--database-url", server_url],
                ["docs", "--database-url", server_url, "--out", "docs"],
                ["migrate", "dump", "--database-url", server_url],
                small_bench,
            ],
            env=env,
            cwd=root,
        )
        # Built-in core and deals migrations first, from the built-in folder; then the shop's own.
        assert up.code == 0, up.stderr
        applied = [line.split()[1] for line in up.stdout.splitlines() if line.startswith("applied  ")]
        assert applied[0] == "0001_core_schema" and applied[-1] == "0001_shop_items", applied
        assert "0020_deals_schema" in applied and "0079_core_secure_partitions" in applied
        assert not [m for m in applied if any(f"_{d}_" in m for d in BUILTIN if d != "deals")], applied
        assert {"core", "deals", "shop"} <= set(await _schemas(url))
        assert not {"agent_hub", "ai_seo", "devskyy", "easyflow"} & set(await _schemas(url))

        assert status.code == 0, status.stderr
        assert "0020_deals_schema" in status.stdout and "0001_shop_items" in status.stdout
        assert "0010_agent_hub_schema" not in status.stdout
        assert f"{len(applied)} applied" in status.stdout
        assert shop_only.code == 0 and "0001_shop_items" in shop_only.stdout, shop_only.stderr
        assert "0001_core_schema" in shop_only.stdout and "0020_deals_schema" not in shop_only.stdout
        assert verify.code == 0 and f"{len(applied)} applied migration(s) match" in verify.stdout, (
            verify.stderr
        )

        # check proves the deals queries (from the built-in sql/) and the shop's.
        assert check.code == 0, check.stdout + check.stderr
        verified = int(check.stdout.split(" queries verified")[0].split()[-1])
        assert verified > 2 + 20, check.stdout

        assert docs.code == 0, docs.stderr
        shop_page = (root / "docs" / "shop.md").read_text()
        deals_page = (root / "docs" / "deals.md").read_text()
        assert "queries/shop/items.sql:" in shop_page
        assert "erDiagram" in deals_page and "sql/deals/token_pricing.sql:" in deals_page
        assert not (root / "docs" / "agent_hub.md").exists()

        # The project's snapshot covers every schema it migrates.
        assert dump.code == 0, dump.stderr
        snapshot = (root / "migrations" / "schema.sql").read_text()
        assert "CREATE TABLE shop.items" in snapshot and "CREATE TABLE deals.token_pricing" in snapshot
        assert "agent_hub." not in snapshot

        # bench measures the shop only: no budget is asked of the built-in deals queries.
        assert bench.code == 0, bench.stdout[-3000:] + bench.stderr
        report = json.loads((root / "bench.json").read_text())
        assert {q["domain"] for q in report["queries"]} == {"shop"}

        # Typed calls of the built-in deals domain and of the project's own, on that database.
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
        assert '"name":"lamp"' in call.stdout and '"service_type":"chat"' in call.stdout

        # A deliberate mismatch in the project's own file is still reported at its file and line.
        (root / "shopdemo" / "items.py").write_text(DECLARATIONS.replace("note: str | None", "note: str"))
        down, bad = run_cli(
            [["migrate", "down", "--database-url", url], ["check", "--database-url", server_url]],
            env=env,
            cwd=root,
        )
        assert down.code == 0 and "rolled back  0001_shop_items" in down.stdout, down.stderr
        assert bad.code == 1, bad.stdout
        line = QUERIES.splitlines().index("-- name: get_item(id)^") + 1
        assert f"queries/shop/items.sql:{line}: get_item:" in bad.stderr, bad.stderr
        assert "sql/deals/" not in bad.stderr
    finally:
        await _drop_database(server_url, name)
        await _drop_database(server_url, bench_db)


@pytest.fixture
def at(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with deals beside its shop, current through ``SQLFIRST_PROJECT``."""
    for name in ("SQLFIRST_SQL_DIR", "SQLFIRST_MIGRATIONS_DIR", "SQLFIRST_BENCH_DIR"):
        monkeypatch.delenv(name, raising=False)
    _write(tmp_path)
    monkeypatch.setenv("SQLFIRST_PROJECT", str(tmp_path))
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


def test_the_included_built_in_domains_are_the_projects(at: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    current = project.current()
    assert current.builtin == ("deals",)
    assert current.domain_names == ("deals", "shop") == paths.domain_names()
    assert current.own_domain_names == ("shop",)
    assert paths.domains() == ["deals", "shop"]
    assert project.sql_root_for("deals") == project.builtin().sql_dir
    assert project.sql_root_for("shop") == (at / "queries").resolve()
    built_in, own = current.migration_folders
    assert built_in.path == project.builtin().migrations_dir and built_in.domains == {"core", "deals"}
    assert own.path == (at / "migrations").resolve() and own.domains is None
    names = [p.stem for p in discover_folders(current.migration_folders)]
    assert names[0] == "0001_core_schema" and names[-1] == "0001_shop_items"
    assert not [n for n in names if "agent_hub" in n]
    # bench: the project's own domains only (not importing the shop here: its declarations would
    # stay registered in this process, for the tests that follow)
    monkeypatch.setattr(project, "import_declarations", lambda sql_root=None: None)
    assert registry.declared_domains() == ["shop"]


def test_a_migration_id_in_both_folders_is_a_configuration_error(at: Path) -> None:
    (at / "migrations" / "0001_core_schema.sql").write_text("select 1;\n")
    (at / "migrations" / "0001_core_schema.rollback.sql").write_text("select 1;\n")
    with pytest.raises(ConfigurationError, match="0001_core_schema is in both"):
        discover_folders(project.current().migration_folders)


def test_builtin_true_includes_all_of_them(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT.replace('sql = "queries"\n', "builtin = true\n"))
    loaded = project.load(tmp_path)
    assert loaded.builtin == BUILTIN and loaded.domain_names == (*BUILTIN, "shop")
    (tmp_path / "pyproject.toml").write_text(PYPROJECT.replace('sql = "queries"\n', "builtin = false\n"))
    assert project.load(tmp_path).domain_names == ("shop",)
    assert project.load(tmp_path).migration_folders == (project.Folder(tmp_path / "migrations"),)


@pytest.mark.parametrize(
    ("builtin", "domain", "message"),
    [
        ('["deals", "shopping"]', "shop", r"builtin names \['shopping'\], not built-in domains"),
        ('"deals"', "shop", "builtin must be a list of built-in domains"),
        ("[1]", "shop", "builtin must be a list of built-in domains"),
        ('["deals"]', "deals", r"domain\(s\) \['deals'\] of \[tool.sqlfirst.domains\] are also included"),
        ('["deals"]', "deals_query", r"\['deals_query'\] .* begin with the name of an included built-in"),
        ("true", "core_extra", r"\['core_extra'\] .* begin with the name of an included built-in"),
    ],
)
def test_a_bad_builtin_is_a_configuration_error(
    tmp_path: Path, builtin: str, domain: str, message: str
) -> None:
    text = f'[tool.sqlfirst]\nbuiltin = {builtin}\n[tool.sqlfirst.domains]\n{domain} = "myapp"\n'
    (tmp_path / "pyproject.toml").write_text(text)
    with pytest.raises(ConfigurationError, match=message):
        project.load(tmp_path)
