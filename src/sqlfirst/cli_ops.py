"""``sqlfirst db health``, ``db stats``, ``db roles`` and ``sqlfirst docs``: next to a live database."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from sqlfirst import project
from sqlfirst.cli_base import DatabaseUrl, app, db_app, err, expected_errors, out, url_of
from sqlfirst.errors import ConfigurationError


@db_app.command("health")
@expected_errors
def db_health(
    database_url: DatabaseUrl = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    transaction_threshold: Annotated[
        float, typer.Option(help="Seconds a transaction may stay open (or idle in transaction).")
    ] = 300.0,
) -> None:
    """Unused indexes, bloat and vacuum, DEFAULT-partition rows, long transactions, connections,
    replica lag. Exits 1 when something needs action."""
    import json

    from sqlfirst.db import connect_one
    from sqlfirst.health import Thresholds, check_health

    async def run() -> Any:
        conn = await connect_one(url_of(database_url))
        try:
            return await check_health(
                conn, thresholds=Thresholds(transaction_threshold_s=transaction_threshold)
            )
        finally:
            await conn.close()

    report = asyncio.run(run())
    if as_json:
        out.print(json.dumps(report.as_dict(), indent=2), markup=False, highlight=False)
    else:
        table = Table("check", "", "object", "detail", title="database health")
        for finding in report.findings:
            mark = "[red]action[/]" if finding.severity == "action" else "info"
            table.add_row(finding.check, mark, finding.object, finding.detail)
        out.print(table)
        out.print("[green]healthy[/]" if report.ok else "[bold red]needs action[/]")
    if not report.ok:
        raise typer.Exit(1)


@db_app.command("stats")
@expected_errors
def db_stats(
    database_url: DatabaseUrl = None,
    order: Annotated[str, typer.Option(help="Order by `total` or `mean` execution time.")] = "total",
    limit: Annotated[int, typer.Option(help="How many statements.")] = 20,
) -> None:
    """Top statements from pg_stat_statements, each mapped to its named query's .sql file and line."""
    from sqlfirst.binding import DECLARATIONS
    from sqlfirst.db import connect_one
    from sqlfirst.project import import_declarations
    from sqlfirst.statements import top_statements

    if order not in ("total", "mean"):
        raise ConfigurationError(f"--order is total or mean, got {order!r}")
    import_declarations()

    async def run() -> Any:
        conn = await connect_one(url_of(database_url))
        try:
            return await top_statements(
                conn, DECLARATIONS, order="total" if order == "total" else "mean", limit=limit
            )
        finally:
            await conn.close()

    table = Table("query", "where", "calls", "total ms", "mean ms", "rows", title="top statements")
    for stat in asyncio.run(run()):
        table.add_row(
            stat.query,
            stat.location or "-",
            str(stat.calls),
            f"{stat.total_ms:.1f}",
            f"{stat.mean_ms:.3f}",
            str(stat.rows),
        )
    out.print(table)


@app.command("docs")
@expected_errors
def docs(
    database_url: DatabaseUrl = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Where the pages go (default: docs/ beside the project's pyproject.toml; with no project, "
            "docs/ of the current directory). Each domain's page and an index, README.md, are overwritten.",
        ),
    ] = None,
    check_only: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 with a diff when the pages are stale.")
    ] = False,
) -> None:
    """Write docs/<domain>.md for every domain: ER diagram, enums, functions with SQL and budgets."""
    from sqlfirst.docs import generate, stale

    if out_dir is None:
        current = project.current()
        out_dir = Path("docs") if current.is_builtin else current.root / "docs"
    pages = asyncio.run(generate(url_of(database_url)))
    if check_only:
        problems = stale(pages, out_dir)
        for problem in problems:
            err.print(problem, markup=False, highlight=False)
        if problems:
            err.print(
                f"[bold red]{len(problems)} stale page(s)[/]: run `sqlfirst docs` and commit the result"
            )
            raise typer.Exit(1)
        out.print(f"{len(pages)} pages up to date in {out_dir}")
        return
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, text in pages.items():
        (out_dir / name).write_text(text, encoding="utf-8")
    out.print(f"wrote {len(pages)} pages to {out_dir}")


@db_app.command("roles")
@expected_errors
def db_roles(database_url: DatabaseUrl = None) -> None:
    """Create or update the least-privilege roles (owner, app, readonly, worker) and their grants.

    Idempotent. Passwords come from SQLFIRST_OWNER_PASSWORD, SQLFIRST_APP_PASSWORD,
    SQLFIRST_READONLY_PASSWORD and SQLFIRST_WORKER_PASSWORD: a role with one can log in."""
    from sqlfirst.db import connect_one
    from sqlfirst.roles import ensure_roles, passwords_from_env

    passwords = passwords_from_env()

    async def run() -> list[str]:
        conn = await connect_one(url_of(database_url))
        try:
            return await ensure_roles(conn, passwords=passwords)
        finally:
            await conn.close()

    for line in asyncio.run(run()):
        out.print(line, markup=False, highlight=False)
    out.print("roles up to date")
