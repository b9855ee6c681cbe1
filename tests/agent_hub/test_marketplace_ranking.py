"""Marketplace search reads a per-tag ranking (0093): its answers are the definition's, its ranking
follows every write, nobody but the trigger writes it, and its plan stops at the page it returns."""

from __future__ import annotations

import asyncio
import random
import secrets
from typing import Any

import asyncpg
import pytest

import sqlfirst
from sqlfirst.agent_hub import agents, marketplace
from sqlfirst.agent_hub.models import Agent
from sqlfirst.bench.plans import explain_analyze
from sqlfirst.bench.plans import plan_nodes as nodes
from sqlfirst.db import Connection, connect_one
from sqlfirst.errors import PermissionDenied
from sqlfirst.settings import Settings

from .factories import make_agent, make_user

# What a search means, written the plain way: the ranking must give exactly this.
DEFINITION = """
select id from agent_hub.marketplace_entries
 where listed and tags @> $1::jsonb and ($2::text is null or category = $2)
 order by rating desc nulls last, download_count desc, id
 limit $3
"""

# The ranking, as it must be derived from the entries: a row per listed entry and string tag.
DERIVED_RANKING = """
select distinct e.id, t.value #>> '{}', e.category, e.tags::text, e.rating, e.download_count
  from agent_hub.marketplace_entries as e, jsonb_array_elements(e.tags) as t
 where e.listed and jsonb_typeof(t.value) = 'string'
"""
# A ranking row copies the entry's tags only when they fit an index row; else tags is null.
STORED_RANKING = """
select r.entry_id, r.tag, r.category, coalesce(r.tags, e.tags)::text, r.rating, r.download_count
  from agent_hub.marketplace_entry_tags as r
  join agent_hub.marketplace_entries as e on e.id = r.entry_id
 where r.tags is null or r.tags = e.tags
"""


async def assert_ranking_is_derived(conn: Any) -> None:
    assert set(map(tuple, await conn.fetch(STORED_RANKING))) == set(
        map(tuple, await conn.fetch(DERIVED_RANKING))
    )


async def assert_searches_match_the_definition(
    conn: Connection, rng: random.Random, tags: list[str], categories: list[str], rounds: int = 40
) -> None:
    for _ in range(rounds):
        asked = rng.sample(tags, rng.choice([0, 1, 1, 2, 2, 3]))
        if rng.random() < 0.1:
            asked.append(f"nobody-{secrets.token_hex(2)}")  # a tag nobody carries: nothing matches
        if asked and rng.random() < 0.1:
            asked.append(asked[0])  # asking twice for a tag asks once
        category = rng.choice([None, *categories])
        limit = rng.choice([1, 3, 10, 50])
        got = [e.id for e in await marketplace.search(conn, category=category, tags=asked, limit=limit)]
        want = [r["id"] for r in await conn.fetch(DEFINITION, asked, category, limit)]
        assert got == want, (asked, category, limit)


