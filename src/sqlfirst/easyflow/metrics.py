"""metrics:{platform}:{date}:{hour} as tables: hourly buckets incremented atomically.

:func:`increment` adds to the bucket of (platform, user, integration, metric type, hour) in one
``INSERT ... ON CONFLICT DO UPDATE``: the first increment of an hour creates the row, concurrent ones
wait on its lock and add, so no count is ever lost. A user's buckets live in ``platform_metrics``
(distributed by user in the Citus plan); a platform-wide one (no user) lives in ``platform_totals``,
which belongs to no tenant: only roles that bypass row-level security (the worker) see or write it.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import overload
from uuid import UUID

from pydantic import AwareDatetime, TypeAdapter

from sqlfirst.binding import SqlFile
from sqlfirst.db import Executor

from .models import HourlyPoint, Metric, MetricIncrement, MetricType, PlatformMetric

__all__ = ["hourly_series", "increment", "integration_metrics", "platform_series"]

_sql = SqlFile("easyflow", "metrics")
_instant: TypeAdapter[datetime] = TypeAdapter(AwareDatetime)
_metric_type: TypeAdapter[MetricType] = TypeAdapter(MetricType)


@_sql.query("increment_metric")
async def _increment(
    conn: Executor,
    *,
    platform_id: str,
    user_id: UUID,
    integration_id: UUID | None,
    metric_type: MetricType,
    amount: Decimal,
    metric_unit: str | None,
    at: datetime | None,
) -> Metric: ...


@overload
async def increment(
    conn: Executor,
    *,
    platform_id: str,
    metric_type: MetricType | str,
    amount: Decimal | int | str = 1,
    user_id: UUID,
    integration_id: UUID | None = None,
    metric_unit: str | None = None,
    at: datetime | None = None,
) -> Metric: ...


@overload
async def increment(
    conn: Executor,
    *,
    platform_id: str,
    metric_type: MetricType | str,
    amount: Decimal | int | str = 1,
    user_id: None = None,
    integration_id: None = None,
    metric_unit: str | None = None,
    at: datetime | None = None,
) -> PlatformMetric: ...


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
) -> Metric | PlatformMetric:
    """Add ``amount`` to the hourly bucket of ``at`` (default now); returns the bucket after the add.

    With ``user_id`` the bucket is the user's (:class:`Metric`, in ``platform_metrics``); without
    it, the whole platform's (:class:`PlatformMetric`, in ``platform_totals``, the worker's to
    write). ``ValidationError`` for an integration without its user; ``ReferenceViolation`` when the
    integration is not that user's.
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
    when = None if at is None else _instant.validate_python(at)
    if new.user_id is None:
        return await _increment_platform(
            conn,
            platform_id=new.platform_id,
            metric_type=new.metric_type,
            amount=new.amount,
            metric_unit=new.metric_unit,
            at=when,
        )
    return await _increment(
        conn,
        platform_id=new.platform_id,
        user_id=new.user_id,
        integration_id=new.integration_id,
        metric_type=new.metric_type,
        amount=new.amount,
        metric_unit=new.metric_unit,
        at=when,
    )


@_sql.query("increment_platform_metric")
async def _increment_platform(
    conn: Executor,
    *,
    platform_id: str,
    metric_type: MetricType,
    amount: Decimal,
    metric_unit: str | None,
    at: datetime | None,
) -> PlatformMetric: ...


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
        metric_type=_metric_type.validate_python(metric_type),
        since=_instant.validate_python(since),
        until=_instant.validate_python(until),
    )


@_sql.query("platform_metric_series")
async def _platform_series(
    conn: Executor, *, platform_id: str, metric_type: MetricType, since: datetime, until: datetime
) -> list[HourlyPoint]: ...


async def platform_series(
    conn: Executor, *, platform_id: str, metric_type: MetricType | str, since: datetime, until: datetime
) -> list[HourlyPoint]:
    """The platform-wide hourly totals of one metric, hours without data left out (the worker's and
    operators' view: a tenant's role reads none)."""
    return await _platform_series(
        conn,
        platform_id=platform_id,
        metric_type=_metric_type.validate_python(metric_type),
        since=_instant.validate_python(since),
        until=_instant.validate_python(until),
    )
