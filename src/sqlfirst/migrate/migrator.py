"""The :class:`Migrator`: apply, roll back, verify and inspect the migrations of one database."""

from __future__ import annotations

import glob
from collections.abc import Sequence
from itertools import chain
from pathlib import Path
from typing import Any

import psycopg
from yoyo.exceptions import BadMigration
from yoyo.migrations import MigrationList, ancestors, read_migrations

from sqlfirst import project
from sqlfirst.errors import ConfigurationError
from sqlfirst.migrate import apply, integrity
from sqlfirst.migrate.files import CORE, discover_folders, migration_domain
from sqlfirst.migrate.outcomes import (
    IntegrityError,
    MigrationError,
    MigrationState,
    UpResult,
    VerifyReport,
)
from sqlfirst.migrate.session import connect, first_line, locked_backend
from sqlfirst.settings import Settings

__all__ = ["Migrator"]


class Migrator:
    """Apply, roll back, verify and inspect migrations on one database.

    ``directory`` is the one folder of migrations; by default the current project's folders
    (:attr:`sqlfirst.project.Project.migration_folders`: the built-in ``core`` and included built-in
    domains' migrations first, when it includes any, then its own).
    ``domains`` limits the run to those domains' migrations plus ``core``; None means all.
    ``lock_timeout_ms`` bounds how long each migration waits for a table lock (default: settings,
    ``SQLFIRST_LOCK_TIMEOUT_MS``); ``lock_wait_s`` how long a run waits for another migrator to finish
    before it raises :class:`~sqlfirst.migrate.MigrationLockTimeout` (having changed nothing).
    """

    def __init__(
        self,
        url: str,
        *,
        directory: Path | None = None,
        domains: Sequence[str] | None = None,
        lock_timeout_ms: int | None = None,
        lock_wait_s: float = 300.0,
    ) -> None:
        self.url = url
        self.folders = (project.Folder(directory),) if directory else project.current().migration_folders
        self.directory = self.folders[-1].path  # the project's own folder
        for folder in self.folders:
            if not folder.path.is_dir():
                raise ConfigurationError(f"migrations folder {folder.path} does not exist")
        self.domains = list(domains) if domains else None
        self.lock_timeout_ms = (
            Settings.from_env().lock_timeout_ms if lock_timeout_ms is None else lock_timeout_ms
        )
        if self.lock_timeout_ms < 0:
            raise ConfigurationError("lock_timeout_ms must not be negative")
        if lock_wait_s <= 0:
            raise ConfigurationError("lock_wait_s must be positive")
        self.lock_wait_s = lock_wait_s

    def _locked(self) -> Any:
        return locked_backend(self.url, lock_wait_s=self.lock_wait_s, lock_timeout_ms=self.lock_timeout_ms)

    # -- the folder ----------------------------------------------------------------------------

    def _migrations(self) -> Any:
        """yoyo's list of this run's migrations; :class:`MigrationFileError` if any file breaks the rules."""
        ids = {p.stem for p in discover_folders(self.folders)}
        # Folder by folder: a file of the built-in folder that this project leaves out may share its
        # id with one of the project's own (yoyo refuses two of an id in one list).
        migrations = MigrationList(
            chain.from_iterable(
                read_migrations(glob.escape(str(f.path))).filter(lambda m: m.id in ids) for f in self.folders
            )
        )
        if self.domains is not None:
            all_domains = self.known_domains()
            unknown = sorted(set(self.domains) - set(all_domains))
            if unknown:
                raise ConfigurationError(
                    f"no migrations for domain(s) {unknown}; known: {sorted(all_domains)}"
                )
            migrations = migrations.filter(lambda m: self._wanted(m.id))
        try:
            for migration in migrations:
                migration.load()
        except BadMigration as exc:
            folders = " and ".join(str(f.path) for f in self.folders)
            raise MigrationError(f"cannot read the migrations in {folders}: {exc}") from exc
        return migrations

    def _wanted(self, migration_id: str) -> bool:
        return self.domains is None or migration_domain(migration_id) in {CORE, *self.domains}

    def known_domains(self) -> list[str]:
        """Domains that have migrations in the folders (``core`` included)."""
        found = {migration_domain(p.stem) for p in discover_folders(self.folders)}
        return sorted(d for d in found if d is not None)

    def _inspect(self, cursor: Any) -> tuple[list[MigrationState], list[Any]]:
        files = {m.id: Path(m.path) for m in self._migrations()}
        return integrity.inspect(cursor, files, self._wanted)

    # -- integrity -----------------------------------------------------------------------------

    def verify(self) -> VerifyReport:
        """Compare every applied migration with its file.

        Migrations applied before checksums existed get theirs recorded now (listed in ``recorded``).
        """
        with self._locked() as backend:
            return self._verify(backend)

    def _verify(self, backend: Any) -> VerifyReport:
        try:
            states, problems = self._inspect(backend.cursor())
            recorded = integrity.backfill(backend, states)
        except psycopg.Error as exc:
            raise MigrationError(f"cannot read the migration records: {first_line(exc)}") from exc
        verified = sum(s.state in ("applied", "unrecorded") for s in states)
        return VerifyReport(problems=problems, recorded=recorded, verified=verified)

    def status(self) -> list[MigrationState]:
        """Every migration in order: applied, pending, edited, unrecorded; then applied ones now missing.

        Read-only and lock-free: it does not wait for a running migrator.
        """
        with connect(self.url, application_name="sqlfirst migrate status") as conn:
            try:
                states, _ = self._inspect(conn.cursor())
            except psycopg.Error as exc:
                raise MigrationError(f"cannot read the migration records: {first_line(exc)}") from exc
            return states

    # -- operations ----------------------------------------------------------------------------

    def up(self, *, allow_edited: bool = False, target: str | None = None) -> UpResult:
        """Apply every pending migration in dependency order (only ``target`` and what it depends on,
        when given). Refuses while :meth:`verify` fails, unless ``allow_edited``.
        """
        migrations = self._migrations()  # a bad file fails before the lock is even asked for
        with self._locked() as backend:
            report = self._verify(backend)
            if report.problems and not allow_edited:
                raise IntegrityError(report.problems)
            pending = backend.to_apply(migrations)
            if target is not None:
                chosen = {m.id: m for m in migrations}.get(target)
                if chosen is None:
                    raise ConfigurationError(f"no migration named {target!r}")
                wanted = {target} | {m.id for m in ancestors(chosen, migrations)}
                pending = pending.filter(lambda m: m.id in wanted)
            applied: list[str] = []
            repaired: list[str] = []
            for migration in pending:
                repaired += apply.run(backend, migration, "apply", lock_timeout_ms=self.lock_timeout_ms)
                applied.append(migration.id)
            return UpResult(
                applied=applied, recorded=report.recorded, ignored=report.problems, repaired=repaired
            )

    def down(self, steps: int = 1, *, allow_edited: bool = False) -> list[str]:
        """Roll back the last ``steps`` applied migrations (dependents first); return their ids."""
        if steps < 1:
            raise ConfigurationError("steps must be at least 1")
        return self._roll_back(steps, allow_edited=allow_edited)

    def reset(self, *, allow_edited: bool = False) -> list[str]:
        """Roll back every applied migration."""
        return self._roll_back(None, allow_edited=allow_edited)

    def _roll_back(self, steps: int | None, *, allow_edited: bool) -> list[str]:
        migrations = self._migrations()
        with self._locked() as backend:
            report = self._verify(backend)
            if report.problems and not allow_edited:
                raise IntegrityError(report.problems)
            candidates = list(backend.to_rollback(migrations))
            if steps is not None:
                candidates = candidates[:steps]
            rolled: list[str] = []
            for migration in candidates:
                apply.run(backend, migration, "rollback", lock_timeout_ms=self.lock_timeout_ms)
                rolled.append(migration.id)
            return rolled
