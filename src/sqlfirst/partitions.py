"""Partition maintenance for RANGE-partitioned tables (pg_partman's guarantees, without the extension).

The work happens in SQL functions of the ``core`` schema (migration ``0002_core_partitions``), so a
scheduler can call them from psql too; this module gives them typed results.

A domain puts a table under maintenance in its migration::

    select core.register_partitioned_table('deals.price_tracking', 'tracked_at');

``core.register_partitioned_table(parent regclass, control_column text, premake int default 3,
retention interval default null, retention_mode text default 'detach')`` creates the DEFAULT
partition, the current period and ``premake`` periods ahead (monthly, named ``<table>_p2026_11``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel

from sqlfirst.db import Connection, transaction_on
from sqlfirst.errors import DRIVER_ERRORS, from_driver

__all__ = ["MaintenanceAction", "Partition", "PartitionedTable", "maintain", "status"]


class MaintenanceAction(BaseModel):
    """One thing :func:`maintain` did."""

    parent_table: str
    action: Literal["created default", "created", "moved", "detached", "dropped", "missing"]
    partition_name: str | None
    row_count: int | None
    """Rows moved out of the default partition (``moved`` only)."""


class Partition(BaseModel):
    name: str
    is_default: bool
    lower_bound: datetime | None
    """Inclusive lower bound, UTC (None for the default partition)."""
    upper_bound: datetime | None
    row_count: int


class PartitionedTable(BaseModel):
    parent_table: str
    control_column: str
    partition_interval: str
    premake: int
    retention: str | None
    retention_mode: Literal["detach", "drop"]
    partitions: list[Partition]

    @property
    def rows_in_default(self) -> int:
        """Rows no partition range holds yet (``maintain`` moves them when it can)."""
        return sum(p.row_count for p in self.partitions if p.is_default)


async def maintain(conn: Connection, *, parent: str | None = None) -> list[MaintenanceAction]:
    """Run maintenance on every registered table (or only ``parent``) in one transaction.

    Creates missing default and premade partitions, moves rows out of the default partition into
    partitions created for them, and applies retention. Running it again right away does nothing.
    """
    async with transaction_on(conn):
        try:
            rows = await conn.fetch(
                "select parent_table, action, partition_name, row_count"
                " from core.run_partition_maintenance($1::text::regclass)",
                parent,
            )
        except DRIVER_ERRORS as exc:
            raise from_driver(exc, conn) from exc
    return [MaintenanceAction.model_validate(dict(r)) for r in rows]


async def status(conn: Connection) -> list[PartitionedTable]:
    """Every registered table with its partitions, their UTC bounds and exact row counts."""
    try:
        tables = await conn.fetch(
            "select parent_table, control_column, partition_interval::text as partition_interval,"
            " premake, retention::text as retention, retention_mode"
            " from core.partitioned_tables order by parent_table"
        )
        partitions = await conn.fetch(
            "select parent_table, partition_name, is_default, lower_bound, upper_bound, row_count"
            " from core.partition_status()"
        )
    except DRIVER_ERRORS as exc:
        raise from_driver(exc, conn) from exc
    result = []
    for table in tables:
        mine = [
            Partition(
                name=p["partition_name"],
                is_default=p["is_default"],
                lower_bound=p["lower_bound"],
                upper_bound=p["upper_bound"],
                row_count=p["row_count"],
            )
            for p in partitions
            if p["parent_table"] == table["parent_table"]
        ]
        result.append(PartitionedTable.model_validate({**dict(table), "partitions": mine}))
    return result
