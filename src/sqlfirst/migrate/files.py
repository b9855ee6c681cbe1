"""The migrations folder: which files are migrations, the rules they follow, their checksums.

Every ``.sql`` file in the folder is either a valid migration or an error naming it; nothing is
skipped silently (yoyo reads every ``.sql`` and ``.py`` file, and a filter on names used to drop the
ones that broke the pattern, so ``up``, ``status`` and ``verify`` never saw them). The rules:

* ``NNNN_<domain>_<what>.sql``: four digits, a known domain (``core`` or one of
  the current project's domains, :mod:`sqlfirst.project`), then lowercase letters, digits and underscores;
* a ``NNNN_<domain>_<what>.rollback.sql`` partner, and no rollback without its migration;
* ``-- depends:`` names migrations of the folder; ``-- transactional:`` is ``true`` or ``false``;
* a ``-- transactional: false`` migration holds exactly one statement that is safe to run again
  after a crash between it and its bookkeeping: ``CREATE [UNIQUE] INDEX CONCURRENTLY IF NOT EXISTS``
  or ``ALTER TYPE ... ADD VALUE IF NOT EXISTS``; its rollback holds at most one
  ``DROP INDEX [CONCURRENTLY] IF EXISTS``;
* no Python migrations (yoyo would run them);
* ``schema.sql`` is the schema snapshot, not a migration.

A project that includes built-in domains reads two folders
(:attr:`sqlfirst.project.Project.migration_folders`): of the built-in one only the files of ``core``
and of those domains, which the rules above cover like its own; ``-- depends:`` may name a migration
of either, and an id in both is an error.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import sqlparse

from sqlfirst import paths
from sqlfirst.errors import ConfigurationError
from sqlfirst.migrate.outcomes import BadMigrationFile, MigrationFileError
from sqlfirst.migrate.sqlread import install, read_sql_text
from sqlfirst.project import CORE, Folder

__all__ = [
    "CORE",
    "MIGRATION_NAME",
    "SNAPSHOT",
    "Checksum",
    "ConcurrentIndex",
    "checksum",
    "concurrent_index",
    "discover",
    "discover_folders",
    "file_checksum",
    "migration_domain",
    "new_migration",
    "non_transactional_problem",
    "statements",
]

install()  # yoyo reads each migration text once per process, not on every command

MIGRATION_NAME = re.compile(r"^(?P<number>\d{4})_(?P<rest>[a-z][a-z0-9_]*)$")
SNAPSHOT = "schema.sql"
ROLLBACK = ".rollback.sql"

_IDENT = r'(?:"(?:[^"]|"")+"|[a-z_][a-z0-9_$]*)'
_QUALIFIED = rf"{_IDENT}(?:\s*\.\s*{_IDENT})?"
_CREATE_INDEX = re.compile(
    rf"^create\s+(?:unique\s+)?index\s+concurrently\s+if\s+not\s+exists\s+(?P<index>{_IDENT})"
    rf"\s+on\s+(?!only\s)(?P<table>{_QUALIFIED})",
    re.IGNORECASE,
)
_ADD_VALUE = re.compile(rf"^alter\s+type\s+{_QUALIFIED}\s+add\s+value\s+if\s+not\s+exists\s", re.IGNORECASE)
_DROP_INDEX = re.compile(r"^drop\s+index\s+(?:concurrently\s+)?if\s+exists\s", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Checksum:
    content: str
    rollback: str | None


def file_checksum(path: Path) -> str:
    """sha256 of a migration file's text, line endings normalised (a CRLF checkout is not an edit)."""
    text = path.read_bytes().replace(b"\r\n", b"\n")
    return hashlib.sha256(text).hexdigest()


def rollback_path(path: Path) -> Path:
    return path.with_name(path.stem + ROLLBACK)


def checksum(path: Path) -> Checksum:
    rollback = rollback_path(path)
    return Checksum(file_checksum(path), file_checksum(rollback) if rollback.exists() else None)


def migration_domain(migration_id: str) -> str | None:
    """The domain of ``NNNN_<domain>_<what>``: the longest known domain name after the number."""
    rest = migration_id.split("_", 1)[1] if "_" in migration_id else ""
    matches = [d for d in (CORE, *paths.domain_names()) if rest.startswith(d + "_")]
    return max(matches, key=len) if matches else None


def statements(text: str) -> list[str]:
    """The statements of a SQL file, comments stripped, empty ones dropped (split as yoyo splits)."""
    bodies = (sqlparse.format(s, strip_comments=True).strip() for s in sqlparse.split(text))
    return [b for b in bodies if b]


