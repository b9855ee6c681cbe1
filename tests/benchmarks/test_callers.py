"""The per-query measurements as the application role under row-level security: each draw acts for
the user who owns its rows, and a workload that would be timed on rows the policies hide (or on
writes they refuse) fails with an error saying so, instead of reporting a flattering figure."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import asyncpg
import pytest
from rich.console import Console

from sqlfirst.agent_hub import sessions
from sqlfirst.bench.callers import APP_ROLE, WORKER_ROLE, Caller, owner_of
from sqlfirst.bench.measure import QueryResult, measure_queries
from sqlfirst.bench.registry import Budget, DomainBench, QueryWorkload, acting_for, as_worker, declarations
from sqlfirst.db import create_pool
from sqlfirst.errors import ConfigurationError
from sqlfirst.settings import Settings
from tests.agent_hub.factories import make_agent, make_session, make_user

SESSION_OWNER = {"sessions.id": "select user_id from agent_hub.sessions where id = $1"}


@dataclass
class Samples:
    sessions: list[UUID]
    users: list[UUID]
    agents: list[UUID]


@pytest.fixture
async def samples(pool: asyncpg.Pool[asyncpg.Record]) -> Samples:
    async with pool.acquire() as conn:
        made = [await make_session(conn) for _ in range(4)]
        owner = await make_user(conn)
        agent = await make_agent(conn, owner, is_public=True)
    return Samples([s.id for s in made], [s.user_id for s in made], [agent.id])


@pytest.fixture
async def roles(db_url: str) -> AsyncIterator[dict[str, Any]]:
    made = {
        role: await create_pool(Settings(database_url=db_url, role=role, min_size=1, max_size=1))
        for role in (APP_ROLE, WORKER_ROLE)
    }
    try:
        yield made
    finally:
        for role_pool in made.values():
            await role_pool.close()


def _bench(queries: list[QueryWorkload], owners: dict[str, str] | None = None) -> DomainBench:
    async def sample(conn: Any, rng: random.Random) -> None:
        return None

    return DomainBench(
        domain="agent_hub",
        tables=lambda factor, seed: [],
        sample=sample,
        queries=queries,
        app_role=APP_ROLE,
        worker_role=WORKER_ROLE,
        owners=owners or {},
    )


async def _measure(
    pool: asyncpg.Pool[asyncpg.Record], roles: dict[str, Any], bench: DomainBench, samples: Samples
) -> dict[str, QueryResult]:
    decls = declarations("agent_hub")
    items = []
    for workload in bench.queries:
        budget = Budget("agent_hub", workload.query, 50.0, None, "tiny test tables", None, None)
        items.append((decls[workload.query], workload, budget, samples, bench))
    results = await measure_queries(
        pool,
        items,
        seed=1,
        iterations=60,
        warmup=2,
        time_cap_s=5.0,
        seq_scan_rows=10_000,
        console=Console(quiet=True),
        roles=roles,
    )
    return {r.query: r for r in results}


def _get_session() -> QueryWorkload:
    return QueryWorkload("get_session_by_id", lambda s, r: {"id": r.choice(s.sessions)})


def _insert_session() -> QueryWorkload:
    def params(s: Samples, r: random.Random) -> dict[str, Any]:
        return {
            "agent_id": s.agents[0],
            "user_id": r.choice(s.users),
            "external_session_id": None,
            "state": {},
        }

    return QueryWorkload("insert_session", params)


async def test_a_draw_acts_for_the_owner_of_its_rows_and_every_call_is_measured(
    pool: asyncpg.Pool[asyncpg.Record], roles: dict[str, Any], samples: Samples
) -> None:
    results = await _measure(pool, roles, _bench([_get_session(), _insert_session()], SESSION_OWNER), samples)
    for name, result in results.items():
        assert result.error is None, (name, result.error)
        assert result.stats.calls >= 60, name
    async with pool.acquire() as conn:  # the timed inserts were made as the app role, for their users
        made = await conn.fetchval(
            "select count(*) from agent_hub.sessions where agent_id = $1 and user_id = any($2::uuid[])",
            samples.agents[0],
            samples.users,
        )
    assert made >= 60


async def test_a_read_acting_for_nobody_on_a_tenant_table_fails_instead_of_timing_empty_results(
    pool: asyncpg.Pool[asyncpg.Record], roles: dict[str, Any], samples: Samples
) -> None:
    results = await _measure(pool, roles, _bench([_get_session()]), samples)
    error = results["get_session_by_id"].error
    assert error is not None and results["get_session_by_id"].stats.calls == 0
    assert f"as {APP_ROLE} acting for nobody" in error, error
    assert "returned nothing where the bench's login got a row" in error, error


async def test_a_write_its_acting_user_may_not_make_fails_with_the_policy_named(
    pool: asyncpg.Pool[asyncpg.Record], roles: dict[str, Any], samples: Samples
) -> None:
    async def stranger(conn: Any, params: dict[str, Any]) -> object:
        return samples.users[0] if params["user_id"] != samples.users[0] else samples.users[1]

    bench = _bench(list(acting_for([_insert_session()], {"insert_session"}, stranger)))
    error = results_error = (await _measure(pool, roles, bench, samples))["insert_session"].error
    assert results_error is not None
    assert 'row-level security policy for table "sessions"' in error, error


async def test_a_worker_query_runs_as_the_worker_role_across_tenants(
    pool: asyncpg.Pool[asyncpg.Record], roles: dict[str, Any], samples: Samples
) -> None:
    listing = QueryWorkload("list_sessions_for_agent", lambda s, r: {"agent_id": s.agents[0], "lim": 50})
    async with pool.acquire() as conn:  # two users' sessions with the one public agent
        for user in samples.users[:2]:
            await sessions.create(conn, agent_id=samples.agents[0], user_id=user)
    as_app = await _measure(pool, roles, _bench([listing], {"agent_id": "select $1::uuid"}), samples)
    assert as_app["list_sessions_for_agent"].error is not None  # no one user sees both
    as_worker_role = await _measure(
        pool, roles, _bench(list(as_worker([listing], {"list_sessions_for_agent"}))), samples
    )
    assert as_worker_role["list_sessions_for_agent"].error is None


async def test_the_owner_comes_from_user_id_then_the_declared_arguments(
    pool: asyncpg.Pool[asyncpg.Record], samples: Samples
) -> None:
    decls = declarations("agent_hub")
    workload = _insert_session()
    async with pool.acquire() as conn:
        owner, how = owner_of(decls["insert_session"], workload, {"agent_id": "select $1::uuid"}, conn)
        assert "user_id, agent_id" in how
        user = samples.users[0]
        assert await owner({"user_id": user, "agent_id": samples.agents[0]}) == user
        assert await owner({"user_id": None, "agent_id": samples.agents[0]}) == samples.agents[0]
        nobody, how = owner_of(decls["get_session_by_id"], _get_session(), {}, conn)
        assert await nobody({"id": samples.sessions[0]}) is None and how.startswith("nobody")
        caller = Caller(conn, APP_ROLE)  # no owner: the role bypasses row-level security
        assert await caller.differences(decls["get_session_by_id"], _never, conn, [{}]) is None


async def _never(conn: Any, params: dict[str, Any]) -> object:
    raise AssertionError("a caller without an owner compares nothing")


def test_marking_a_query_that_has_no_workload_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="as_worker: no workload for nope"):
        as_worker([_get_session()], {"nope"})
    with pytest.raises(ConfigurationError, match="acting_for: no workload for nope"):
        acting_for([_get_session()], {"nope"}, _never)
