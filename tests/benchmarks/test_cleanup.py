"""A bench run leaves the dataset as it loaded it: what the workloads create is removed at the end."""

from __future__ import annotations

import random
from datetime import timedelta

import asyncpg
from rich.console import Console

from benchmarks.workloads import agent_hub as bench
from benchmarks.workloads.deals.queries import QUERIES as DEALS_QUERIES
from sqlfirst.agent_hub import users
from sqlfirst.bench.dataset import _DATASETS, Unique, load_domain
from sqlfirst.deals import agents, markets
from tests.agent_hub.factories import make_agent, make_session, make_user

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


# Everything of easyflow's delivery queue and history a workload can change: cleanup must restore it.
EASYFLOW_STATE = """
select
    (select md5(string_agg(o::text, ',' order by o.id)) from easyflow.outbound_messages as o) as deliveries,
    (select count(*) from easyflow.messages) as messages,
    (select count(*) from easyflow.message_platform_ids) as keys,
    (select md5(string_agg(m::text, ',' order by m.id)) from easyflow.platform_metrics as m) as buckets,
    (select md5(string_agg(t::text, ',' order by t.id)) from easyflow.platform_totals as t) as totals,
    (select md5(string_agg(c.id::text || ':' || c.messages_count, ',' order by c.id))
     from easyflow.conversations as c) as counts
"""

# The workloads that claim, fail, release, requeue, send and append, each as the bench draws them.
EASYFLOW_WRITES = (
    "claim_outbound_messages",
    "release_stale_outbound",
    "mark_outbound_sent",
    "mark_outbound_failed",
    "requeue_dead_letter",
    "queue_outbound_message",
    "append_inbound_message",
    "append_message",
    "increment_metric",
    "increment_platform_metric",
)


async def test_easyflow_cleanup_restores_the_delivery_queue_and_history_the_workloads_changed(
    pool: asyncpg.Pool[asyncpg.Record], db_url: str
) -> None:
    # A claim turns queued and failed deliveries into sending (one attempt more), a release turns
    # them failed or dead: left as they are, every run measured the queue the previous runs made.
    import sqlfirst.easyflow  # noqa: F401  (binds the declarations the bench resolves)
    from benchmarks.workloads import easyflow as ef
    from sqlfirst.bench.measure import resolve
    from sqlfirst.bench.registry import declarations

    plain = await asyncpg.connect(db_url)
    try:
        await plain.execute(_DATASETS)
        await load_domain(plain, ef.BENCH, scale="small", factor=0.002, seed=5, console=Console(quiet=True))
    finally:
        await plain.close()
    decls = declarations("easyflow")
    workloads = {w.query: w for w in ef.BENCH.queries}
    async with pool.acquire() as conn:
        loaded = dict(await conn.fetchrow(EASYFLOW_STATE))
        rng = random.Random(11)
        samples = await ef.sample(conn, rng)
        for name in EASYFLOW_WRITES:
            workload = workloads[name]
            fn = resolve(decls[name])
            for _ in range(30):
                params = (
                    await workload.prepare(conn, samples, rng)
                    if workload.prepare is not None
                    else workload.params(samples, rng)
                )
                if name == "release_stale_outbound":
                    params = {"older_than": timedelta(0)}  # every claim made so far is stale
                await fn(conn, **params)
        changed = dict(await conn.fetchrow(EASYFLOW_STATE))
        assert all(changed[k] != loaded[k] for k in loaded), "the workloads changed too little to test"
        await ef.cleanup(conn)
        assert dict(await conn.fetchrow(EASYFLOW_STATE)) == loaded
