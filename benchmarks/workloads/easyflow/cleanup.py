"""What an easyflow run changes, put back after the contests: the dataset stays the one the generator made.

The generated history (messages, deliveries, syncs, metric buckets) ends before ``ANCHOR``, so what
starts later is the bench's and goes. The generated rows the workloads change in place (a user's
locale, an integration's settings and claims, a conversation's state and counters, the deliveries a
claim made sending) go back to their snapshot, taken once the load was done (:func:`after_load`).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlfirst.bench.restore import restore_table, snapshot_table

from .data import ANCHOR, FAR_PAST

__all__ = ["FINISH_RUNNING_SYNCS", "RESTORED", "after_load", "cleanup"]

FINISH_RUNNING_SYNCS = """
with finished as (
    update easyflow.sync_logs
    set status = 'success', completed_at = greatest(now(), started_at)
    where status = 'running'
    returning integration_id, completed_at
)
update easyflow.integrations as i
set last_sync_at = finished.completed_at, sync_claimed_at = null
from finished
where i.id = finished.integration_id
"""
"""A worker reports its running syncs: a claim's prepare runs it, so claims do not pile up."""

RESTORED = (
    "easyflow.users",
    "easyflow.integrations",
    "easyflow.integration_ids",  # kept by a trigger on integrations, which a restore does not fire
    "easyflow.conversations",
    "easyflow.conversation_sessions",  # kept by a trigger on conversations, which a restore does not fire
)
"""Given back whole, as loaded."""

QUEUE = "easyflow.outbound_messages"
QUEUE_ROWS = "status <> 'sent'"
"""The deliveries a workload can change in place (a sent one stays sent); those it adds go by ANCHOR."""


async def after_load(conn: Any) -> None:
    """Triggers back on; the rows the workloads can change, as loaded."""
    await conn.execute("set session_replication_role = origin")
    for table in RESTORED:
        await snapshot_table(conn, table)
    await snapshot_table(conn, QUEUE, where=QUEUE_ROWS)


async def cleanup(conn: Any) -> None:
    """Remove what the write workloads added and put back what they changed."""
    # Deleted as any delete is (with their integrations, conversations, messages): a restore does
    # not cascade.
    await conn.execute("delete from easyflow.users where email like '%@bench.example.com'")
    await conn.execute("delete from easyflow.conversations where session_id like 'bench-%'")
    # The generated sync history ends before ANCHOR; what started later is the bench's.
    await conn.execute("delete from easyflow.sync_logs where started_at >= $1", ANCHOR)
    # So do the generated messages and deliveries: later ones were queued, appended or made sending
    # by the workloads (deleting a message takes its dedupe key and its count on the conversation).
    await conn.execute("delete from easyflow.outbound_messages where created_at >= $1", ANCHOR)
    await conn.execute("delete from easyflow.messages where created_at >= $1", ANCHOR)
    # Dedupe keys of FAR_PAST's day are the purge's: a plan draw's prepare made them and its explained
    # delete was rolled back (each run left 6,000 more for the next to walk).
    await conn.execute(
        "delete from easyflow.message_platform_ids where message_created_at < $1",
        FAR_PAST + timedelta(days=1),
    )
    # The generated metric buckets end at ANCHOR too; the increments' buckets are of the hour they ran.
    await conn.execute("delete from easyflow.platform_metrics where period_start >= $1", ANCHOR)
    await conn.execute("delete from easyflow.platform_totals where period_start >= $1", ANCHOR)
    for table in RESTORED:
        await restore_table(conn, table)
    await restore_table(conn, QUEUE, partial=True)
