"""Model metrics: evaluation results of each trained model version."""

from __future__ import annotations

from decimal import Decimal

from sqlfirst.binding import SqlFile
from sqlfirst.db import Executor

from .models import JsonObject, ModelMetrics, ModelMetricsCreate

__all__ = [
    "get_version",
    "latest",
    "latest_per_model",
    "record",
]

_sql = SqlFile("deals", "model_metrics")


@_sql.query("insert_model_metrics", validate=ModelMetricsCreate)
async def record(
    conn: Executor,
    *,
    model_name: str,
    model_version: str,
    accuracy: Decimal | float | str,
    precision: Decimal | float | str,
    recall: Decimal | float | str,
    f1_score: Decimal | float | str,
    training_duration: int,
    training_samples: int,
    validation_samples: int,
    hyperparameters: JsonObject | None = None,
    feature_importance: JsonObject | None = None,
    meta_data: JsonObject | None = None,
) -> ModelMetrics:
    """Record a model version's metrics; each of accuracy, precision, recall and f1 lies in 0-1."""


@_sql.query("list_latest_model_metrics")
async def latest_per_model(conn: Executor) -> list[ModelMetrics]:
    """The latest metrics of every model, by model name."""


@_sql.query("get_latest_model_metrics")
async def latest(conn: Executor, *, model_name: str) -> ModelMetrics | None:
    """The latest metrics of one model, or None."""


@_sql.query("get_model_metrics_version")
async def get_version(conn: Executor, *, model_name: str, model_version: str) -> ModelMetrics | None:
    """The latest metrics recorded for this exact model and version, or None."""
