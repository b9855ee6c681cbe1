"""ai_seo at scale: one workload per named query and the concurrency mix (generator in ``data``).

Medium sizes (seed 000's agency, busy for half a year): 2,000 staff users, the 14 agents, 5,000
clients, 20,000 campaigns, 2M agent tasks (2% still pending, 1% running), 1M agent metrics and 3M
system events spread over the six months before ``ANCHOR`` (seven monthly partitions each), and
100k refresh sessions (60% live, 20% revoked, 20% expired). Work is skewed like a real agency: a
few staff users request most tasks, the operational agents do most of the work.

``ANCHOR`` is the start of the current UTC day, so "the last 7 days" always has data and the
retention of the time series (24 and 13 months) never detaches a generated month. Metrics and events
are generated in time order, as they are appended in production. Loading:
``before_load`` creates the monthly partitions the time series fall in with core's own maintenance
(one marker row per month lands in DEFAULT, maintenance gives it its partition, the markers are
deleted), so the rows are COPied straight into their partitions; the COPY runs with
``session_replication_role = replica`` (the generator only references rows it made, and every row
satisfies the lifecycle CHECKs). Everything the workloads do afterwards runs with every trigger and
constraint on.
"""

from __future__ import annotations

import hashlib
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from ipaddress import IPv4Address
from typing import Any

from sqlfirst.bench.callers import APP_ROLE, WORKER_ROLE
from sqlfirst.bench.dataset import PASSWORD_HASH, Unique, sample_rows
from sqlfirst.bench.registry import DomainBench, Params, QueryWorkload, acting_for, as_worker
from sqlfirst.bench.restore import restore_schemas

from .data import (
    AGENTS,
    ANCHOR,
    BENCH_PREFIX,
    CAMPAIGN_TYPES,
    EVENT_TYPES,
    HISTORY_DAYS,
    INDUSTRIES,
    MEDIUM,
    OBJECTIVES,
    SCHEMAS,
    TASK_TYPES,
    _month_starts,
    after_load,
    before_load,
    tables,
)

__all__ = ["AGENTS", "BENCH", "MEDIUM", "_month_starts", "after_load", "before_load", "tables"]

# -- samples ---------------------------------------------------------------------------------------


@dataclass
class Samples(Unique):
    users: list[Any]
    task_users: list[uuid.UUID]
    agents: list[Any]
    clients: list[Any]
    campaigns: list[Any]
    tasks: list[uuid.UUID]
    sessions: list[Any]
    session_users: list[uuid.UUID]
    event_campaigns: list[str]


async def sample(conn: Any, rng: random.Random) -> Samples:
    seed = rng.randrange(1 << 30)
    n = 2000
    users = await sample_rows(conn, "ai_seo.users", ["id", "username", "email", "role"], n, seed=seed)
    task_users = await sample_rows(
        conn, "ai_seo.agent_tasks", ["user_id"], n, seed=seed, where="user_id is not null"
    )
    sessions = await sample_rows(
        conn,
        "ai_seo.user_sessions",
        ["id", "user_id", "refresh_token_hash"],
        n,
        seed=seed,
        where="is_active and expires_at > now()",
    )
    events = await sample_rows(
        conn, "analytics.system_events", ["event_data->>'campaign_id' as campaign"], n, seed=seed
    )
    return Samples(
        prefix=BENCH_PREFIX,
        users=[u for u in users if not u["username"].startswith(BENCH_PREFIX)],
        task_users=[r["user_id"] for r in task_users],
        agents=list(
            await conn.fetch(
                "select id, agent_id, agent_level from ai_seo.agents where agent_id not like 'bench_%'"
            )
        ),
        clients=await sample_rows(conn, "ai_seo.clients", ["id", "company_name", "industry"], n, seed=seed),
        campaigns=await sample_rows(
            conn, "ai_seo.campaigns", ["id", "status", "objectives", "created_at"], n, seed=seed
        ),
        tasks=[r["id"] for r in await sample_rows(conn, "ai_seo.agent_tasks", ["id"], n, seed=seed)],
        sessions=sessions,
        session_users=[r["user_id"] for r in sessions],
        event_campaigns=[r["campaign"] for r in events if r["campaign"]],
    )


# -- untimed preparation for writes that consume or remove their target ---------------------------


def _now() -> datetime:
    return datetime.now(UTC)


async def _new_user(conn: Any, s: Samples) -> uuid.UUID:
    name = s.unique("u")
    uid: uuid.UUID = await conn.fetchval(
        "insert into ai_seo.users (username, email, password_hash) values ($1, $2, $3) returning id",
        name,
        f"{name}@bench.example",
        PASSWORD_HASH,
    )
    return uid


