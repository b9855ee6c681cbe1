"""The one database session a migrator works on, and the advisory lock it holds.

The migration lock is a session-level ``pg_advisory_lock`` taken on the very connection that then
runs every migration statement and every bookkeeping write (yoyo's backend is built on it and may not
open another). So the lock cannot be lost while the work goes on: the server releases it only when
that session ends, and a session that ended can no longer commit anything. Nothing is left to a
second, idle connection that a server timeout (``idle_session_timeout``) or a NAT could close behind
the migrator's back, and no migrator ever terminates another backend: a second migrator waits for
the lock (at most ``lock_wait_s``), then finds the work done.

The session also:

* turns off ``idle_session_timeout`` and ``idle_in_transaction_session_timeout`` for itself (a
  migration may legitimately pause between statements), and sends TCP keepalives (unless the URL says
  otherwise), so neither the server nor a NAT drops it while it is quiet;
* sets ``client_connection_check_interval`` (PostgreSQL 14+), so the server notices a migrator that
  died mid-statement within a second, rolls its work back and releases the lock;
* checks that it still holds the lock before each statement that commits on its own and inside each
  bookkeeping transaction, so even a migration that released it (``pg_advisory_unlock_all()``) cannot
  commit (:class:`MigrationLockLost`).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import psycopg
import psycopg.errors
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from yoyo.backends.core.postgresql import PostgresqlPsycopgBackend
from yoyo.connections import parse_uri
from yoyo.migrations import default_migration_table

from sqlfirst.errors import DatabaseUnavailable
from sqlfirst.migrate.outcomes import MigrationError, MigrationLockLost, MigrationLockTimeout
from sqlfirst.settings import psycopg_url, redact, yoyo_url

__all__ = [
    "APPLICATION_NAME",
    "CHECKSUM_TABLE",
    "LOCK_NAMESPACE",
    "MIGRATION_LOCK",
    "YOYO_TABLES",
    "Backend",
    "connect",
    "first_line",
    "locked_backend",
    "require_lock",
]

# pg_advisory_lock(int4, int4) keys: a namespace ("sqlf") and the migration lock within it.
LOCK_NAMESPACE = int.from_bytes(b"sqlf", "big")
MIGRATION_LOCK = 1
APPLICATION_NAME = "sqlfirst migrate"
CHECKSUM_TABLE = "sqlfirst_migration_checksums"
YOYO_TABLES = ("_yoyo_migration", "_yoyo_log", "_yoyo_version", "yoyo_lock")

# libpq keepalives: a quiet migrator still sends a probe every few seconds, so a NAT or a firewall
# keeps its session (and the lock that lives on it). Ignored on Unix sockets.
_KEEPALIVES = {
    "keepalives": "1",
    "keepalives_idle": "15",
    "keepalives_interval": "5",
    "keepalives_count": "4",
}


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def connect(url: str, *, application_name: str) -> psycopg.Connection[Any]:
    """An autocommit psycopg connection to ``url``; :class:`DatabaseUnavailable` when there is none."""
    try:
        given = conninfo_to_dict(psycopg_url(url))
        extra = {k: v for k, v in _KEEPALIVES.items() if k not in given}
        conninfo = make_conninfo(psycopg_url(url), application_name=application_name, **extra)
        return psycopg.connect(conninfo, autocommit=True)
    except psycopg.Error as exc:
        raise DatabaseUnavailable(f"cannot connect to {redact(url)}: {first_line(exc)}") from exc


class Backend(PostgresqlPsycopgBackend):  # type: ignore[misc]
    """yoyo's psycopg 3 backend on the migrator's own locked connection.

    Minus yoyo's row lock (the advisory lock replaces it), minus its transactional-DDL probe
    (PostgreSQL has transactional DDL; the probe needs CREATE on the schema), and unable to open a
    second connection (:meth:`copy`): every statement runs where the lock is.
    """

    def __init__(self, connection: psycopg.Connection[Any], url: str) -> None:
        self._given = connection
        super().__init__(parse_uri(yoyo_url(url)), default_migration_table)
        self.has_transactional_ddl = True

    def connect(self, dburi: Any) -> psycopg.Connection[Any]:
        self.schema = None
        return self._given

    def init_database(self) -> None:
        self.has_transactional_ddl = True

    def copy(self) -> Backend:
        raise NotImplementedError("a migrator runs every statement on the session that holds its lock")

    @contextmanager
    def lock(self, timeout: int = 10) -> Iterator[None]:
        yield

    def create_lock_table(self) -> None:
        """No ``yoyo_lock`` table: a row lock outlives a killed process, the advisory lock does not."""


def _configure(conn: psycopg.Connection[Any], lock_wait_s: float) -> None:
    # lock_wait_s bounds the wait for the lock and lock_timeout each migration's wait for table
    # locks; how long a migration then runs is its own business (a concurrent index on a big table
    # takes what it takes), so a database-wide statement_timeout does not apply to this session.
    settings = {
        "application_name": APPLICATION_NAME,
        "statement_timeout": "0",
        "idle_in_transaction_session_timeout": "0",
        "lock_timeout": f"{max(1, int(lock_wait_s * 1000))}ms",
    }
    if conn.info.server_version >= 140000:
        settings["idle_session_timeout"] = "0"
        settings["client_connection_check_interval"] = "1000"
    for name, value in settings.items():
        conn.execute("select set_config(%s, %s, false)", [name, value])


def _acquire(conn: psycopg.Connection[Any], url: str, lock_wait_s: float) -> None:
    # Polled with pg_try_advisory_lock, never waited for in a blocking pg_advisory_lock: a waiting
    # statement holds a snapshot, and CREATE INDEX CONCURRENTLY in the holder's migration waits for
    # every older snapshot to go away, so holder and waiter would wait on each other (the server
    # breaks that as a deadlock and one of them fails). Between tries this session is idle and holds
    # no snapshot.
    deadline = time.monotonic() + lock_wait_s
    pause = 0.02
    while not conn.execute(
        "select pg_try_advisory_lock(%s, %s)", [LOCK_NAMESPACE, MIGRATION_LOCK]
    ).fetchone()[0]:  # type: ignore[index]
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            _timed_out(conn, url, lock_wait_s)
        time.sleep(min(pause, max(remaining, 0.001)))
        pause = min(pause * 2, 0.5)


def _timed_out(conn: psycopg.Connection[Any], url: str, lock_wait_s: float) -> NoReturn:
    row = conn.execute(
        "select a.pid, a.application_name"
        " from pg_locks l join pg_stat_activity a using (pid)"
        " where l.locktype = 'advisory' and l.granted and l.database = ("
        "   select oid from pg_database where datname = current_database())"
        " and l.classid = %s and l.objid = %s and l.objsubid = 2",
        [LOCK_NAMESPACE, MIGRATION_LOCK],
    ).fetchone()
    who = f"pid {row[0]} ({row[1] or 'no application_name'})" if row else "another session"
    raise MigrationLockTimeout(
        f"{who} holds the migration lock on {redact(url)}; gave up after {lock_wait_s:g} s"
    )


def require_lock(backend: Any, doing: str) -> None:
    """Raise :class:`MigrationLockLost` unless this session still holds the migration lock."""
    held = backend.execute(
        "select count(*) from pg_locks where locktype = 'advisory' and granted"
        " and pid = pg_backend_pid() and classid = :ns and objid = :key and objsubid = 2",
        {"ns": LOCK_NAMESPACE, "key": MIGRATION_LOCK},
    ).fetchone()[0]
    if not held:
        raise MigrationLockLost(
            f"the migration lock was released while {doing}; nothing of it was committed and another "
            "migrator may be running. Run `sqlfirst migrate up` again"
        )


@contextmanager
def locked_backend(url: str, *, lock_wait_s: float, lock_timeout_ms: int) -> Iterator[Any]:
    """yoyo's backend on a session that holds the migration lock until it closes."""
    conn = connect(url, application_name=APPLICATION_NAME)
    try:
        try:
            _configure(conn, lock_wait_s)
            _acquire(conn, url, lock_wait_s)
            conn.execute("select set_config('lock_timeout', %s, false)", [f"{lock_timeout_ms}ms"])
            backend = Backend(conn, url)
            backend.ensure_internal_schema_updated()
            exists = conn.execute("select to_regclass(%s) is not null", [CHECKSUM_TABLE]).fetchone()
            if not (exists and exists[0]):
                conn.execute(
                    f"create table if not exists {CHECKSUM_TABLE} ("
                    " migration_id text primary key,"
                    " content_sha256 text not null,"
                    " rollback_sha256 text,"
                    " recorded_at timestamptz not null default now(),"
                    " backfilled boolean not null default false)"
                )
        except psycopg.OperationalError as exc:
            raise DatabaseUnavailable(
                f"lost {redact(url)} while preparing to migrate: {first_line(exc)}"
            ) from exc
        except psycopg.Error as exc:
            raise MigrationError(f"cannot prepare {redact(url)} for migrations: {first_line(exc)}") from exc
        yield backend
    finally:
        conn.close()  # ends the session: the server releases the advisory lock
