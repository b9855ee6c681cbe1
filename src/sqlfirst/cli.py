"""The ``sqlfirst`` command line: embedded database, migrations, query check."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import os
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.table import Column, Table

from sqlfirst import embedded, paths, project, replication
from sqlfirst.cli_base import (
    DatabaseUrl,
    Domains,
    app,
    db_app,
    err,
    expected_errors,
    fail,
    migrate_app,
    out,
    partitions_app,
    url_of,
)
from sqlfirst.db import Connection
from sqlfirst.errors import ConfigurationError
from sqlfirst.migrate import Migrator, new_migration, snapshot_schema
from sqlfirst.settings import Settings, redact

R = TypeVar("R")


def _mount_domain_commands() -> None:
    """Each registered domain's own commands (``cli = "module:app"`` in its registration) as
    ``sqlfirst <domain>``: the built-in domains' and the current project's (:mod:`sqlfirst.project`)."""
    domains = {d.name: d for d in project.builtin().domains}
    with contextlib.suppress(ConfigurationError):  # every command that reads the project reports it
        domains.update((d.name, d) for d in project.importable().domains)
    for domain in domains.values():
        if domain.cli:
            module, _, attribute = domain.cli.partition(":")
            try:
                commands = getattr(importlib.import_module(module), attribute)
                if not isinstance(commands, typer.Typer):
                    raise TypeError(f"{domain.cli} is a {type(commands).__name__}, not a typer.Typer")
            except Exception as exc:  # a domain's broken module must not break every command
                _unavailable(domain.name, domain.cli, exc)
            else:
                app.add_typer(commands, name=domain.name)


def _unavailable(name: str, where: str, exc: Exception) -> None:
    """``sqlfirst <name> ...`` when its commands cannot be loaded: one error line saying why, exit 1."""
    reason = f"{type(exc).__name__}: {exc}"

    @app.command(
        name,
        help=f"(unavailable: cannot load {where})",
        context_settings={"allow_extra_args": True, "ignore_unknown_options": True, "help_option_names": []},
    )
    def unavailable(ctx: typer.Context) -> None:
        fail(f"sqlfirst {name}: cannot load its commands from {where}: {reason}")
        raise typer.Exit(1)


_mount_domain_commands()


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        out.print(f"sqlfirst {version('sqlfirst')}")
        raise typer.Exit()


@app.callback()
def _root(
    show_version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """SQL-first PostgreSQL data layer: embedded database, migrations, query checks, benchmarks."""


# -- db --------------------------------------------------------------------------------------------


@db_app.command("start")
@expected_errors
def db_start(
    replicas: Annotated[
        int, typer.Option("--replicas", min=0, help="Also run N streaming read replicas on local ports.")
    ] = 0,
) -> None:
    """Start the embedded server (or find it running) and print its URL (and its replicas')."""
    out.print(embedded.start())
    start_replicas(replicas)


@db_app.command("stop")
@expected_errors
def db_stop() -> None:
    """Stop the embedded server and its replicas."""
    replication.stop_replicas()
    stopped = embedded.stop()
    out.print("stopped" if stopped else "not running")


@db_app.command("status")
@expected_errors
def db_status() -> None:
    """Show whether the embedded server runs, where its data lives and its URL."""
    state = embedded.status()
    out.print(f"data directory: {state.data_dir}")
    out.print(f"initialized:    {'yes' if state.initialized else 'no'}")
    out.print(f"running:        {'yes (pid ' + str(state.pid) + ')' if state.running else 'no'}")
    if state.url:
        out.print(f"url:            {state.url}")
        print_replicas(state.url)
    if not state.running:
        raise typer.Exit(3)


@db_app.command("url")
@expected_errors
def db_url() -> None:
    """Print the URL of the running embedded server (exit 3 when it is not running)."""
    state = embedded.status()
    if not state.running or state.url is None:
        fail("the embedded server is not running; start it with `sqlfirst db start`")
        raise typer.Exit(3)
    out.print(state.url)


# -- migrate ---------------------------------------------------------------------------------------


LockTimeoutMs = Annotated[
    int | None,
    typer.Option(
        "--lock-timeout-ms",
        envvar="SQLFIRST_LOCK_TIMEOUT_MS",
        min=0,
        help="How long each migration may wait for a table lock before it fails and changes nothing "
        "(lock_timeout). Default 5000; 0 waits forever.",
        show_envvar=True,
    ),
]
AllowEdited = Annotated[
    bool,
    typer.Option(
        "--allow-edited",
        help="Run even though applied migrations were edited, removed or renamed (see `migrate verify`).",
    ),
]


def _migrator(
    database_url: str | None, domains: list[str] | None, lock_timeout_ms: int | None = None
) -> Migrator:
    return Migrator(url_of(database_url), domains=domains, lock_timeout_ms=lock_timeout_ms)


def _say_recorded(recorded: list[str]) -> None:
    for migration_id in recorded:
        err.print(f"recorded checksum of {migration_id} (applied before sqlfirst kept checksums)")


@migrate_app.command("up")
@expected_errors
def migrate_up(
    database_url: DatabaseUrl = None,
    domain: Domains = None,
    lock_timeout_ms: LockTimeoutMs = None,
    allow_edited: AllowEdited = False,
) -> None:
    """Apply every pending migration, printing each one applied. Refuses while `verify` fails or a file
    in the folder is not a valid migration; waits (up to 5 minutes) for a migrator already running."""
    migrator = _migrator(database_url, domain, lock_timeout_ms)
    result = migrator.up(allow_edited=allow_edited)
    _say_recorded(result.recorded)
    for problem in result.ignored:
        err.print(f"[yellow]warning:[/] --allow-edited: running despite {problem}", soft_wrap=True)
    for repair in result.repaired:
        err.print(f"[yellow]repaired:[/] {repair}", soft_wrap=True)
    for migration_id in result.applied:
        out.print(f"applied  {migration_id}")
    out.print(
        f"{len(result.applied)} migration(s) applied to {redact(migrator.url)}"
        if result.applied
        else f"nothing to apply: {redact(migrator.url)} is up to date"
    )


@migrate_app.command("down")
@expected_errors
def migrate_down(
    database_url: DatabaseUrl = None,
    domain: Domains = None,
    steps: Annotated[int, typer.Option("--steps", "-n", min=1, help="How many to roll back.")] = 1,
    all_: Annotated[bool, typer.Option("--all", help="Roll back every applied migration.")] = False,
    lock_timeout_ms: LockTimeoutMs = None,
    allow_edited: AllowEdited = False,
) -> None:
    """Roll back the most recent migration(s). Refuses while `verify` fails."""
    migrator = _migrator(database_url, domain, lock_timeout_ms)
    rolled = (
        migrator.reset(allow_edited=allow_edited) if all_ else migrator.down(steps, allow_edited=allow_edited)
    )
    for migration_id in rolled:
        out.print(f"rolled back  {migration_id}")
    if not rolled:
        out.print("nothing to roll back")


@migrate_app.command("verify")
@expected_errors
def migrate_verify(database_url: DatabaseUrl = None, domain: Domains = None) -> None:
    """Check that no applied migration was edited, removed or renamed (exit 1 naming each one)."""
    migrator = _migrator(database_url, domain)
    report = migrator.verify()
    _say_recorded(report.recorded)
    for problem in report.problems:
        err.print(f"[red]{problem.kind}[/]  {problem}", soft_wrap=True)
    if report.problems:
        err.print(
            f"[bold red]error:[/] {len(report.problems)} applied migration(s) changed since they ran",
            soft_wrap=True,
        )
        raise typer.Exit(1)
    out.print(f"{report.verified} applied migration(s) match their files")


_STATE_STYLE = {
    "applied": "green",
    "pending": "yellow",
    "edited": "bold red",
    "missing": "bold red",
    "unrecorded": "cyan",
}


@migrate_app.command("status")
@expected_errors
def migrate_status(database_url: DatabaseUrl = None, domain: Domains = None) -> None:
    """List every migration: applied, pending, edited, missing or unrecorded (exit 1 on edited/missing)."""
    migrator = _migrator(database_url, domain)
    table = Table("migration", "state", "detail")
    counts: dict[str, int] = {}
    for state in migrator.status():
        counts[state.state] = counts.get(state.state, 0) + 1
        table.add_row(state.id, f"[{_STATE_STYLE[state.state]}]{state.state}[/]", state.detail)
    out.print(table)
    out.print(", ".join(f"{n} {name}" for name, n in counts.items()) or "no migrations")
    if counts.get("edited") or counts.get("missing"):
        raise typer.Exit(1)


@migrate_app.command("dump")
@expected_errors
def migrate_dump(
    database_url: DatabaseUrl = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Where to write it (default: migrations/schema.sql; - for stdout)."
        ),
    ] = None,
) -> None:
    """Migrate a scratch database from nothing and write its normalized schema (the committed snapshot)."""
    schema = snapshot_schema(url_of(database_url))
    if output is not None and str(output) == "-":
        sys.stdout.write(schema)
        return
    target = output or paths.migrations_dir() / "schema.sql"
    target.write_text(schema)
    out.print(f"wrote {target}")


