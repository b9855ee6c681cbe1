"""``sqlfirst db stats``: the top statements from ``pg_stat_statements``, mapped to their named queries.

PostgreSQL records a statement under the text it was prepared with, and a typed function prepares
exactly its query's SQL (``:name`` already rewritten to ``$n``), so a statement maps back to
``sql/<domain>/<entity>.sql:line`` by its text. The extension needs
``shared_preload_libraries = 'pg_stat_statements'`` (a server restart) and
``create extension pg_stat_statements``; where it is missing, :func:`top_statements` raises
:class:`StatisticsUnavailable` saying how to enable it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import asyncpg

from sqlfirst.binding import Declaration
from sqlfirst.db import Connection
from sqlfirst.errors import ConfigurationError, translate

__all__ = ["StatementStat", "StatisticsUnavailable", "named_locations", "top_statements"]

HOW_TO_ENABLE = (
    "pg_stat_statements is not enabled on this server: add pg_stat_statements to shared_preload_libraries "
    "(postgresql.conf or `alter system set shared_preload_libraries = 'pg_stat_statements'`), restart the "
    "server, then run `create extension pg_stat_statements` in this database. The embedded PostgreSQL "
    "(pgserver) does not ship the extension."
)


class StatisticsUnavailable(ConfigurationError):
    """``pg_stat_statements`` is not installed or not loaded on this server."""


@dataclass(frozen=True, slots=True)
class StatementStat:
    query: str
    """The named query (``deals.get_user_by_email``), or the statement's first line when unknown."""
    location: str | None
    """``sql/<domain>/<entity>.sql:line`` of the named query, or None for other statements."""
    calls: int
    total_ms: float
    mean_ms: float
    rows: int


def _normalized(sql: str) -> str:
    return re.sub(r"\s+", " ", sql).strip().rstrip(";").strip().lower()


def named_locations(declarations: Mapping[tuple[str, str, str], Declaration]) -> dict[str, tuple[str, str]]:
    """Normalized SQL text -> (query name, ``sql/<domain>/<entity>.sql:line``) for every declaration."""
    return {
        _normalized(d.query.sql): (
            f"{d.domain}.{d.query.name}",
            f"sql/{d.domain}/{d.entity}.sql:{d.query.line}",
        )
        for d in declarations.values()
    }


async def top_statements(
    conn: Connection,
    declarations: Mapping[tuple[str, str, str], Declaration],
    *,
    order: Literal["total", "mean"] = "total",
    limit: int = 20,
) -> list[StatementStat]:
    """The ``limit`` statements of this database with the most total (or mean) execution time."""
    try:
        installed = await conn.fetchval(
            "select to_regclass('pg_stat_statements') is not null"
            " and current_setting('shared_preload_libraries') ~ 'pg_stat_statements'"
        )
        if not installed:
            raise StatisticsUnavailable(HOW_TO_ENABLE)
        column = "total_exec_time" if order == "total" else "mean_exec_time"
        rows = await conn.fetch(
            f"""
            select query, calls, total_exec_time, mean_exec_time, rows
            from pg_stat_statements
            where dbid = (select oid from pg_database where datname = current_database())
            order by {column} desc
            limit $1
            """,
            limit,
        )
    except asyncpg.PostgresError as exc:
        raise translate(exc) from exc
    known = named_locations(declarations)
    found = []
    for r in rows:
        name, location = known.get(_normalized(r["query"]), (r["query"].strip().splitlines()[0][:80], None))
        found.append(
            StatementStat(
                name, location, r["calls"], float(r["total_exec_time"]), float(r["mean_exec_time"]), r["rows"]
            )
        )
    return found
