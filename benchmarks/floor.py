"""``SELECT 1`` bound the way every sqlfirst query is, for the round-trip floor contest."""

from __future__ import annotations

from pathlib import Path

from sqlfirst.binding import SqlFile
from sqlfirst.db import Executor

_sql = SqlFile("bench", "floor", root=Path(__file__).resolve().parent / "sql")


@_sql.query("select_one")
async def select_one(conn: Executor) -> int:  # type: ignore[empty-body]
    """Always 1."""