@migrate_app.command("new")
@expected_errors
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


# -- partitions ------------------------------------------------------------------------------------


async def _with_connection(
    url: str, lock_timeout_ms: int | None, work: Callable[[Connection], Awaitable[R]]
) -> R:
    from sqlfirst.db import connect_one

    settings = Settings.from_env()
    if lock_timeout_ms is not None:
        settings = settings.with_(lock_timeout_ms=lock_timeout_ms)
    conn = await connect_one(url, settings=settings)
    try:
        await conn.execute("select set_config('lock_timeout', $1, false)", f"{settings.lock_timeout_ms}ms")
        if await conn.fetchval("select to_regclass('core.partitioned_tables') is null"):
            raise ConfigurationError(
                "this database has no partition maintenance (migration 0002_core_partitions); "
                "run `sqlfirst migrate up` first"
            )
        return await work(conn)
    finally:
        await conn.close()


@partitions_app.command("maintain")
@expected_errors
def partitions_maintain(
    database_url: DatabaseUrl = None,
    table: Annotated[
        str | None, typer.Option("--table", "-t", help="Only this table (schema.table); default all.")
    ] = None,
    lock_timeout_ms: LockTimeoutMs = None,
) -> None:
    """Create default and upcoming partitions, move rows out of the default, apply retention."""
    from sqlfirst import partitions

    actions = asyncio.run(
        _with_connection(
            url_of(database_url), lock_timeout_ms, lambda conn: partitions.maintain(conn, parent=table)
        )
    )
    for a in actions:
        rows = f"  ({a.row_count} row(s) out of the default partition)" if a.action == "moved" else ""
        target = a.partition_name or ""
        out.print(f"{a.action:<16} {a.parent_table}  {target}{rows}", soft_wrap=True)
    out.print(
        f"{len(actions)} change(s)" if actions else "nothing to do: every partitioned table is up to date"
    )


