"""Platforms: shared reference data (the seed's four rows come with migration 0050)."""

from __future__ import annotations

from sqlfirst.binding import SqlFile
from sqlfirst.db import Executor

from .models import Platform

__all__ = ["get", "list_all"]

_sql = SqlFile("easyflow", "platforms")


@_sql.query("list_platforms")
async def _list(conn: Executor, *, active_only: bool) -> list[Platform]: ...


async def list_all(conn: Executor, *, active_only: bool = True) -> list[Platform]:
    """The platforms, by id; only active ones unless ``active_only=False``."""
    return await _list(conn, active_only=active_only)


@_sql.query("get_platform")
async def get(conn: Executor, *, id: str) -> Platform | None:
    """The platform with this id, or None."""
