"""Pool, codecs, caller-owned transactions and the retry helper.

    db = await sqlfirst.connect()                      # DATABASE_URL, PG*, else the embedded server
    async with db.transaction() as conn:               # one connection, one transaction
        user = await agent_hub.users.get_by_id(conn, id=user_id)

Repository functions take the connection (or the pool) first and never commit: the caller decides
where a transaction starts and ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Concatenate, Literal, ParamSpec, TypeAlias, TypeVar, get_args
from uuid import UUID

import asyncpg
from asyncpg.pool import PoolConnectionProxy
from asyncpg.transaction import Transaction

from sqlfirst import acting, arguments, embedded, monitoring, replicas
from sqlfirst.arguments import invalid_argument
from sqlfirst.bulk import copy_models  # re-exported: it lived here first
from sqlfirst.errors import (
    DRIVER_ERRORS,
    RAISED_BY_DRIVER,
    CommandTimeout,
    ConfigurationError,
    ConnectionLost,
    DatabaseError,
    DatabaseUnavailable,
    RetryableError,
    TransactionOutcomeUnknown,
    from_driver,
)
from sqlfirst.jsoncodec import decode_json, decode_jsonb, encode_json, encode_jsonb
from sqlfirst.settings import Settings, normalize_url, redact

__all__ = [
    "Connection",
    "Database",
    "Executor",
    "IsolationLevel",
    "connect",
    "connect_one",
    "copy_models",
    "create_pool",
    "init_connection",
    "resolve_url",
    "retry_transaction",
    "transaction_on",
]

logger = logging.getLogger("sqlfirst")

T = TypeVar("T")
P = ParamSpec("P")

if TYPE_CHECKING:
    Connection: TypeAlias = asyncpg.Connection[asyncpg.Record] | PoolConnectionProxy[asyncpg.Record]
    Executor: TypeAlias = Connection | asyncpg.Pool[asyncpg.Record]
else:  # asyncpg's classes are generic only in its stubs
    Connection: TypeAlias = asyncpg.Connection | PoolConnectionProxy
    Executor: TypeAlias = Connection | asyncpg.Pool
# Connection: one connection, from Database.transaction(), pool.acquire() or connect_one().
# Executor: what a repository function accepts, a connection or the pool (one statement per acquire).

IsolationLevel = Literal["read_committed", "repeatable_read", "serializable"]
_ISOLATION_LEVELS = frozenset(get_args(IsolationLevel))


def _check_isolation(function: str, isolation: object, *, optional: bool = False) -> None:
    if optional and isolation is None:
        return
    if not isinstance(isolation, str) or isolation not in _ISOLATION_LEVELS:
        levels = ", ".join(sorted(_ISOLATION_LEVELS))
        raise invalid_argument(function, "isolation", f"isolation must be one of {levels}", isolation)


async def init_connection(conn: asyncpg.Connection[asyncpg.Record]) -> None:
    """Register the codecs every sqlfirst connection uses (the pool's ``init`` hook).

    json/jsonb ⇄ ``dict``/``list`` (orjson, exact for numbers of any size: see
    :mod:`sqlfirst.jsoncodec`); numeric ⇄ ``Decimal``, uuid ⇄ ``UUID``,
    inet ⇄ ``ipaddress`` and arrays ⇄ ``list`` are asyncpg's own codecs; enums travel as text and
    become ``StrEnum`` members in the Pydantic models. The JSON codecs use the binary wire format
    because COPY (``copy_records_to_table``, :func:`copy_models`) only speaks binary.
    """
    await conn.set_type_codec(
        "jsonb", schema="pg_catalog", encoder=encode_jsonb, decoder=decode_jsonb, format="binary"
    )
    await conn.set_type_codec(
        "json", schema="pg_catalog", encoder=encode_json, decoder=decode_json, format="binary"
    )


def _settings(function: str, settings: object) -> Settings:
    """``settings``, or when None the environment's (:meth:`Settings.from_env`)."""
    if settings is None:
        return Settings.from_env()
    if not isinstance(settings, Settings):
        # The type only: a URL passed here by mistake carries a password.
        raise invalid_argument(
            function, "settings", f"a sqlfirst.Settings, not a {type(settings).__name__}", "<hidden>"
        )
    return settings


def resolve_url(settings: Settings | None = None) -> str:
    """The database URL to use: the configured one, else the embedded server (started if needed).

    Falling back to the embedded server is logged (logger ``sqlfirst``, one line naming its data
    directory); with ``SQLFIRST_EMBEDDED=never`` (``Settings(embedded="never")``) a missing URL is
    a :class:`~sqlfirst.errors.ConfigurationError` instead.
    """
    settings = _settings("resolve_url", settings)
    if settings.database_url:
        return settings.database_url
    if settings.embedded == "never":
        raise ConfigurationError(
            "no database configured: set DATABASE_URL (or the PG* variables); "
            "SQLFIRST_EMBEDDED=never forbids falling back to the embedded server"
        )
    url = embedded.start()
    logger.warning(
        "no DATABASE_URL: using the embedded PostgreSQL in %s at %s (SQLFIRST_EMBEDDED=never forbids this)",
        embedded.data_dir(),
        url,
    )
    return url


async def create_pool(settings: Settings | None = None) -> asyncpg.Pool[asyncpg.Record]:
    """Create the asyncpg pool with sqlfirst's codecs and session settings."""
    settings = _settings("create_pool", settings)
    url = resolve_url(settings)
    try:
        pool = await asyncpg.create_pool(
            url,
            min_size=settings.min_size,
            max_size=settings.max_size,
            init=init_connection,
            server_settings=settings.server_settings(),
            command_timeout=settings.command_timeout_s,
            statement_cache_size=settings.statement_cache_size,
        )
    except DRIVER_ERRORS as exc:
        raise _unavailable(url, exc) from exc
    assert pool is not None
    return pool


def _unavailable(url: str, exc: BaseException) -> DatabaseError:
    """The error for a failed attempt to connect: nothing ran, so every failure is unavailability."""
    err = from_driver(exc)
    if isinstance(err, DatabaseUnavailable):
        err.args = (f"cannot connect to {redact(url)}: {err}",)
        return err
    return DatabaseUnavailable(f"cannot connect to {redact(url)}: {err}", sqlstate=err.sqlstate)


async def connect_one(
    url: str | None = None, *, settings: Settings | None = None
) -> asyncpg.Connection[asyncpg.Record]:
    """One connection with sqlfirst's codecs and session settings (scripts, CLI, tests)."""
    settings = _settings("connect_one", settings)
    target = resolve_url(settings) if url is None or url == "" else normalize_url(url)
    try:
        conn = await asyncpg.connect(
            target,
            server_settings=settings.server_settings(),
            command_timeout=settings.command_timeout_s,
            statement_cache_size=settings.statement_cache_size,
        )
    except DRIVER_ERRORS as exc:
        raise _unavailable(target, exc) from exc
    try:
        await init_connection(conn)
    except DRIVER_ERRORS as exc:
        conn.terminate()
        raise _unavailable(target, exc) from exc
    return conn


async def _acquire(pool: asyncpg.Pool[asyncpg.Record]) -> PoolConnectionProxy[asyncpg.Record]:
    try:
        return await pool.acquire()
    except DRIVER_ERRORS as exc:
        err = from_driver(exc)
        if isinstance(err, DatabaseUnavailable):
            raise err from exc
        raise DatabaseUnavailable(f"cannot get a connection: {err}", sqlstate=err.sqlstate) from exc


async def _release(pool: asyncpg.Pool[asyncpg.Record], conn: PoolConnectionProxy[asyncpg.Record]) -> None:
    # asyncpg resets the connection on release and closes it when that fails; the caller's work
    # is done by then (committed or rolled back), so a failure here must not replace its outcome.
    with contextlib.suppress(*DRIVER_ERRORS):
        await pool.release(conn)


async def _begin(
    pool: asyncpg.Pool[asyncpg.Record], *, isolation: IsolationLevel, readonly: bool
) -> tuple[PoolConnectionProxy[asyncpg.Record], Transaction]:
    """A pooled connection with a transaction started on it.

    A pooled connection the server closed while it sat idle fails at ``BEGIN``, before anything
    ran: it is dropped and another one taken, so the caller never sees it.
    """
    for attempt in range(pool.get_max_size() + 1):
        conn = await _acquire(pool)
        tx = conn.transaction(isolation=isolation, readonly=readonly)
        try:
            await tx.start()
        except DRIVER_ERRORS as exc:
            await _release(pool, conn)
            err = from_driver(exc, conn)
            if isinstance(err, ConnectionLost | TransactionOutcomeUnknown):
                if attempt < pool.get_max_size():
                    continue
                raise ConnectionLost(f"could not begin a transaction: {err}", sqlstate=err.sqlstate) from exc
            raise err from exc
        return conn, tx
    raise AssertionError("unreachable")


_ACT_AS = "select set_config('sqlfirst.user_id', $1::uuid::text, true)"


def _check_transaction(function: str, readonly: object, as_user: object) -> bool:
    """What :meth:`Database.transaction` and :func:`transaction_on` take besides the isolation;
    returns ``readonly`` as a bool."""
    if not arguments.is_flag(readonly):
        raise invalid_argument(function, "readonly", "readonly must be True or False", readonly)
    if as_user is not None:
        _user_text(function, "as_user", as_user)
    return bool(readonly)


def _user_text(function: str, argument: str, user: object) -> str:
    """A user id (a UUID, or its text) as the text ``set_config`` takes, else ``ValidationError``."""
    if isinstance(user, UUID):
        return str(user)
    if isinstance(user, str):
        with contextlib.suppress(ValueError):
            return str(UUID(user))
    raise invalid_argument(function, argument, "a user id (a UUID)", user)


def _check_work(function: str, argument: str, work: object) -> None:
    if not callable(work):
        raise invalid_argument(function, argument, f"{argument} must be a function taking a connection", work)


async def _act_as(conn: Connection, user: object | None) -> None:
    """Name the acting user for row-level security, for this transaction only.

    ``set_config(..., true)`` is transaction-local: COMMIT or ROLLBACK ends it, so a pooled
    connection never carries a user into the next transaction. Nothing is sent without a user:
    ``core.acting_user()`` is then NULL and tenant rows are invisible.
    """
    if user is None:
        return
    await conn.execute(_ACT_AS, _user_text("acting_user", "user", user))


def _acting(as_user: object | None) -> object | None:
    return acting.current_user() if as_user is None else as_user


@asynccontextmanager
async def _transaction(
    pool: asyncpg.Pool[asyncpg.Record],
    *,
    isolation: IsolationLevel,
    readonly: bool,
    as_user: object | None = None,
) -> AsyncIterator[Connection]:
    _check_isolation("transaction", isolation)
    readonly = _check_transaction("transaction", readonly, as_user)
    conn, tx = await _begin(pool, isolation=isolation, readonly=readonly)
    try:
        async with _committing(conn, tx, readonly=readonly, top_level=True):
            await _act_as(conn, _acting(as_user))
            yield conn
    finally:
        await _release(pool, conn)


@asynccontextmanager
async def _committing(
    conn: Connection, tx: Transaction, *, readonly: bool, top_level: bool
) -> AsyncIterator[None]:
    """Commit ``tx`` when the block succeeds, roll it back when it fails; every error typed.

    Until COMMIT is sent nothing can have committed, so a lost connection is
    :class:`~sqlfirst.errors.ConnectionLost` (retryable); a connection lost during COMMIT is
    :class:`~sqlfirst.errors.TransactionOutcomeUnknown`, unless the transaction only read.
    """
    try:
        yield
    except BaseException as exc:
        with contextlib.suppress(*DRIVER_ERRORS):
            # A lost connection cannot roll back, and needs not: the server ends the transaction.
            await tx.rollback()
        if isinstance(exc, TransactionOutcomeUnknown) and exc.executor is conn:
            # A statement of this transaction lost the connection: COMMIT was never sent.
            raise ConnectionLost(str(exc), sqlstate=exc.sqlstate) from exc
        if isinstance(exc, RAISED_BY_DRIVER):
            err = from_driver(exc, conn)
            if isinstance(err, TransactionOutcomeUnknown):
                err = ConnectionLost(str(err), sqlstate=err.sqlstate)
            raise err from exc
        raise
    if _gone(conn):
        # Lost while the block ran something else: COMMIT was never sent.
        raise ConnectionLost("the connection was lost before COMMIT", sqlstate="08003")
    try:
        await tx.commit()
    except DRIVER_ERRORS as exc:
        err = from_driver(exc, conn)
        if isinstance(err, ConnectionLost) and _refused_before_sending(exc):
            # The driver refused to send COMMIT (the connection had just been lost): nothing committed.
            raise err from exc
        if isinstance(err, ConnectionLost | TransactionOutcomeUnknown | CommandTimeout):
            if readonly or not top_level:
                # Nothing a read-only transaction did can be lost; a savepoint's release commits nothing.
                raise ConnectionLost(
                    f"the connection was lost at the end of the transaction: {err}", sqlstate=err.sqlstate
                ) from exc
            raise TransactionOutcomeUnknown(
                f"the connection was lost during COMMIT; it may or may not have committed: {err}",
                sqlstate="08007",
            ) from exc
        raise err from exc


def _refused_before_sending(exc: BaseException) -> bool:
    """Whether asyncpg raised ``exc`` instead of sending the statement (not after sending it)."""
    if isinstance(exc, asyncpg.PostgresError):
        return False  # the server answered, or the connection broke while waiting for it
    return type(exc) is asyncpg.InternalClientError or isinstance(exc, asyncpg.InterfaceError)


def _gone(conn: Connection) -> bool:
    try:
        return conn.is_closed()
    except asyncpg.InterfaceError:
        return True  # a pool connection asyncpg already took back because its connection closed


@asynccontextmanager
async def transaction_on(
    conn: Connection,
    *,
    isolation: IsolationLevel | None = None,
    readonly: bool = False,
    as_user: object | None = None,
) -> AsyncIterator[Connection]:
    """A transaction (or, inside one, a savepoint) on a connection you hold, with typed errors.

    The counterpart of :meth:`Database.transaction` for a connection from ``connect_one()`` or
    ``pool.acquire()``. A top-level transaction acts for ``as_user`` (default: the acting user of
    :mod:`sqlfirst.acting`); a savepoint keeps its transaction's user.
    """
    _check_isolation("transaction_on", isolation, optional=True)
    readonly = _check_transaction("transaction_on", readonly, as_user)
    top_level = not conn.is_in_transaction()
    tx = conn.transaction(isolation=isolation, readonly=readonly)
    try:
        await tx.start()
    except DRIVER_ERRORS as exc:
        err = from_driver(exc, conn)
        if isinstance(err, TransactionOutcomeUnknown):
            err = ConnectionLost(str(err), sqlstate=err.sqlstate)
        raise err from exc
    async with _committing(conn, tx, readonly=readonly, top_level=top_level):
        if top_level:
            await _act_as(conn, _acting(as_user))
        yield conn


class Database:
    """A pool plus the transaction helpers. Create with :func:`connect`; close with :meth:`close`."""

    def __init__(
        self, pool: asyncpg.Pool[asyncpg.Record], replica_set: replicas.Replicas | None = None
    ) -> None:
        self.pool = pool
        self.replicas = replica_set

    async def close(self) -> None:
        if self.replicas is not None:
            await self.replicas.close()
        with contextlib.suppress(*DRIVER_ERRORS):
            await self.pool.close()

    # -- reads on replicas (see sqlfirst.replicas) --

    @asynccontextmanager
    async def reader(self, *, min_lsn: int | None = None) -> AsyncIterator[Connection]:
        """A read-only transaction on a healthy replica that has replayed ``min_lsn``, else the primary."""
        replicas.check_lsn("reader", min_lsn)
        if self.replicas is None:
            async with self.transaction(readonly=True) as conn:
                yield conn
            return
        async with self.replicas.reader(min_lsn=min_lsn) as conn:
            yield conn

    def session(self) -> replicas.Session:
        """A read-your-writes session: its reads see its own writes (one caller, not shared)."""
        return replicas.Session(self)

    async def run_read(
        self, work: Callable[[Connection], Awaitable[T]], *, min_lsn: int | None = None, attempts: int = 3
    ) -> T:
        """Run ``work(conn)`` on :meth:`reader`; a replica failing under it costs a retry, not an error."""
        return await replicas.run_read(self, work, min_lsn=min_lsn, attempts=attempts)

    async def __aenter__(self) -> Database:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[Connection]:
        """A connection from the pool, without a transaction (autocommit per statement).

        Driver errors raised in the block come out as :mod:`sqlfirst.errors` types.
        """
        conn = await _acquire(self.pool)
        try:
            yield conn
        except RAISED_BY_DRIVER as exc:
            raise from_driver(exc, conn) from exc
        finally:
            await _release(self.pool, conn)

    @asynccontextmanager
    async def transaction(
        self,
        *,
        isolation: IsolationLevel = "read_committed",
        readonly: bool = False,
        as_user: object | None = None,
    ) -> AsyncIterator[Connection]:
        """Acquire a connection and run a transaction on it; commit on success, roll back on error.

        The transaction acts for ``as_user`` (a user id), or when None for
        :func:`sqlfirst.acting.current_user`: row-level security shows and lets it change that
        user's rows (and shared ones) only, and none at all without a user. The setting ends with
        the transaction.

        Every error comes out as a :mod:`sqlfirst.errors` type, including those raised at commit
        (serialization failures, deferred constraints). A connection lost before COMMIT is
        :class:`~sqlfirst.errors.ConnectionLost`: nothing was committed, run it again. One lost
        during COMMIT is :class:`~sqlfirst.errors.TransactionOutcomeUnknown`. A pooled connection
        the server closed while idle is replaced before the block runs.
        """
        readonly = _check_transaction("transaction", readonly, as_user)
        with monitoring.transaction_span(isolation=isolation, readonly=readonly):
            async with _transaction(
                self.pool, isolation=isolation, readonly=readonly, as_user=as_user
            ) as conn:
                yield conn

    async def call(
        self, fn: Callable[Concatenate[Connection, P], Awaitable[T]], /, *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """One typed call (``fn(conn, **kwargs)``, e.g. ``agents.get``) in a transaction of its own
        that acts for :func:`sqlfirst.acting.current_user`: a single pooled call under row-level
        security. ``await db.call(agents.get, id=agent_id)`` inside ``acting_user(user_id)`` (or a
        request with :func:`sqlfirst.fastapi.acting_user`) sees that user's rows and shared ones;
        with nobody acting, tenant rows are invisible. For several calls, or another user, use
        :meth:`transaction` (``as_user=``)."""
        _check_work("call", "fn", fn)
        async with self.transaction() as conn:
            return await fn(conn, *args, **kwargs)

    async def run_in_transaction(
        self,
        work: Callable[[Connection], Awaitable[T]],
        *,
        isolation: IsolationLevel = "read_committed",
        attempts: int = 3,
        base_delay: float = 0.01,
        as_user: object | None = None,
    ) -> T:
        """Run ``work(conn)`` in a transaction, re-running it whole when it may succeed next time.

        Each run acts for ``as_user`` as :meth:`transaction` does.

        Re-runs on :class:`~sqlfirst.errors.RetryableError`: serialization failure, deadlock, and a
        connection lost before COMMIT (:class:`~sqlfirst.errors.ConnectionLost`, on a fresh
        connection). Never on :class:`~sqlfirst.errors.TransactionOutcomeUnknown`. At most
        ``attempts`` runs (default 3) with jittered exponential backoff between them; the last
        error is raised when every attempt lost. ``work`` must be safe to run again: it sees a fresh
        transaction each time.
        """
        return await retry_transaction(
            self.pool, work, isolation=isolation, attempts=attempts, base_delay=base_delay, as_user=as_user
        )


async def retry_transaction(
    pool: asyncpg.Pool[asyncpg.Record],
    work: Callable[[Connection], Awaitable[T]],
    *,
    isolation: IsolationLevel = "read_committed",
    attempts: int = 3,
    base_delay: float = 0.01,
    as_user: object | None = None,
) -> T:
    """See :meth:`Database.run_in_transaction`."""
    _check_work("retry_transaction", "work", work)
    _check_isolation("retry_transaction", isolation)
    attempts = arguments.count("retry_transaction", "attempts", attempts, least=1)
    if base_delay != 0:
        base_delay = arguments.seconds("retry_transaction", "base_delay", base_delay)
    attempt = 0
    while True:
        attempt += 1
        try:
            async with _transaction(pool, isolation=isolation, readonly=False, as_user=as_user) as conn:
                return await work(conn)
        except RetryableError:
            if attempt >= attempts:
                raise
            # Full jitter: spreads the losers of the same race apart.
            await asyncio.sleep(random.uniform(0, base_delay * 2 ** (attempt - 1)))  # noqa: S311


async def connect(settings: Settings | None = None, **overrides: object) -> Database:
    """Open a :class:`Database` (pool min 5 / max 20 unless configured otherwise).

    With ``replica_urls`` (or ``SQLFIRST_REPLICA_URLS``) :meth:`Database.reader` reads from replicas.

    Keyword overrides change single settings: ``await connect(max_size=4)``.
    """
    settings = _settings("connect", settings)
    if overrides:
        settings = settings.with_(**overrides)
    pool = await create_pool(settings)
    if not settings.replica_urls:
        return Database(pool)
    replica_set = replicas.Replicas(pool, settings)
    await replica_set.open()
    return Database(pool, replica_set)