async def _new_client(conn: Any, s: Samples) -> uuid.UUID:
    cid: uuid.UUID = await conn.fetchval(
        "insert into ai_seo.clients (company_name) values ($1) returning id", s.unique("client")
    )
    return cid


async def _new_campaign(conn: Any, s: Samples, rng: random.Random, status: str = "active") -> uuid.UUID:
    cid: uuid.UUID = await conn.fetchval(
        "insert into ai_seo.campaigns (client_id, name, campaign_type, status)"
        " values ($1, $2, 'seo_audit', $3) returning id",
        rng.choice(s.clients)["id"],
        s.unique("campaign"),
        status,
    )
    return cid


async def _new_task(conn: Any, s: Samples, rng: random.Random, *, running: bool = False) -> uuid.UUID:
    tid: uuid.UUID = await conn.fetchval(
        "insert into ai_seo.agent_tasks (agent_id, task_type, input_data)"
        " values ($1, 'bench', '{}') returning id",
        rng.choice(s.agents)["id"],
    )
    if running:
        await conn.execute("update ai_seo.agent_tasks set status = 'in_progress' where id = $1", tid)
    return tid


async def _prep_start(conn: Any, s: Samples, rng: random.Random) -> Params:
    return {"id": await _new_task(conn, s, rng)}


async def _prep_complete(conn: Any, s: Samples, rng: random.Random) -> Params:
    return {"id": await _new_task(conn, s, rng, running=True), "output_data": {"ok": True}}


async def _prep_fail(conn: Any, s: Samples, rng: random.Random) -> Params:
    return {"id": await _new_task(conn, s, rng, running=True), "error_message": "provider timeout"}


async def _prep_cancel(conn: Any, s: Samples, rng: random.Random) -> Params:
    return {"id": await _new_task(conn, s, rng)}


async def _prep_delete_user(conn: Any, s: Samples, rng: random.Random) -> Params:
    return {"id": await _new_user(conn, s)}


async def _prep_delete_client(conn: Any, s: Samples, rng: random.Random) -> Params:
    return {"id": await _new_client(conn, s)}


async def _prep_delete_campaign(conn: Any, s: Samples, rng: random.Random) -> Params:
    return {"id": await _new_campaign(conn, s, rng)}


async def _prep_delete_agent(conn: Any, s: Samples, rng: random.Random) -> Params:
    aid: uuid.UUID = await conn.fetchval(
        "insert into ai_seo.agents (name, agent_id, agent_level)"
        " values ('Bench', $1, 'operational') returning id",
        s.unique("agent"),
    )
    return {"id": aid}


def _agent_fields(s: Samples, r: random.Random) -> Params:
    return {
        "name": "Bench Agent",
        "agent_id": s.unique("newagent"),
        "agent_level": "operational",
        "description": None,
        "knowledge_base_path": None,
        "config": {},
        "is_active": True,
    }


async def _prep_insert_agent(conn: Any, s: Samples, rng: random.Random) -> Params:
    # Agents are a catalogue of 14 that queries read whole (lists, the overview's joins): the agent
    # the previous call registered goes first, so a run's thousand inserts do not grow the table.
    await conn.execute("delete from ai_seo.agents where agent_id like 'bench\\_newagent%'")
    return _agent_fields(s, rng)


async def _prep_campaign_status(conn: Any, s: Samples, rng: random.Random) -> Params:
    return {"id": await _new_campaign(conn, s, rng), "status": "paused"}


async def _prep_rotate(conn: Any, s: Samples, rng: random.Random) -> Params:
    user_id = rng.choice(s.users)["id"]
    presented = hashlib.sha256(s.unique("rt").encode()).hexdigest()
    await conn.execute(
        "insert into ai_seo.user_sessions (user_id, refresh_token_hash, expires_at) values ($1, $2, $3)",
        user_id,
        presented,
        _now() + timedelta(days=30),
    )
    return {
        "user_id": user_id,
        "presented_hash": presented,
        "new_hash": hashlib.sha256(s.unique("rt").encode()).hexdigest(),
        "expires_at": _now() + timedelta(days=30),
        "user_agent": None,
        "ip_address": None,
    }


async def _prep_revoke_session(conn: Any, s: Samples, rng: random.Random) -> Params:
    user_id = rng.choice(s.users)["id"]
    sid: uuid.UUID = await conn.fetchval(
        "insert into ai_seo.user_sessions (user_id, refresh_token_hash, expires_at)"
        " values ($1, $2, $3) returning id",
        user_id,
        hashlib.sha256(s.unique("rv").encode()).hexdigest(),
        _now() + timedelta(days=30),
    )
    return {"id": sid, "user_id": user_id}


