"""``sqlfirst db health``: what in the database needs care, in one report a cron job can act on.

Every check reads the catalog and the statistics views; nothing is changed. A :class:`Finding` is
either ``action`` (someone should do something: the command exits non-zero) or ``info``:

* ``unused_index``: a non-constraint index never scanned since the last statistics reset, on a
  table that has been read enough (``min_table_scans``) for that to mean something; with its size.
* ``dead_tuples``: a table whose dead tuples exceed ``dead_ratio`` of its live ones (and
  ``min_dead_tuples``): vacuum is behind; with the last (auto)vacuum and (auto)analyze.
* ``default_partition_rows``: rows waiting in a DEFAULT partition (``sqlfirst partitions maintain``
  moves them); ``missing_partition``: the current or a premade future range has no partition.
* ``long_transaction``: a session idle in transaction, or a transaction open, for longer than
  ``transaction_threshold_s``.
* ``connections``: connections by state against ``max_connections`` (action over ``connections_ratio``).
* ``replication_lag``: a streaming replica replaying more than ``replica_lag_s`` behind.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Literal

import asyncpg
from pydantic import TypeAdapter

from sqlfirst import arguments
from sqlfirst.arguments import invalid_argument, is_seconds
from sqlfirst.db import Connection
from sqlfirst.errors import DatabaseError, translate

__all__ = ["Finding", "HealthReport", "Thresholds", "check_health"]

_SYSTEM_SCHEMAS = ("pg_catalog", "information_schema", "pg_toast")
_schemas: TypeAdapter[list[str]] = TypeAdapter(list[str])


@dataclass(frozen=True, slots=True)
class Thresholds:
    min_table_scans: int = 50
    """An index counts as unused only on a table scanned at least this often since the reset."""
    dead_ratio: float = 0.2
    min_dead_tuples: int = 1000
    transaction_threshold_s: float = 300.0
    connections_ratio: float = 0.8
    replica_lag_s: float = 30.0

    def __post_init__(self) -> None:
        # Checked, and kept as Python's int and float (numpy's pass, as the driver would not take them).
        for name in ("min_table_scans", "min_dead_tuples"):
            object.__setattr__(self, name, arguments.count("Thresholds", name, getattr(self, name)))
        for name in ("dead_ratio", "transaction_threshold_s", "connections_ratio", "replica_lag_s"):
            value = getattr(self, name)
            if not is_seconds(value, zero=True):
                raise invalid_argument("Thresholds", name, "a number of 0 or more", value)
            object.__setattr__(self, name, float(value))


@dataclass(frozen=True, slots=True)
class Finding:
    check: str
    severity: Literal["action", "info"]
    object: str
    detail: str


@dataclass(slots=True)
class HealthReport:
    findings: list[Finding] = field(default_factory=list)
    checked_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def ok(self) -> bool:
        """True when nothing needs action."""
        return not any(f.severity == "action" for f in self.findings)

    def as_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "checked_at": self.checked_at.isoformat(),
            "findings": [asdict(f) for f in self.findings],
        }


async def check_health(
    conn: Connection, *, schemas: list[str] | None = None, thresholds: Thresholds | None = None
) -> HealthReport:
    """Run every check on the database behind ``conn`` (``schemas``: all user schemas by default)."""
    if thresholds is not None and not isinstance(thresholds, Thresholds):
        raise invalid_argument("check_health", "thresholds", "a sqlfirst.health.Thresholds", thresholds)
    if schemas is not None:
        schemas = arguments.listed("check_health", "schemas", schemas, _schemas)
    limits = thresholds or Thresholds()
    report = HealthReport()
    try:
        if schemas is None:
            schemas = [
                r["nspname"]
                for r in await conn.fetch(
                    "select nspname from pg_namespace where nspname <> all($1::text[])"
                    " and nspname not like 'pg\\_%' order by nspname",
                    list(_SYSTEM_SCHEMAS),
                )
            ]
        report.findings += await _unused_indexes(conn, schemas, limits)
        report.findings += await _dead_tuples(conn, schemas, limits)
        report.findings += await _partitions(conn)
        report.findings += await _transactions(conn, limits)
        report.findings += await _connections(conn, limits)
        report.findings += await _replication(conn, limits)
    except asyncpg.PostgresError as exc:
        raise translate(exc) from exc
    except (asyncpg.InterfaceError, OSError) as exc:
        raise DatabaseError(f"health check failed: {exc}") from exc
    return report


async def _unused_indexes(conn: Connection, schemas: list[str], limits: Thresholds) -> list[Finding]:
    rows = await conn.fetch(
        """
        select s.schemaname || '.' || s.indexrelname as index, s.schemaname || '.' || s.relname as table,
               pg_size_pretty(pg_relation_size(s.indexrelid)) as size,
               t.seq_scan + coalesce(t.idx_scan, 0) as scans
        from pg_stat_user_indexes s
        join pg_stat_user_tables t on t.relid = s.relid
        join pg_index i on i.indexrelid = s.indexrelid
        where s.schemaname = any($1::text[])
          and s.idx_scan = 0
          and not i.indisunique
          and not exists (select 1 from pg_constraint c where c.conindid = s.indexrelid)
          and t.seq_scan + coalesce(t.idx_scan, 0) >= $2
        order by pg_relation_size(s.indexrelid) desc, 1
        """,
        schemas,
        limits.min_table_scans,
    )
    return [
        Finding(
            "unused_index",
            "action",
            r["index"],
            f"never scanned while {r['table']} was read {r['scans']} times; {r['size']}",
        )
        for r in rows
    ]


async def _dead_tuples(conn: Connection, schemas: list[str], limits: Thresholds) -> list[Finding]:
    rows = await conn.fetch(
        """
        select schemaname || '.' || relname as table, n_live_tup, n_dead_tup,
               greatest(last_vacuum, last_autovacuum) as vacuumed,
               greatest(last_analyze, last_autoanalyze) as analyzed
        from pg_stat_user_tables
        where schemaname = any($1::text[])
          and n_dead_tup >= $2
          and n_dead_tup > $3 * greatest(n_live_tup, 1)
        order by n_dead_tup desc
        """,
        schemas,
        limits.min_dead_tuples,
        limits.dead_ratio,
    )
    return [
        Finding(
            "dead_tuples",
            "action",
            r["table"],
            f"{r['n_dead_tup']} dead tuples for {r['n_live_tup']} live "
            f"(~{r['n_dead_tup'] / max(r['n_live_tup'] + r['n_dead_tup'], 1):.0%} of the table is bloat); "
            f"last vacuum {_when(r['vacuumed'])}, last analyze {_when(r['analyzed'])}",
        )
        for r in rows
    ]


def _when(moment: datetime | None) -> str:
    return "never" if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


async def _partitions(conn: Connection) -> list[Finding]:
    if await conn.fetchval("select to_regclass('core.partitioned_tables')") is None:
        return []
    from sqlfirst.partitions import status

    found: list[Finding] = []
    now = await conn.fetchval("select now()")
    for table in await status(conn):
        if table.rows_in_default:
            found.append(
                Finding(
                    "default_partition_rows",
                    "action",
                    table.parent_table,
                    f"{table.rows_in_default} rows in the DEFAULT partition: "
                    "run `sqlfirst partitions maintain`",
                )
            )
        ranges = [(p.lower_bound, p.upper_bound) for p in table.partitions if not p.is_default]
        for k in range(table.premake + 1):
            moment = await conn.fetchval(
                "select $1::timestamptz + $2::text::interval * $3", now, table.partition_interval, k
            )
            naive = moment.astimezone(UTC).replace(tzinfo=None)
            if not any(lo is not None and hi is not None and lo <= naive < hi for lo, hi in ranges):
                found.append(
                    Finding(
                        "missing_partition",
                        "action",
                        table.parent_table,
                        f"no partition holds {naive:%Y-%m-%d} (current + {k} of {table.premake} premade): "
                        "run `sqlfirst partitions maintain`",
                    )
                )
                break
    return found


async def _transactions(conn: Connection, limits: Thresholds) -> list[Finding]:
    rows = await conn.fetch(
        """
        select pid, usename, application_name, state, extract(epoch from now() - xact_start) as open_s
        from pg_stat_activity
        where datname = current_database()
          and pid <> pg_backend_pid()
          and xact_start is not null
          and state in ('idle in transaction', 'idle in transaction (aborted)', 'active')
          and now() - xact_start > make_interval(secs => $1)
        order by xact_start
        """,
        limits.transaction_threshold_s,
    )
    return [
        Finding(
            "long_transaction",
            "action",
            f"pid {r['pid']}",
            f"{r['state']} for {float(r['open_s']):.0f} s (user {r['usename']}, "
            f"application {r['application_name'] or '-'}); it holds back vacuum and may hold locks",
        )
        for r in rows
    ]


async def _connections(conn: Connection, limits: Thresholds) -> list[Finding]:
    limit = int(await conn.fetchval("select current_setting('max_connections')::int"))
    rows = await conn.fetch(
        "select coalesce(state, 'background') as state, count(*) as n"
        " from pg_stat_activity group by 1 order by 1"
    )
    total = sum(r["n"] for r in rows if r["state"] != "background")
    by_state = ", ".join(f"{r['state']} {r['n']}" for r in rows)
    severity: Literal["action", "info"] = "action" if total > limits.connections_ratio * limit else "info"
    return [Finding("connections", severity, "server", f"{total} of max_connections {limit} ({by_state})")]


async def _replication(conn: Connection, limits: Thresholds) -> list[Finding]:
    rows = await conn.fetch(
        """
        select application_name, client_addr::text as addr, state,
               extract(epoch from coalesce(replay_lag, interval '0')) as lag_s
        from pg_stat_replication
        order by application_name
        """
    )
    found = []
    for r in rows:
        lag = float(r["lag_s"])
        severity: Literal["action", "info"] = "action" if lag > limits.replica_lag_s else "info"
        name = r["application_name"] or r["addr"] or "replica"
        found.append(Finding("replication_lag", severity, name, f"{r['state']}, replay {lag:.1f} s behind"))
    return found
