"""A bench run leaves the dataset as it loaded it: what the workloads create is removed at the end."""

from __future__ import annotations

import importlib
import random
from datetime import timedelta
from typing import Any

import asyncpg
import pytest
from rich.console import Console

import sqlfirst.agent_hub
import sqlfirst.ai_seo
import sqlfirst.deals
import sqlfirst.devskyy
import sqlfirst.easyflow  # noqa: F401
from benchmarks.workloads import agent_hub as bench
from benchmarks.workloads.deals.queries import QUERIES as DEALS_QUERIES
from sqlfirst.agent_hub import users
from sqlfirst.bench.dataset import _DATASETS, Unique, load_domain
from sqlfirst.bench.measure import call_once, resolve
from sqlfirst.bench.registry import DomainBench, declarations, measurable
from sqlfirst.deals import agents, markets
from tests.agent_hub.factories import make_agent, make_session, make_user
from tests.deals.invariants import DIFFERENCES as HASH_INDEX_DIFFERENCES

COUNTS = "select (select count(*) from agent_hub.users), (select count(*) from agent_hub.agents), " + (
    "(select count(*) from agent_hub.sessions)"
)


async def test_agent_hub_cleanup_removes_users_and_agents_created_after_the_load(
    pool: asyncpg.Pool[asyncpg.Record], db_url: str
) -> None:
    plain = await asyncpg.connect(db_url)  # the loader COPYs through a codec-less connection
    try:
        await plain.execute(_DATASETS)
        await load_domain(
            plain, bench.BENCH, scale="small", factor=0.001, seed=3, console=Console(quiet=True)
        )
    finally:
        await plain.close()
    async with pool.acquire() as conn:
        loaded = tuple(await conn.fetchrow(COUNTS))
        assert all(loaded)
        owner = await make_user(conn)  # what the insert and create workloads leave behind
        await make_agent(conn, owner)
        await make_session(conn)
        generated = await users.get_by_id(
            conn, id=await conn.fetchval("select id from agent_hub.users order by created_at limit 1")
        )
        assert generated is not None
        await make_agent(conn, generated, name="tmp")  # a new agent of a generated user
        assert tuple(await conn.fetchrow(COUNTS)) != loaded
        await bench.cleanup(conn)
        assert tuple(await conn.fetchrow(COUNTS)) == loaded


async def test_deals_catalogue_inserts_do_not_grow_the_catalogue_the_next_workloads_read(
    pool: asyncpg.Pool[asyncpg.Record],
) -> None:
    # deals' agents and markets are catalogues of a few hundred rows that list queries read by
    # type and status: a thousand timed inserts left behind would make those lists (and their
    # latency) those of another dataset. Each insert workload's untimed prepare removes the last one.
    calls = {"insert_agent": agents.create, "insert_market": markets.create}
    async with pool.acquire() as conn:
        for name, create in calls.items():
            (workload,) = [w for w in DEALS_QUERIES if w.query == name]
            assert workload.prepare is not None, f"{name} has no prepare to remove its last row"
            samples, rng = Unique(), random.Random(7)
            for _ in range(5):
                await create(conn, **await workload.prepare(conn, samples, rng))
        left = await conn.fetchrow(
            "select (select count(*) from deals.agents where name like 'bench-%') as agents,"
            " (select count(*) from deals.markets where name like 'bench-%') as markets"
        )
        assert dict(left) == {"agents": 1, "markets": 1}  # each workload's last, which cleanup removes


# Each table of a domain's schemas as text, row by row: what cleanup must give back as loaded.
DOMAIN_TABLES = """
select c.oid::regclass::text as name from pg_class as c
where c.relnamespace = any($1::regnamespace[]) and c.relkind in ('r', 'p') and not c.relispartition
order by 1
"""


async def _state(conn: asyncpg.Connection[asyncpg.Record], schemas: list[str]) -> dict[str, str | None]:
    state: dict[str, str | None] = {}
    for row in await conn.fetch(DOMAIN_TABLES, schemas):
        state[row["name"]] = await conn.fetchval(
            f"select md5(string_agg(t::text, ',' order by t::text)) from {row['name']} as t"
        )
    return state


