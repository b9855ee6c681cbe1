"""Deal scores: risk, profit potential and market sentiment of a deal (0-100, with a 0-100 confidence)."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from pydantic import TypeAdapter

from sqlfirst.arguments import member
from sqlfirst.binding import SqlFile
from sqlfirst.db import Executor

from .models import DealScore, DealScoreCreate, JsonObject, Score, ScoreType

__all__ = [
    "create",
    "delete",
    "list_by_type",
    "list_for_deal",
    "update",
]

_sql = SqlFile("deals", "deal_scores")
_score: TypeAdapter[Decimal] = TypeAdapter(Score)


@_sql.query("insert_deal_score", validate=DealScoreCreate)
async def create(
    conn: Executor,
    *,
    deal_id: UUID,
    score_type: ScoreType | str,
    value: Decimal | int | str,
    confidence: Decimal | int | str,
    meta_data: JsonObject | None = None,
) -> DealScore:
    """Score a deal."""


@_sql.query("list_deal_scores")
async def list_for_deal(conn: Executor, *, deal_id: UUID) -> list[DealScore]:
    """The deal's scores, newest first."""


@_sql.query("update_deal_score")
async def _update(conn: Executor, *, id: UUID, value: Decimal, confidence: Decimal) -> DealScore | None: ...


async def update(
    conn: Executor, *, id: UUID, value: Decimal | int | str, confidence: Decimal | int | str
) -> DealScore | None:
    """Revise a score; None when there is no such score."""
    return await _update(
        conn, id=id, value=_score.validate_python(value), confidence=_score.validate_python(confidence)
    )


@_sql.query("delete_deal_score")
async def delete(conn: Executor, *, id: UUID) -> int:
    """Delete a score; 1, or 0 when absent."""


@_sql.query("list_deal_scores_by_type")
async def _list_by_type(conn: Executor, *, deal_id: UUID, score_type: ScoreType) -> list[DealScore]: ...


async def list_by_type(conn: Executor, *, deal_id: UUID, score_type: ScoreType | str) -> list[DealScore]:
    """The deal's scores of one type (risk, profit potential, market sentiment), newest first."""
    return await _list_by_type(
        conn, deal_id=deal_id, score_type=member("list_by_type", "score_type", score_type, ScoreType)
    )
