"""Schema migrations: yoyo-migrations SQL files driven through yoyo's Python API (psycopg 3).

Files live in ``migrations/`` as ``NNNN_<domain>_<what>.sql`` with a ``.rollback.sql`` partner and
``-- depends:`` lines where order matters. Every domain's migrations depend only on ``core`` ones, so
``domains=["agent_hub"]`` applies just that domain (and ``core``).

yoyo parses the files, orders them and keeps its ``_yoyo_migration`` table; sqlfirst closes the gaps
yoyo 9 leaves open:

* **Integrity.** yoyo records a hash of the file *name* only. sqlfirst records the sha256 of each
  applied migration's content and of its rollback in ``sqlfirst_migration_checksums`` (next to
  ``_yoyo_migration``, created outside the migrations because ``core`` is itself a migration).
  :meth:`Migrator.verify` names every applied migration whose file was edited, removed or renamed,
  and ``up``/``down`` refuse to run while it fails unless told ``allow_edited``.
* **Locking.** yoyo's lock is a table row that a killed process leaves behind. sqlfirst holds a
  session-level ``pg_advisory_lock`` on a connection of its own for the whole run; the server drops it
  when that session ends, however the process died.
* **lock_timeout.** Every migration runs with ``lock_timeout`` set, so it fails (and changes nothing)
  instead of queueing forever behind a long transaction.
* **Atomicity.** A transactional migration, its ``_yoyo_migration`` row, its log row and its checksum
  commit in one transaction: a migrator killed at any point leaves the migration either fully applied
  and recorded or not at all. Non-transactional files may hold exactly one statement.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
import secrets
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

import psycopg
import psycopg.errors
from yoyo.backends.core.postgresql import PostgresqlPsycopgBackend
from yoyo.connections import parse_uri
from yoyo.exceptions import BadMigration, MigrationConflict
from yoyo.migrations import ancestors, default_migration_table, read_migrations

from sqlfirst import embedded, paths
from sqlfirst.errors import ConfigurationError, DatabaseUnavailable, SqlfirstError
from sqlfirst.settings import Settings, psycopg_url, redact, yoyo_url

__all__ = [
    "CHECKSUM_TABLE",
    "IntegrityError",
    "IntegrityProblem",
    "MigrationError",
    "MigrationState",
    "Migrator",
    "UpResult",
    "VerifyReport",
    "dump_schema",
    "file_checksum",
    "new_migration",
    "normalize_schema_dump",
    "snapshot_schema",
]

MIGRATION_NAME = re.compile(r"^(?P<number>\d{4})_(?P<rest>[a-z][a-z0-9_]*)$")
CORE = "core"
CHECKSUM_TABLE = "sqlfirst_migration_checksums"
YOYO_TABLES = ("_yoyo_migration", "_yoyo_log", "_yoyo_version", "yoyo_lock")

# pg_advisory_lock(int4, int4) keys: a namespace ("sqlf") and the migration lock within it.
LOCK_NAMESPACE = int.from_bytes(b"sqlf", "big")
MIGRATION_LOCK = 1


class MigrationError(SqlfirstError):
    """A migration could not be applied or rolled back; nothing of it was kept."""


@dataclass(frozen=True, slots=True)
class IntegrityProblem:
    """An applied migration whose file no longer matches what was applied."""

    id: str
    kind: Literal["edited", "missing", "renamed"]
    detail: str

    def __str__(self) -> str:
        return f"{self.id}: {self.detail}"


class IntegrityError(MigrationError):
    """Applied migrations were edited, removed or renamed since they ran."""

    def __init__(self, problems: Sequence[IntegrityProblem]) -> None:
        self.problems = list(problems)
        listing = "; ".join(str(p) for p in self.problems)
        super().__init__(
            f"{len(self.problems)} applied migration(s) changed since they ran: {listing}. "
            "Restore the files (a schema change needs a new migration), or pass --allow-edited to run anyway"
        )


@dataclass(frozen=True, slots=True)
class MigrationState:
    id: str
    state: Literal["applied", "pending", "edited", "missing", "unrecorded"]
    path: Path | None
    detail: str = ""


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """What :meth:`Migrator.verify` found: problems, and checksums recorded for the first time."""

    problems: list[IntegrityProblem]
    recorded: list[str]
    verified: int

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True, slots=True)
class UpResult:
    """What :meth:`Migrator.up` did."""

    applied: list[str]
    recorded: list[str] = field(default_factory=list)
    ignored: list[IntegrityProblem] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Checksum:
    content: str
    rollback: str | None


def file_checksum(path: Path) -> str:
    """sha256 of a migration file's text, line endings normalised (a CRLF checkout is not an edit)."""
    text = path.read_bytes().replace(b"\r\n", b"\n")
    return hashlib.sha256(text).hexdigest()


