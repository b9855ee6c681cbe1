"""The errors a sqlfirst call can raise.

Repository functions never let a raw asyncpg exception escape: :func:`translate` turns every
``asyncpg.PostgresError`` into one of the types below and the caller re-raises it ``from`` the
driver error, so the original stays reachable as ``__cause__``.

Business rules enforced inside the database (triggers, functions) raise with a SQLSTATE of the
project's own ``SF`` class; :func:`register_sqlstate` maps such a code to its Python type.
"""

from __future__ import annotations

import re

import asyncpg

__all__ = [
    "CheckViolation",
    "ConfigurationError",
    "Conflict",
    "DatabaseError",
    "DatabaseUnavailable",
    "Deadlock",
    "InsufficientBalance",
    "InvalidInput",
    "LockTimeout",
    "NotFound",
    "NotNullViolation",
    "QueryCanceled",
    "QueryDeclarationError",
    "ReferenceViolation",
    "RetryableError",
    "SerializationFailure",
    "SqlfirstError",
    "register_sqlstate",
    "translate",
]


class SqlfirstError(Exception):
    """Base of every error sqlfirst raises."""


class ConfigurationError(SqlfirstError):
    """Settings are missing or malformed (bad URL, unknown option)."""


class QueryDeclarationError(SqlfirstError):
    """A typed declaration does not match its named query (raised at import time)."""


class DatabaseUnavailable(SqlfirstError):
    """The server cannot be reached or refused the connection."""


class NotFound(SqlfirstError):
    """The row an operation needs does not exist."""

    def __init__(self, entity: str, **key: object) -> None:
        self.entity = entity
        self.key = key
        detail = ", ".join(f"{k}={v!r}" for k, v in key.items())
        super().__init__(f"{entity} not found ({detail})" if detail else f"{entity} not found")


class DatabaseError(SqlfirstError):
    """An error reported by PostgreSQL.

    ``sqlstate``, ``constraint``, ``table``, ``schema`` and ``detail`` come from the server's
    error report; the driver exception is the ``__cause__``.
    """

    sqlstate: str
    constraint: str | None
    table: str | None
    schema: str | None
    detail: str | None

    def __init__(
        self,
        message: str,
        *,
        sqlstate: str = "",
        constraint: str | None = None,
        table: str | None = None,
        schema: str | None = None,
        detail: str | None = None,
    ) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate
        self.constraint = constraint
        self.table = table
        self.schema = schema
        self.detail = detail


class InvalidInput(DatabaseError):
    """The server rejected a value (bad text representation, out of range, ...)."""


class Conflict(DatabaseError):
    """A unique or exclusion constraint rejected the row.

    ``columns`` names the key columns as the server reported them, e.g. ``("username",)``.
    """

    @property
    def columns(self) -> tuple[str, ...]:
        return _key_columns(self.detail)


class ReferenceViolation(DatabaseError):
    """A foreign key rejected the row: the referenced row is missing, or still referenced."""


class CheckViolation(DatabaseError):
    """A CHECK constraint rejected the row; ``constraint`` names the check."""


class NotNullViolation(DatabaseError):
    """A NOT NULL column was given no value; ``column`` names it."""

    column: str | None = None


class RetryableError(DatabaseError):
    """The transaction lost a race and may succeed when run again from the start."""


class SerializationFailure(RetryableError):
    """SQLSTATE 40001: a serializable transaction could not be serialized."""


class Deadlock(RetryableError):
    """SQLSTATE 40P01: the transaction was chosen as a deadlock victim."""


class LockTimeout(DatabaseError):
    """SQLSTATE 55P03: a lock could not be taken within ``lock_timeout``."""


class QueryCanceled(DatabaseError):
    """SQLSTATE 57014: ``statement_timeout`` or a cancel request stopped the statement."""


class InsufficientBalance(DatabaseError):
    """A debit would take a balance below zero (raised by the database, SQLSTATE SF001)."""


_BY_SQLSTATE: dict[str, type[DatabaseError]] = {
    "23505": Conflict,
    "23P01": Conflict,
    "23503": ReferenceViolation,
    "23514": CheckViolation,
    "23502": NotNullViolation,
    "22000": InvalidInput,
    "22P02": InvalidInput,
    "22003": InvalidInput,
    "22001": InvalidInput,
    "22007": InvalidInput,
    "22008": InvalidInput,
    "22023": InvalidInput,
    "22P05": InvalidInput,
    "40001": SerializationFailure,
    "40P01": Deadlock,
    "55P03": LockTimeout,
    "57014": QueryCanceled,
    "SF001": InsufficientBalance,
}

_KEY_COLUMNS = re.compile(r"^Key \((?P<cols>.+?)\)=")


def register_sqlstate(sqlstate: str, error_type: type[DatabaseError]) -> None:
    """Map a SQLSTATE (typically a business error raised by a trigger) to an error type."""
    if len(sqlstate) != 5:
        raise ValueError(f"a SQLSTATE has 5 characters, got {sqlstate!r}")
    _BY_SQLSTATE[sqlstate.upper()] = error_type


def _key_columns(detail: str | None) -> tuple[str, ...]:
    if not detail:
        return ()
    match = _KEY_COLUMNS.match(detail)
    if match is None:
        return ()
    return tuple(c.strip().strip('"') for c in match.group("cols").split(","))


def translate(exc: asyncpg.PostgresError) -> DatabaseError:
    """Return the sqlfirst error for a driver error (the caller raises it ``from exc``)."""
    sqlstate: str = getattr(exc, "sqlstate", "") or ""
    kind = _BY_SQLSTATE.get(sqlstate, DatabaseError)
    constraint: str | None = getattr(exc, "constraint_name", None)
    table: str | None = getattr(exc, "table_name", None)
    schema: str | None = getattr(exc, "schema_name", None)
    detail: str | None = getattr(exc, "detail", None)
    message = str(getattr(exc, "message", None) or exc)
    column: str | None = getattr(exc, "column_name", None)
    if kind is Conflict:
        columns = _key_columns(detail)
        where = f" on ({', '.join(columns)})" if columns else ""
        message = f"{message} [constraint {constraint}{where}]"
    elif kind is NotNullViolation:
        message = f"{message} [column {column}]"
    elif constraint and kind is not DatabaseError:
        message = f"{message} [constraint {constraint}]"
    err = kind(message, sqlstate=sqlstate, constraint=constraint, table=table, schema=schema, detail=detail)
    if isinstance(err, NotNullViolation):
        err.column = column
    return err
