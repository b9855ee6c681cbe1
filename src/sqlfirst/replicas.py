"""Read routing over streaming replicas, with read-your-writes (GitLab's database load balancer model).

    db = await sqlfirst.connect(replica_urls=("postgresql://...replica1", "postgresql://...replica2"))
    async with db.reader() as conn:                 # a healthy replica, else the primary
        ...
    session = db.session()                          # one caller's (request's) consistency
    async with session.transaction() as conn:       # writes: always the primary
        await conn.execute("insert ...")
    async with session.reader() as conn:            # sees that insert: a replica only if caught up
        ...

Writes always go to the primary. A read is sent to a replica when (1) the replica answers, (2) its
replay lag behind the primary is within ``replica_max_lag_bytes``, and (3) for read-your-writes, its
``pg_last_wal_replay_lsn()`` has reached the LSN the caller requires — the primary's
``pg_current_wal_insert_lsn()`` read right after the caller's commit, which is at or past that
commit's WAL record. When no replica qualifies the read goes to the primary. A replica that fails is
skipped for ``replica_retry_s`` and tried again after; one that lags comes back as soon as a health
check sees it caught up.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

import asyncpg

from sqlfirst import arguments
from sqlfirst.arguments import invalid_argument
from sqlfirst.errors import (
    DRIVER_ERRORS,
    ConnectionLost,
    DatabaseUnavailable,
    SqlfirstError,
    TransactionOutcomeUnknown,
)
from sqlfirst.settings import Settings, redact

if TYPE_CHECKING:
    from sqlfirst.db import Connection, Database, IsolationLevel

__all__ = ["ReplicaState", "Replicas", "Session", "is_connection_failure"]

T = TypeVar("T")

# Failures that mean "this server is gone", not "this query is wrong".
_CONNECTION_FAILURES: tuple[type[BaseException], ...] = (
    OSError,
    asyncio.TimeoutError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.PostgresConnectionError,  # SQLSTATE class 08
    asyncpg.exceptions.OperatorInterventionError,  # 57: admin/crash shutdown, cannot connect now
    asyncpg.exceptions.InternalClientError,
)


def is_connection_failure(exc: BaseException) -> bool:
    """True when ``exc`` (or its cause) says the server or the connection is gone."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, (*_CONNECTION_FAILURES, DatabaseUnavailable, ConnectionLost)):
            return True
        if isinstance(seen, SqlfirstError) and seen.__cause__ is not None:
            seen = seen.__cause__
            continue
        return False
    return False


@dataclass(slots=True)
class ReplicaState:
    """What the router knows about one replica."""

    url: str
    pool: asyncpg.Pool[asyncpg.Record] | None = None
    replay_lsn: int = 0  # highest pg_last_wal_replay_lsn() seen: replay only moves forward
    lag_bytes: int | None = None  # behind the primary at the last health check
    down_until: float = 0.0  # monotonic time before which the replica is skipped
    failures: int = 0
    served: int = field(default=0)

    def usable(self, now: float, max_lag_bytes: int) -> bool:
        return now >= self.down_until and (self.lag_bytes is None or self.lag_bytes <= max_lag_bytes)


