"""The SQLAlchemy 2 async engine and sessions every domain's ORM contender runs on."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine


class OrmState:
    """An engine on the bench database and its sessions (``expire_on_commit=False``, as apps use it).

    ``autocommit`` runs each statement on its own (no BEGIN/ROLLBACK round trips: the ORM's best case
    for reads); without it the sessions use transactions (READ COMMITTED, like the other contenders).
    """

    def __init__(self, url: str, *, autocommit: bool) -> None:
        options = {"isolation_level": "AUTOCOMMIT"} if autocommit else {}
        self.engine: AsyncEngine = create_async_engine(
            "postgresql+asyncpg" + url[len("postgresql") :], pool_size=2, max_overflow=0, **options
        )
        self.sessions: async_sessionmaker[AsyncSession] = async_sessionmaker(
            self.engine, expire_on_commit=False
        )

    async def close(self) -> None:
        await self.engine.dispose()
