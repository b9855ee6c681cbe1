"""The errors a sqlfirst call can raise.

Repository functions never let a raw asyncpg exception escape: :func:`from_driver` turns anything
the driver raises (:data:`DRIVER_ERRORS`: server errors via :func:`translate`, a lost connection, a
refused connection, ``command_timeout``) into one of the types below and the caller re-raises it
``from`` the driver error, so the original stays reachable as ``__cause__``.

A lost connection is typed by what it means for the work: :class:`ConnectionLost` (retryable)
when nothing can have committed, :class:`TransactionOutcomeUnknown` when a commit was in flight,
:class:`DatabaseUnavailable` when no connection could be made at all.

Business rules enforced inside the database (triggers, functions) raise with a SQLSTATE of the
project's own ``SF`` class; :func:`register_sqlstate` maps such a code to its Python type.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import asyncpg

__all__ = [
    "DRIVER_ERRORS",
    "CheckViolation",
    "CommandTimeout",
    "ConfigurationError",
    "Conflict",
    "ConnectionLost",
    "DatabaseError",
    "DatabaseUnavailable",
    "Deadlock",
    "InsufficientBalance",
    "InvalidInput",
    "LockTimeout",
    "NotFound",
    "NotNullViolation",
    "PermissionDenied",
    "QueryCanceled",
    "QueryDeclarationError",
    "ReferenceViolation",
    "RetryableError",
    "SerializationFailure",
    "SqlfirstError",
    "TooManyConnections",
    "TransactionOutcomeUnknown",
    "from_driver",
    "register_sqlstate",
    "translate",
]


class SqlfirstError(Exception):
    """Base of every error sqlfirst raises."""


class ConfigurationError(SqlfirstError):
    """Settings are missing or malformed (bad URL, unknown option)."""


class QueryDeclarationError(SqlfirstError):
    """A typed declaration does not match its named query (raised at import time)."""


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


class PermissionDenied(DatabaseError):
    """SQLSTATE 42501: the role lacks a privilege (DDL, TRUNCATE, a table, a column or a function it
    was not granted), or a row-level security policy rejected a written row."""


class RetryableError(DatabaseError):
    """Nothing was committed, and running the whole transaction again may succeed.

    :meth:`Database.run_in_transaction <sqlfirst.db.Database.run_in_transaction>` does that.
    """


class SerializationFailure(RetryableError):
    """SQLSTATE 40001: a serializable transaction could not be serialized."""


class Deadlock(RetryableError):
    """SQLSTATE 40P01: the transaction was chosen as a deadlock victim."""


class ConnectionLost(RetryableError):
    """The connection broke before the transaction's COMMIT was sent: nothing was committed.

    SQLSTATE class 08, ``57P01``/``57P02`` (the server terminated the session or shut down), or the
    driver found the connection closed. Run the whole transaction again on a fresh connection.
    """


class TransactionOutcomeUnknown(DatabaseError):
    """The connection broke while a commit was in flight: it may or may not have taken effect.

    Raised when the connection is lost during ``COMMIT``, or during a statement run outside a
    transaction (such a statement commits by itself). Never retried automatically: find out
    whether the work happened (e.g. by an idempotency key) before doing it again.
    """

    executor: object = None
    """The connection or pool the statement ran on, when known."""


class DatabaseUnavailable(DatabaseError):
    """No connection could be made; nothing ran.

    The server is down or unreachable, refused the login, or is starting up or shutting down
    (SQLSTATE ``57P03``). Not retried by ``run_in_transaction``: an outage outlasts its backoff.
    """


class TooManyConnections(DatabaseUnavailable):
    """SQLSTATE 53300: the server has no connection slot left."""


class LockTimeout(DatabaseError):
    """SQLSTATE 55P03: a lock could not be taken within ``lock_timeout``."""


class QueryCanceled(DatabaseError):
    """SQLSTATE 57014: ``statement_timeout`` or a cancel request stopped the statement."""


class CommandTimeout(QueryCanceled):
    """The client stopped waiting after ``command_timeout`` and asked the server to cancel.

    Inside a transaction the transaction is lost; outside one the statement may still have taken
    effect if it finished before the cancel arrived.
    """


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
    "42501": PermissionDenied,  # insufficient_privilege
    "40001": SerializationFailure,
    "40P01": Deadlock,
    "55P03": LockTimeout,
    "57014": QueryCanceled,
    "08001": DatabaseUnavailable,  # sqlclient_unable_to_establish_sqlconnection
    "08004": DatabaseUnavailable,  # sqlserver_rejected_establishment_of_sqlconnection
    "08007": TransactionOutcomeUnknown,  # transaction_resolution_unknown
    "57P01": ConnectionLost,  # admin_shutdown: pg_terminate_backend, fast or smart shutdown
    "57P02": ConnectionLost,  # crash_shutdown
    "57P03": DatabaseUnavailable,  # cannot_connect_now: starting up or shutting down
    "57P04": ConnectionLost,  # database_dropped
    "57P05": ConnectionLost,  # idle_session_timeout
    "53300": TooManyConnections,
    "SF001": InsufficientBalance,
}

# Whole SQLSTATE classes, consulted when the exact code has no entry.
_BY_CLASS: dict[str, type[DatabaseError]] = {
    "08": ConnectionLost,  # connection_exception
    "28": DatabaseUnavailable,  # invalid_authorization_specification: the login was refused
}


def register_sqlstate(sqlstate: str, error_type: type[DatabaseError]) -> None:
    """Map a SQLSTATE (typically a business error raised by a trigger) to an error type."""
    if len(sqlstate) != 5 or not sqlstate.isalnum() or not sqlstate.isascii():
        raise ConfigurationError(f"a SQLSTATE has 5 letters or digits, got {sqlstate!r}")
    if not (isinstance(error_type, type) and issubclass(error_type, DatabaseError)):
        raise ConfigurationError(f"{error_type!r} is not a subclass of sqlfirst.errors.DatabaseError")
    _BY_SQLSTATE[sqlstate.upper()] = error_type


def _unquoted(text: str, start: int = 0) -> Iterator[tuple[int, str, int]]:
    """Each character of ``text`` from ``start`` that is not inside quotes (nor a quote itself),
    with its index and the parenthesis depth once it is read."""
    depth, quote = 0, ""
    for index in range(start, len(text)):
        char = text[index]
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        else:
            if char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
            yield index, char, depth


def _key_list(detail: str) -> str | None:
    """The text inside ``Key (...)`` of a server DETAIL, matching parentheses and skipping quotes."""
    if not detail.startswith("Key ("):
        return None
    for index, char, depth in _unquoted(detail, len("Key ")):
        if char == ")" and depth == 0:
            return detail[len("Key (") : index]
    return None


def _split_top_level(text: str) -> list[str]:
    """``text`` split at the commas outside parentheses and quotes, each part stripped, empty ones dropped."""
    parts, start = [], 0
    for index, char, depth in _unquoted(text):
        if char == "," and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


_IDENTIFIER = re.compile(r'^(?:[A-Za-z_][A-Za-z0-9_$]*|"(?:[^"]|"")+")$')
_TOKEN = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$]*|::|\S")
_NOT_COLUMNS = frozenset(
    {"and", "or", "not", "null", "true", "false", "collate", "as", "is", "in", "desc", "asc"}
)


def _unquote(identifier: str) -> str:
    return identifier[1:-1].replace('""', '"') if identifier.startswith('"') else identifier


def _columns_of(expression: str) -> list[str]:
    """Column names an index expression reads: identifiers that are neither function names, schema
    qualifiers, type names after ``::``, string literals nor keywords."""
    tokens = _TOKEN.findall(expression)
    found: list[str] = []
    after_cast = False
    for index, part in enumerate(tokens):
        if part == "::":
            after_cast = True
            continue
        if part in (",", "(", ")"):
            after_cast = False
            continue
        if part.startswith("'") or not (part[0].isalpha() or part[0] in '_"'):
            continue
        following = tokens[index + 1] if index + 1 < len(tokens) else ""
        if after_cast or following in ("(", ".") or part.lower() in _NOT_COLUMNS:
            continue
        if _unquote(part) not in found:
            found.append(_unquote(part))
    return found


def _key_columns(detail: str | None) -> tuple[str, ...]:
    """The columns of the key a unique, primary-key or exclusion violation reports in its DETAIL.

    Plain keys list their columns; expression keys (``lower(email::text)``, an exclusion's
    ``tstzrange(valid_from, valid_to, '[)'::text)``) give the columns their expressions read.
    """
    if not detail:
        return ()
    keys = _key_list(detail)
    if keys is None:
        return ()
    found: list[str] = []
    for item in _split_top_level(keys):
        names = [_unquote(item)] if _IDENTIFIER.match(item) else _columns_of(item)
        found.extend(name for name in names if name not in found)
    return tuple(found)


def translate(exc: asyncpg.PostgresError) -> DatabaseError:
    """Return the sqlfirst error for a driver error (the caller raises it ``from exc``)."""
    sqlstate: str = getattr(exc, "sqlstate", "") or ""
    kind = _BY_SQLSTATE.get(sqlstate) or _BY_CLASS.get(sqlstate[:2], DatabaseError)
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


DRIVER_ERRORS: tuple[type[BaseException], ...] = (
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,
    OSError,  # a pool could not connect
    TimeoutError,  # command_timeout
)
"""What asyncpg raises from a call: catch these around a driver call and raise :func:`from_driver`."""

RAISED_BY_DRIVER: tuple[type[BaseException], ...] = (
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,
)
"""What only asyncpg raises: typed when it leaves a block of user code (a timeout or an ``OSError``
there may be the user's own, so those pass through unchanged)."""


def _connection_gone(executor: object) -> bool:
    """Whether ``executor`` is a connection that can no longer be used (closed, or given back)."""
    if executor is None or isinstance(executor, asyncpg.Pool):
        return False
    try:
        return bool(executor.is_closed())  # type: ignore[attr-defined]
    except asyncpg.InterfaceError:
        # A pool connection whose connection was lost: asyncpg has already given it back.
        return True


def _known_in_transaction(executor: object) -> bool:
    """True when ``executor`` was certainly inside a transaction block (so nothing committed)."""
    if executor is None or isinstance(executor, asyncpg.Pool):
        return False  # the pool runs each statement on its own, and it commits by itself
    try:
        return bool(executor.is_in_transaction())  # type: ignore[attr-defined]
    except asyncpg.InterfaceError:
        return False  # a pool connection already given back: its state is gone, assume the worst


def from_driver(exc: BaseException, executor: object = None) -> DatabaseError:
    """The sqlfirst error for anything the driver raised while ``executor`` ran a statement.

    ``executor`` (a connection or the pool, when known) decides what a lost connection means:
    inside a transaction block nothing was committed (:class:`ConnectionLost`); a statement run
    on its own commits by itself, so its outcome is unknown (:class:`TransactionOutcomeUnknown`).
    """
    err: DatabaseError
    if isinstance(exc, asyncpg.PostgresError):
        err = translate(exc)
    elif isinstance(exc, asyncpg.exceptions.DataError):
        # asyncpg could not encode an argument (wrong Python type for the column).
        return InvalidInput(str(exc), sqlstate="22000")
    elif isinstance(exc, TimeoutError):
        return CommandTimeout("the statement outlasted command_timeout and was cancelled", sqlstate="57014")
    elif isinstance(exc, OSError):
        return DatabaseUnavailable(f"cannot connect: {exc}", sqlstate="08001")
    elif type(exc) is asyncpg.InternalClientError or (
        isinstance(exc, asyncpg.InterfaceError) and _connection_gone(executor)
    ):
        # On a connection, the statement was never sent: the connection had already been lost, or
        # the server's farewell (a FATAL error such as 57P01) arrived and the protocol refuses to
        # send more. Not so on the pool: it resets the connection after the statement and raises
        # when that fails, even though the statement ran (and committed).
        if executor is not None and not isinstance(executor, asyncpg.Pool):
            return ConnectionLost(
                f"the connection was lost before the statement was sent: {exc}", sqlstate="08003"
            )
        err = ConnectionLost(f"the connection was lost: {exc}", sqlstate="08003")
    else:
        return DatabaseError(str(exc))
    if isinstance(err, ConnectionLost) and not _known_in_transaction(executor):
        unknown = TransactionOutcomeUnknown(
            f"the connection was lost while a statement ran outside a transaction; "
            f"whether it took effect is unknown ({err})",
            sqlstate=err.sqlstate,
        )
        unknown.executor = executor
        return unknown
    return err
