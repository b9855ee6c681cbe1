from __future__ import annotations

import asyncio
import json
import math
import uuid

import asyncpg
import pytest
from pydantic import ValidationError

from sqlfirst.agent_hub import marketplace
from sqlfirst.db import Connection
from sqlfirst.errors import CheckViolation, Conflict, NotFound

from .factories import make_agent, make_user


async def test_publish_then_republish_keeps_downloads_and_ratings(conn: Connection) -> None:
    agent = await make_agent(conn, await make_user(conn), is_public=True)
    entry = await marketplace.publish(conn, agent_id=agent.id, category="coding", tags=["python", "sql"])
    assert entry.tags == ["python", "sql"] and entry.download_count == 0 and entry.rating is None
    await marketplace.download(conn, agent_id=agent.id)
    await marketplace.rate(conn, agent_id=agent.id, score=4)
    again = await marketplace.publish(conn, agent_id=agent.id, category="data", tags=["sql"], changelog="v2")
    assert again.id == entry.id
    assert (again.category, again.tags, again.changelog) == ("data", ["sql"], "v2")
    assert again.download_count == 1 and again.rating == 4


async def test_one_entry_per_agent_is_enforced_by_the_database(conn: Connection) -> None:
    agent = await make_agent(conn, await make_user(conn), is_public=True)
    await marketplace.publish(conn, agent_id=agent.id, category="x")
    with pytest.raises(Conflict) as caught:
        await _insert_raw(conn, agent.id)
    assert caught.value.constraint == "uq_marketplace_entries_agent_id"


async def _insert_raw(conn: Connection, agent_id: uuid.UUID) -> None:
    from sqlfirst.errors import translate

    try:
        await conn.execute(
            "insert into agent_hub.marketplace_entries (agent_id, category) values ($1, 'y')", agent_id
        )
    except asyncpg.PostgresError as exc:
        raise translate(exc) from exc


async def test_search_by_category_and_tags_orders_by_rating(conn: Connection) -> None:
    owner = await make_user(conn)
    category = f"cat-{uuid.uuid4().hex[:6]}"
    scores = {"low": 1.0, "high": 5.0, "mid": 3.0, "unrated": None}
    for name, score in scores.items():
        agent = await make_agent(conn, owner, is_public=True, name=name)
        await marketplace.publish(conn, agent_id=agent.id, category=category, tags=["nlp", name])
        if score is not None:
            await marketplace.rate(conn, agent_id=agent.id, score=score)
    other = await make_agent(conn, owner, is_public=True, name="elsewhere")
    await marketplace.publish(conn, agent_id=other.id, category="other", tags=["nlp"])

    found = await marketplace.search(conn, category=category, tags=["nlp"])
    assert [e.rating for e in found] == [5.0, 3.0, 1.0, None]
    assert [e.tags[1] for e in await marketplace.search(conn, category=category, tags=["nlp", "mid"])] == [
        "mid"
    ]
    assert len(await marketplace.search(conn, tags=["nlp"], limit=1000)) >= 5


async def test_rate_keeps_a_running_average(conn: Connection) -> None:
    agent = await make_agent(conn, await make_user(conn), is_public=True)
    await marketplace.publish(conn, agent_id=agent.id, category="x")
    for score in (5, 4, 0):
        entry = await marketplace.rate(conn, agent_id=agent.id, score=score)
    assert entry.rating_count == 3
    assert math.isclose(entry.rating or 0, 3.0)


@pytest.mark.parametrize("score", [-0.1, 5.01, float("nan"), float("inf")])
async def test_out_of_range_rating_is_rejected_before_the_database(conn: Connection, score: float) -> None:
    agent = await make_agent(conn, await make_user(conn), is_public=True)
    await marketplace.publish(conn, agent_id=agent.id, category="x")
    with pytest.raises(ValidationError):
        await marketplace.rate(conn, agent_id=agent.id, score=score)


async def test_the_database_itself_rejects_a_rating_over_five(conn: Connection) -> None:
    agent = await make_agent(conn, await make_user(conn), is_public=True)
    await marketplace.publish(conn, agent_id=agent.id, category="x")
    with pytest.raises(CheckViolation) as caught:
        await marketplace._rate(conn, agent_id=agent.id, score=9.0)  # bypasses the model on purpose
    assert caught.value.constraint == "ck_marketplace_entries_rating_range"


async def test_download_of_unpublished_agent_raises_not_found(conn: Connection) -> None:
    with pytest.raises(NotFound):
        await marketplace.download(conn, agent_id=uuid.uuid4())


async def test_concurrent_downloads_are_all_counted(pool: asyncpg.Pool[asyncpg.Record]) -> None:
    async with pool.acquire() as c:
        agent = await make_agent(c, await make_user(c), is_public=True)
        await marketplace.publish(c, agent_id=agent.id, category="x")
    counts = await asyncio.gather(*(marketplace.download(pool, agent_id=agent.id) for _ in range(40)))
    assert sorted(counts) == list(range(1, 41))


@pytest.mark.parametrize("category", [None, "coding"])
async def test_an_agent_made_private_drops_out_of_search_and_cannot_be_forged_back(
    conn: Connection, category: str | None
) -> None:
    """Search reads marketplace_entries.listed, which follows the agent's is_public (0081): it
    cannot drift from the agent, and a statement that writes it is overruled."""
    from sqlfirst.agent_hub import agents

    tag = f"t{uuid.uuid4().hex[:8]}"
    agent = await make_agent(conn, await make_user(conn), is_public=True)
    await marketplace.publish(conn, agent_id=agent.id, category="coding", tags=[tag])

    async def found() -> bool:
        return [e.agent_id for e in await marketplace.search(conn, category=category, tags=[tag])] == [
            agent.id
        ]

    assert await found()
    await agents.set_public(conn, id=agent.id, is_public=False)
    assert not await found()
    await conn.execute("update agent_hub.marketplace_entries set listed = true where agent_id = $1", agent.id)
    with pytest.raises(asyncpg.CheckViolationError):  # republishing a private agent: refused
        async with conn.transaction():
            await conn.execute(
                "insert into agent_hub.marketplace_entries (agent_id, category, listed)"
                " values ($1, 'x', true)"
                " on conflict (agent_id) do update set listed = true",
                agent.id,
            )
    assert not await found()
    await agents.set_public(conn, id=agent.id, is_public=True)
    assert await found()
    await conn.execute(
        "update agent_hub.marketplace_entries set listed = false where agent_id = $1", agent.id
    )
    assert await found()


async def test_search_reads_the_entries_alone(conn: Connection) -> None:
    """No join with agents: the searches' cost follows the matching entries, not the agents."""
    for sql in (marketplace._search_tags, marketplace._search_category):
        text = sql.__sqlfirst__.query.sql  # type: ignore[attr-defined]
        args = (["a"], 50) if sql is marketplace._search_tags else ("x", ["a"], 50)
        plan = json.dumps(await conn.fetchval(f"explain (format json) {text}", *args))
        assert '"Relation Name": "marketplace_entries"' in plan and '"Relation Name": "agents"' not in plan