async def test_searches_give_the_definition_s_answer_through_every_kind_of_write(conn: Connection) -> None:
    rng = random.Random(93)
    prefix = secrets.token_hex(3)
    tags = [f"{prefix}-t{i}" for i in range(7)]
    categories = [f"{prefix}-c{i}" for i in range(3)]
    owner = await make_user(conn)
    published: list[Agent] = []
    for i in range(45):
        agent = await make_agent(conn, owner, is_public=True, name=f"a{i}")
        await marketplace.publish(
            conn, agent_id=agent.id, category=rng.choice(categories), tags=rng.sample(tags, rng.randint(0, 4))
        )
        published.append(agent)
    await assert_ranking_is_derived(conn)
    await assert_searches_match_the_definition(conn, rng, tags, categories)

    for agent in rng.sample(published, 30):  # ratings and downloads move entries in their rankings
        for _ in range(rng.randint(1, 3)):
            await marketplace.rate(conn, agent_id=agent.id, score=rng.choice([1, 2.5, 4, 5]))
        for _ in range(rng.randint(0, 3)):
            await marketplace.download(conn, agent_id=agent.id)
    await assert_ranking_is_derived(conn)
    await assert_searches_match_the_definition(conn, rng, tags, categories)

    for agent in rng.sample(published, 15):  # republished under other tags and categories
        await marketplace.publish(
            conn, agent_id=agent.id, category=rng.choice(categories), tags=rng.sample(tags, rng.randint(0, 3))
        )
    hidden = rng.sample(published, 10)
    for agent in hidden:  # agents made private drop out; some come back
        await agents.set_public(conn, id=agent.id, is_public=False)
    for agent in hidden[:4]:
        await agents.set_public(conn, id=agent.id, is_public=True)
    for agent in published[:5]:
        await marketplace.withdraw(conn, agent_id=agent.id)
    for agent in published[5:9]:
        await agents.delete(conn, id=agent.id)
    await assert_ranking_is_derived(conn)
    await assert_searches_match_the_definition(conn, rng, tags, categories, rounds=80)

    # Statistics steer which tag's ranking is read, never the answer.
    await conn.execute("analyze agent_hub.marketplace_entry_tags")
    await assert_searches_match_the_definition(conn, rng, tags, categories, rounds=40)

    await conn.execute("truncate agent_hub.marketplace_entries cascade")  # the ranking empties too
    await assert_ranking_is_derived(conn)
    await assert_searches_match_the_definition(conn, rng, tags, categories, rounds=10)


async def test_entries_with_many_long_or_non_string_tags_are_ranked_and_found(conn: Connection) -> None:
    """Tags have no size limit (the ranking's indexes hold no tags), and a tag stored by raw SQL as
    another JSON type is no string tag: it neither breaks the ranking nor is found as one."""
    owner = await make_user(conn)
    many = [f"{i:02d}-{secrets.token_hex(23)}" for i in range(60)]  # 60 tags of 49 characters
    crowded = await make_agent(conn, owner, is_public=True, name="crowded")
    entry = await marketplace.publish(conn, agent_id=crowded.id, category="x", tags=many)
    odd = await make_agent(conn, owner, is_public=True, name="odd")
    marker = f"m-{secrets.token_hex(4)}"
    await conn.execute(
        "insert into agent_hub.marketplace_entries (agent_id, category, tags)"
        " values ($1, 'x', jsonb_build_array(null, 1, jsonb_build_array($2::text), $2::text))",
        odd.id,
        marker,
    )
    await assert_ranking_is_derived(conn)
    copied = "select bool_and(tags is not null) from agent_hub.marketplace_entry_tags where entry_id = $1"
    assert await conn.fetchval(copied, entry.id) is False  # 3 KB of tags: checked on the entry
    assert [e.id for e in await marketplace.search(conn, tags=[many[7], many[42]])] == [entry.id]
    assert [e.id for e in await marketplace.search(conn, category="x", tags=[many[3]])] == [entry.id]
    assert await marketplace.search(conn, tags=[many[7], "absent"]) == []
    # Such a row fails the API's model (tags are strings), so the query is run raw here.
    by_category = marketplace._search_category.__sqlfirst__.query.sql  # type: ignore[attr-defined]
    found = [r["agent_id"] for r in await conn.fetch(by_category, "x", [marker], 50)]
    assert found == [odd.id]


async def test_writes_to_entries_sharing_tags_never_wait_on_each_other(db_url: str) -> None:
    """The ranking is per entry, with no row shared between entries (no counter per tag): two
    transactions deleting entries whose tags cross (A then B against B then A), interleaved, both
    commit without waiting; a shared per-tag counter deadlocked here."""
    setup = await connect_one(db_url)
    try:
        owner = await make_user(setup)
        ids = []
        for i, tags in enumerate((["red"], ["blue"], ["blue"], ["red"])):
            agent = await make_agent(setup, owner, is_public=True, name=f"a{i}")
            ids.append((await marketplace.publish(setup, agent_id=agent.id, category="x", tags=tags)).id)
    finally:
        await setup.close()
    one, two = await connect_one(db_url), await connect_one(db_url)
    try:
        for c in (one, two):
            await c.execute("begin; set local lock_timeout = '2s'")
        delete = "delete from agent_hub.marketplace_entries where id = $1"
        await one.execute(delete, ids[0])  # red
        await two.execute(delete, ids[1])  # blue
        await one.execute(delete, ids[2])  # blue
        await two.execute(delete, ids[3])  # red
        await one.execute("commit")
        await two.execute("commit")
        await assert_ranking_is_derived(one)
    finally:
        await one.close()
        await two.close()