def _bound(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.strftime(
        "%Y-%m-%d" if value.hour == value.minute == value.second == 0 else "%Y-%m-%d %H:%M:%S"
    )


def _every(interval: str) -> str:
    return {"1 mon": "month", "1 day": "day"}.get(interval, interval)


@partitions_app.command("status")
@expected_errors
def partitions_status(database_url: DatabaseUrl = None) -> None:
    """List every partitioned table under maintenance, its partitions and row counts."""
    from sqlfirst import partitions

    tables = asyncio.run(_with_connection(url_of(database_url), None, partitions.status))
    summary = Table(
        Column("table", no_wrap=True),
        Column("every", no_wrap=True),
        Column("ahead", justify="right"),
        Column("retention", no_wrap=True),
        Column("partitions", justify="right", no_wrap=True),
        Column("in default", justify="right", no_wrap=True),
        title="partitioned tables under maintenance",
        title_justify="left",
    )
    for t in tables:
        summary.add_row(
            t.parent_table,
            _every(t.partition_interval),
            str(t.premake),
            f"{t.retention_mode} > {t.retention}" if t.retention else "keep all",
            str(sum(not p.is_default for p in t.partitions)),
            str(t.rows_in_default),
            style="bold yellow" if t.rows_in_default else None,
        )
    out.print(summary)
    if not tables:
        out.print("none yet: a migration registers one with core.register_partitioned_table(...)")
    for t in tables:
        retention = f"{t.retention_mode} partitions older than {t.retention}" if t.retention else "keep all"
        every = _every(t.partition_interval)
        out.print(
            f"[bold]{t.parent_table}[/] by {t.control_column}, one partition per {every}, "
            f"premake {t.premake}, retention: {retention}",
            soft_wrap=True,
        )
        table = Table("partition", "from (UTC)", "to (UTC)", Column("rows", justify="right"))
        for p in t.partitions:
            style = "bold yellow" if p.is_default and p.row_count else None
            table.add_row(
                p.name + (" (default)" if p.is_default else ""),
                _bound(p.lower_bound),
                _bound(p.upper_bound),
                str(p.row_count),
                style=style,
            )
        out.print(table)
        waiting = t.rows_in_default
        out.print(
            f"{waiting} row(s) in the default partition: `sqlfirst partitions maintain` moves those "
            "within retention into partitions of their own"
            if waiting
            else "default partition empty",
            soft_wrap=True,
        )


# -- check -----------------------------------------------------------------------------------------


@app.command("check")
@expected_errors
def check(database_url: DatabaseUrl = None) -> None:
    """Migrate a scratch database and prove every named query against its typed declaration."""
    from sqlfirst.check import run_check

    report = asyncio.run(run_check(url_of(database_url)))
    for problem in report.problems:
        err.print(str(problem), soft_wrap=True, markup=False)
    if report.problems:
        err.print(f"[bold red]{len(report.problems)} problem(s)[/]; {report.verified} queries verified")
        raise typer.Exit(1)
    out.print(f"{report.verified} queries verified")


# Typer's usage errors are click's (vendored by recent Typer): found through a class Typer exports.
_USAGE_ERROR: type[Exception] = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError")


def main() -> None:
    """Console-script entry point: every failure is one ``error:`` line on stderr, never a traceback.

    ``SQLFIRST_TRACEBACK=1`` shows the traceback of an unexpected error (a bug worth reporting).
    """
    try:
        code = app(standalone_mode=False)
    except KeyboardInterrupt:
        sys.exit(130)
    except typer.Abort:
        fail("aborted")
        sys.exit(1)
    except _USAGE_ERROR as exc:
        message = exc.format_message()  # type: ignore[attr-defined]
        if message:  # empty when a group without a command printed its help
            context = getattr(exc, "ctx", None)
            command = context.command_path if context is not None else "sqlfirst"
            fail(f"{message.rstrip('.')} (see `{command} --help`)")
        sys.exit(exc.exit_code)  # type: ignore[attr-defined]
    except Exception as exc:
        if os.environ.get("SQLFIRST_TRACEBACK") == "1":
            raise
        fail(f"{type(exc).__name__}: {exc} (a bug in sqlfirst: SQLFIRST_TRACEBACK=1 shows where)")
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


from sqlfirst import cli_bench, cli_ops  # noqa: E402, F401  (bench; db health, db stats, docs)
from sqlfirst.cli_scaleout import print_replicas, start_replicas  # noqa: E402  (and db archive/backup/restore)