class Replicas:
    """The replica side of a :class:`~sqlfirst.db.Database`: pools, health, and the routing choice."""

    def __init__(self, primary: asyncpg.Pool[asyncpg.Record], settings: Settings) -> None:
        self.primary = primary
        self.settings = settings
        self.states = [ReplicaState(url) for url in settings.replica_urls]
        self._checked_at = 0.0
        self._checking: asyncio.Task[None] | None = None

    async def open(self) -> None:
        """Create the replica pools (lazily connecting: a replica that is down now may come back)."""
        from sqlfirst.db import init_connection

        for state in self.states:
            state.pool = await asyncpg.create_pool(
                state.url,
                min_size=0,
                max_size=self.settings.max_size,
                init=init_connection,
                server_settings=self.settings.server_settings(),
                command_timeout=self.settings.command_timeout_s,
                statement_cache_size=self.settings.statement_cache_size,
                timeout=self.settings.replica_connect_timeout_s,
            )

    async def close(self) -> None:
        if self._checking is not None:
            self._checking.cancel()
        for state in self.states:
            if state.pool is not None:
                await state.pool.close()

    def _mark_down(self, state: ReplicaState) -> None:
        state.failures += 1
        state.down_until = time.monotonic() + self.settings.replica_retry_s

    async def check(self) -> None:
        """Health round: the primary's WAL position against each replica's replay position."""
        async with self.primary.acquire() as conn:
            primary_lsn: int = await conn.fetchval("select pg_current_wal_lsn()")
        await asyncio.gather(*(self._check_one(state, primary_lsn) for state in self.states))
        self._checked_at = time.monotonic()

    async def _check_one(self, state: ReplicaState, primary_lsn: int) -> None:
        assert state.pool is not None
        try:
            async with state.pool.acquire() as conn:
                replay: int | None = await conn.fetchval("select pg_last_wal_replay_lsn()")
        except Exception as exc:
            if not is_connection_failure(exc):
                raise
            self._mark_down(state)
            return
        if replay is None:  # not a standby (promoted, or misconfigured): never read from it
            state.lag_bytes = None
            self._mark_down(state)
            return
        state.replay_lsn = max(state.replay_lsn, replay)
        state.lag_bytes = max(0, primary_lsn - replay)
        state.down_until = 0.0

    async def _maybe_check(self) -> None:
        if time.monotonic() - self._checked_at < self.settings.replica_check_interval_s:
            return
        if self._checking is None or self._checking.done():
            self._checked_at = time.monotonic()  # one round at a time; others use the last one
            self._checking = asyncio.ensure_future(self.check())
            try:
                await self._checking
            except Exception as exc:
                if not is_connection_failure(exc):
                    raise

    @asynccontextmanager
    async def reader(self, *, min_lsn: int | None = None) -> AsyncIterator[Connection]:
        """A read-only transaction on a healthy replica that has replayed ``min_lsn``, else the primary.

        Errors come out as :mod:`sqlfirst.errors` types; a replica that fails under the block is
        skipped from then on (for ``replica_retry_s``).
        """
        from sqlfirst.db import transaction_on

        check_lsn("reader", min_lsn)
        conn, state = await self._pick(min_lsn)
        try:
            async with transaction_on(conn, readonly=True):
                yield conn
        except Exception as exc:
            if state is not None and is_connection_failure(exc):
                self._mark_down(state)
            raise
        finally:
            await self._release(conn, state)

    async def _release(self, conn: Connection, state: ReplicaState | None) -> None:
        pool = self.primary if state is None else state.pool
        assert pool is not None
        with contextlib.suppress(*DRIVER_ERRORS):
            await pool.release(conn)  # type: ignore[arg-type]

    async def _pick(self, min_lsn: int | None) -> tuple[Connection, ReplicaState | None]:
        await self._maybe_check()
        now = time.monotonic()
        candidates = [s for s in self.states if s.usable(now, self.settings.replica_max_lag_bytes)]
        random.shuffle(candidates)
        # Replicas already known to be far enough first: no extra round-trip needed for them.
        if min_lsn is not None:
            candidates.sort(key=lambda s: s.replay_lsn < min_lsn)
        for state in candidates:
            assert state.pool is not None
            try:
                conn = await state.pool.acquire(timeout=self.settings.replica_connect_timeout_s)
            except Exception as exc:
                if not is_connection_failure(exc):
                    raise
                self._mark_down(state)
                continue
            try:
                if min_lsn is not None and state.replay_lsn < min_lsn:
                    replay: int | None = await conn.fetchval("select pg_last_wal_replay_lsn()")
                    if replay is None:
                        await state.pool.release(conn)
                        self._mark_down(state)
                        continue
                    state.replay_lsn = max(state.replay_lsn, replay)
                    if replay < min_lsn:
                        await state.pool.release(conn)
                        continue
            except Exception as exc:
                await self._release(conn, state)
                if not is_connection_failure(exc):
                    raise
                self._mark_down(state)
                continue
            state.served += 1
            return conn, state
        try:
            return await self.primary.acquire(), None
        except Exception as exc:
            if is_connection_failure(exc):
                raise DatabaseUnavailable(
                    f"no replica and not the primary could serve a read: {exc}"
                ) from exc
            raise

    def describe(self) -> list[str]:
        return [redact(s.url) for s in self.states]


async def primary_lsn(db: Database) -> int:
    """The primary's WAL insert position now: a read that reaches it sees every commit made before."""
    async with db.connection() as conn:  # errors typed like every other statement's
        lsn: int = await conn.fetchval("select pg_current_wal_insert_lsn()")
    return lsn


class Session:
    """One caller's read-your-writes state (a web request, a job): see the module docstring.

    After a write through :meth:`transaction` (or :meth:`note_write`), :meth:`reader` uses a replica
    only once it has replayed that write, else the primary. Not shared between concurrent callers.
    """

    def __init__(self, db: Database) -> None:
        self.db = db
        self.min_lsn: int | None = None

    async def note_write(self) -> None:
        """Record that this caller wrote: its next reads must see the primary's current position."""
        lsn = await primary_lsn(self.db)
        self.min_lsn = lsn if self.min_lsn is None else max(self.min_lsn, lsn)

    @asynccontextmanager
    async def transaction(self, *, isolation: IsolationLevel = "read_committed") -> AsyncIterator[Connection]:
        """:meth:`Database.transaction` on the primary; its commit is then visible to :meth:`reader`."""
        try:
            async with self.db.transaction(isolation=isolation) as conn:
                yield conn
        except TransactionOutcomeUnknown:
            # It may have committed: later reads must not miss it if it did.
            with contextlib.suppress(SqlfirstError, *DRIVER_ERRORS):
                await self.note_write()
            raise
        await self.note_write()

    @asynccontextmanager
    async def reader(self) -> AsyncIterator[Connection]:
        async with self.db.reader(min_lsn=self.min_lsn) as conn:
            yield conn

    async def run_read(self, work: Callable[[Connection], Awaitable[T]], *, attempts: int = 3) -> T:
        return await self.db.run_read(work, min_lsn=self.min_lsn, attempts=attempts)


def check_lsn(function: str, min_lsn: object) -> None:
    """``min_lsn`` is None or a WAL position (an int of 0 or more), else ``ValidationError``."""
    if min_lsn is not None:
        arguments.count(function, "min_lsn", min_lsn)


async def run_read(
    db: Database,
    work: Callable[[Connection], Awaitable[T]],
    *,
    min_lsn: int | None = None,
    attempts: int = 3,
) -> T:
    """Run ``work(conn)`` in a read-only transaction on a reader; if the serving replica dies under it,
    run it again elsewhere (another replica or the primary). Reads are safe to repeat."""
    if not callable(work):
        raise invalid_argument("run_read", "work", "work must be a function taking a connection", work)
    attempts = arguments.count("run_read", "attempts", attempts, least=1)
    attempt = 0
    while True:
        attempt += 1
        try:
            async with db.reader(min_lsn=min_lsn) as conn:
                return await work(conn)
        except Exception as exc:
            if attempt >= attempts or not is_connection_failure(exc):
                raise
