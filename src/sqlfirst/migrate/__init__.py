"""Schema migrations: yoyo-migrations SQL files driven through yoyo's Python API (psycopg 3).

Files live in ``migrations/`` as ``NNNN_<domain>_<what>.sql`` with a ``.rollback.sql`` partner and
``-- depends:`` lines where order matters. Every domain's migrations depend only on ``core`` ones, so
``domains=["agent_hub"]`` applies just that domain (and ``core``).

yoyo parses the files, orders them and keeps its ``_yoyo_migration`` table; sqlfirst closes the gaps
yoyo 9 leaves open, one module each:

* :mod:`~sqlfirst.migrate.files` — **nothing is skipped.** Every ``.sql`` file in the folder is a
  valid migration or a :class:`MigrationFileError` naming it; ``-- transactional: false`` files hold
  one statement that is safe to run again (``IF NOT EXISTS``).
* :mod:`~sqlfirst.migrate.session` — **the lock cannot be lost.** A session-level
  ``pg_advisory_lock`` held by the very session that applies the migrations; no migrator terminates
  another, a second one waits (at most ``lock_wait_s``, then :class:`MigrationLockTimeout`).
* :mod:`~sqlfirst.migrate.apply` — **no crash window.** A migration and its bookkeeping commit in one
  transaction; a non-transactional one is re-runnable, an INVALID index left by a dead
  ``CREATE INDEX CONCURRENTLY`` is dropped and rebuilt. Every migration runs with ``lock_timeout``.
* :mod:`~sqlfirst.migrate.integrity` — **no silent edits.** sha256 of each applied file and its
  rollback; :meth:`Migrator.verify` names edited, missing or renamed ones and ``up``/``down`` refuse
  to run while it fails unless told ``allow_edited``.
* :mod:`~sqlfirst.migrate.snapshot` — the committed ``schema.sql``.
"""

from __future__ import annotations

from sqlfirst.migrate import outcomes
from sqlfirst.migrate.files import (
    CORE,
    MIGRATION_NAME,
    file_checksum,
    migration_domain,
    new_migration,
    non_transactional_problem,
)
from sqlfirst.migrate.migrator import Migrator
from sqlfirst.migrate.outcomes import *  # noqa: F403  (the errors and results, as outcomes.py lists them)
from sqlfirst.migrate.session import CHECKSUM_TABLE, LOCK_NAMESPACE, MIGRATION_LOCK
from sqlfirst.migrate.snapshot import dump_schema, normalize_schema_dump, snapshot_schema

__all__ = [
    "CHECKSUM_TABLE",
    "CORE",
    "LOCK_NAMESPACE",
    "MIGRATION_LOCK",
    "MIGRATION_NAME",
    "Migrator",
    "dump_schema",
    "file_checksum",
    "migration_domain",
    "new_migration",
    "non_transactional_problem",
    "normalize_schema_dump",
    "snapshot_schema",
]
__all__ += outcomes.__all__
