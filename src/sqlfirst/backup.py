"""Backups and point-in-time recovery for the embedded server, with PostgreSQL's own tools.

- :func:`enable_wal_archiving` turns on continuous WAL archiving (``archive_mode``, an
  ``archive_command`` copying each finished segment into a directory) and restarts the server once
  when ``archive_mode`` changes.
- :func:`base_backup` takes a physical base backup (``pg_basebackup``, plain format, WAL streamed,
  with a ``backup_manifest``); :func:`logical_backup` a ``pg_dump`` in custom format.
- :func:`restore` copies a base backup into a new data directory, checks it with
  ``pg_verifybackup``, replays archived WAL up to ``recovery_target_time``, promotes, starts the
  result on a local port and counts the rows of every table, so a restore is checked, not assumed.
"""

from __future__ import annotations

import asyncio
import os
import pwd
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg

from sqlfirst import embedded, replication
from sqlfirst.errors import ConfigurationError, DatabaseUnavailable
from sqlfirst.replication import own_directory, run_as_server_user

__all__ = [
    "RestoreReport",
    "base_backup",
    "enable_wal_archiving",
    "logical_backup",
    "restore",
    "stop_restored",
]


def _primary_socket(primary: Path) -> str:
    state = embedded.status(primary)
    if not state.running:
        raise DatabaseUnavailable(f"the embedded server in {primary} is not running")
    return (primary / "postmaster.pid").read_text().splitlines()[4]


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def enable_wal_archiving(archive_dir: Path, primary: Path | None = None) -> bool:
    """Archive every finished WAL segment of the embedded server into ``archive_dir``.

    Returns True when the server had to be restarted (``archive_mode`` changes need a restart).
    """
    primary = primary or embedded.data_dir()
    archive_dir = archive_dir.resolve()
    own_directory(archive_dir)
    socket_dir = _primary_socket(primary)
    # test ! -f: never overwrite a segment already archived (the documented archive_command).
    command = f"test ! -f {archive_dir}/%f && cp %p {archive_dir}/%f"
    psql = [
        str(embedded.pg_bin("psql")),
        "-X",
        "-q",
        "-At",
        "-h",
        socket_dir,
        "-U",
        "postgres",
        "-d",
        "postgres",
    ]
    current = run_as_server_user([*psql, "-c", "show archive_mode"]).strip()
    run_as_server_user([*psql, "-c", f"alter system set archive_command = '{command}'"])
    run_as_server_user([*psql, "-c", "alter system set archive_mode = 'on'"])
    # A quiet server still closes a segment at least once a minute: the archive is never more than
    # a minute behind, and a restore target older than that can be reached.
    run_as_server_user([*psql, "-c", "alter system set archive_timeout = '60s'"])
    run_as_server_user([*psql, "-c", "select pg_reload_conf()"])
    if current == "on":
        return False
    # pg_ctl restart keeps the server's command line (postmaster.opts): same socket, same URL.
    run_as_server_user(
        [
            str(embedded.pg_bin("pg_ctl")),
            "-D",
            str(primary),
            "-l",
            str(primary / "log"),
            "-m",
            "fast",
            "-w",
            "-t",
            "60",
            "restart",
        ]
    )
    return True


def base_backup(dest: Path, primary: Path | None = None) -> Path:
    """A plain-format base backup of the embedded server in ``dest/base-<UTC time>``; returns its path."""
    primary = primary or embedded.data_dir()
    target = dest.resolve() / f"base-{_stamp()}"
    own_directory(target)
    run_as_server_user(
        [
            str(embedded.pg_bin("pg_basebackup")),
            "-D",
            str(target),
            "-X",
            "stream",
            "-c",
            "fast",
            "-d",
            f"host={_primary_socket(primary)} user=postgres application_name=sqlfirst_backup",
        ]
    )
    return target


def logical_backup(url: str, dest: Path) -> Path:
    """``pg_dump --format=custom`` of the database at ``url`` into ``dest``; returns the file."""
    dest = dest.resolve()
    own_directory(dest)
    name = urlsplit(url).path.strip("/") or "db"
    target = dest / f"{name}-{_stamp()}.dump"
    run_as_server_user([str(embedded.pg_bin("pg_dump")), "--format=custom", "--file", str(target), url])
    return target


@dataclass(frozen=True, slots=True)
class RestoreReport:
    data_dir: Path
    port: int
    row_counts: dict[str, int]  # "schema.table" -> rows, for every table of the checked database

    def url(self, database: str = embedded.DATABASE_NAME) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"


