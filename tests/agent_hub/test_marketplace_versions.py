"""Issue 15 (seed 004 "version control"): every publication of a marketplace entry is kept."""

from __future__ import annotations

import asyncio

from sqlfirst.agent_hub import marketplace
from sqlfirst.db import Connection, create_pool
from sqlfirst.settings import Settings

from .factories import make_agent, make_user


async def test_each_publication_is_a_version_and_ratings_are_not(conn: Connection) -> None:
    agent = await make_agent(conn, await make_user(conn), is_public=True)
    assert await marketplace.versions(conn, agent_id=agent.id) == []
    await marketplace.publish(conn, agent_id=agent.id, category="research", tags=["web"], changelog="first")
    await marketplace.rate(conn, agent_id=agent.id, score=4)
    await marketplace.download(conn, agent_id=agent.id)
    await marketplace.publish(
        conn, agent_id=agent.id, category="research", tags=["web", "pdf"], changelog="pdfs"
    )
    await marketplace.publish(conn, agent_id=agent.id, category="writing", changelog="moved")

    history = await marketplace.versions(conn, agent_id=agent.id)
    assert [(v.version, v.category, v.tags, v.changelog) for v in history] == [
        (3, "writing", [], "moved"),
        (2, "research", ["web", "pdf"], "pdfs"),
        (1, "research", ["web"], "first"),
    ]
    entry = await marketplace.get(conn, agent_id=agent.id)
    assert entry is not None and entry.changelog == "moved" and entry.published_at == history[0].published_at
    assert [v.version for v in await marketplace.versions(conn, agent_id=agent.id, limit=1)] == [3]

    await marketplace.withdraw(conn, agent_id=agent.id)
    assert await marketplace.versions(conn, agent_id=agent.id) == []


async def test_concurrent_republishers_get_gap_free_versions(db_url: str) -> None:
    pool = await create_pool(Settings(database_url=db_url, min_size=2, max_size=20))
    try:
        async with pool.acquire() as c:
            agent = await make_agent(c, await make_user(c), is_public=True)
        await asyncio.gather(
            *(
                marketplace.publish(pool, agent_id=agent.id, category="research", changelog=f"v{i}")
                for i in range(15)
            )
        )
        async with pool.acquire() as c:
            history = await marketplace.versions(c, agent_id=agent.id)
        assert [v.version for v in history] == list(range(15, 0, -1))
        assert sorted(v.changelog or "" for v in history) == sorted(f"v{i}" for i in range(15))
    finally:
        await pool.close()
