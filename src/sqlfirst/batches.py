"""Maintenance statements in bounded batches.

A statement that expires or deletes every row past a date touches as many rows as have piled up: at
scale tens of thousands in one statement, locked until it commits, and a generic plan that cannot
tell how many will match reads the whole table. A batched statement instead takes at most ``lim``
rows in index order (oldest first), locking them as the write itself would (``FOR NO KEY UPDATE`` for
an update, ``FOR UPDATE`` for a delete) and skipping rows another writer holds (``SKIP LOCKED``),
and :func:`drain` runs it until a call does fewer than a batch. Outside a transaction each batch
commits on its own: an interrupted run leaves whole batches done, and running it again does the rest;
inside one, the batches commit together. Two runs at once share the rows between them. A row another
transaction holds is skipped, so a run can end with it still due: the next run takes it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from sqlfirst.arguments import aware_instant, invalid_argument

__all__ = ["MAINTENANCE_BATCH", "MAX_BATCH", "drain", "drain_before"]

MAINTENANCE_BATCH = 1000
"""Rows a maintenance statement takes per batch unless the caller says otherwise."""
MAX_BATCH = 10_000


async def drain(function: str, step: Callable[[int], Awaitable[int]], batch: int) -> int:
    """Call ``step(batch)`` until it does fewer than ``batch`` rows; the rows done in all.

    ``batch`` outside 1..:data:`MAX_BATCH` (or not an int) raises ``ValidationError`` naming
    ``function``'s ``batch`` argument, before anything runs.
    """
    if type(batch) is not int or not 1 <= batch <= MAX_BATCH:
        raise invalid_argument(function, "batch", f"a batch is an int from 1 to {MAX_BATCH}", batch)
    total = 0
    while True:
        done = await step(batch)
        total += done
        if done < batch:
            return total


async def drain_before(
    function: str,
    argument: str,
    cutoff: datetime | None,
    step: Callable[[datetime, int], Awaitable[int]],
    batch: int,
    *,
    default_now: bool = True,
) -> int:
    """:func:`drain` ``step(cutoff, batch)``: a maintenance statement over the rows due before ``cutoff``.

    ``cutoff`` is an aware instant (a ``datetime`` with its zone, or what Pydantic reads as one: an ISO
    string with an offset, a Unix time); ``None`` means now when ``default_now``, else it is refused
    like a naive ``datetime``, which the driver would read as UTC whatever zone the caller meant.
    Either raises ``ValidationError`` naming ``function``'s ``argument``, before anything runs.
    """
    at = datetime.now(UTC) if cutoff is None and default_now else aware_instant(function, argument, cutoff)
    return await drain(function, lambda lim: step(at, lim), batch)
