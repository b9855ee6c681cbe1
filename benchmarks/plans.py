"""Plan checks with EXPLAIN: no sequential scan on a big table, and partition pruning.

Both rules are generic (they read the plan and the catalog, nothing domain-specific):

* a ``Seq Scan`` on a relation the planner believes holds more than ``seq_scan_rows`` rows
  (``pg_class.reltuples``; 10k by default) is a problem unless the query's budget entry says
  ``allow_seq_scan = "<reason>"``;
* when a plan touches a partitioned table and the query filters on that table's partition key
  (or its budget says ``prunes = true``), it must scan fewer partitions than the table has, and at
  most ``max_partitions`` when the budget gives one; ``prunes = false`` waives it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class PlanReport:
    problems: list[str]
    seq_scans: list[str] = field(default_factory=list)
    indexes: list[str] = field(default_factory=list)
    partitions: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "problems": self.problems,
            "seq_scans": self.seq_scans,
            "indexes": self.indexes,
            "partitions": self.partitions,
        }


def _nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", ()):
        yield from _nodes(child)


async def explain(conn: Any, sql: str, args: Sequence[Any]) -> dict[str, Any]:
    """The JSON plan of ``sql`` for these arguments (EXPLAIN without ANALYZE: nothing is executed)."""
    raw = await conn.fetchval(f"explain (format json, verbose) {sql}", *args)
    doc = raw if isinstance(raw, list) else json.loads(raw)
    plan: dict[str, Any] = doc[0]["Plan"]
    return plan


async def check_plan(
    conn: Any,
    sql: str,
    args: Sequence[Any],
    *,
    seq_scan_rows: int = 10_000,
    allow_seq_scan: str | None = None,
    prunes: bool | None = None,
    max_partitions: int | None = None,
) -> PlanReport:
    plan = await explain(conn, sql, args)
    problems: list[str] = []
    seq_scans: list[str] = []
    indexes: list[str] = []
    touched: list[tuple[str, str]] = []
    removed = 0
    for node in _nodes(plan):
        relation = node.get("Relation Name")
        schema = node.get("Schema", "public")
        if relation:
            touched.append((schema, relation))
        if node.get("Index Name"):
            indexes.append(str(node["Index Name"]))
        removed += int(node.get("Subplans Removed", 0))
        if node.get("Node Type") == "Seq Scan" and relation:
            rows = await _reltuples(conn, schema, relation)
            seq_scans.append(f"{schema}.{relation} (~{rows:,} rows)")
            if rows > seq_scan_rows and not allow_seq_scan:
                problems.append(
                    f"sequential scan on {schema}.{relation} (~{rows:,} rows > {seq_scan_rows:,}); "
                    "add an index or allow_seq_scan = '<reason>' in budgets.toml"
                )
    partitions = await _partition_use(conn, touched)
    for root, use in partitions.items():
        required = (
            prunes
            if prunes is not None
            else bool(use.key and re.search(rf"\b{re.escape(use.key)}\b", sql, re.IGNORECASE))
        )
        if not required:
            continue
        if use.total > 1 and use.scanned >= use.total and removed == 0:
            problems.append(f"no partition pruning on {root}: scans {use.scanned} of {use.total} partitions")
        if max_partitions is not None and use.scanned > max_partitions:
            problems.append(f"{root}: scans {use.scanned} partitions, budget allows {max_partitions}")
    return PlanReport(
        problems=problems,
        seq_scans=seq_scans,
        indexes=sorted(set(indexes)),
        partitions={root: {"scanned": u.scanned, "total": u.total} for root, u in partitions.items()},
    )


@dataclass(slots=True)
class _PartitionUse:
    total: int
    key: str
    scanned: int = 0


async def _reltuples(conn: Any, schema: str, relation: str) -> int:
    value = await conn.fetchval(
        "select c.reltuples from pg_class c join pg_namespace n on n.oid = c.relnamespace"
        " where n.nspname = $1 and c.relname = $2",
        schema,
        relation,
    )
    return max(0, int(value or 0))


async def _partition_use(conn: Any, touched: list[tuple[str, str]]) -> dict[str, _PartitionUse]:
    """For each partitioned table the plan reaches: partitions scanned, partitions in total."""
    if not touched:
        return {}
    rows = await conn.fetch(
        """
        select t.schema || '.' || t.relation as leaf,
               pg_partition_root(c.oid)::regclass::text as root
        from unnest($1::text[], $2::text[]) as t(schema, relation)
        join pg_namespace n on n.nspname = t.schema
        join pg_class c on c.relnamespace = n.oid and c.relname = t.relation
        where c.relispartition
        """,
        [s for s, _ in touched],
        [r for _, r in touched],
    )
    result: dict[str, _PartitionUse] = {}
    for row in rows:
        root = row["root"]
        if root not in result:
            total = await conn.fetchval(
                "select count(*) from pg_partition_tree($1::regclass) where isleaf", root
            )
            keydef = await conn.fetchval("select pg_get_partkeydef($1::regclass)", root)
            match = re.search(r"\(([^)]+)\)", keydef or "")
            key = match.group(1).split(",")[0].strip().strip('"') if match else ""
            result[root] = _PartitionUse(total=int(total), key=key)
        result[root].scanned += 1
    return result
