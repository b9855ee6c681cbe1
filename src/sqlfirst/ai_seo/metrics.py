"""Agent metrics: a time series partitioned by month on ``recorded_at`` (record one, ingest many)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import UUID, uuid4

from pydantic import AwareDatetime, TypeAdapter

from sqlfirst import arguments
from sqlfirst.binding import SqlFile
from sqlfirst.db import Executor, copy_models

from .models import AgentMetric, AgentMetricCreate, JsonObject, page_size

__all__ = ["ingest", "list_for_agent", "record"]

_sql = SqlFile("ai_seo", "metrics")
_instant: TypeAdapter[datetime] = TypeAdapter(AwareDatetime)


@_sql.query("record_metric", validate=AgentMetricCreate)
async def record(
    conn: Executor,
    *,
    agent_id: UUID,
    metric_name: str,
    metric_value: Decimal | int | str,
    metric_unit: str | None = None,
    recorded_at: datetime | None = None,
    metadata: JsonObject | None = None,
) -> AgentMetric:
    """Record one metric of the agent (at ``recorded_at``, default now)."""


async def ingest(conn: Executor, metrics: Iterable[AgentMetricCreate | dict[str, object]]) -> int:
    """Bulk-insert metrics with COPY, all or nothing; returns how many rows were written.

    Each item is validated as :class:`~.models.AgentMetricCreate` first (a bad one raises
    ``ValidationError`` before anything is sent); a missing ``recorded_at`` is now.
    """
    now = datetime.now(UTC)
    rows = []
    for item in arguments.items("ingest", "metrics", metrics):
        new = item if isinstance(item, AgentMetricCreate) else AgentMetricCreate.model_validate(item)
        rows.append(
            AgentMetric(
                id=uuid4(),
                agent_id=new.agent_id,
                metric_name=new.metric_name,
                metric_value=new.metric_value,
                metric_unit=new.metric_unit,
                recorded_at=new.recorded_at or now,
                metadata=new.metadata,
            )
        )
    return await copy_models(conn, "ai_seo.agent_metrics", rows)


@_sql.query("list_agent_metrics")
async def _list_for_agent(
    conn: Executor, *, agent_id: UUID, since: datetime, until: datetime, lim: int
) -> list[AgentMetric]: ...


async def list_for_agent(
    conn: Executor,
    *,
    agent_id: UUID,
    since: datetime,
    until: datetime | None = None,
    limit: int = 100,
) -> list[AgentMetric]:
    """The agent's metrics recorded in ``[since, until)`` (until defaults to a minute from now),
    newest first; only the monthly partitions in range are read."""
    start = _instant.validate_python(since)
    end = _instant.validate_python(until) if until is not None else datetime.now(UTC) + timedelta(minutes=1)
    return await _list_for_agent(conn, agent_id=agent_id, since=start, until=end, lim=page_size(limit))