def _copy_owned(source: Path, target: Path) -> None:
    if target.exists() and any(target.iterdir()):
        raise ConfigurationError(f"{target} is not empty: restore into a new directory")
    own_directory(target)
    target.rmdir()
    shutil.copytree(source, target, symlinks=True)
    user = "pgserver" if hasattr(os, "geteuid") and os.geteuid() == 0 else None
    if user is not None:
        entry = pwd.getpwnam(user)
        for root, dirs, files in os.walk(target):
            for name in [*dirs, *files]:
                os.chown(os.path.join(root, name), entry.pw_uid, entry.pw_gid, follow_symlinks=False)
        os.chown(target, entry.pw_uid, entry.pw_gid)
    target.chmod(0o700)


def restore(
    backup: Path,
    target: Path,
    *,
    to: datetime | None = None,
    wal_archive: Path | None = None,
    database: str = embedded.DATABASE_NAME,
) -> RestoreReport:
    """Restore ``backup`` into the new directory ``target``, up to ``to`` (else all archived WAL).

    The restored server runs on ``127.0.0.1:<port>`` when this returns (stop it with
    :func:`stop_restored`); its report counts the rows of every table in ``database``.
    """
    backup = backup.resolve()
    if not (backup / "PG_VERSION").is_file():
        raise ConfigurationError(
            f"{backup} is not a base backup (no PG_VERSION); take one with `sqlfirst db backup`"
        )
    if wal_archive is not None and not wal_archive.is_dir():
        raise ConfigurationError(f"no WAL archive at {wal_archive}")
    if (backup / "backup_manifest").exists():
        run_as_server_user([str(embedded.pg_bin("pg_verifybackup")), str(backup)])
    _copy_owned(backup, target)
    settings = [
        "# sqlfirst restore",
        f"port = {replication.free_port()}",
        "listen_addresses = '127.0.0.1'",
        "unix_socket_directories = ''",
        "archive_mode = off",  # the restored copy must not write into the original's archive
    ]
    if wal_archive is not None:
        settings.append(f"restore_command = 'cp {wal_archive.resolve()}/%f %p'")
    if to is not None:
        if to.tzinfo is None:
            raise ConfigurationError("the restore target time needs a time zone (e.g. 2026-12-01T23:00:00Z)")
        settings += [f"recovery_target_time = '{to.isoformat()}'", "recovery_target_action = 'promote'"]
    with (target / "postgresql.auto.conf").open("a") as conf:
        conf.write("\n".join(settings) + "\n")
    (target / "recovery.signal").touch()
    for stale in ("postmaster.pid", "standby.signal"):
        (target / stale).unlink(missing_ok=True)
    try:
        replication.pg_ctl_start(target)
    except ConfigurationError as exc:
        log = target / "log"
        tail = log.read_text(errors="replace").strip().splitlines()[-5:] if log.exists() else []
        raise ConfigurationError(f"the restored server did not start: {exc}; {' | '.join(tail)}") from exc
    port = replication.port_of(target)
    assert port is not None
    return RestoreReport(target, port, asyncio.run(_check(port, database)))


async def _check(port: int, database: str) -> dict[str, int]:
    url = f"postgresql://postgres@127.0.0.1:{port}/{database}"
    for _ in range(600):  # promotion follows the end of recovery
        conn = await asyncpg.connect(url)
        try:
            if not await conn.fetchval("select pg_is_in_recovery()"):
                break
        finally:
            await conn.close()
        await asyncio.sleep(0.1)
    else:
        raise DatabaseUnavailable("the restored server is still in recovery after 60 s")
    conn = await asyncpg.connect(url)
    try:
        tables = await conn.fetch(
            "select n.nspname, c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace"
            " where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema')"
            " and n.nspname not like 'pg_toast%' order by 1, 2"
        )
        counts: dict[str, int] = {}
        for table in tables:
            name = f'"{table["nspname"]}"."{table["relname"]}"'
            counts[f"{table['nspname']}.{table['relname']}"] = await conn.fetchval(
                f"select count(*) from {name}"
            )
    finally:
        await conn.close()
    return counts


def stop_restored(report: RestoreReport) -> None:
    run_as_server_user(
        [str(embedded.pg_bin("pg_ctl")), "-D", str(report.data_dir), "-m", "fast", "-w", "stop"]
    )