async def _changed_and_cleaned(
    pool: asyncpg.Pool[asyncpg.Record], db_url: str, bench: DomainBench, schemas: list[str], *, factor: float
) -> tuple[set[str], list[str]]:
    """Load ``bench``'s data, run every workload 20 times, clean up: the tables the workloads changed,
    and those cleanup did not give back as loaded."""
    plain = await asyncpg.connect(db_url)  # the loader COPYs through a codec-less connection
    try:
        await plain.execute(_DATASETS)
        await load_domain(plain, bench, scale="small", factor=factor, seed=5, console=Console(quiet=True))
    finally:
        await plain.close()
    return await _run_and_clean(pool, bench, schemas, declarations(bench.domain))


async def _run_and_clean(
    pool: asyncpg.Pool[asyncpg.Record], bench: DomainBench, schemas: list[str], decls: Any
) -> tuple[set[str], list[str]]:
    async with pool.acquire() as conn:
        loaded = await _state(conn, schemas)
        rng = random.Random(11)
        samples = await bench.sample(conn, rng)
        for workload in measurable(bench, samples)[0]:
            fn = resolve(decls[workload.query])
            for _ in range(20):
                params = (
                    await workload.prepare(conn, samples, rng)
                    if workload.prepare is not None
                    else workload.params(samples, rng)
                )
                if workload.query == "release_stale_outbound":
                    params = {"older_than": timedelta(0)}  # every claim made so far is stale
                await call_once(fn, decls[workload.query].kind, conn, params)
            if workload.prepare is not None:
                # A plan draw: prepared, then its call explained and rolled back (bench.plans), so
                # what the prepare made for the call to consume stays.
                await workload.prepare(conn, samples, rng)
        changed = await _state(conn, schemas)
        assert bench.cleanup is not None
        await bench.cleanup(conn)
        after = await _state(conn, schemas)
    return {n for n in loaded if changed[n] != loaded[n]}, [n for n in loaded if after[n] != loaded[n]]


async def test_easyflow_cleanup_gives_back_every_table_as_loaded_after_every_workload_ran(
    pool: asyncpg.Pool[asyncpg.Record], db_url: str
) -> None:
    # Claims turn queued deliveries sending, releases make them failed or dead, updates change a
    # user's locale, an integration's settings, a conversation's state, appends its counters: left
    # as they are, every run measured the dataset the previous runs made.
    from benchmarks.workloads import easyflow as ef

    moved, left = await _changed_and_cleaned(pool, db_url, ef.BENCH, ["easyflow"], factor=0.002)
    tables = (
        "outbound_messages",
        "messages",
        "message_platform_ids",
        "users",
        "integrations",
        "conversations",
    )
    for name in (*tables, "sync_logs"):
        assert f"easyflow.{name}" in moved, f"the workloads left easyflow.{name} alone: nothing to test"
    assert left == [], ", ".join(left)


@pytest.mark.parametrize(
    ("domain", "schemas", "factor", "derived"),
    [
        ("deals", ["deals"], 0.002, HASH_INDEX_DIFFERENCES),
        ("agent_hub", ["agent_hub"], 0.002, None),
        ("ai_seo", ["ai_seo", "analytics"], 0.001, None),
        ("devskyy", ["devskyy"], 0.0005, None),
    ],
)
async def test_cleanup_gives_back_every_table_of_the_domain_as_loaded(
    pool: asyncpg.Pool[asyncpg.Record],
    db_url: str,
    domain: str,
    schemas: list[str],
    factor: float,
    derived: str | None,
) -> None:
    # Claims mark goals checked and tasks running, updates change terms, settings and states,
    # deletes remove generated rows: left as they are, the next run measured another dataset.
    bench = importlib.import_module(f"benchmarks.workloads.{domain}").BENCH
    moved, left = await _changed_and_cleaned(pool, db_url, bench, schemas, factor=factor)
    assert len(moved) >= 3, f"the workloads changed only {sorted(moved)}: nothing to test"
    assert left == [], ", ".join(left)
    if derived is not None:  # what triggers keep, which the trigger-free load wrote itself: as loaded
        async with pool.acquire() as conn:
            assert all(r["differences"] == 0 for r in await conn.fetch(derived)), await conn.fetch(derived)