def _checksum(path: Path) -> _Checksum:
    rollback = path.with_name(path.stem + ".rollback.sql")
    return _Checksum(file_checksum(path), file_checksum(rollback) if rollback.exists() else None)


def migration_domain(migration_id: str) -> str | None:
    """The domain of ``NNNN_<domain>_<what>``: the longest known domain name after the number."""
    rest = migration_id.split("_", 1)[1] if "_" in migration_id else ""
    matches = [d for d in (CORE, *paths.DOMAINS) if rest.startswith(d + "_")]
    return max(matches, key=len) if matches else None


class _Backend(PostgresqlPsycopgBackend):  # type: ignore[misc]
    """yoyo's psycopg 3 backend minus its row lock: the Migrator holds an advisory lock instead."""

    @contextmanager
    def lock(self, timeout: int = 10) -> Iterator[None]:
        yield

    def create_lock_table(self) -> None:
        """No ``yoyo_lock`` table: a row lock outlives a killed process, the advisory lock does not."""


def _connect(url: str, *, application_name: str) -> psycopg.Connection[Any]:
    try:
        return psycopg.connect(psycopg_url(url), autocommit=True, application_name=application_name)
    except psycopg.OperationalError as exc:
        raise DatabaseUnavailable(f"cannot connect to {redact(url)}: {_first_line(exc)}") from exc


