"""The ai_seo dataset: sizes, the deterministic generator and the load hooks (see ``ai_seo``)."""

from __future__ import annotations

import hashlib
import random
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from ipaddress import IPv4Address
from typing import Any

from sqlfirst.bench.dataset import PASSWORD_HASH, jsonb, rand_uuid
from sqlfirst.bench.registry import TableLoad
from sqlfirst.bench.restore import snapshot_schemas

ANCHOR = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
HISTORY_DAYS = 180
HISTORY_S = HISTORY_DAYS * 24 * 3600
SCHEMAS = ("ai_seo", "analytics")
"""The domain's schemas: the system event log lives in ``analytics``."""
INTERNAL_CLIENT = uuid.UUID(int=0)
"""The client of the agency's own work, a task without a campaign (0190)."""
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

    # Each campaign's client, drawn once: a task carries its campaign's (0190), and the load runs
    # without the trigger that would fill it.
    client_rng = random.Random(seed + 14)
    campaign_client = {cid: client_rng.choice(client_ids) for cid in campaign_ids}

    def campaign_rows() -> Iterator[tuple[Any, ...]]:
        rng = random.Random(seed + 4)
        statuses = ["active"] * 6 + ["completed"] * 3 + ["paused", "draft", "cancelled"]
        for cid in campaign_ids:
            created = _ago(rng)
            start = created.date()
            yield (
                cid,
                campaign_client[cid],
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
            campaign = rng.choice(campaign_ids) if rng.random() < 0.9 else None
            yield (
                rand_uuid(rng),
                INTERNAL_CLIENT if campaign is None else campaign_client[campaign],
                rng.choices(agent_ids, weights)[0],
                campaign,
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
                "client_id",
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
    """Triggers back on; the per-user task counts (kept by triggers the COPY bypassed) rebuilt; then
    every table as loaded, which cleanup gives back after each run."""
    await conn.execute("set session_replication_role = origin")
    async with conn.transaction():
        await conn.execute("select ai_seo.recount_user_tasks()")
    await conn.execute("analyze ai_seo.user_task_counts")
    await snapshot_schemas(conn, *SCHEMAS)