async def _prep_revoke_user_sessions(conn: Any, s: Samples, rng: random.Random) -> Params:
    # A new user with 25 live sessions: revoking a sampled user's sessions would revoke the
    # generated ones, and repeated runs would drain the live sessions the other workloads sample.
    user_id = await _new_user(conn, s)
    await conn.executemany(
        "insert into ai_seo.user_sessions (user_id, refresh_token_hash, expires_at) values ($1, $2, $3)",
        [
            (user_id, hashlib.sha256(s.unique("ru").encode()).hexdigest(), _now() + timedelta(days=30))
            for _ in range(25)
        ],
    )
    return {"user_id": user_id}


async def _prep_stale_sessions(conn: Any, s: Samples, rng: random.Random) -> Params:
    user_id = rng.choice(s.users)["id"]
    await conn.executemany(
        "insert into ai_seo.user_sessions (user_id, refresh_token_hash, created_at, expires_at)"
        " values ($1, $2, now() - interval '2 days', now() - interval '1 day')",
        [(user_id, hashlib.sha256(s.unique("st").encode()).hexdigest()) for _ in range(20)],
    )
    now = _now()
    return {"as_of": now, "revoked_before": now - timedelta(days=7), "lim": 20}


# -- parameter draws -------------------------------------------------------------------------------


def _user(s: Samples, r: random.Random) -> Any:
    return r.choice(s.users)


def _agent(s: Samples, r: random.Random) -> Any:
    return r.choice(s.agents)


def _campaign(s: Samples, r: random.Random) -> Any:
    return r.choice(s.campaigns)


def _week(r: random.Random) -> tuple[datetime, datetime]:
    end = ANCHOR - timedelta(days=r.randint(0, HISTORY_DAYS - 8))
    return end - timedelta(days=7), end


def _client_fields(s: Samples, r: random.Random) -> Params:
    return {
        "company_name": s.unique("Client "),
        "industry": r.choice(INDUSTRIES),
        "website": "https://bench.example",
        "annual_revenue": 10**8,
        "employee_count": 120,
        "country": "RU",
        "contact_person": "Bench Contact",
        "contact_email": "contact@bench.example",
        "contact_phone": "+7 900 000 00 00",
        "metadata": {"tier": "silver"},
    }


def _campaign_fields(s: Samples, r: random.Random) -> Params:
    start = ANCHOR.date()
    return {
        "name": s.unique("Campaign "),
        "campaign_type": r.choice(CAMPAIGN_TYPES),
        "start_date": start,
        "end_date": start + timedelta(days=90),
        "budget": Decimal("2500.00"),
        "objectives": r.sample(OBJECTIVES, 2),
        "config": {},
    }


def _search(s: Samples, r: random.Random) -> Params:
    c = _campaign(s, r)
    return {
        "status": c["status"],
        # A campaign another workload updated may have no objectives left: search a common one then.
        "objectives": [r.choice(c["objectives"] or OBJECTIVES)],
        "before_created_at": datetime(9999, 1, 1, tzinfo=UTC),
        "before_id": uuid.UUID(int=(1 << 128) - 1),
        "lim": 50,
    }


def _events_range(s: Samples, r: random.Random) -> Params:
    since, until = _week(r)
    return {"since": since, "until": until, "lim": 100}


