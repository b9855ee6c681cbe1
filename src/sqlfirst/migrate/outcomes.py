"""What the migrator reports: its typed errors and its results."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from sqlfirst.errors import SqlfirstError

__all__ = [
    "BadMigrationFile",
    "IntegrityError",
    "IntegrityProblem",
    "MigrationError",
    "MigrationFileError",
    "MigrationLockLost",
    "MigrationLockTimeout",
    "MigrationState",
    "UpResult",
    "VerifyReport",
]


class MigrationError(SqlfirstError):
    """A migration could not be applied or rolled back; nothing of it was kept."""


class MigrationLockLost(MigrationError):
    """The session that applies the migrations no longer holds the migration lock.

    Nothing of the migration in progress was committed; another migrator may now hold the lock.
    """


class MigrationLockTimeout(MigrationError):
    """Another migrator held the migration lock for longer than this one was told to wait."""


@dataclass(frozen=True, slots=True)
class BadMigrationFile:
    """A file in the migrations folder that is not a valid migration, and why."""

    path: Path
    reason: str

    def __str__(self) -> str:
        return f"{self.path.name}: {self.reason}"


class MigrationFileError(MigrationError):
    """Files in the migrations folder break the rules; nothing was run (or inspected)."""

    def __init__(self, directory: Path, problems: Sequence[BadMigrationFile]) -> None:
        self.directory = directory
        self.problems = list(problems)
        listing = "; ".join(str(p) for p in self.problems)
        super().__init__(f"{len(self.problems)} file(s) in {directory} are not valid migrations: {listing}")


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
    """What :meth:`Migrator.up` did.

    ``repaired`` names what an interrupted earlier run had left behind and this run removed before
    applying the migration again (an INVALID index from a ``CREATE INDEX CONCURRENTLY`` that died).
    """

    applied: list[str]
    recorded: list[str] = field(default_factory=list)
    ignored: list[IntegrityProblem] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
