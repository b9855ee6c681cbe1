"""Tables a bench's write workloads change, put back as the dataset loaded them.

A workload that claims, touches, updates or deletes generated rows leaves them changed: the next run
would measure the dataset the previous runs made (a queue drained, every goal just checked, a
catalogue grown by a thousand inserts). A domain snapshots the tables its workloads change once the
load is done (its ``after_load``: :func:`snapshot_table`), and its ``cleanup`` gives them back
(:func:`restore_table`): the rows added go, the rows changed get their loaded values back, the rows
deleted come back.

A snapshot is a plain table in ``public`` (the bench database is the bench's own) keyed by the
table's primary key. Restoring runs with ``session_replication_role = replica``: no trigger stamps
``updated_at`` with the cleanup's time, counts a row twice or checks a foreign key against a table
not yet restored, so the rows become exactly what they were. A partial snapshot (``where``) covers
the rows the workloads can change in place (a queue's unsent deliveries); what they add the domain
removes itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlfirst.errors import ConfigurationError

__all__ = [
    "restore_schemas",
    "restore_table",
    "snapshot_name",
    "snapshot_schemas",
    "snapshot_table",
    "tables_of",
]


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def snapshot_name(table: str) -> str:
    """Where ``schema.table``'s snapshot is kept."""
    return "public." + _ident("sqlfirst_snapshot_" + table.replace(".", "_"))


@dataclass(frozen=True, slots=True)
class _Shape:
    key: list[str]
    """The primary key's columns."""
    columns: list[str]
    """Every stored column (generated ones are computed again)."""
    fixed: set[str]
    """Columns an UPDATE may not set (GENERATED ALWAYS AS IDENTITY)."""


async def _shape(conn: Any, table: str) -> _Shape:
    key = await conn.fetchval(
        "select array_agg(a.attname order by k.n) from pg_constraint as c"
        " cross join lateral unnest(c.conkey) with ordinality as k(attnum, n)"
        " join pg_attribute as a on a.attrelid = c.conrelid and a.attnum = k.attnum"
        " where c.conrelid = $1::regclass and c.contype = 'p'",
        table,
    )
    if not key:
        raise ConfigurationError(f"{table} has no primary key: the bench cannot snapshot it")
    rows = await conn.fetch(
        "select attname, attidentity from pg_attribute where attrelid = $1::regclass and attnum > 0"
        " and not attisdropped and attgenerated = '' order by attnum",
        table,
    )
    return _Shape(
        key=list(key),
        columns=[r["attname"] for r in rows],
        fixed={r["attname"] for r in rows if r["attidentity"] == "a"},
    )


async def tables_of(conn: Any, *schemas: str) -> list[str]:
    """The tables of ``schemas`` (a partitioned table once, not its partitions), by name."""
    rows = await conn.fetch(
        "select c.oid::regclass::text as name from pg_class as c"
        " where c.relnamespace = any($1::regnamespace[]) and c.relkind in ('r', 'p')"
        " and not c.relispartition order by 1",
        list(schemas),
    )
    return [r["name"] for r in rows]


async def snapshot_table(conn: Any, table: str, *, where: str = "true") -> None:
    """Copy ``table``'s rows (those matching ``where``) as they are now, replacing an earlier copy."""
    shape = await _shape(conn, table)
    snapshot = snapshot_name(table)
    columns = ", ".join(_ident(c) for c in shape.columns)
    await conn.execute(f"drop table if exists {snapshot}")
    # Written once, read once after the run: autovacuum has nothing to do there while queries are
    # timed (an insert-only table of millions of rows would draw it); the statistics come now.
    await conn.execute(
        f"create table {snapshot} with (autovacuum_enabled = false)"
        f" as select {columns} from {table} where {where}"
    )
    await conn.execute(f"alter table {snapshot} add primary key ({', '.join(map(_ident, shape.key))})")
    await conn.execute(f"analyze {snapshot}")


async def restore_table(conn: Any, table: str, *, partial: bool = False) -> int:
    """Give ``table`` back its snapshot's rows; how many rows were deleted, updated or inserted.

    ``partial`` (a snapshot taken with ``where``): only the rows it holds get their values back; no
    row is deleted or inserted. Nothing happens without a snapshot (a dataset loaded before the
    domain took one: the domain's ``BENCH.version`` reloads such a dataset).

    One join of the table with its snapshot finds the keys that differ (added, missing, changed);
    the writes then touch only those.
    """
    snapshot = snapshot_name(table)
    if await conn.fetchval("select to_regclass($1)", snapshot) is None:
        return 0
    shape = await _shape(conn, table)
    keys = [_ident(c) for c in shape.key]
    values = [_ident(c) for c in shape.columns if c not in shape.key and c not in shape.fixed]
    on = " and ".join(f"t.{k} = s.{k}" for k in keys)
    # Compared as text: every type has an output function, not every type an `=` on the search
    # path (pgvector's lives in core). Text may tell apart equal values (1.0, 1.00); those are
    # written back as they were, which changes nothing.
    changed = (
        f"row({', '.join('t.' + c for c in values)})::text"
        f" is distinct from row({', '.join('s.' + c for c in values)})::text"
        if values
        else "false"
    )
    first = keys[0]  # a key column is never null: null on one side means no row there
    diff = "sqlfirst_restore_diff"
    in_diff = " and ".join(f"d.{k} = x.{k}" for k in keys)
    touched = 0
    async with conn.transaction():
        await conn.execute("set local session_replication_role = replica")
        await conn.execute("set local work_mem = '256MB'")
        await conn.execute(f"drop table if exists pg_temp.{diff}")  # a caller's transaction may hold one
        await conn.execute(
            f"create temp table {diff} on commit drop as"
            f" select {', '.join(f'coalesce(t.{k}, s.{k}) as {k}' for k in keys)},"
            f" s.{first} is null as added, t.{first} is null as missing"
            f" from {table} as t {'join' if partial else 'full join'} {snapshot} as s on {on}"
            f" where s.{first} is null or t.{first} is null or {changed}"
        )
        if not partial:
            deleted = await conn.execute(
                f"delete from {table} as x using {diff} as d where d.added and {in_diff}"
            )
            touched += _count(deleted)
        if values:
            assignments = ", ".join(f"{c} = s.{c}" for c in values)
            updated = await conn.execute(
                f"update {table} as x set {assignments} from {snapshot} as s, {diff} as d"
                f" where not d.added and not d.missing and {in_diff}"
                f" and {' and '.join(f's.{k} = x.{k}' for k in keys)}"
            )
            touched += _count(updated)
        if not partial:
            columns = ", ".join(_ident(c) for c in shape.columns)
            inserted = await conn.execute(
                f"insert into {table} ({columns}) overriding system value"
                f" select {', '.join('x.' + _ident(c) for c in shape.columns)} from {snapshot} as x"
                f" join {diff} as d on {in_diff} where d.missing"
            )
            touched += _count(inserted)
    return touched


async def snapshot_schemas(conn: Any, *schemas: str) -> None:
    """Every table of ``schemas`` as it is now (a domain's ``after_load``)."""
    for table in await tables_of(conn, *schemas):
        await snapshot_table(conn, table)


async def restore_schemas(conn: Any, *schemas: str) -> int:
    """Every table of ``schemas`` back as snapshotted (a domain's ``cleanup``); the rows touched."""
    return sum([await restore_table(conn, table) for table in await tables_of(conn, *schemas)])


def _count(status: str) -> int:
    return int(status.split()[-1])
