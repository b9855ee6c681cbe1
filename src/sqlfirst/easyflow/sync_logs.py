"""queue:sync_orders as a table: sync workers claim due integrations and report their results.

A worker calls :func:`claim_due` in a transaction of its own: up to ``limit`` connected integrations
whose ``next_sync_at`` has come are locked with ``FOR UPDATE SKIP LOCKED`` (so N workers never get
the same one), stamped ``sync_claimed_at`` and given a running ``sync_logs`` row each. When the sync is
done, :func:`finish` records counts, errors and status; the database stamps ``last_sync_at`` (so
``next_sync_at`` moves on), frees the claim and sets the integration's status (``error`` after a
failed sync). A claimed integration is not claimed again until its sync finishes; :func:`fail_abandoned`
closes the logs of workers that vanished and frees their integrations for the next claim.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from pydantic import AwareDatetime, JsonValue, TypeAdapter

from sqlfirst.arguments import member
from sqlfirst.binding import SqlFile
from sqlfirst.db import Executor

from .models import SyncClaim, SyncLog, SyncResult, SyncStatus, SyncType, page_size

__all__ = ["claim_due", "fail_abandoned", "finish", "get", "history"]

_sql = SqlFile("easyflow", "sync_logs")
_instant: TypeAdapter[datetime] = TypeAdapter(AwareDatetime)


@_sql.query("claim_due_integrations")
async def _claim(conn: Executor, *, sync_type: SyncType, lim: int) -> list[SyncClaim]: ...


async def claim_due(
    conn: Executor,
    *,
    sync_type: SyncType | str = SyncType.ORDERS,
    limit: int = 10,
) -> list[SyncClaim]:
    """Claim up to ``limit`` due integrations (oldest due first) and open a running sync log for each.

    Run it in its own short transaction: the claim is durable once committed, and the row locks
    (which make concurrent workers skip each other's picks) last only that long.
    """
    return await _claim(
        conn, sync_type=member("claim_due", "sync_type", sync_type, SyncType), lim=page_size(limit)
    )


@_sql.query("finish_sync")
async def _finish(
    conn: Executor,
    *,
    id: UUID,
    status: SyncStatus,
    records_requested: int | None,
    records_synced: int,
    records_failed: int,
    errors: list[JsonValue],
    error_message: str | None,
) -> SyncLog | None: ...


async def finish(
    conn: Executor,
    *,
    sync_log_id: UUID,
    status: SyncStatus | str,
    records_requested: int | None = None,
    records_synced: int = 0,
    records_failed: int = 0,
    errors: list[JsonValue] | None = None,
    error_message: str | None = None,
) -> SyncLog | None:
    """Record a claimed sync's results; None when the log is unknown or no longer running.

    ``status`` is success, partial or failed (``ValidationError`` for running or a negative count,
    before the database).
    """
    result = SyncResult.model_validate(
        {
            "status": status,
            "records_requested": records_requested,
            "records_synced": records_synced,
            "records_failed": records_failed,
            "errors": errors if errors is not None else [],
            "error_message": error_message,
        }
    )
    return await _finish(conn, id=sync_log_id, **result.model_dump())


@_sql.query("get_sync_log")
async def get(conn: Executor, *, id: UUID) -> SyncLog | None:
    """The sync log with this id, or None."""


@_sql.query("list_sync_logs")
async def _history(
    conn: Executor, *, integration_id: UUID, since: datetime, until: datetime, lim: int
) -> list[SyncLog]: ...


async def history(
    conn: Executor, *, integration_id: UUID, since: datetime, until: datetime, limit: int = 100
) -> list[SyncLog]:
    """The integration's syncs started in ``[since, until)``, newest first."""
    return await _history(
        conn,
        integration_id=integration_id,
        since=_instant.validate_python(since),
        until=_instant.validate_python(until),
        lim=page_size(limit),
    )


@_sql.query("fail_abandoned_syncs")
async def _fail_abandoned(conn: Executor, *, older_than: timedelta) -> int: ...


async def fail_abandoned(conn: Executor, *, older_than: timedelta = timedelta(hours=1)) -> int:
    """Mark syncs running for longer than ``older_than`` failed and free their integrations; how many."""
    return await _fail_abandoned(conn, older_than=older_than)
