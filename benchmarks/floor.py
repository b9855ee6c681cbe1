"""``SELECT 1`` bound the way every sqlfirst query is, for the round-trip floor contest."""

from __future__ import annotations

from sqlfirst.binding import SqlFile
from sqlfirst.db import Executor

from .registry import BENCH_DIR

_sql = SqlFile("bench", "floor", root=BENCH_DIR / "sql")


@_sql.query("select_one")
async def select_one(conn: Executor) -> int:  # type: ignore[empty-body]
    """Always 1."""