async def test_concurrent_publishes_sharing_tags_all_commit(pool: asyncpg.Pool[asyncpg.Record]) -> None:
    tags = ["alpha", "beta", "gamma", "delta"]
    async with pool.acquire() as c:
        owner = await make_user(c)
        mine = [await make_agent(c, owner, is_public=True, name=f"a{i}") for i in range(24)]

    async def publish(i: int, agent: Agent, order: list[str]) -> None:
        async with pool.acquire() as c, c.transaction():
            await marketplace.publish(c, agent_id=agent.id, category="x", tags=order)
            await asyncio.sleep(0.01 * (i % 3))

    for round_ in range(2):
        orders = [tags if (i + round_) % 2 else tags[::-1][: 2 + i % 3] for i in range(len(mine))]
        await asyncio.gather(*(publish(i, a, o) for i, (a, o) in enumerate(zip(mine, orders, strict=True))))
    async with pool.acquire() as c:
        await assert_ranking_is_derived(c)
        for asked in (tags, tags[:2], ["delta"]):
            assert [e.id for e in await marketplace.search(c, tags=asked, limit=50)] == [
                r["id"] for r in await c.fetch(DEFINITION, asked, None, 50)
            ]


async def test_the_application_role_reads_the_ranking_but_cannot_forge_it(db_url: str) -> None:
    """A forged rank would reorder every user's search: only the trigger writes the ranking."""
    setup = await connect_one(db_url)
    try:
        owner = await make_user(setup)
        agent = await make_agent(setup, owner, is_public=True)
        entry = await marketplace.publish(setup, agent_id=agent.id, category="x", tags=["web"])
    finally:
        await setup.close()
    db = await sqlfirst.connect(Settings(database_url=db_url, role="sqlfirst_app", min_size=1, max_size=1))
    try:
        forgeries = [
            (
                "insert into agent_hub.marketplace_entry_tags"
                " (entry_id, tag, category, tags, rating, download_count)"
                " values ($1, 'web2', 'x', '[\"web2\"]', 5, 1000000)",
                [entry.id],
            ),
        ]
        for statement, args in forgeries:
            with pytest.raises(PermissionDenied):
                async with db.transaction(as_user=owner.id) as conn:
                    await conn.execute(statement, *args)
        async with db.transaction(as_user=owner.id) as conn:
            assert await conn.execute("update agent_hub.marketplace_entry_tags set rating = 5") == "UPDATE 0"
            assert await conn.execute("delete from agent_hub.marketplace_entry_tags") == "DELETE 0"
            assert [e.id for e in await marketplace.search(conn, tags=["web"])] == [entry.id]
            await marketplace.download(conn, agent_id=agent.id)  # the trigger writes for anyone
            await assert_ranking_is_derived(conn)
    finally:
        await db.close()


SEED = """
insert into agent_hub.users (username, email, password_hash)
values ('seller', 'seller@example.com', 'x');
insert into agent_hub.agents (name, display_name, owner_id, definition, is_public)
select 'a' || i, 'A', (select id from agent_hub.users where username = 'seller'), '{}', true
  from generate_series(1, 6000) as i;
insert into agent_hub.marketplace_entries (agent_id, category, tags, rating, rating_count, download_count)
select id, 'c' || (n % 8),
       jsonb_build_array('t' || (n % 30), 't' || ((n / 30) % 30), 't' || ((n / 900) % 30)),
       case when n % 5 <> 0 then 1 + (n * 7919 % 400) / 100.0 end,
       case when n % 5 <> 0 then 1 else 0 end,
       n * 104729 % 10000
  from (select id, row_number() over (order by id) as n from agent_hub.agents) as a;
"""
VACUUM = [f"vacuum (analyze) agent_hub.{t}" for t in ("marketplace_entries", "marketplace_entry_tags")]


