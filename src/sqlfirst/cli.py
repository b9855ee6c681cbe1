"""The ``sqlfirst`` command line: embedded database, migrations, query check."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from sqlfirst import embedded
from sqlfirst.errors import SqlfirstError
from sqlfirst.migrate import Migrator, new_migration
from sqlfirst.settings import Settings, normalize_url, redact

P = ParamSpec("P")
R = TypeVar("R")

app = typer.Typer(
    name="sqlfirst",
    help="SQL-first PostgreSQL data layer: embedded database, migrations and query checks.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Run the embedded PostgreSQL (from the pgserver wheel).", no_args_is_help=True)
migrate_app = typer.Typer(help="Apply, roll back and inspect migrations (yoyo).", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(migrate_app, name="migrate")

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        envvar="DATABASE_URL",
        help="postgresql://user:password@host:port/db. "
        "Default: DATABASE_URL, then PG* variables, then the embedded server.",
        show_envvar=True,
    ),
]
Domains = Annotated[
    list[str] | None,
    typer.Option("--domain", "-d", help="Only this domain's migrations (and core). Repeatable."),
]


def _expected_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Print expected failures as one human line on stderr and exit 1: no traceback."""

    @wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except SqlfirstError as exc:
            err.print(f"[bold red]error:[/] {exc}", soft_wrap=True)
            raise typer.Exit(1) from None

    return run


def _url(database_url: str | None) -> str:
    if database_url:
        return normalize_url(database_url)
    settings = Settings.from_env()
    if settings.database_url:
        return settings.database_url
    url = embedded.start()
    err.print(f"using the embedded PostgreSQL: {url}")
    return url


# -- db --------------------------------------------------------------------------------------------


@db_app.command("start")
@_expected_errors
def db_start() -> None:
    """Start the embedded server (or find it running) and print its URL."""
    out.print(embedded.start())


@db_app.command("stop")
@_expected_errors
def db_stop() -> None:
    """Stop the embedded server."""
    stopped = embedded.stop()
    out.print("stopped" if stopped else "not running")


@db_app.command("status")
@_expected_errors
def db_status() -> None:
    """Show whether the embedded server runs, where its data lives and its URL."""
    state = embedded.status()
    out.print(f"data directory: {state.data_dir}")
    out.print(f"initialized:    {'yes' if state.initialized else 'no'}")
    out.print(f"running:        {'yes (pid ' + str(state.pid) + ')' if state.running else 'no'}")
    if state.url:
        out.print(f"url:            {state.url}")
    if not state.running:
        raise typer.Exit(3)


@db_app.command("url")
@_expected_errors
def db_url() -> None:
    """Print the URL of the running embedded server (exit 3 when it is not running)."""
    state = embedded.status()
    if not state.running or state.url is None:
        err.print("the embedded server is not running; start it with `sqlfirst db start`")
        raise typer.Exit(3)
    out.print(state.url)


# -- migrate ---------------------------------------------------------------------------------------


def _migrator(database_url: str | None, domains: list[str] | None) -> Migrator:
    return Migrator(_url(database_url), domains=domains)


@migrate_app.command("up")
@_expected_errors
def migrate_up(database_url: DatabaseUrl = None, domain: Domains = None) -> None:
    """Apply every pending migration, printing each one applied."""
    migrator = _migrator(database_url, domain)
    applied = migrator.up()
    for migration_id in applied:
        out.print(f"applied  {migration_id}")
    out.print(
        f"{len(applied)} migration(s) applied to {redact(migrator.url)}"
        if applied
        else f"nothing to apply: {redact(migrator.url)} is up to date"
    )


@migrate_app.command("down")
@_expected_errors
def migrate_down(
    database_url: DatabaseUrl = None,
    domain: Domains = None,
    steps: Annotated[int, typer.Option("--steps", "-n", min=1, help="How many to roll back.")] = 1,
    all_: Annotated[bool, typer.Option("--all", help="Roll back every applied migration.")] = False,
) -> None:
    """Roll back the most recent migration(s)."""
    migrator = _migrator(database_url, domain)
    rolled = migrator.reset() if all_ else migrator.down(steps)
    for migration_id in rolled:
        out.print(f"rolled back  {migration_id}")
    if not rolled:
        out.print("nothing to roll back")


@migrate_app.command("status")
@_expected_errors
def migrate_status(database_url: DatabaseUrl = None, domain: Domains = None) -> None:
    """List every migration with its state."""
    migrator = _migrator(database_url, domain)
    table = Table("migration", "state")
    pending = 0
    for state in migrator.status():
        pending += state.state == "pending"
        colour = "green" if state.state == "applied" else "yellow"
        table.add_row(state.id, f"[{colour}]{state.state}[/]")
    out.print(table)
    out.print(f"{pending} pending")


@migrate_app.command("new")
@_expected_errors
def migrate_new(
    domain: Annotated[str, typer.Argument(help="Domain (schema) the migration belongs to, e.g. deals.")],
    what: Annotated[str, typer.Argument(help="What it does, e.g. add_user_settings.")],
    directory: Annotated[
        Path | None, typer.Option(help="Migrations folder (default: the project's).")
    ] = None,
) -> None:
    """Create a numbered migration and its .rollback.sql partner."""
    forward = new_migration(domain, what, directory=directory)
    out.print(f"created {forward}")
    out.print(f"created {forward.with_name(forward.stem + '.rollback.sql')}")


# -- check -----------------------------------------------------------------------------------------


@app.command("check")
@_expected_errors
def check(database_url: DatabaseUrl = None) -> None:
    """Migrate a scratch database and prove every named query against its typed declaration."""
    from sqlfirst.check import run_check

    report = asyncio.run(run_check(_url(database_url)))
    for problem in report.problems:
        err.print(str(problem), soft_wrap=True, markup=False)
    if report.problems:
        err.print(f"[bold red]{len(report.problems)} problem(s)[/]; {report.verified} queries verified")
        raise typer.Exit(1)
    out.print(f"{report.verified} queries verified")


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
