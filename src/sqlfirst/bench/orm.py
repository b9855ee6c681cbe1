"""The SQLAlchemy 2 async engine and sessions every domain's ORM contender runs on."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)


class OrmState:
    """An engine on the bench database and its sessions (``expire_on_commit=False``, as apps use it).

    ``autocommit`` runs each statement on its own (no BEGIN/ROLLBACK round trips: the ORM's best case
    for reads); without it the sessions use transactions (READ COMMITTED, like the other contenders).

    ``sessions()`` is the *pool* footing: every session checks a connection out of the engine's pool
    and returns it at the end, as an application's request does. :meth:`held` gives the *held*
    footing, the one raw asyncpg and sqlfirst get when they run on one held connection.
    """

    def __init__(self, url: str, *, autocommit: bool) -> None:
        options = {"isolation_level": "AUTOCOMMIT"} if autocommit else {}
        self.engine: AsyncEngine = create_async_engine(
            "postgresql+asyncpg" + url[len("postgresql") :], pool_size=2, max_overflow=0, **options
        )
        self.sessions: async_sessionmaker[AsyncSession] = async_sessionmaker(
            self.engine, expire_on_commit=False
        )

    async def held(self) -> HeldOrm:
        """An ORM state whose sessions all run on one connection held for the whole contest."""
        return HeldOrm(await self.engine.connect())

    async def close(self) -> None:
        await self.engine.dispose()


class HeldOrm:
    """Sessions bound to one held connection: no pool checkout in the timed region.

    Each call still gets a fresh session (the ORM's unit of work and identity map; a session kept
    across calls would answer ``session.get`` from its identity map without a query). Closing it
    ends its transaction, if it began one, and leaves the connection open.
    """

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    @asynccontextmanager
    async def _session(self) -> AsyncIterator[AsyncSession]:
        session = AsyncSession(bind=self.connection, expire_on_commit=False)
        try:
            yield session
        finally:
            await session.close()

    def sessions(self) -> AbstractAsyncContextManager[AsyncSession]:
        """A new session on the held connection (same call shape as ``async_sessionmaker``)."""
        return self._session()

    async def close(self) -> None:
        await self.connection.close()
