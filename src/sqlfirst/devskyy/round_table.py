"""LLM round-table results: save one, read one, statistics per task category and winning provider."""

from __future__ import annotations

from datetime import datetime

from pydantic import JsonValue

from sqlfirst.binding import SqlFile
from sqlfirst.db import Executor

from .models import (
    JsonObject,
    RoundTableResult,
    RoundTableResultCreate,
    RoundTableStats,
    TaskCategory,
    time_range,
)

__all__ = ["get", "save", "stats"]

_sql = SqlFile("devskyy", "round_table")


@_sql.query("insert_round_table_result", validate=RoundTableResultCreate)
async def save(
    conn: Executor,
    *,
    result_id: str,
    prompt: str,
    participants: list[JsonValue],
    task_category: TaskCategory | str | None = None,
    winner_provider: str | None = None,
    winner_response: str | None = None,
    metadata: JsonObject | None = None,
) -> RoundTableResult:
    """Save a round table's outcome (``participants``: every provider's response and score).

    :class:`~sqlfirst.errors.Conflict` naming ``uq_llm_round_table_results_result_id`` for a result id
    already saved; ``ValidationError`` for a winner response without a winner provider.
    """


@_sql.query("get_round_table_result")
async def get(conn: Executor, *, result_id: str) -> RoundTableResult | None:
    """The result with this result id, or None."""


@_sql.query(
    "round_table_stats",
    not_null={
        "results": "count(*) is never NULL",
        "share": "count(*) over a window sum of counts that includes it, so never NULL",
    },
)
async def _stats(conn: Executor, *, since: datetime, until: datetime) -> list[RoundTableStats]: ...


async def stats(conn: Executor, *, since: datetime, until: datetime) -> list[RoundTableStats]:
    """Results saved in [since, until) per task category and winning provider, with each provider's
    share of its category; categories in enum order (uncategorised last), most wins first."""
    since, until = time_range(since, until)
    return await _stats(conn, since=since, until=until)
