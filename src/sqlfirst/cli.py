"""The ``sqlfirst`` command line: embedded database, migrations, query check."""

from __future__ import annotations

import asyncio
import importlib
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from sqlfirst import embedded, paths
from sqlfirst.errors import ConfigurationError, SqlfirstError
from sqlfirst.migrate import Migrator, new_migration
from sqlfirst.settings import Settings, normalize_url, redact

P = ParamSpec("P")
R = TypeVar("R")

app = typer.Typer(
    name="sqlfirst",
    help="SQL-first PostgreSQL data layer: embedded database, migrations, query checks, benchmarks.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Run the embedded PostgreSQL (from the pgserver wheel).", no_args_is_help=True)
migrate_app = typer.Typer(help="Apply, roll back and inspect migrations (yoyo).", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(migrate_app, name="migrate")

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)

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


# -- bench -----------------------------------------------------------------------------------------


@app.command("bench")
@_expected_errors
def bench(
    scale: Annotated[
        str,
        typer.Option("--scale", "-s", help="Dataset size: small (CI smoke run), medium, large (10x medium)."),
    ] = "medium",
    json_path: Annotated[
        Path | None, typer.Option("--json", help="Write every figure to this JSON file.")
    ] = None,
    database_url: DatabaseUrl = None,
    database: Annotated[
        str | None, typer.Option(help="Bench database on that server (default sqlfirst_bench_<scale>).")
    ] = None,
    fresh: Annotated[
        bool, typer.Option("--fresh", help="Regenerate the dataset even if it is loaded.")
    ] = False,
    seed: Annotated[int, typer.Option(help="Generator seed.")] = 42,
    clients: Annotated[int, typer.Option(help="Concurrent clients in the concurrency test.")] = 32,
    duration: Annotated[
        float | None, typer.Option(help="Seconds of the concurrency test (default 30; 3 at small).")
    ] = None,
    iterations: Annotated[
        int | None, typer.Option(help="Calls per query (default 1000; 150 at small).")
    ] = None,
    plot: Annotated[
        bool, typer.Option("--plot/--no-plot", help="Write a PNG to benchmarks/results/.")
    ] = True,
    fail_on_timing: Annotated[
        bool | None,
        typer.Option(
            "--fail-on-timing/--no-fail-on-timing",
            help="Fail on budgets and ratio targets missed (default: on at medium/large, off at small).",
        ),
    ] = None,
    domain: Domains = None,
) -> None:
    """Latency budgets for every hot query, plans, side by side with asyncpg and SQLAlchemy, concurrency.

    Exits 1 when a query lacks a budget, a plan scans a big table or fails to prune, a workload or
    concurrent client errors, or (with timing gates on) a budget or ratio target is missed.
    """
    runner = _bench_runner()
    options = runner.Options(
        scale=scale,
        seed=seed,
        database_url=database_url,
        database=database,
        fresh=fresh,
        json_path=json_path,
        plot=plot,
        clients=clients,
        duration_s=duration,
        iterations=iterations,
        fail_on_timing=fail_on_timing,
        domains=tuple(domain or ()),
    )
    code = runner.run(options, out)
    if code:
        raise typer.Exit(code)


def _bench_runner() -> Any:
    """Import ``benchmarks.runner`` lazily: it needs the ``bench`` extra (SQLAlchemy, matplotlib)."""
    bench_dir = paths.benchmarks_dir()
    if not (bench_dir / "runner.py").is_file():
        raise ConfigurationError(
            f"no benchmark suite at {bench_dir}; run from a sqlfirst checkout or set SQLFIRST_BENCH_DIR"
        )
    if str(bench_dir.parent) not in sys.path:
        sys.path.insert(0, str(bench_dir.parent))
    try:
        return importlib.import_module(f"{bench_dir.name}.runner")
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.split(".")[0] in {"sqlalchemy", "matplotlib", "greenlet"}:
            raise ConfigurationError(
                f"the benchmarks need the bench extra ({exc.name} is missing): pip install -e '.[bench]'"
            ) from exc
        raise


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
