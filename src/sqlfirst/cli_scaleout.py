"""``sqlfirst db`` scale-out commands: replicas, WAL archiving, base and logical backups, PITR."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from sqlfirst import backup, embedded, replication
from sqlfirst.cli_base import db_app, expected_errors, out, url_of
from sqlfirst.errors import ConfigurationError


def start_replicas(count: int) -> None:
    """``db start --replicas N``: replicas 1..N beside the running embedded server."""
    for replica in replication.start_replicas(count):
        out.print(f"replica {replica.index}: {replica.url}")


def print_replicas(primary_url: str) -> None:
    """``db status``: each replica's state and replay lag, as the primary sees them."""
    maintenance = primary_url.replace(f"/{embedded.DATABASE_NAME}?", "/postgres?")
    for lag in asyncio.run(replication.lag_report(maintenance)):
        behind = "?" if lag.lag_bytes is None else f"{lag.lag_bytes} bytes"
        out.print(
            f"replica {lag.replica.index}:      {lag.replica.url} {lag.state}, replay lag {behind}"
            f" ({lag.replay_lag or 'idle'})"
        )


@db_app.command("archive")
@expected_errors
def db_archive(
    directory: Annotated[Path, typer.Argument(help="Where each finished WAL segment is copied.")],
) -> None:
    """Archive the embedded server's WAL continuously into DIRECTORY (restarts it once if needed)."""
    embedded.start()
    restarted = backup.enable_wal_archiving(directory)
    out.print(f"archiving WAL into {directory.resolve()}" + (" (server restarted)" if restarted else ""))


@db_app.command("backup")
@expected_errors
def db_backup(
    directory: Annotated[Path, typer.Option("--dir", help="Where the backup goes.")] = Path("backups"),
    logical: Annotated[
        bool, typer.Option("--logical", help="pg_dump in custom format instead of a base backup.")
    ] = False,
    database_url: Annotated[
        str | None, typer.Option("--database-url", help="For --logical: the database to dump.")
    ] = None,
) -> None:
    """Take a physical base backup of the embedded server (or a logical pg_dump with --logical)."""
    if logical:
        out.print(backup.logical_backup(url_of(database_url), directory))
    else:
        embedded.start()
        out.print(backup.base_backup(directory))


@db_app.command("restore")
@expected_errors
def db_restore(
    base: Annotated[Path, typer.Argument(help="A base backup directory from `sqlfirst db backup`.")],
    into: Annotated[Path, typer.Option("--into", help="The new data directory to create.")],
    to: Annotated[
        str | None,
        typer.Option("--to", help="Recover to this moment (ISO 8601 with a zone); default: all WAL."),
    ] = None,
    wal_archive: Annotated[
        Path | None, typer.Option("--wal-archive", help="The WAL archive directory (`db archive`).")
    ] = None,
    stop: Annotated[bool, typer.Option("--stop", help="Stop the restored server after the check.")] = False,
) -> None:
    """Restore BASE into a new data directory up to --to, verify it and count every table's rows."""
    target = None
    if to is not None:
        try:
            target = datetime.fromisoformat(to)
        except ValueError:
            raise ConfigurationError(f"--to {to!r} is not an ISO 8601 time") from None
    report = backup.restore(base, into, to=target, wal_archive=wal_archive)
    for table, rows in report.row_counts.items():
        out.print(f"{table}: {rows} rows")
    if stop:
        backup.stop_restored(report)
        out.print(f"restored into {report.data_dir} (stopped)")
    else:
        out.print(f"restored into {report.data_dir}, running at {report.url()}")
