"""Campaign analytics (example 3) and the full view of a user (example 5), each one query."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

from pydantic import AwareDatetime, TypeAdapter

from sqlfirst.binding import SqlFile
from sqlfirst.db import Executor

from .models import AgentBreakdown, AgentMetric, CampaignTaskSummary, UserOverview, page_size

__all__ = ["campaign_agent_breakdown", "campaign_recent_metrics", "campaign_task_summary", "user_overview"]

_sql = SqlFile("ai_seo", "analytics")
_instant: TypeAdapter[datetime] = TypeAdapter(AwareDatetime)

_COUNTS = "count(*) is never NULL"


@_sql.query(
    "campaign_task_summary",
    not_null={
        "total_tasks": _COUNTS,
        "completed_tasks": _COUNTS,
        "success_rate": "coalesce(..., 0)",
        "duration_days": "coalesce(..., 0)",
    },
)
async def campaign_task_summary(conn: Executor, *, campaign_id: UUID) -> CampaignTaskSummary | None:
    """The campaign's task totals, success rate, average processing time, first task, last
    completion and duration in whole days; None when there is no such campaign."""


@_sql.query(
    "campaign_agent_breakdown",
    not_null={
        "task_count": _COUNTS,
        "success_rate": "count(*) filter ... / count(*) of a non-empty group",
    },
)
async def campaign_agent_breakdown(conn: Executor, *, campaign_id: UUID) -> list[AgentBreakdown]:
    """Per agent that worked on the campaign: name, level, tasks, average time, success rate;
    most tasks first."""


@_sql.query("campaign_recent_metrics")
async def _recent_metrics(
    conn: Executor, *, campaign_id: UUID, since: datetime, until: datetime, lim: int
) -> list[AgentMetric]: ...


async def campaign_recent_metrics(
    conn: Executor,
    *,
    campaign_id: UUID,
    since: datetime | None = None,
    limit: int = 100,
) -> list[AgentMetric]:
    """Metrics of the campaign's agents recorded since ``since`` (default: the last 7 days), newest
    first, at most ``limit`` (100), each metric once however many tasks its agent ran."""
    now = datetime.now(UTC)
    start = _instant.validate_python(since) if since is not None else now - timedelta(days=7)
    # A bound a minute ahead (clock skew) lets the planner leave out the DEFAULT partition.
    until = now + timedelta(minutes=1)
    return await _recent_metrics(
        conn, campaign_id=campaign_id, since=start, until=until, lim=page_size(limit)
    )


@_sql.query(
    "user_overview",
    not_null={
        "active_sessions": _COUNTS,
        "total_tasks": _COUNTS,
        "completed_tasks": _COUNTS,
        "failed_tasks": _COUNTS,
        "recent_tasks": "coalesce(jsonb_agg(...), '[]')",
        "agent_usage": "coalesce(jsonb_agg(...), '[]')",
    },
)
async def user_overview(conn: Executor, *, user_id: UUID) -> UserOverview | None:
    """The user, their active sessions, task totals (total, completed, failed), the 10 latest tasks
    with agent and campaign, and task counts per agent (business key); None when there is no user."""
