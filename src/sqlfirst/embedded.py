"""The embedded PostgreSQL server (from the ``pgserver`` wheel): no Docker, no system packages.

The server keeps its data in one reused directory (``SQLFIRST_DATA_DIR``, by default the user's data
directory, or ``/var/lib/sqlfirst/pgdata`` for root) and listens on a Unix socket only. It keeps running
after the process that started it exits; ``sqlfirst db stop`` stops it.
"""

from __future__ import annotations

import os
import subprocess
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import platformdirs

from sqlfirst.errors import ConfigurationError, DatabaseUnavailable

__all__ = ["DATABASE_NAME", "EmbeddedStatus", "data_dir", "pg_bin", "start", "status", "stop", "temporary"]

DATABASE_NAME = "sqlfirst"


class _Server(Protocol):
    pgdata: Path

    def get_uri(self, database: str | None = None) -> str: ...
    def psql(self, command: str) -> str: ...
    def cleanup(self) -> None: ...


# pgserver asks platformdirs for XDG_RUNTIME_DIR at import and warns when it is unset (servers, CI).
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import pgserver
    from pgserver.postgres_server import get_server as _pgserver_get_server


def pg_bin(program: str) -> Path:
    """Path of a PostgreSQL client program shipped in the pgserver wheel (``pg_dump``, ``psql``...)."""
    return Path(pgserver.__file__).parent / "pginstall" / "bin" / program


def data_dir() -> Path:
    """Where the embedded server keeps its data."""
    configured = os.environ.get("SQLFIRST_DATA_DIR")
    if configured:
        return Path(configured).expanduser().resolve()
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # pgserver runs postgres as a separate system user and opens every parent folder to it;
        # keep that away from /root.
        return Path("/var/lib/sqlfirst/pgdata")
    return platformdirs.user_data_path("sqlfirst") / "pgdata"


@dataclass(frozen=True, slots=True)
class EmbeddedStatus:
    data_dir: Path
    initialized: bool
    running: bool
    pid: int | None
    url: str | None


def _get_server(path: Path, *, cleanup_mode: str | None) -> _Server:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigurationError(
            f"cannot create the embedded server's data directory {path} (SQLFIRST_DATA_DIR): "
            f"{exc.strerror or exc}"
        ) from exc
    try:
        server: _Server = _pgserver_get_server(path, cleanup_mode=cleanup_mode)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        log = path / "log"
        hint = f"; see {log}" if log.exists() else ""
        raise DatabaseUnavailable(f"could not start the embedded PostgreSQL in {path}: {exc}{hint}") from exc
    return server


def _ensure_database(server: _Server, name: str) -> str:
    try:
        exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}';")
        if "(1 row)" not in exists:
            server.psql(f'CREATE DATABASE "{name}";')
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        raise DatabaseUnavailable(
            f"the embedded PostgreSQL in {server.pgdata} did not answer: {exc}"
        ) from exc
    return server.get_uri(name)


def start(path: Path | None = None) -> str:
    """Start (or find running) the embedded server and return the URL of its ``sqlfirst`` database."""
    server = _get_server(path or data_dir(), cleanup_mode=None)
    return _ensure_database(server, DATABASE_NAME)


def _postmaster(path: Path) -> tuple[int, str] | None:
    """(pid, socket dir) of a running server on ``path``, or None."""
    pidfile = path / "postmaster.pid"
    try:
        lines = pidfile.read_text().splitlines()
    except OSError:
        return None
    if len(lines) < 5 or not lines[0].strip().isdigit():
        return None
    pid = int(lines[0])
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass
    return pid, lines[4]


def status(path: Path | None = None) -> EmbeddedStatus:
    """What the embedded server is doing, without starting it."""
    path = path or data_dir()
    info = _postmaster(path)
    url = f"postgresql://postgres:@/{DATABASE_NAME}?host={info[1]}" if info else None
    return EmbeddedStatus(
        data_dir=path,
        initialized=(path / "PG_VERSION").exists(),
        running=info is not None,
        pid=info[0] if info else None,
        url=url,
    )


def stop(path: Path | None = None) -> bool:
    """Stop the embedded server; False when it was not running."""
    path = path or data_dir()
    if _postmaster(path) is None:
        return False
    user = "pgserver" if hasattr(os, "geteuid") and os.geteuid() == 0 else None
    try:
        subprocess.run(
            [str(pg_bin("pg_ctl")), "-D", str(path), "-m", "fast", "-w", "stop"],
            check=True,
            capture_output=True,
            user=user,
            timeout=60,
        )
    except subprocess.CalledProcessError as exc:
        raise ConfigurationError(
            f"pg_ctl stop failed: {exc.stderr.decode(errors='replace').strip()}"
        ) from exc
    except (subprocess.TimeoutExpired, OSError) as exc:
        raise DatabaseUnavailable(f"pg_ctl stop failed: {exc}") from exc
    return True


def temporary(path: Path) -> _Server:
    """A throwaway server in ``path``, deleted when the process exits (used by the tests)."""
    return _get_server(path, cleanup_mode="delete")
