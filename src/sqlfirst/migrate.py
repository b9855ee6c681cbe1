"""Schema migrations: yoyo-migrations SQL files driven through yoyo's Python API (psycopg 3).

Files live in ``migrations/`` as ``NNNN_<domain>_<what>.sql`` with a ``.rollback.sql`` partner and
``-- depends:`` lines where order matters. Every domain's migrations depend only on ``core`` ones, so
``domains=["agent_hub"]`` applies just that domain (and ``core``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import psycopg
from yoyo import get_backend, read_migrations
from yoyo.exceptions import BadMigration, LockTimeout, MigrationConflict

from sqlfirst import paths
from sqlfirst.errors import ConfigurationError, DatabaseUnavailable, SqlfirstError
from sqlfirst.settings import redact, yoyo_url

__all__ = ["MigrationError", "MigrationState", "Migrator", "new_migration"]

MIGRATION_NAME = re.compile(r"^(?P<number>\d{4})_(?P<rest>[a-z][a-z0-9_]*)$")
CORE = "core"


class MigrationError(SqlfirstError):
    """A migration could not be applied or rolled back; nothing of it was kept."""


@dataclass(frozen=True, slots=True)
class MigrationState:
    id: str
    state: Literal["applied", "pending"]
    path: Path


def migration_domain(migration_id: str) -> str | None:
    """The domain of ``NNNN_<domain>_<what>``: the longest known domain name after the number."""
    rest = migration_id.split("_", 1)[1] if "_" in migration_id else ""
    matches = [d for d in (CORE, *paths.DOMAINS) if rest.startswith(d + "_")]
    return max(matches, key=len) if matches else None


class Migrator:
    """Apply, roll back and inspect migrations on one database.

    ``domains`` limits the run to those domains' migrations plus ``core``; None means all.
    """

    def __init__(
        self,
        url: str,
        *,
        directory: Path | None = None,
        domains: Sequence[str] | None = None,
    ) -> None:
        self.url = url
        self.directory = directory or paths.migrations_dir()
        if not self.directory.is_dir():
            raise ConfigurationError(f"migrations folder {self.directory} does not exist")
        self.domains = list(domains) if domains else None

    # -- yoyo plumbing -------------------------------------------------------------------------

    @contextmanager
    def _backend(self) -> Iterator[Any]:
        try:
            backend = get_backend(yoyo_url(self.url))
        except psycopg.OperationalError as exc:
            raise DatabaseUnavailable(f"cannot connect to {redact(self.url)}: {_first_line(exc)}") from exc
        try:
            yield backend
        finally:
            backend.connection.close()

    def _migrations(self) -> Any:
        migrations = read_migrations(str(self.directory))
        if self.domains is None:
            return migrations
        all_domains = self.known_domains()
        unknown = sorted(set(self.domains) - set(all_domains))
        if unknown:
            raise ConfigurationError(f"no migrations for domain(s) {unknown}; known: {sorted(all_domains)}")
        wanted = {CORE, *self.domains}
        return migrations.filter(lambda m: migration_domain(m.id) in wanted)

    def known_domains(self) -> list[str]:
        """Domains that have migrations in the folder (``core`` included)."""
        found = {
            migration_domain(p.stem)
            for p in self.directory.glob("[0-9][0-9][0-9][0-9]_*.sql")
            if not p.name.endswith(".rollback.sql")
        }
        return sorted(d for d in found if d is not None)

    # -- operations ----------------------------------------------------------------------------

    def status(self) -> list[MigrationState]:
        """Every migration in order with whether it is applied."""
        with self._backend() as backend:
            migrations = self._migrations()
            applied = set(backend.get_applied_migration_hashes())
            return [
                MigrationState(
                    id=m.id,
                    state="applied" if m.hash in applied else "pending",
                    path=Path(m.path),
                )
                for m in migrations
            ]

    def up(self) -> list[str]:
        """Apply every pending migration in dependency order; return the ids applied."""
        with self._backend() as backend, _locked(backend):
            pending = backend.to_apply(self._migrations())
            applied: list[str] = []
            for migration in pending:
                self._run(backend.apply_one, migration, "apply")
                applied.append(migration.id)
            return applied

    def down(self, steps: int = 1) -> list[str]:
        """Roll back the last ``steps`` applied migrations (dependents first); return their ids."""
        if steps < 1:
            raise ConfigurationError("steps must be at least 1")
        with self._backend() as backend, _locked(backend):
            candidates = list(backend.to_rollback(self._migrations()))[:steps]
            rolled: list[str] = []
            for migration in candidates:
                self._run(backend.rollback_one, migration, "roll back")
                rolled.append(migration.id)
            return rolled

    def reset(self) -> list[str]:
        """Roll back every applied migration."""
        with self._backend() as backend, _locked(backend):
            rolled = []
            for migration in backend.to_rollback(self._migrations()):
                self._run(backend.rollback_one, migration, "roll back")
                rolled.append(migration.id)
            return rolled

    @staticmethod
    def _run(step: Any, migration: Any, verb: str) -> None:
        try:
            step(migration)
        except psycopg.Error as exc:
            raise MigrationError(f"could not {verb} {migration.id}: {_first_line(exc)}") from exc
        except BadMigration as exc:
            raise MigrationError(f"could not {verb} {migration.id}: {exc}") from exc


@contextmanager
def _locked(backend: Any) -> Iterator[None]:
    try:
        with backend.lock():
            yield
    except LockTimeout as exc:
        raise MigrationError(f"another migrator holds the lock: {exc}") from exc
    except MigrationConflict as exc:
        raise MigrationError(str(exc)) from exc


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def new_migration(
    domain: str, what: str, *, directory: Path | None = None, depends: Sequence[str] = ()
) -> Path:
    """Create ``NNNN_<domain>_<what>.sql`` and its rollback in the migrations folder."""
    directory = directory or paths.migrations_dir()
    slug = re.sub(r"[^a-z0-9]+", "_", what.lower()).strip("_")
    if not re.fullmatch(r"[a-z][a-z0-9_]*", domain):
        raise ConfigurationError(f"domain must be snake_case, got {domain!r}")
    if not slug:
        raise ConfigurationError("describe what the migration does, e.g. 'add_user_settings'")
    numbers = [int(p.name[:4]) for p in directory.glob("[0-9][0-9][0-9][0-9]_*.sql")]
    number = max(numbers, default=0) + 1
    stem = f"{number:04d}_{domain}_{slug}"
    if not depends:
        previous = sorted(
            p.stem
            for p in directory.glob(f"[0-9][0-9][0-9][0-9]_{domain}_*.sql")
            if not p.name.endswith(".rollback.sql")
        )
        depends = previous[-1:] or [p.stem for p in sorted(directory.glob("0001_core_*.sql"))[:1]]
    header = f"-- depends: {' '.join(depends)}\n" if depends else ""
    forward = directory / f"{stem}.sql"
    rollback = directory / f"{stem}.rollback.sql"
    forward.write_text(f"{header}--\n-- Why: \n\n")
    rollback.write_text(f"-- Undoes {stem}.\n\n")
    return forward