class Migrator:
    """Apply, roll back, verify and inspect migrations on one database.

    ``domains`` limits the run to those domains' migrations plus ``core``; None means all.
    ``lock_timeout_ms`` bounds how long each migration waits for a table lock (default: settings,
    ``SQLFIRST_LOCK_TIMEOUT_MS``); ``lock_wait_s`` how long a run waits for another migrator to finish.
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
        self.directory = directory or paths.migrations_dir()
        if not self.directory.is_dir():
            raise ConfigurationError(f"migrations folder {self.directory} does not exist")
        self.domains = list(domains) if domains else None
        self.lock_timeout_ms = (
            Settings.from_env().lock_timeout_ms if lock_timeout_ms is None else lock_timeout_ms
        )
        if self.lock_timeout_ms < 0:
            raise ConfigurationError("lock_timeout_ms must not be negative")
        self.lock_wait_s = lock_wait_s

    # -- yoyo plumbing -------------------------------------------------------------------------

    @contextmanager
    def _locked_backend(self) -> Iterator[Any]:
        """yoyo's backend, opened while this process holds the migration advisory lock."""
        holder = _connect(self.url, application_name="sqlfirst migrate (lock)")
        try:
            self._acquire(holder)
            try:
                backend = _Backend(parse_uri(yoyo_url(self.url)), default_migration_table)
                backend.init_database()
            except psycopg.OperationalError as exc:
                raise DatabaseUnavailable(
                    f"cannot connect to {redact(self.url)}: {_first_line(exc)}"
                ) from exc
            try:
                backend.execute(
                    "select set_config('lock_timeout', :ms, false), "
                    "set_config('application_name', 'sqlfirst migrate', false)",
                    {"ms": f"{self.lock_timeout_ms}ms"},
                )
                # The server notices a dead client mid-statement (PG14+) instead of finishing a long
                # one; and a migration session still running while we hold the lock belongs to a
                # migrator that died (every live one holds the lock): end it, so its uncommitted
                # work does not block ours.
                backend.execute(
                    "select set_config('client_connection_check_interval', '1000', false)"
                    " where current_setting('server_version_num')::int >= 140000"
                )
                backend.execute(
                    "select pg_terminate_backend(pid) from pg_stat_activity"
                    " where datname = current_database() and application_name = 'sqlfirst migrate'"
                    " and pid <> pg_backend_pid()"
                )
                backend.ensure_internal_schema_updated()
                backend.execute(
                    f"create table if not exists {CHECKSUM_TABLE} ("
                    " migration_id text primary key,"
                    " content_sha256 text not null,"
                    " rollback_sha256 text,"
                    " recorded_at timestamptz not null default now(),"
                    " backfilled boolean not null default false)"
                )
                yield backend
            finally:
                backend.connection.close()
        finally:
            holder.close()  # ends the session: the server releases the advisory lock

    def _acquire(self, holder: psycopg.Connection[Any]) -> None:
        holder.execute("select set_config('lock_timeout', %s, false)", [f"{int(self.lock_wait_s * 1000)}ms"])
        try:
            holder.execute("select pg_advisory_lock(%s, %s)", [LOCK_NAMESPACE, MIGRATION_LOCK])
        except psycopg.errors.LockNotAvailable as exc:
            row = holder.execute(
                "select a.pid, a.application_name, a.client_addr::text"
                " from pg_locks l join pg_stat_activity a using (pid)"
                " where l.locktype = 'advisory' and l.granted and l.database = ("
                "   select oid from pg_database where datname = current_database())"
                " and l.classid = %s and l.objid = %s",
                [LOCK_NAMESPACE, MIGRATION_LOCK],
            ).fetchone()
            who = f"pid {row[0]} ({row[1] or 'no application_name'})" if row else "another session"
            raise MigrationError(
                f"{who} holds the migration lock on {redact(self.url)}; gave up after {self.lock_wait_s:g} s"
            ) from exc

    def _migrations(self) -> Any:
        migrations = read_migrations(str(self.directory)).filter(lambda m: MIGRATION_NAME.match(m.id))
        if self.domains is None:
            return migrations
        all_domains = self.known_domains()
        unknown = sorted(set(self.domains) - set(all_domains))
        if unknown:
            raise ConfigurationError(f"no migrations for domain(s) {unknown}; known: {sorted(all_domains)}")
        return migrations.filter(lambda m: self._wanted(m.id))

    def _wanted(self, migration_id: str) -> bool:
        return self.domains is None or migration_domain(migration_id) in {CORE, *self.domains}

    def known_domains(self) -> list[str]:
        """Domains that have migrations in the folder (``core`` included)."""
        found = {
            migration_domain(p.stem)
            for p in self.directory.glob("[0-9][0-9][0-9][0-9]_*.sql")
            if not p.name.endswith(".rollback.sql")
        }
        return sorted(d for d in found if d is not None)

    # -- integrity -----------------------------------------------------------------------------

    def _recorded(self, cursor: Any) -> tuple[list[str], dict[str, _Checksum]]:
        """Applied migration ids (in order) and their recorded checksums; empty before the first run."""
        exists = cursor.execute(
            "select to_regclass(%s) is not null, to_regclass(%s) is not null",
            [default_migration_table, CHECKSUM_TABLE],
        ).fetchone()
        applied: list[str] = []
        sums: dict[str, _Checksum] = {}
        if exists[0]:
            rows = cursor.execute(
                f"select migration_id from {default_migration_table} order by applied_at_utc, migration_id"
            ).fetchall()
            applied = [r[0] for r in rows if self._wanted(r[0])]
        if exists[1]:
            rows = cursor.execute(
                f"select migration_id, content_sha256, rollback_sha256 from {CHECKSUM_TABLE}"
            ).fetchall()
            sums = {r[0]: _Checksum(r[1], r[2]) for r in rows}
        return applied, sums

    def _inspect(self, cursor: Any) -> tuple[list[MigrationState], list[IntegrityProblem]]:
        migrations = self._migrations()
        files = {m.id: Path(m.path) for m in migrations}
        current = {mid: _checksum(p) for mid, p in files.items()}
        applied, sums = self._recorded(cursor)
        applied_set = set(applied)
        problems: list[IntegrityProblem] = []
        states: list[MigrationState] = []
        by_content = {c.content: mid for mid, c in current.items() if mid not in applied_set}
        for mid, path in files.items():
            if mid not in applied_set:
                states.append(MigrationState(mid, "pending", path))
            elif mid not in sums:
                states.append(MigrationState(mid, "unrecorded", path, "applied before checksums existed"))
            else:
                detail = _edit(sums[mid], current[mid])
                if detail:
                    problems.append(IntegrityProblem(mid, "edited", detail))
                    states.append(MigrationState(mid, "edited", path, detail))
                else:
                    states.append(MigrationState(mid, "applied", path))
        for mid in applied:
            if mid in files:
                continue
            recorded = sums.get(mid)
            new_name = by_content.get(recorded.content) if recorded else None
            if new_name:
                problem = IntegrityProblem(mid, "renamed", f"applied, then renamed to {new_name}.sql")
            else:
                problem = IntegrityProblem(mid, "missing", f"applied, but {mid}.sql was removed or renamed")
            problems.append(problem)
            states.append(MigrationState(mid, "missing", None, problem.detail))
        return states, problems

    def _backfill(self, backend: Any, states: Sequence[MigrationState]) -> list[str]:
        recorded = []
        for state in states:
            if state.state == "unrecorded" and state.path is not None:
                checksum = _checksum(state.path)
                with backend.transaction():
                    _record(backend, state.id, checksum, backfilled=True)
                recorded.append(state.id)
        return recorded

    def verify(self) -> VerifyReport:
        """Compare every applied migration with its file.

        Migrations applied before checksums existed get theirs recorded now (listed in ``recorded``).
        """
        with self._locked_backend() as backend:
            return self._verify(backend)

    def _verify(self, backend: Any) -> VerifyReport:
        states, problems = self._inspect(backend.cursor())
        recorded = self._backfill(backend, states)
        verified = sum(s.state in ("applied", "unrecorded") for s in states)
        return VerifyReport(problems=problems, recorded=recorded, verified=verified)

    def status(self) -> list[MigrationState]:
        """Every migration in order: applied, pending, edited, unrecorded; then applied ones now missing.

        Read-only and lock-free: it does not wait for a running migrator.
        """
        with _connect(self.url, application_name="sqlfirst migrate status") as conn:
            states, _ = self._inspect(conn.cursor())
            return states

    # -- operations ----------------------------------------------------------------------------

    def up(self, *, allow_edited: bool = False, target: str | None = None) -> UpResult:
        """Apply every pending migration in dependency order (only ``target`` and what it depends on,
        when given). Refuses while :meth:`verify` fails, unless ``allow_edited``.
        """
        with self._locked_backend() as backend:
            report = self._verify(backend)
            if report.problems and not allow_edited:
                raise IntegrityError(report.problems)
            migrations = self._migrations()
            pending = backend.to_apply(migrations)
            if target is not None:
                chosen = {m.id: m for m in migrations}.get(target)
                if chosen is None:
                    raise ConfigurationError(f"no migration named {target!r}")
                wanted = {target} | {m.id for m in ancestors(chosen, migrations)}
                pending = pending.filter(lambda m: m.id in wanted)
            applied: list[str] = []
            for migration in pending:
                self._step(backend, migration, "apply")
                applied.append(migration.id)
            return UpResult(applied=applied, recorded=report.recorded, ignored=report.problems)

    def down(self, steps: int = 1, *, allow_edited: bool = False) -> list[str]:
        """Roll back the last ``steps`` applied migrations (dependents first); return their ids."""
        if steps < 1:
            raise ConfigurationError("steps must be at least 1")
        return self._roll_back(steps, allow_edited=allow_edited)

    def reset(self, *, allow_edited: bool = False) -> list[str]:
        """Roll back every applied migration."""
        return self._roll_back(None, allow_edited=allow_edited)

    def _roll_back(self, steps: int | None, *, allow_edited: bool) -> list[str]:
        with self._locked_backend() as backend:
            report = self._verify(backend)
            if report.problems and not allow_edited:
                raise IntegrityError(report.problems)
            candidates = list(backend.to_rollback(self._migrations()))
            if steps is not None:
                candidates = candidates[:steps]
            rolled: list[str] = []
            for migration in candidates:
                self._step(backend, migration, "rollback")
                rolled.append(migration.id)
            return rolled

    def _step(self, backend: Any, migration: Any, direction: Literal["apply", "rollback"]) -> None:
        verb = "apply" if direction == "apply" else "roll back"
        try:
            migration.load()
            # yoyo prints the rows of any SELECT a migration runs (e.g. `select
            # core.register_partitioned_table(...)`) to stdout; a migration's output is not ours to print.
            with contextlib.redirect_stdout(io.StringIO()):
                self._run_steps(backend, migration, direction, verb)
        except psycopg.errors.LockNotAvailable as exc:
            raise MigrationError(
                f"could not {verb} {migration.id}: lock_timeout ({self.lock_timeout_ms} ms) expired "
                f"waiting for a lock another transaction holds ({_first_line(exc)}); nothing of it was "
                "applied. Retry when that transaction ends, or raise --lock-timeout-ms"
            ) from exc
        except psycopg.Error as exc:
            raise MigrationError(f"could not {verb} {migration.id}: {_first_line(exc)}") from exc
        except (BadMigration, MigrationConflict) as exc:
            raise MigrationError(f"could not {verb} {migration.id}: {exc}") from exc

    def _run_steps(
        self, backend: Any, migration: Any, direction: Literal["apply", "rollback"], verb: str
    ) -> None:
        if migration.use_transactions:
            # One transaction for the statements and the bookkeeping: all of it or none of it.
            with backend.transaction():
                migration.process_steps(backend, direction)
                self._book(backend, migration, direction)
        else:
            if len(migration.steps) != 1:
                raise MigrationError(
                    f"could not {verb} {migration.id}: a `-- transactional: false` migration must hold "
                    f"exactly one statement, it holds {len(migration.steps)} (a failure half way "
                    "would leave the first ones applied)"
                )
            migration.process_steps(backend, direction)
            with backend.transaction():
                self._book(backend, migration, direction)

    @staticmethod
    def _book(backend: Any, migration: Any, direction: Literal["apply", "rollback"]) -> None:
        if direction == "apply":
            backend.mark_one(migration, log=False)
            _record(backend, migration.id, _checksum(Path(migration.path)), backfilled=False)
        else:
            backend.unmark_one(migration, log=False)
            backend.execute(f"delete from {CHECKSUM_TABLE} where migration_id = :id", {"id": migration.id})
        backend.log_migration(migration, direction)