def read(node: dict[str, Any]) -> int:
    """Rows a scan node read: those it passed and those its filters removed, over all its loops."""
    kept = (
        node["Actual Rows"]
        + node.get("Rows Removed by Filter", 0)
        + node.get("Rows Removed by Index Recheck", 0)
    )
    return int(kept * max(node["Actual Loops"], 1))


@pytest.mark.parametrize("mode", ["custom", "generic"])
async def test_searches_read_one_tag_s_ranking_and_fetch_only_the_page(db_url: str, mode: str) -> None:
    """A search's cost follows its rarest tag, not the catalogue or the category: it reads at most
    that tag's ranking (in the category), checks the other tags there, and fetches from the entries
    only the rows it returns, by primary key."""
    conn = await connect_one(db_url)
    try:
        await conn.execute(SEED)
        for statement in VACUUM:
            await conn.execute(statement)
        count = (
            "select count(*) from agent_hub.marketplace_entry_tags"
            " where tag = $1 and ($2::text is null or category = $2)"
        )
        cases: list[tuple[Any, tuple[Any, ...], str, str | None]] = [
            (marketplace._search_tags, (["t3"], 50), "t3", None),  # a common tag
            (marketplace._search_category, ("c1", ["t3"], 50), "t3", "c1"),
            (marketplace._search_category, ("c2", ["t5", "t21"], 50), "t21", "c2"),
            # two tags: the rarer one's ranking is read, the other checked on its rows
            (marketplace._search_tags, (["t4", "t17"], 50), "t17", None),
            (marketplace._search_tags, (["t4", "nobody"], 50), "nobody", None),  # nothing to read
        ]
        for search, args, rarest, category in cases:
            most = await conn.fetchval(count, rarest, category)
            assert (rarest == "nobody") == (most == 0)
            sql = search.__sqlfirst__.query.sql
            plan = await explain_analyze(conn, sql, args, mode=mode)
            returned = plan["Actual Rows"]
            assert returned == min(50, returned) and (returned > 0) == (rarest != "nobody"), (args, returned)
            assert not [n for n in nodes(plan) if n["Node Type"] == "Seq Scan"], (args, mode)
            entries = [
                n
                for n in nodes(plan)
                if n.get("Relation Name") == "marketplace_entries" and n["Actual Loops"]
            ]
            assert all(n.get("Index Name") == "pk_marketplace_entries" for n in entries), (
                args,
                mode,
                entries,
            )
            assert sum(read(n) for n in entries) <= returned, (args, mode)
            ranked = [n for n in nodes(plan) if n.get("Relation Name") == "marketplace_entry_tags"]
            assert sum(read(n) for n in ranked) <= most, (args, mode, most, ranked)
    finally:
        await conn.close()


@pytest.mark.parametrize("mode", ["custom", "generic"])
async def test_a_search_without_tags_reads_entries_in_rank_order_and_stops(db_url: str, mode: str) -> None:
    """No tags: the listed entries (of the category) in rank order, read up to the limit and no
    further, an unknown category reading nothing."""
    conn = await connect_one(db_url)
    try:
        await conn.execute(SEED)
        for statement in VACUUM:
            await conn.execute(statement)
        for search, args in (
            (marketplace._search_tags, ([], 20)),
            (marketplace._search_category, ("c3", [], 20)),
            (marketplace._search_category, ("nosuch", [], 20)),
        ):
            plan = await explain_analyze(conn, search.__sqlfirst__.query.sql, args, mode=mode)
            scanned = [
                n
                for n in nodes(plan)
                if n.get("Relation Name") == "marketplace_entries" and n["Actual Loops"]
            ]
            assert all(n["Node Type"] == "Index Scan" for n in scanned), (args, mode, scanned)
            assert sum(read(n) for n in scanned) <= plan["Actual Rows"] <= 20, (args, mode, scanned)
        for category in (None, "c3"):
            got = [e.id for e in await marketplace.search(conn, category=category, tags=[], limit=20)]
            assert got == [r["id"] for r in await conn.fetch(DEFINITION, [], category, 20)]
    finally:
        await conn.close()
