"""Streaming replicas of the embedded server: ``sqlfirst db start --replicas N``.

Each replica is a ``pg_basebackup -R`` copy of the embedded primary in a sibling directory
(``<data dir>-replica<i>``) that streams WAL from the primary over its Unix socket and serves
read-only queries on ``127.0.0.1:<port>``. The port is written into the replica's
``postgresql.auto.conf``, so a restarted replica keeps its URL. initdb's default ``pg_hba.conf``
already trusts local replication connections and PostgreSQL 16's defaults (``wal_level = replica``,
``max_wal_senders = 10``, ``hot_standby = on``) are what streaming needs, so the primary is not
reconfigured.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import asyncpg

from sqlfirst import embedded
from sqlfirst.errors import ConfigurationError, DatabaseUnavailable

__all__ = [
    "ReplicaInfo",
    "ReplicaLag",
    "free_port",
    "kill_replica",
    "lag_report",
    "own_directory",
    "pg_ctl_start",
    "port_of",
    "replica_dir",
    "replicas",
    "run_as_server_user",
    "start_replica",
    "start_replicas",
    "stop_replicas",
]

_CONF_MARK = "# sqlfirst replica"


def _server_user() -> str | None:
    """pgserver runs postgres as the ``pgserver`` system user when started by root."""
    return "pgserver" if hasattr(os, "geteuid") and os.geteuid() == 0 else None


def run_as_server_user(args: list[str], *, timeout: float = 300) -> str:
    """Run a PostgreSQL program as the user that owns the data directories; stdout on success."""
    try:
        done = subprocess.run(
            args, check=True, capture_output=True, text=True, user=_server_user(), timeout=timeout
        )
    except subprocess.CalledProcessError as exc:
        raise ConfigurationError(f"{Path(args[0]).name} failed: {exc.stderr.strip() or exc}") from exc
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ConfigurationError(f"{Path(args[0]).name} failed: {exc}") from exc
    return done.stdout


def own_directory(path: Path) -> None:
    """Create ``path`` (empty, mode 0700) owned by the server user, its parents traversable."""
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    user = _server_user()
    if user is not None:
        entry = pwd.getpwnam(user)
        os.chown(path, entry.pw_uid, entry.pw_gid)
        parent = path.parent
        while parent != parent.parent:
            parent.chmod(parent.stat().st_mode | 0o055)
            parent = parent.parent


@dataclass(frozen=True, slots=True)
class ReplicaInfo:
    index: int
    data_dir: Path
    port: int
    running: bool

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{embedded.DATABASE_NAME}"


def replica_dir(primary: Path, index: int) -> Path:
    return primary.parent / f"{primary.name}-replica{index}"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def port_of(path: Path) -> int | None:
    try:
        lines = (path / "postgresql.auto.conf").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        key, _, value = line.partition("=")
        if key.strip() == "port":
            return int(value.strip().strip("'"))
    return None


def _running(path: Path) -> bool:
    try:
        pid = int((path / "postmaster.pid").read_text().splitlines()[0])
        os.kill(pid, 0)
    except (OSError, ValueError, IndexError):
        return False
    return True


def replicas(primary: Path | None = None) -> list[ReplicaInfo]:
    """The replicas set up beside the embedded primary (running or not), by index."""
    primary = primary or embedded.data_dir()
    found: list[ReplicaInfo] = []
    index = 1
    while (path := replica_dir(primary, index)).exists():
        port = port_of(path)
        if port is not None:
            found.append(ReplicaInfo(index, path, port, _running(path)))
        index += 1
    return found


def pg_ctl_start(path: Path) -> None:
    run_as_server_user(
        [str(embedded.pg_bin("pg_ctl")), "-D", str(path), "-l", str(path / "log"), "-w", "-t", "60", "start"]
    )


def start_replica(primary: Path, index: int) -> ReplicaInfo:
    """Create replica ``index`` from a base backup of the running primary (or restart it)."""
    state = embedded.status(primary)
    if not state.running:
        raise DatabaseUnavailable(f"the embedded primary in {primary} is not running")
    path = replica_dir(primary, index)
    if not (path / "standby.signal").exists():
        if path.exists():
            shutil.rmtree(path)
        own_directory(path)
        socket_dir = _socket_dir(primary)
        slot = f"sqlfirst_replica{index}"
        # A physical slot keeps the WAL a replica still needs (restarts, pg_switch_wal, checkpoints
        # would otherwise recycle it); max_slot_wal_keep_size bounds what a dead replica can pin.
        psql = [str(embedded.pg_bin("psql")), "-X", "-q", "-At", "-h", socket_dir, "-U", "postgres"]
        run_as_server_user(
            [
                *psql,
                "-d",
                "postgres",
                "-c",
                "select pg_drop_replication_slot(slot_name) from pg_replication_slots"
                f" where slot_name = '{slot}'",
                "-c",
                "alter system set max_slot_wal_keep_size = '1GB'",
                "-c",
                "select pg_reload_conf()",
            ]
        )
        run_as_server_user(
            [
                str(embedded.pg_bin("pg_basebackup")),
                "-D",
                str(path),
                "-C",
                "-S",
                slot,
                "-R",  # standby.signal + primary_conninfo + primary_slot_name
                "-X",
                "stream",
                "-c",
                "fast",
                "-d",
                f"host={socket_dir} user=postgres application_name=sqlfirst_replica{index}",
            ]
        )
        port = free_port()
        with (path / "postgresql.auto.conf").open("a") as conf:
            conf.write(
                f"{_CONF_MARK} {index}\nport = {port}\nlisten_addresses = '127.0.0.1'\n"
                "unix_socket_directories = ''\nhot_standby = on\n"
                # Replica settings a streamed base backup must not inherit from the primary's archiving.
                "archive_mode = off\n"
            )
    if not _running(path):
        pg_ctl_start(path)
    configured = port_of(path)
    assert configured is not None
    return ReplicaInfo(index, path, configured, True)


def _socket_dir(primary: Path) -> str:
    lines = (primary / "postmaster.pid").read_text().splitlines()
    return lines[4]


def start_replicas(count: int, primary: Path | None = None) -> list[ReplicaInfo]:
    """Ensure replicas 1..count exist and run beside the (running) embedded primary."""
    primary = primary or embedded.data_dir()
    return [start_replica(primary, index) for index in range(1, count + 1)]


def _pg_ctl_stop(path: Path, mode: str) -> None:
    run_as_server_user([str(embedded.pg_bin("pg_ctl")), "-D", str(path), "-m", mode, "-w", "stop"])


def stop_replicas(primary: Path | None = None) -> int:
    """Stop every running replica of the embedded primary; returns how many were stopped."""
    stopped = 0
    for replica in replicas(primary):
        if replica.running:
            _pg_ctl_stop(replica.data_dir, "fast")
            stopped += 1
    return stopped


def kill_replica(replica: ReplicaInfo) -> None:
    """Stop a replica the hard way (``-m immediate``: a crash as its clients see it)."""
    _pg_ctl_stop(replica.data_dir, "immediate")


@dataclass(frozen=True, slots=True)
class ReplicaLag:
    replica: ReplicaInfo
    state: str  # pg_stat_replication.state on the primary, or "not connected" / "stopped"
    lag_bytes: int | None  # primary's WAL position minus the replica's replay position
    replay_lag: timedelta | None  # pg_stat_replication.replay_lag (None when idle or unknown)


async def lag_report(primary_url: str, primary: Path | None = None) -> list[ReplicaLag]:
    """Each replica's replay lag as the primary sees it (``pg_stat_replication``)."""
    infos = replicas(primary)
    if not infos:
        return []
    conn = await asyncpg.connect(primary_url)
    try:
        rows = await conn.fetch(
            "select application_name, state, replay_lag,"
            " pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint as lag_bytes"
            " from pg_stat_replication"
        )
    finally:
        await conn.close()
    by_name = {row["application_name"]: row for row in rows}
    report: list[ReplicaLag] = []
    for info in infos:
        row = by_name.get(f"sqlfirst_replica{info.index}")
        if row is None:
            report.append(ReplicaLag(info, "stopped" if not info.running else "not connected", None, None))
        else:
            report.append(ReplicaLag(info, row["state"], row["lag_bytes"], row["replay_lag"]))
    return report
