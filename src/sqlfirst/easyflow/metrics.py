"""metrics:{platform}:{date}:{hour} as a table: hourly buckets incremented atomically.

:func:`increment` adds to the bucket of (platform, user, integration, metric type, hour) in one
``INSERT ... ON CONFLICT DO UPDATE``: the first increment of an hour creates the row, concurrent ones
wait on its lock and add, so no count is ever lost.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import UUID

from pydantic import AwareDatetime, TypeAdapter

from sqlfirst.binding import SqlFile
from sqlfirst.db import Executor

from .models import HourlyPoint, Metric, MetricIncrement, MetricType

__all__ = ["hourly_series", "increment", "integration_metrics"]

_sql = SqlFile("easyflow", "metrics")
_instant: TypeAdapter[datetime] = TypeAdapter(AwareDatetime)


@_sql.query("increment_metric")
async def _increment(
    conn: Executor,
    *,
    platform_id: str,
    user_id: UUID | None,
    integration_id: UUID | None,
    metric_type: MetricType,
    amount: Decimal,
    metric_unit: str | None,
    at: datetime | None,
) -> Metric: ...


async def increment(
    conn: Executor,
    *,
    platform_id: str,
    metric_type: MetricType | str,
    amount: Decimal | int | str = 1,
    user_id: UUID | None = None,
    integration_id: UUID | None = None,
    metric_unit: str | None = None,
    at: datetime | None = None,
) -> Metric:
    """Add ``amount`` to the hourly bucket of ``at`` (default now); returns the bucket after the add.

    ``CheckViolation`` (``ck_platform_metrics_integration_has_user``) for an integration without its
    user; ``ReferenceViolation`` when the integration is not that user's.
    """
    new = MetricIncrement.model_validate(
        {
            "platform_id": platform_id,
            "user_id": user_id,
            "integration_id": integration_id,
            "metric_type": metric_type,
            "amount": amount,
            "metric_unit": metric_unit,
        }
    )
    return await _increment(conn, **new.model_dump(), at=None if at is None else _instant.validate_python(at))


@_sql.query("list_integration_metrics")
async def _integration_metrics(
    conn: Executor, *, integration_id: UUID, since: datetime, until: datetime
) -> list[Metric]: ...


async def integration_metrics(
    conn: Executor, *, integration_id: UUID, since: datetime, until: datetime
) -> list[Metric]:
    """The integration's metric buckets starting in ``[since, until)``, oldest first."""
    return await _integration_metrics(
        conn,
        integration_id=integration_id,
        since=_instant.validate_python(since),
        until=_instant.validate_python(until),
    )


@_sql.query(
    "hourly_metric_series",
    not_null={
        "value": "sum over a non-empty group of NOT NULL metric_value",
    },
)
async def _series(
    conn: Executor, *, user_id: UUID, metric_type: MetricType, since: datetime, until: datetime
) -> list[HourlyPoint]: ...


async def hourly_series(
    conn: Executor, *, user_id: UUID, metric_type: MetricType | str, since: datetime, until: datetime
) -> list[HourlyPoint]:
    """The user's hourly totals of one metric over all their integrations, hours without data left out."""
    return await _series(
        conn,
        user_id=user_id,
        metric_type=MetricType(metric_type),
        since=_instant.validate_python(since),
        until=_instant.validate_python(until),
    )
