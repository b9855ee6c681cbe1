"""What a deals run changes, put back after the contests: the dataset stays the one the generator made.

The workloads change nearly every deals table in place (goals checked and re-termed, deals
re-priced, notifications read, tokens spent, agents and markets re-configured) besides adding rows:
each table is snapshotted once the load is done and given back whole (sqlfirst.bench.restore).
"""

from __future__ import annotations

from typing import Any

from sqlfirst.bench.restore import restore_schemas, snapshot_schemas

__all__ = ["cleanup", "snapshot"]


async def snapshot(conn: Any) -> None:
    """Every deals table as loaded (run by ``after_load``)."""
    await snapshot_schemas(conn, "deals")


async def cleanup(conn: Any) -> None:
    """Every deals table back as loaded: the rows the workloads added go, the ones they changed or
    deleted come back."""
    await restore_schemas(conn, "deals")