def _record(backend: Any, migration_id: str, checksum: _Checksum, *, backfilled: bool) -> None:
    backend.execute(
        f"insert into {CHECKSUM_TABLE} (migration_id, content_sha256, rollback_sha256, backfilled)"
        " values (:id, :content, :rollback, :backfilled)"
        " on conflict (migration_id) do update set content_sha256 = excluded.content_sha256,"
        " rollback_sha256 = excluded.rollback_sha256, recorded_at = now(), backfilled = excluded.backfilled",
        {
            "id": migration_id,
            "content": checksum.content,
            "rollback": checksum.rollback,
            "backfilled": backfilled,
        },
    )


def _edit(recorded: _Checksum, current: _Checksum) -> str:
    changed = []
    if recorded.content != current.content:
        changed.append("file")
    if recorded.rollback != current.rollback:
        changed.append("rollback file" if current.rollback else "rollback file (now missing)")
    return " and ".join(changed) + " edited since it was applied" if changed else ""


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


# -- schema snapshot -------------------------------------------------------------------------------

# Tables that are bookkeeping, not schema: yoyo's, ours, and the monthly/daily partitions that
# `core.run_partition_maintenance()` creates from the clock (their names depend on the date).
_DUMP_EXCLUDE = (
    *(f"*.{t}" for t in (*YOYO_TABLES, CHECKSUM_TABLE)),
    "*.*_p[0-9][0-9][0-9][0-9]_[0-9][0-9]",
    "*.*_p[0-9][0-9][0-9][0-9]_[0-9][0-9]_[0-9][0-9]",
)
_DUMP_NOISE = re.compile(
    r"^(--|SET |SELECT pg_catalog\.set_config\('search_path'|\\restrict|\\unrestrict)"
    # The PostgreSQL 15 build on the CI machine stamps every column with a server-private attribute
    # option; it is not part of the schema the migrations write.
    r"|^ALTER TABLE ONLY \S+ ALTER COLUMN \S+ SET \(pg_attver=\d+\);$"
)