QUERIES = [
    # users
    QueryWorkload(
        "insert_user",
        lambda s, r: (
            lambda name: {
                "username": name,
                "email": f"{name}@bench.example",
                "password_hash": PASSWORD_HASH,
                "full_name": "Bench User",
                "role": "operator",
            }
        )(s.unique("n")),
    ),
    QueryWorkload("get_user_by_id", lambda s, r: {"id": _user(s, r)["id"]}),
    QueryWorkload("get_user_by_username", lambda s, r: {"username": _user(s, r)["username"]}),
    QueryWorkload("get_user_by_email", lambda s, r: {"email": _user(s, r)["email"]}),
    QueryWorkload("get_user_login_by_username", lambda s, r: {"username": _user(s, r)["username"]}),
    QueryWorkload(
        "set_user_password_hash", lambda s, r: {"id": _user(s, r)["id"], "password_hash": PASSWORD_HASH}
    ),
    QueryWorkload(
        "update_user_profile",
        lambda s, r: (lambda u: {"id": u["id"], "email": u["email"], "full_name": "Renamed"})(_user(s, r)),
    ),
    QueryWorkload("set_user_role", lambda s, r: (lambda u: {"id": u["id"], "role": u["role"]})(_user(s, r))),
    QueryWorkload("set_user_active", lambda s, r: {"id": _user(s, r)["id"], "is_active": True}),
    QueryWorkload("record_user_login", lambda s, r: {"id": _user(s, r)["id"]}),
    QueryWorkload("list_users", lambda s, r: {"after_username": _user(s, r)["username"], "lim": 50}),
    QueryWorkload(
        "list_users_by_role",
        lambda s, r: (lambda u: {"role": u["role"], "after_username": u["username"], "lim": 50})(_user(s, r)),
    ),
    QueryWorkload("delete_user", lambda s, r: {}, prepare=_prep_delete_user),
    # sessions
    QueryWorkload(
        "insert_session",
        lambda s, r: {
            "user_id": _user(s, r)["id"],
            "refresh_token_hash": hashlib.sha256(s.unique("is").encode()).hexdigest(),
            "expires_at": _now() + timedelta(days=30),
            "user_agent": "Mozilla/5.0 (bench)",
            "ip_address": IPv4Address("203.0.113.10"),
        },
    ),
    QueryWorkload(
        "use_session",
        lambda s, r: (lambda x: {"refresh_token_hash": x["refresh_token_hash"], "user_id": x["user_id"]})(
            r.choice(s.sessions)
        ),
    ),
    QueryWorkload("rotate_session", lambda s, r: {}, prepare=_prep_rotate),
    QueryWorkload("revoke_session", lambda s, r: {}, prepare=_prep_revoke_session),
    QueryWorkload("revoke_user_sessions", lambda s, r: {}, prepare=_prep_revoke_user_sessions),
    QueryWorkload("list_active_sessions", lambda s, r: {"user_id": r.choice(s.session_users)}),
    QueryWorkload("delete_stale_sessions", lambda s, r: {}, prepare=_prep_stale_sessions),
    # agents
    QueryWorkload("insert_agent", _agent_fields, prepare=_prep_insert_agent),
    QueryWorkload("get_agent_by_id", lambda s, r: {"id": _agent(s, r)["id"]}),
    QueryWorkload("get_agent_by_key", lambda s, r: {"agent_id": _agent(s, r)["agent_id"]}),
    QueryWorkload(
        "update_agent_config", lambda s, r: {"id": _agent(s, r)["id"], "config": {"model": "gpt-4o"}}
    ),
    QueryWorkload(
        "merge_agent_config", lambda s, r: {"id": _agent(s, r)["id"], "patch": {"model": "gpt-4o"}}
    ),
    QueryWorkload("set_agent_active", lambda s, r: {"id": _agent(s, r)["id"], "is_active": True}),
    QueryWorkload("list_agents_by_level", lambda s, r: {"agent_level": _agent(s, r)["agent_level"]}),
    QueryWorkload("list_agents", lambda s, r: {}),
    QueryWorkload("delete_agent", lambda s, r: {}, prepare=_prep_delete_agent),
    # clients
    QueryWorkload("insert_client", _client_fields),
    QueryWorkload("get_client_by_id", lambda s, r: {"id": r.choice(s.clients)["id"]}),
    QueryWorkload("update_client", lambda s, r: {"id": r.choice(s.clients)["id"], **_client_fields(s, r)}),
    QueryWorkload(
        "list_clients",
        lambda s, r: (lambda c: {"after_company_name": c["company_name"], "after_id": c["id"], "lim": 50})(
            r.choice(s.clients)
        ),
    ),
    QueryWorkload("list_clients_by_industry", lambda s, r: {"industry": r.choice(INDUSTRIES), "lim": 50}),
    QueryWorkload("delete_client", lambda s, r: {}, prepare=_prep_delete_client),
    # campaigns
    QueryWorkload(
        "insert_campaign",
        lambda s, r: {"client_id": r.choice(s.clients)["id"], "status": "active", **_campaign_fields(s, r)},
    ),
    QueryWorkload("get_campaign_by_id", lambda s, r: {"id": _campaign(s, r)["id"]}),
    QueryWorkload("update_campaign", lambda s, r: {"id": _campaign(s, r)["id"], **_campaign_fields(s, r)}),
    QueryWorkload("set_campaign_status", lambda s, r: {}, prepare=_prep_campaign_status),
    QueryWorkload("list_client_campaigns", lambda s, r: {"client_id": r.choice(s.clients)["id"], "lim": 100}),
    QueryWorkload("search_campaigns", _search),
    QueryWorkload("delete_campaign", lambda s, r: {}, prepare=_prep_delete_campaign),
    # tasks
    QueryWorkload(
        "insert_task",
        lambda s, r: {
            "agent_id": _agent(s, r)["id"],
            "campaign_id": _campaign(s, r)["id"],
            "user_id": _user(s, r)["id"],
            "task_type": r.choice(TASK_TYPES),
            "input_data": {"url": "https://client.example"},
            "priority": "normal",
        },
    ),
    QueryWorkload("get_task_by_id", lambda s, r: {"id": r.choice(s.tasks)}),
    QueryWorkload("claim_next_task", lambda s, r: {"agent_id": _agent(s, r)["id"]}),
    QueryWorkload("start_task", lambda s, r: {}, prepare=_prep_start),
    QueryWorkload("complete_task", lambda s, r: {}, prepare=_prep_complete),
    QueryWorkload("fail_task", lambda s, r: {}, prepare=_prep_fail),
    QueryWorkload("cancel_task", lambda s, r: {}, prepare=_prep_cancel),
    QueryWorkload("count_pending_tasks", lambda s, r: {"agent_id": _agent(s, r)["id"]}),
    QueryWorkload("list_agent_tasks", lambda s, r: {"agent_id": _agent(s, r)["id"], "lim": 50}),
    # metrics and events
    QueryWorkload(
        "record_metric",
        lambda s, r: {
            "agent_id": _agent(s, r)["id"],
            "metric_name": "latency",
            "metric_value": Decimal("12.5"),
            "metric_unit": "ms",
            "recorded_at": None,
            "metadata": {},
        },
    ),
    QueryWorkload("list_agent_metrics", lambda s, r: {"agent_id": _agent(s, r)["id"], **_events_range(s, r)}),
    QueryWorkload(
        "record_event",
        lambda s, r: {
            "event_type": r.choice(EVENT_TYPES),
            "source": "api",
            "user_id": None,
            "agent_id": None,
            "event_data": {"ok": True},
            "occurred_at": None,
        },
    ),
    QueryWorkload(
        "list_events_by_type", lambda s, r: {"event_type": r.choice(EVENT_TYPES), **_events_range(s, r)}
    ),
    QueryWorkload(
        "search_events",
        lambda s, r: {"event_data": {"campaign_id": r.choice(s.event_campaigns)}, **_events_range(s, r)},
    ),
    # analytics
    QueryWorkload("campaign_task_summary", lambda s, r: {"campaign_id": _campaign(s, r)["id"]}),
    QueryWorkload("campaign_agent_breakdown", lambda s, r: {"campaign_id": _campaign(s, r)["id"]}),
    QueryWorkload(
        "campaign_recent_metrics",
        lambda s, r: {
            "campaign_id": _campaign(s, r)["id"],
            "since": _now() - timedelta(days=7),
            "until": _now() + timedelta(minutes=1),
            "lim": 100,
        },
    ),
    QueryWorkload("user_overview", lambda s, r: {"user_id": r.choice(s.task_users)}),
]


