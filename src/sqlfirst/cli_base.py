"""What every ``sqlfirst`` command module shares: the Typer apps, the consoles, the common options,
and the way an expected failure ends a command (one line on stderr, exit 1, no traceback).

:mod:`sqlfirst.cli` defines the core commands on these apps and imports the other command modules
(``cli_bench``, ``cli_ops``, ``cli_scaleout``), which register theirs here too.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Annotated, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from sqlfirst.db import resolve_url
from sqlfirst.errors import SqlfirstError
from sqlfirst.settings import Settings, normalize_url

__all__ = [
    "DatabaseUrl",
    "Domains",
    "app",
    "db_app",
    "err",
    "expected_errors",
    "fail",
    "migrate_app",
    "out",
    "partitions_app",
    "url_of",
]

P = ParamSpec("P")
R = TypeVar("R")

app = typer.Typer(
    name="sqlfirst",
    help="SQL-first PostgreSQL data layer: embedded database, migrations, query checks, benchmarks.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app: typer.Typer = typer.Typer(
    help="Run the embedded PostgreSQL (from the pgserver wheel).", no_args_is_help=True
)
migrate_app = typer.Typer(help="Apply, roll back and inspect migrations (yoyo).", no_args_is_help=True)
app.add_typer(db_app, name="db")
partitions_app = typer.Typer(
    help="Keep RANGE-partitioned tables healthy (default partition, premake, retention).",
    no_args_is_help=True,
)
app.add_typer(migrate_app, name="migrate")
app.add_typer(partitions_app, name="partitions")

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


def fail(message: object) -> None:
    """Print ``message`` as one ``error:`` line on stderr (its own line breaks folded, no markup)."""
    text = " ".join(str(message).split())
    err.print(f"[bold red]error:[/] {escape(text)}", soft_wrap=True)


def expected_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Print expected failures as one human line on stderr and exit 1: no traceback."""

    @wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except SqlfirstError as exc:
            fail(exc)
            raise typer.Exit(1) from None

    return run


def url_of(database_url: str | None) -> str:
    if database_url:
        return normalize_url(database_url)
    settings = Settings.from_env()
    if settings.database_url:
        return settings.database_url
    return resolve_url(settings)  # logs the embedded server it falls back to; honours SQLFIRST_EMBEDDED
