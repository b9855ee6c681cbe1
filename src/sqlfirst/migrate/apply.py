"""Running one migration (or its rollback) and its bookkeeping on the locked session.

* A transactional migration, its ``_yoyo_migration`` row, its ``_yoyo_log`` row and its checksum
  commit in **one** transaction: a migrator killed at any point leaves the migration either applied
  and recorded, or not at all.
* A ``-- transactional: false`` migration is one idempotent statement (the file rules in
  :mod:`sqlfirst.migrate.files` enforce it) that commits on its own, then its bookkeeping commits. A
  migrator killed between the two leaves the statement done and the migration pending; the next run
  executes the statement again, which finds it done. A ``CREATE INDEX CONCURRENTLY`` that died half
  way leaves an INVALID index that ``IF NOT EXISTS`` would then take for done: the next run drops it
  first and builds it again (reported in ``UpResult.repaired``), and no run records a concurrent index
  as applied unless it is valid and on the table the statement names.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import Any, Literal

import psycopg
import psycopg.errors
from yoyo.exceptions import BadMigration, MigrationConflict

from sqlfirst.migrate.files import Checksum, ConcurrentIndex, checksum, concurrent_index, statements
from sqlfirst.migrate.outcomes import MigrationError, MigrationLockLost
from sqlfirst.migrate.session import CHECKSUM_TABLE, first_line, require_lock

__all__ = ["book", "record", "run"]

Direction = Literal["apply", "rollback"]


def run(backend: Any, migration: Any, direction: Direction, *, lock_timeout_ms: int) -> list[str]:
    """Apply or roll back ``migration`` with its bookkeeping; return what was repaired first.

    Raises :class:`MigrationError` (or :class:`MigrationLockLost`) naming the migration.
    """
    verb = "apply" if direction == "apply" else "roll back"
    doing = "applying" if direction == "apply" else "rolling back"
    try:
        migration.load()
        # yoyo prints the rows of any SELECT a migration runs (e.g. `select
        # core.register_partitioned_table(...)`) to stdout; a migration's output is not ours to print.
        with contextlib.redirect_stdout(io.StringIO()):
            if migration.use_transactions:
                _run_in_transaction(backend, migration, direction, doing)
                return []
            return _run_outside_transaction(backend, migration, direction, doing)
    except psycopg.errors.LockNotAvailable as exc:
        raise MigrationError(
            f"could not {verb} {migration.id}: lock_timeout ({lock_timeout_ms} ms) expired "
            f"waiting for a lock another transaction holds ({first_line(exc)}); nothing of it was "
            "applied. Retry when that transaction ends, or raise --lock-timeout-ms"
        ) from exc
    except psycopg.Error as exc:
        if backend.connection.closed:
            kept = (
                "nothing of it was committed"
                if migration.use_transactions
                else "its one statement may have run; it is safe to run again"
            )
            raise MigrationLockLost(
                f"could not {verb} {migration.id}: the session holding the migration lock was closed "
                f"({first_line(exc)}); {kept}. Run `sqlfirst migrate up` again"
            ) from exc
        raise MigrationError(f"could not {verb} {migration.id}: {first_line(exc)}") from exc
    except (BadMigration, MigrationConflict) as exc:
        raise MigrationError(f"could not {verb} {migration.id}: {exc}") from exc


def _run_in_transaction(backend: Any, migration: Any, direction: Direction, doing: str) -> None:
    # One transaction for the statements and the bookkeeping: all of it or none of it. yoyo's
    # process_steps opens a savepoint inside it (it sees a transaction in progress).
    with backend.transaction():
        migration.process_steps(backend, direction)
        book(backend, migration, direction, f"{doing} {migration.id}")


def _run_outside_transaction(backend: Any, migration: Any, direction: Direction, doing: str) -> list[str]:
    require_lock(backend, f"{doing} {migration.id}")
    path = Path(migration.path)
    text = path.read_text(encoding="utf-8") if direction == "apply" else ""
    index = concurrent_index(statements(text)[0]) if text else None
    repaired = _drop_invalid_index(backend, index, migration.id) if index else []
    migration.process_steps(backend, direction)
    if index:
        _require_valid_index(backend, index, migration.id)
    with backend.transaction():
        book(backend, migration, direction, f"recording {migration.id}")
    return repaired


_FIND_INDEX = (
    "select format('%%I.%%I', n.nspname, c.relname), i.indisvalid, i.indrelid = to_regclass(:tbl),"
    " i.indrelid::regclass::text"
    " from pg_class c join pg_namespace n on n.oid = c.relnamespace join pg_index i on i.indexrelid = c.oid"
    " where c.relname = :name and c.relnamespace = ("
    "   select t.relnamespace from pg_class t where t.oid = to_regclass(:tbl))"
)


def _drop_invalid_index(backend: Any, index: ConcurrentIndex, migration_id: str) -> list[str]:
    """Drop an INVALID index of this name left by an interrupted ``CREATE INDEX CONCURRENTLY``.

    Safe because this session holds the migration lock: the session that built it is gone (a live
    one would still hold the lock), so nobody is still building it.
    """
    row = backend.execute(_FIND_INDEX, {"name": index.name, "tbl": index.table}).fetchone()
    if row is None or row[1]:
        return []
    backend.execute(f"drop index concurrently if exists {row[0]}")
    return [f"dropped INVALID index {row[0]} left by an interrupted run of {migration_id}, then rebuilt it"]


def _require_valid_index(backend: Any, index: ConcurrentIndex, migration_id: str) -> None:
    row = backend.execute(_FIND_INDEX, {"name": index.name, "tbl": index.table}).fetchone()
    if row is None:
        problem = "is not there after the statement ran"
    elif not row[2]:
        problem = f"already exists on {row[3]}, not on {index.table} (IF NOT EXISTS skipped it)"
    elif not row[1]:
        problem = "is INVALID (its build did not finish)"
    else:
        return
    raise MigrationError(
        f"could not apply {migration_id}: index {index.name} {problem}; not recorded as applied"
    )


def book(backend: Any, migration: Any, direction: Direction, doing: str) -> None:
    """Record (or erase) ``migration`` as applied, inside the caller's transaction."""
    require_lock(backend, doing)
    if direction == "apply":
        backend.mark_one(migration, log=False)
        record(backend, migration.id, checksum(Path(migration.path)), backfilled=False)
    else:
        backend.unmark_one(migration, log=False)
        backend.execute(f"delete from {CHECKSUM_TABLE} where migration_id = :id", {"id": migration.id})
    backend.log_migration(migration, direction)


def record(backend: Any, migration_id: str, sums: Checksum, *, backfilled: bool) -> None:
    backend.execute(
        f"insert into {CHECKSUM_TABLE} (migration_id, content_sha256, rollback_sha256, backfilled)"
        " values (:id, :content, :rollback, :backfilled)"
        " on conflict (migration_id) do update set content_sha256 = excluded.content_sha256,"
        " rollback_sha256 = excluded.rollback_sha256, recorded_at = now(), backfilled = excluded.backfilled",
        {
            "id": migration_id,
            "content": sums.content,
            "rollback": sums.rollback,
            "backfilled": backfilled,
        },
    )