@dataclass(frozen=True, slots=True)
class ConcurrentIndex:
    """The index a ``CREATE INDEX CONCURRENTLY IF NOT EXISTS`` statement builds."""

    name: str
    """As the catalog spells it (unquoted names folded to lower case)."""
    table: str
    """As written in the statement (``to_regclass`` reads it)."""


def _catalog_name(identifier: str) -> str:
    if identifier.startswith('"'):
        return identifier[1:-1].replace('""', '"')
    return identifier.lower()


def concurrent_index(statement: str) -> ConcurrentIndex | None:
    """The index ``statement`` builds, when it is a ``CREATE INDEX CONCURRENTLY IF NOT EXISTS``."""
    match = _CREATE_INDEX.match(statement.strip())
    if match is None:
        return None
    return ConcurrentIndex(_catalog_name(match["index"]), match["table"])


def non_transactional_problem(forward: str, rollback: str) -> str | None:
    """Why a ``-- transactional: false`` migration (its text and its rollback's) is unsafe, or None.

    Such a statement commits on its own; a migrator killed after it and before its bookkeeping
    leaves it applied but the migration pending, so the next run executes it again: it must be one
    statement that a second run finds done (``IF NOT EXISTS``), never fails on.
    """
    forward_statements = statements(forward)
    if len(forward_statements) != 1:
        return (
            f"holds {len(forward_statements)} statements; a `-- transactional: false` migration holds "
            "exactly one (a failure half way would leave the first ones applied)"
        )
    body = forward_statements[0]
    if concurrent_index(body) is None and not _ADD_VALUE.match(body):
        return (
            "a `-- transactional: false` migration may only run CREATE [UNIQUE] INDEX CONCURRENTLY "
            "IF NOT EXISTS <name> ON ... or ALTER TYPE ... ADD VALUE IF NOT EXISTS: a rerun after a "
            "crash before its bookkeeping must find it done instead of failing"
        )
    backward = statements(rollback)
    if len(backward) > 1 or (backward and not _DROP_INDEX.match(backward[0])):
        return (
            "the rollback of a `-- transactional: false` migration runs outside a transaction too: it "
            "may hold at most one DROP INDEX [CONCURRENTLY] IF EXISTS"
        )
    return None


def _name_problem(stem: str) -> str | None:
    if not MIGRATION_NAME.match(stem):
        return (
            "name must be NNNN_<domain>_<what>.sql: four digits, then lowercase letters, digits and "
            "underscores (no capitals, hyphens or spaces)"
        )
    if migration_domain(stem) is None:
        known = ", ".join((CORE, *paths.domain_names()))
        return f"no known domain after the number (expected one of {known})"
    return None


def _content_problem(path: Path, ids: set[str]) -> str | None:
    rollback = rollback_path(path)
    if not rollback.exists():
        return f"has no {rollback.name} (every migration has a rollback)"
    try:
        forward_text = path.read_text(encoding="utf-8")
        rollback_text = rollback.read_text(encoding="utf-8")
        directives, _, _ = read_sql_text(forward_text)
    except (OSError, UnicodeDecodeError) as exc:
        return f"cannot be read as UTF-8 text ({exc})"
    transactional = directives.get("transactional", "true").strip().lower()
    if transactional not in ("true", "false"):
        return f"`-- transactional: {transactional}` must be true or false"
    unknown = sorted(d for d in directives.get("depends", "").split() if d not in ids)
    if unknown:
        return f"depends on {', '.join(unknown)}, not in the folder"
    if transactional == "false":
        return non_transactional_problem(forward_text, rollback_text)
    return None


def discover(directory: Path) -> list[Path]:
    """Every migration in ``directory``, in name order, once each file has passed the rules.

    Raises :class:`MigrationFileError` naming every file that breaks them.
    """
    return discover_folders([Folder(directory)])


def _entries(folder: Folder) -> list[Path]:
    """The folder's files that concern this project: all of them, or its domains' ``.sql`` files."""
    entries = sorted(p for p in folder.path.iterdir() if p.is_file())
    if folder.domains is None:
        return entries
    return [
        p
        for p in entries
        if p.suffix == ".sql"
        and folder.holds(migration_domain(p.name.removesuffix(ROLLBACK).removesuffix(".sql")))
    ]


def _ids(files: Iterable[Path]) -> set[str]:
    return {p.stem for p in files if p.suffix == ".sql" and not p.name.endswith(ROLLBACK)}