def normalize_schema_dump(text: str) -> str:
    """Drop what varies between runs and servers (header, comments, ``SET`` lines), squeeze blank lines."""
    lines = [line.rstrip() for line in text.splitlines() if not _DUMP_NOISE.match(line)]
    squeezed: list[str] = []
    for line in lines:
        if line == "" and (not squeezed or squeezed[-1] == ""):
            continue
        squeezed.append(line)
    while squeezed and squeezed[-1] == "":
        squeezed.pop()
    return "\n".join(squeezed) + "\n"


def dump_schema(url: str) -> str:
    """``pg_dump --schema-only`` of the database at ``url``, normalized (see :func:`normalize_schema_dump`).

    Uses the pg_dump 16 of the pgserver wheel, which reads PostgreSQL 15 and 16 servers alike.
    """
    argv = [str(embedded.pg_bin("pg_dump")), "--schema-only", "--no-owner", "--no-privileges"]
    for pattern in _DUMP_EXCLUDE:
        argv += ["--exclude-table", pattern]
    argv += ["--dbname", psycopg_url(url)]
    for attempt in range(3):
        done = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
        if done.returncode == 0:
            return normalize_schema_dump(done.stdout)
        if attempt < 2 and "could not connect" in done.stderr:
            time.sleep(0.5)
            continue
        break
    raise MigrationError(f"pg_dump failed on {redact(url)}: {done.stderr.strip()}")


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


def snapshot_schema(url: str, *, directory: Path | None = None) -> str:
    """Migrate a scratch database on the server at ``url`` from nothing, dump its schema, drop it.

    This is what ``migrations/schema.sql`` holds: what the migrations produce, not what some database
    drifted to.
    """
    name = f"sqlfirst_dump_{secrets.token_hex(4)}"
    parts = urlsplit(url)
    scratch = urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))
    with _connect(url, application_name="sqlfirst migrate dump") as admin:
        admin.execute(f'create database "{name}"')
        try:
            Migrator(scratch, directory=directory).up()
            return dump_schema(scratch)
        finally:
            admin.execute(f'drop database if exists "{name}" with (force)')