async def cleanup(conn: Any) -> None:
    """Remove what the write workloads added, so repeated runs keep the dataset's shape."""
    await conn.execute("delete from ai_seo.agent_tasks where task_type = 'bench'")
    await conn.execute("delete from ai_seo.users where username like 'bench\\_%'")
    await conn.execute("delete from ai_seo.agents where agent_id like 'bench\\_newagent%'")
    # What the deletes above do not cover (tasks claimed and finished, sessions used, staff
    # re-roled, agents re-configured, each in place) goes back as loaded.
    await restore_schemas(conn, *SCHEMAS)


async def _admin(conn: Any, params: Params) -> object:
    return await conn.fetchval(
        "select id from ai_seo.users where is_active and role = 'admin' order by id limit 1"
    )


# Roles and (de)activation are an acting admin's (0092); every other account write is its own user's.
_QUERIES = acting_for(QUERIES, {"set_user_role", "set_user_active"}, _admin)

BENCH = DomainBench(
    domain="ai_seo",
    tables=tables,
    sample=sample,
    queries=as_worker(_QUERIES, {"delete_stale_sessions"}),  # retention, every user's sessions
    mix={
        "claim_next_task": 15,
        "get_task_by_id": 10,
        "use_session": 15,
        "get_user_by_id": 10,
        "user_overview": 10,
        "campaign_task_summary": 10,
        "campaign_agent_breakdown": 5,
        "list_events_by_type": 10,
        "list_agent_metrics": 10,
        "insert_task": 5,
    },
    cleanup=cleanup,
    version=4,  # 3: the snapshot of every table that cleanup gives back; 4: tasks carry their client (0190)
    before_load=before_load,
    after_load=after_load,
    app_role=APP_ROLE,
    worker_role=WORKER_ROLE,
    owners={"users.id": "select $1::uuid"},  # an account is changed by its own user (0092)
)
