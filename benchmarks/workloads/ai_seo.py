"""ai_seo at scale: generator, one workload per named query, concurrency mix.

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
import os
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from ipaddress import IPv4Address
from itertools import count
from typing import Any

from ..dataset import PASSWORD_HASH, jsonb, rand_uuid, sample_rows
from ..registry import DomainBench, Params, QueryWorkload, TableLoad

ANCHOR = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
HISTORY_DAYS = 180
HISTORY_S = HISTORY_DAYS * 24 * 3600
MEDIUM = {
    "users": 2_000,
    "clients": 5_000,
    "campaigns": 20_000,
    "tasks": 2_000_000,
    "metrics": 1_000_000,
    "events": 3_000_000,
    "sessions": 100_000,
}
AGENTS = [
    ("chief_seo_strategist", "Chief SEO Strategist", "executive"),
    ("business_development_director", "Business Development Director", "executive"),
    ("task_coordination", "Task Coordination Agent", "management"),
    ("sales_operations_manager", "Sales Operations Manager", "management"),
    ("technical_seo_operations_manager", "Technical SEO Operations Manager", "management"),
    ("client_success_manager", "Client Success Manager", "management"),
    ("lead_qualification", "Lead Qualification Agent", "operational"),
    ("proposal_generation", "Proposal Generation Agent", "operational"),
    ("sales_conversation", "Sales Conversation Agent", "operational"),
    ("technical_seo_auditor", "Technical SEO Auditor", "operational"),
    ("content_strategy", "Content Strategy Agent", "operational"),
    ("link_building", "Link Building Agent", "operational"),
    ("competitive_analysis", "Competitive Analysis Agent", "operational"),
    ("reporting", "Reporting Agent", "operational"),
]
# Operational agents do most of the work.
AGENT_WEIGHTS = [1, 1, 3, 2, 3, 2, 8, 6, 6, 12, 10, 8, 7, 9]
INDUSTRIES = ["ecommerce", "saas", "finance", "healthcare", "travel", "education", "realestate", "media"]
OBJECTIVES = [f"objective_{n:02d}" for n in range(30)]
CAMPAIGN_TYPES = ["seo_audit", "content", "link_building", "technical", "local_seo", "ppc_support"]
TASK_TYPES = ["site_audit", "keyword_research", "content_brief", "backlink_scan", "report", "proposal"]
METRICS = [("latency", "ms"), ("tokens", "count"), ("quality", "score"), ("success_rate", "ratio")]
EVENT_TYPES = [f"event_{n:02d}" for n in range(25)]
SOURCES = ["api", "worker", "scheduler", "mcp"]
BENCH_PREFIX = "bench_"


def _n(name: str, factor: float, minimum: int) -> int:
    return max(minimum, int(MEDIUM[name] * factor))


def _ago(rng: random.Random, horizon_s: int = HISTORY_S) -> datetime:
    return ANCHOR - timedelta(seconds=rng.randrange(1, horizon_s))


def _appended(rng: random.Random, n: int) -> Iterator[datetime]:
    """``n`` instants over the history in increasing order: time series are appended as they happen,
    so a time range sits in neighbouring heap pages (random gaps, no sort, constant memory)."""
    at = ANCHOR - timedelta(seconds=HISTORY_S)
    mean_gap = HISTORY_S / max(1, n)
    while True:
        at += timedelta(seconds=rng.expovariate(1 / mean_gap))
        yield min(at, ANCHOR - timedelta(seconds=1))


def _token_hash(seed: int, i: int) -> str:
    return hashlib.sha256(f"bench-{seed}-{i}".encode()).hexdigest()


def _month_starts() -> list[datetime]:
    start = (ANCHOR - timedelta(days=HISTORY_DAYS + 1)).replace(day=1)
    months = []
    while start <= ANCHOR:
        months.append(start)
        start = (start + timedelta(days=32)).replace(day=1)
    return months


def tables(factor: float, seed: int) -> list[TableLoad]:
    """What to COPY at ``factor`` × medium, deterministic for ``seed`` (and the day)."""
    n_users = _n("users", factor, 20)
    n_clients = _n("clients", factor, 50)
    n_campaigns = _n("campaigns", factor, 100)
    n_tasks = _n("tasks", factor, 2_000)
    n_metrics = _n("metrics", factor, 2_000)
    n_events = _n("events", factor, 3_000)
    n_sessions = _n("sessions", factor, 200)
    ids = random.Random(seed)
    user_ids = [rand_uuid(ids) for _ in range(n_users)]
    agent_ids = [rand_uuid(ids) for _ in AGENTS]
    client_ids = [rand_uuid(ids) for _ in range(n_clients)]
    campaign_ids = [rand_uuid(ids) for _ in range(n_campaigns)]
    # A tenth of the staff requests most of the tasks.
    busy_users = user_ids[: max(1, n_users // 10)]

    def user_rows() -> Iterator[tuple[Any, ...]]:
        rng = random.Random(seed + 1)
        roles = ["admin"] * 1 + ["manager"] * 4 + ["operator"] * 15
        for i, uid in enumerate(user_ids):
            created = _ago(rng, 2 * HISTORY_S)
            login = _ago(rng, 7 * 24 * 3600) if rng.random() < 0.8 else None
            yield (
                uid,
                f"user{i:06d}",
                f"user{i:06d}@agency.example",
                PASSWORD_HASH,
                f"Staff {i}",
                rng.choice(roles),
                rng.random() < 0.97,
                created,
                created,
                login,
            )

    def agent_rows() -> Iterator[tuple[Any, ...]]:
        created = ANCHOR - timedelta(days=HISTORY_DAYS + 30)
        for aid, (key, name, level) in zip(agent_ids, AGENTS, strict=True):
            yield (
                aid,
                name,
                key,
                level,
                f"{name}: one of the 14 specialised agents",
                f"knowledge/{level}/{key}.md",
                True,
                created,
                created,
                jsonb({"model": "gpt-4o"}),
            )

    def client_rows() -> Iterator[tuple[Any, ...]]:
        rng = random.Random(seed + 3)
        for i, cid in enumerate(client_ids):
            created = _ago(rng, 2 * HISTORY_S)
            yield (
                cid,
                f"Client {i:06d} LLC",
                rng.choice(INDUSTRIES),
                f"https://client{i}.example",
                rng.randrange(10**6, 10**10),
                rng.randrange(5, 5000),
                rng.choice(["RU", "RU", "KZ", "BY", "DE"]),
                f"Contact {i}",
                f"contact{i}@client{i}.example",
                "+7 900 000 00 00",
                created,
                created,
                jsonb({"tier": rng.choice(["gold", "silver", "bronze"])}),
            )

    def campaign_rows() -> Iterator[tuple[Any, ...]]:
        rng = random.Random(seed + 4)
        statuses = ["active"] * 6 + ["completed"] * 3 + ["paused", "draft", "cancelled"]
        for cid in campaign_ids:
            created = _ago(rng)
            start = created.date()
            yield (
                cid,
                rng.choice(client_ids),
                f"Campaign {cid.hex[:8]}",
                rng.choice(CAMPAIGN_TYPES),
                rng.choice(statuses),
                start,
                start + timedelta(days=rng.randint(30, 365)),
                Decimal(rng.randrange(1000, 10**7)) / 100,
                rng.sample(OBJECTIVES, rng.randint(2, 3)),
                created,
                created,
                jsonb({}),
            )

    def task_rows() -> Iterator[tuple[Any, ...]]:
        rng = random.Random(seed + 5)
        weights = AGENT_WEIGHTS
        for _ in range(n_tasks):
            roll = rng.random()
            created = _ago(rng, 3 * 24 * 3600) if roll < 0.03 else _ago(rng)
            status = (
                "pending"
                if roll < 0.02
                else "in_progress"
                if roll < 0.03
                else (rng.choices(["completed", "failed", "cancelled"], [85, 8, 4])[0])
            )
            started = completed = processing = output = error = None
            if status != "pending" and not (status == "cancelled" and rng.random() < 0.5):
                started = created + timedelta(seconds=rng.randint(1, 600))
            if status in ("completed", "failed"):
                processing = rng.randint(200, 120_000)
                completed = started + timedelta(milliseconds=processing)  # type: ignore[operator]
                output = '{"ok": true}' if status == "completed" else None
                error = "provider timeout" if status == "failed" else None
            yield (
                rand_uuid(rng),
                rng.choices(agent_ids, weights)[0],
                rng.choice(campaign_ids) if rng.random() < 0.9 else None,
                (rng.choice(busy_users) if rng.random() < 0.6 else rng.choice(user_ids))
                if rng.random() < 0.7
                else None,
                rng.choice(TASK_TYPES),
                status,
                rng.choices(["low", "normal", "high", "urgent"], [2, 6, 2, 1])[0],
                '{"url": "https://client.example"}',
                output,
                error,
                started,
                completed,
                processing,
                created,
            )

    def metric_rows() -> Iterator[tuple[Any, ...]]:
        rng = random.Random(seed + 6)
        clock = _appended(rng, n_metrics)
        for _ in range(n_metrics):
            name, unit = rng.choice(METRICS)
            yield (
                rand_uuid(rng),
                rng.choices(agent_ids, AGENT_WEIGHTS)[0],
                name,
                Decimal(rng.randrange(0, 10**7)) / 10**4,
                unit,
                next(clock),
                "{}",
            )

    def event_rows() -> Iterator[tuple[Any, ...]]:
        rng = random.Random(seed + 7)
        clock = _appended(rng, n_events)
        for _ in range(n_events):
            campaign = rng.choice(campaign_ids)
            yield (
                rand_uuid(rng),
                rng.choice(EVENT_TYPES),
                rng.choice(SOURCES),
                rng.choice(user_ids) if rng.random() < 0.5 else None,
                rng.choice(agent_ids) if rng.random() < 0.5 else None,
                jsonb({"campaign_id": str(campaign), "ok": rng.random() < 0.9}),
                next(clock),
            )

    def session_rows() -> Iterator[tuple[Any, ...]]:
        rng = random.Random(seed + 8)
        for i in range(n_sessions):
            created = _ago(rng, 60 * 24 * 3600)
            roll = rng.random()
            if roll < 0.6:  # live
                expires, active, revoked = ANCHOR + timedelta(days=rng.randint(1, 30)), True, None
            elif roll < 0.8:  # revoked (logout or rotation)
                expires, active = ANCHOR + timedelta(days=rng.randint(1, 30)), False
                revoked = created + timedelta(hours=rng.randint(1, 48))
            else:  # expired
                expires, active, revoked = created + timedelta(days=1), True, None
            yield (
                rand_uuid(rng),
                rng.choice(user_ids),
                _token_hash(seed, i),
                expires,
                "Mozilla/5.0 (bench)",
                IPv4Address(rng.getrandbits(32)),
                created,
                active,
                created if rng.random() < 0.5 else None,
                revoked,
            )

    return [
        TableLoad(
            "ai_seo.users",
            (
                "id",
                "username",
                "email",
                "password_hash",
                "full_name",
                "role",
                "is_active",
                "created_at",
                "updated_at",
                "last_login",
            ),
            n_users,
            user_rows,
        ),
        TableLoad(
            "ai_seo.agents",
            (
                "id",
                "name",
                "agent_id",
                "agent_level",
                "description",
                "knowledge_base_path",
                "is_active",
                "created_at",
                "updated_at",
                "config",
            ),
            len(AGENTS),
            agent_rows,
        ),
        TableLoad(
            "ai_seo.clients",
            (
                "id",
                "company_name",
                "industry",
                "website",
                "annual_revenue",
                "employee_count",
                "country",
                "contact_person",
                "contact_email",
                "contact_phone",
                "created_at",
                "updated_at",
                "metadata",
            ),
            n_clients,
            client_rows,
        ),
        TableLoad(
            "ai_seo.campaigns",
            (
                "id",
                "client_id",
                "name",
                "campaign_type",
                "status",
                "start_date",
                "end_date",
                "budget",
                "objectives",
                "created_at",
                "updated_at",
                "config",
            ),
            n_campaigns,
            campaign_rows,
        ),
        TableLoad(
            "ai_seo.agent_tasks",
            (
                "id",
                "agent_id",
                "campaign_id",
                "user_id",
                "task_type",
                "status",
                "priority",
                "input_data",
                "output_data",
                "error_message",
                "started_at",
                "completed_at",
                "processing_time_ms",
                "created_at",
            ),
            n_tasks,
            task_rows,
        ),
        TableLoad(
            "ai_seo.agent_metrics",
            ("id", "agent_id", "metric_name", "metric_value", "metric_unit", "recorded_at", "metadata"),
            n_metrics,
            metric_rows,
        ),
        TableLoad(
            "analytics.system_events",
            ("id", "event_type", "source", "user_id", "agent_id", "event_data", "occurred_at"),
            n_events,
            event_rows,
        ),
        TableLoad(
            "ai_seo.user_sessions",
            (
                "id",
                "user_id",
                "refresh_token_hash",
                "expires_at",
                "user_agent",
                "ip_address",
                "created_at",
                "is_active",
                "last_used_at",
                "revoked_at",
            ),
            n_sessions,
            session_rows,
        ),
    ]


async def before_load(conn: Any, factor: float, seed: int) -> None:
    """Give every month of the time series its partition (core's maintenance), then load trigger-free."""
    months = [m + timedelta(days=1) for m in _month_starts()]
    await conn.execute("set session_replication_role = replica")
    async with conn.transaction():
        await conn.execute(
            "insert into ai_seo.agent_metrics (agent_id, metric_name, metric_value, recorded_at, metadata)"
            " select $1, 'bench_marker', 0, m, '{\"bench_marker\": true}' from unnest($2::timestamptz[]) m",
            uuid.UUID(int=0),
            months,
        )
        await conn.execute(
            "insert into analytics.system_events (event_type, source, event_data, occurred_at)"
            " select 'bench_marker', 'bench', '{\"bench_marker\": true}', m from unnest($1::timestamptz[]) m",
            months,
        )
        await conn.execute("select count(*) from core.run_partition_maintenance('ai_seo.agent_metrics')")
        await conn.execute("select count(*) from core.run_partition_maintenance('analytics.system_events')")
        await conn.execute("delete from ai_seo.agent_metrics where metric_name = 'bench_marker'")
        await conn.execute("delete from analytics.system_events where event_type = 'bench_marker'")


async def after_load(conn: Any) -> None:
    await conn.execute("set session_replication_role = origin")


# -- samples ---------------------------------------------------------------------------------------


@dataclass
class Samples:
    users: list[Any]
    task_users: list[uuid.UUID]
    agents: list[Any]
    clients: list[Any]
    campaigns: list[Any]
    tasks: list[uuid.UUID]
    sessions: list[Any]
    session_users: list[uuid.UUID]
    event_campaigns: list[str]
    token: str = field(default_factory=lambda: os.urandom(4).hex())
    serial: Iterator[int] = field(default_factory=count)

    def unique(self, prefix: str) -> str:
        return f"{BENCH_PREFIX}{prefix}{self.token}{next(self.serial)}"


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
        "objectives": [r.choice(c["objectives"])],
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
    QueryWorkload("revoke_user_sessions", lambda s, r: {"user_id": r.choice(s.session_users)}),
    QueryWorkload("list_active_sessions", lambda s, r: {"user_id": r.choice(s.session_users)}),
    QueryWorkload("delete_stale_sessions", lambda s, r: {}, prepare=_prep_stale_sessions),
    # agents
    QueryWorkload(
        "insert_agent",
        lambda s, r: {
            "name": "Bench Agent",
            "agent_id": s.unique("agent"),
            "agent_level": "operational",
            "description": None,
            "knowledge_base_path": None,
            "config": {},
            "is_active": True,
        },
    ),
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


BENCH = DomainBench(
    domain="ai_seo",
    tables=tables,
    sample=sample,
    queries=QUERIES,
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
    version=2,
    before_load=before_load,
    after_load=after_load,
)
