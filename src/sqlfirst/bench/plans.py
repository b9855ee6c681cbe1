"""Plan checks with EXPLAIN: no sequential scan on a big table, partition pruning, and what the
plan reads per row it returns.

The rules are generic (they read the plan and the catalog, nothing domain-specific):

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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class PlanReport:
    problems: list[str]
    seq_scans: list[str] = field(default_factory=list)
    indexes: list[str] = field(default_factory=list)
    partitions: dict[str, dict[str, int]] = field(default_factory=dict)
    costs: list[PlanCost] = field(default_factory=list)
    """EXPLAIN (ANALYZE, BUFFERS) of several draws, custom and generic plans."""

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
            "costs": {
                mode: max((c for c in self.costs if c.mode == mode), key=lambda c: c.blocks_per_row).as_json()
                for mode in PLAN_MODES
                if any(c.mode == mode for c in self.costs)
            },
        }


def plan_nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every node of an EXPLAIN (FORMAT JSON) plan, ``node`` first, depth first."""
    yield node
    for child in node.get("Plans", ()):
        yield from plan_nodes(child)


def _runnable(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The nodes of a plan that can run: not what sits under a one-time filter the planner folded to
    ``false`` (the branch of a query for another case of its parameters)."""
    yield node
    if node.get("One-Time Filter") == "false":
        return
    for child in node.get("Plans", ()):
        yield from _runnable(child)


async def explain(conn: Any, sql: str, args: Sequence[Any]) -> dict[str, Any]:
    """The JSON plan of ``sql`` for these arguments (EXPLAIN without ANALYZE: nothing is executed)."""
    raw = await conn.fetchval(f"explain (format json, verbose) {sql}", *args)
    return _plan_of(raw)


def _plan_of(raw: Any) -> dict[str, Any]:
    """The top plan node of ``EXPLAIN (FORMAT JSON)`` output (decoded already, or JSON text)."""
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
    for node in _runnable(plan):
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


# -- what a plan costs when it runs: EXPLAIN (ANALYZE, BUFFERS), custom and generic -----------------

PLAN_MODES = ("custom", "generic")
_REMOVED_KEYS = ("Rows Removed by Filter", "Rows Removed by Index Recheck", "Rows Removed by Join Filter")
_statement_serial = 0


@dataclass(frozen=True, slots=True)
class PlanCost:
    """One executed plan: rows returned, rows read and thrown away, buffers touched.

    ``rows``: rows the statement returns (for a write without RETURNING, the rows it writes);
    ``removed``: rows every node read and discarded (filter, index recheck, join filter), loops
    included, except sequential scans of tables small enough for the seq-scan rule to allow;
    ``blocks``: shared buffers hit or read by the whole plan (for a write, by the scans that find
    its rows: the pages it writes are the price of every row written, whatever the plan). The
    ratios per row returned do not depend on the machine or the cache, only on the plan and the data.
    """

    mode: str
    rows: int
    removed: int
    blocks: int
    nodes: tuple[str, ...] = ()

    @property
    def removed_per_row(self) -> float:
        return self.removed / max(1, self.rows)

    @property
    def blocks_per_row(self) -> float:
        return self.blocks / max(1, self.rows)

    def as_json(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "rows": self.rows,
            "removed": self.removed,
            "blocks": self.blocks,
            "removed_per_row": round(self.removed_per_row, 2),
            "blocks_per_row": round(self.blocks_per_row, 2),
            "nodes": list(self.nodes),
        }


async def small_tables(conn: Any, plan: dict[str, Any], seq_scan_rows: int) -> set[str]:
    """Relations the plan scans sequentially that hold at most ``seq_scan_rows`` rows (a tiny table
    scanned whole is the right plan, and the seq-scan rule already allows it)."""
    small = set()
    for node in plan_nodes(plan):
        relation = node.get("Relation Name")
        if node.get("Node Type") == "Seq Scan" and relation:
            schema = node.get("Schema", "public")
            if await _reltuples(conn, schema, relation) <= seq_scan_rows:
                small.add(str(relation))
    return small


def plan_cost(mode: str, plan: dict[str, Any], *, small: set[str] | frozenset[str] = frozenset()) -> PlanCost:
    rows = int(plan.get("Actual Rows", 0) * plan.get("Actual Loops", 1))
    if plan.get("Node Type") == "ModifyTable" and rows == 0 and plan.get("Plans"):
        child = plan["Plans"][0]
        rows = int(child.get("Actual Rows", 0) * child.get("Actual Loops", 1))
    removed = 0
    nodes = []
    for node in plan_nodes(plan):
        loops = node.get("Actual Loops", 1) or 0
        if not (node.get("Node Type") == "Seq Scan" and node.get("Relation Name") in small):
            removed += int(sum(node.get(key, 0) for key in _REMOVED_KEYS) * loops)
        label = str(node.get("Node Type"))
        if node.get("Index Name"):
            label += f" {node['Index Name']}"
        elif node.get("Relation Name"):
            label += f" {node['Relation Name']}"
        nodes.append(label)
    return PlanCost(mode, rows, removed, _read_blocks(plan), tuple(nodes))


def _read_blocks(plan: dict[str, Any]) -> int:
    """The blocks the statement touches, less the pages its writes touch.

    A write (a ModifyTable node, at the top or in a ``with … as (update …)``) is gated on what it
    reads to find its rows, not on the heap and index pages it writes, which every row written costs
    whatever the plan. A node's buffers include those of everything that ran inside it; a node's
    ``Plans`` also lists its InitPlans and SubPlans (a CTE among them), which run inside the sibling
    that first needs them, so only the plain children are a ModifyTable's own reads and the rest of
    its buffers are its writes (never less than none: overlaps make that estimate small, the safe
    side). A data-modifying CTE that no CTE Scan reads to its end runs on after the top node, outside
    its buffers: its blocks are added to the total (counted twice where it was partly read, again the
    safe side). Writes of different ModifyTable nodes never overlap, so the result is never negative.
    """
    writes = [node for node in plan_nodes(plan) if node.get("Node Type") == "ModifyTable"]
    total = _blocks(plan)
    for node in writes:
        if node is not plan and not _read_to_its_end(plan, node):
            total += _blocks(node)
    written = 0
    for node in writes:
        reads = sum(_blocks(child) for child in node.get("Plans", ()) if not _is_subplan(child))
        written += max(0, _blocks(node) - reads)
    return total - written


def _is_subplan(node: dict[str, Any]) -> bool:
    return node.get("Parent Relationship") in ("InitPlan", "SubPlan")


def _read_to_its_end(plan: dict[str, Any], write: dict[str, Any]) -> bool:
    """Whether a CTE Scan of ``write``'s CTE (``with name as (update …)``) ran and read all its rows."""
    name = str(write.get("Subplan Name", "")).removeprefix("CTE ")
    rows = write.get("Actual Rows", 0)
    return any(
        node.get("Node Type") == "CTE Scan"
        and node.get("CTE Name") == name
        and node.get("Actual Loops", 0) > 0
        and node.get("Actual Rows", 0) >= rows
        for node in plan_nodes(plan)
    )


def _blocks(node: dict[str, Any]) -> int:
    return int(node.get("Shared Hit Blocks", 0) + node.get("Shared Read Blocks", 0))


async def explain_analyze(conn: Any, sql: str, args: Sequence[Any], *, mode: str) -> dict[str, Any]:
    """Run ``sql`` once under ``EXPLAIN (ANALYZE, BUFFERS)`` with ``plan_cache_mode`` forcing the
    ``custom`` plan (planned for these values) or the ``generic`` one (what a prepared statement
    switches to after five calls, planned without the values), inside a transaction rolled back
    afterwards: writes leave nothing behind."""
    global _statement_serial
    _statement_serial += 1
    name = f"sqlfirst_bench_plan_{_statement_serial}"
    setting = "force_generic_plan" if mode == "generic" else "force_custom_plan"
    params = f"({', '.join(await _literals(conn, sql, args))})" if args else ""
    transaction = conn.transaction()
    await transaction.start()
    try:
        await conn.execute(f"set local plan_cache_mode = {setting}")
        await conn.execute(f"prepare {name} as {sql}")
        raw = await conn.fetchval(f"explain (analyze, buffers, format json) execute {name}{params}")
    finally:
        await transaction.rollback()
        await conn.execute(f"deallocate {name}")
    return _plan_of(raw)


async def _literals(conn: Any, sql: str, args: Sequence[Any]) -> list[str]:
    """``args`` as typed SQL literals (``'…'::uuid``): ``EXECUTE`` inside ``EXPLAIN`` takes no bind
    parameters. The server renders each value, through the same codecs a query call uses."""
    statement = await conn.prepare(sql)
    literals = []
    for parameter, value in zip(statement.get_parameters(), args, strict=True):
        typ = await conn.fetchval("select format_type($1::oid, null)", parameter.oid)
        literal = await conn.fetchval(f"select quote_nullable(($1::{typ})::text)", value)
        literals.append(f"{literal}::{typ}")
    return literals


def cost_problems(
    costs: Sequence[PlanCost],
    *,
    max_removed_per_row: float,
    max_blocks_per_row: float,
    slack_rows: int = 1000,
    slack_blocks: int = 64,
) -> list[str]:
    """The worst draw of each plan mode against the per-row gates.

    A draw fails when it discards more than ``slack_rows + max_removed_per_row × rows`` rows or
    touches more than ``slack_blocks + max_blocks_per_row × rows`` blocks. The slack is a constant
    that does not grow with the data: an index descent, the index entries a single-row write
    maintains, a tiny lookup table scanned whole. Whatever grows with the table fails.
    """
    problems = []
    for mode in PLAN_MODES:
        of_mode = [c for c in costs if c.mode == mode]
        if not of_mode:
            continue
        removed = _over_gate(of_mode, lambda c: c.removed, max_removed_per_row, slack_rows)
        if removed is not None:
            problems.append(
                f"{mode} plan discards {removed.removed:,} rows for {removed.rows:,} returned "
                f"({removed.removed_per_row:.0f} per row > {max_removed_per_row:g} + {slack_rows:,}); "
                "read in index order, or plan_exception = '<reason>'"
            )
        blocks = _over_gate(of_mode, lambda c: c.blocks, max_blocks_per_row, slack_blocks)
        if blocks is not None:
            problems.append(
                f"{mode} plan touches {blocks.blocks:,} blocks for {blocks.rows:,} rows "
                f"({blocks.blocks_per_row:.0f} per row > {max_blocks_per_row:g} + {slack_blocks}); "
                "read in index order and stop at the limit, or plan_exception = '<reason>'"
            )
    return problems


def _over_gate(
    costs: Sequence[PlanCost], amount: Callable[[PlanCost], int], per_row: float, slack: int
) -> PlanCost | None:
    """The draw furthest over ``slack + per_row × rows`` of ``amount``, when one is over it."""
    worst = max(costs, key=lambda c: amount(c) - per_row * c.rows)
    return worst if amount(worst) > slack + per_row * worst.rows else None
