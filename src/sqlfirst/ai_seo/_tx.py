"""Two helpers: run several statements atomically on whatever executor the caller passed, and act
for one user for a few of them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from uuid import UUID

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


@asynccontextmanager
async def acting_for(conn: Connection, user_id: UUID) -> AsyncIterator[None]:
    """Inside the block the transaction acts for ``user_id`` (the setting row-level security reads,
    ``sqlfirst.user_id``); after it, for whoever it acted for before (or nobody). Call it inside
    :func:`atomic`, which types the errors."""
    previous = await conn.fetchval("select current_setting('sqlfirst.user_id', true)")
    await conn.execute("select set_config('sqlfirst.user_id', $1::uuid::text, true)", str(user_id))
    try:
        yield
    finally:
        await conn.execute("select set_config('sqlfirst.user_id', $1, true)", previous or "")
