"""One helper: run several statements atomically on whatever executor the caller passed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

from sqlfirst.db import Connection, Executor
from sqlfirst.errors import DatabaseError, translate


@asynccontextmanager
async def atomic(conn: Executor) -> AsyncIterator[Connection]:
    """A transaction on ``conn`` (a savepoint inside the caller's transaction), or on a connection
    acquired from the pool: everything inside commits together or not at all."""
    try:
        if isinstance(conn, asyncpg.Pool):
            async with conn.acquire() as acquired, acquired.transaction():
                yield acquired
        else:
            async with conn.transaction():
                yield conn
    except asyncpg.PostgresError as exc:
        raise translate(exc) from exc
    except asyncpg.InterfaceError as exc:
        raise DatabaseError(str(exc)) from exc