def discover_folders(folders: Iterable[Folder]) -> list[Path]:
    """Every migration of ``folders`` (each in name order, the folders in order) that passed the rules.

    Raises :class:`MigrationFileError` naming the files of the first folder that break them, and
    :class:`ConfigurationError` for a migration id found in two folders.
    """
    selected = [(folder.path, _entries(folder)) for folder in folders]
    ids = _ids(p for _, entries in selected for p in entries)
    problems: dict[Path, list[BadMigrationFile]] = {}
    forward: list[Path] = []
    where: dict[str, Path] = {}
    for directory, entries in selected:
        bad = problems.setdefault(directory, [])
        for path in entries:
            name = path.name
            if name == SNAPSHOT:
                continue
            if path.suffix == ".py":
                bad.append(BadMigrationFile(path, "migrations are .sql files (yoyo would run this Python)"))
            elif path.suffix.lower() == ".sql" and path.suffix != ".sql":
                bad.append(BadMigrationFile(path, "the extension must be .sql in lower case"))
            elif name.endswith(ROLLBACK):
                partner = name[: -len(ROLLBACK)] + ".sql"
                if not (directory / partner).is_file():
                    bad.append(BadMigrationFile(path, f"a rollback without its migration {partner}"))
            elif path.suffix == ".sql":
                problem = _name_problem(path.stem)
                if problem:
                    bad.append(BadMigrationFile(path, problem))
                    continue
                if path.stem in where:
                    raise ConfigurationError(
                        f"migration {path.stem} is in both {where[path.stem]} and {directory}: "
                        "a project's migrations need ids of their own (another number)"
                    )
                where[path.stem] = directory
                forward.append(path)
    # `-- depends:` names what runs, or any migration of its own folder: a built-in `core` migration
    # names those of every built-in domain (yoyo orders what runs by the dependencies among it).
    own = {directory: _ids(directory.iterdir()) for directory, _ in selected}
    for path in forward:
        problem = _content_problem(path, ids | own[path.parent])
        if problem:
            problems[path.parent].append(BadMigrationFile(path, problem))
    for directory, bad in problems.items():
        if bad:
            raise MigrationFileError(directory, bad)
    return forward


def new_migration(
    domain: str, what: str, *, directory: Path | None = None, depends: Sequence[str] = ()
) -> Path:
    """Create ``NNNN_<domain>_<what>.sql`` and its rollback in the migrations folder."""
    directory = directory or paths.migrations_dir()
    if directory.resolve().is_relative_to(paths.packaged_data_dir()):
        raise ConfigurationError(
            f"{directory} is inside the installed sqlfirst package, where a new migration would be lost on "
            "the next install; a project's migrations belong in its own folder: describe the project in "
            'its pyproject.toml ([tool.sqlfirst] migrations = "migrations", see sqlfirst.project) or pass '
            "--directory migrations"
        )
    slug = re.sub(r"[^a-z0-9]+", "_", what.lower()).strip("_")
    if not re.fullmatch(r"[a-z][a-z0-9_]*", domain):
        raise ConfigurationError(f"domain must be snake_case, got {domain!r}")
    if migration_domain(f"0000_{domain}_x") != domain:
        known = ", ".join((CORE, *paths.domain_names()))
        raise ConfigurationError(f"unknown domain {domain!r}: a migration belongs to one of {known}")
    if not slug:
        raise ConfigurationError("describe what the migration does, e.g. 'add_user_settings'")
    if not directory.is_dir():
        if not directory.parent.is_dir():
            raise ConfigurationError(f"no migrations folder at {directory}, nor a folder to create it in")
        directory.mkdir()  # a new project's first migration
    numbers = [int(p.name[:4]) for p in directory.glob("[0-9][0-9][0-9][0-9]_*.sql")]
    number = max(numbers, default=0) + 1
    stem = f"{number:04d}_{domain}_{slug}"
    if not depends:
        previous = sorted(
            p.stem
            for p in directory.glob(f"[0-9][0-9][0-9][0-9]_{domain}_*.sql")
            if not p.name.endswith(ROLLBACK)
        )
        depends = previous[-1:] or [p.stem for p in sorted(directory.glob("0001_core_*.sql"))[:1]]
    header = f"-- depends: {' '.join(depends)}\n" if depends else ""
    forward = directory / f"{stem}.sql"
    rollback = rollback_path(forward)
    forward.write_text(f"{header}--\n-- Why: \n\n")
    rollback.write_text(f"-- Undoes {stem}.\n\n")
    return forward
