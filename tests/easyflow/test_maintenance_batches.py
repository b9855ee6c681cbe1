"""easyflow's purge of dedupe keys works in bounded batches (sqlfirst.batches): each statement takes at
most a batch of keys in the order of their message's time, skipping keys another writer holds, and
deletes them by row address; the call repeats it until a batch comes back short."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg
import pytest
from pydantic import ValidationError

from sqlfirst.bench.plans import explain_analyze, plan_nodes
from sqlfirst.db import Connection, connect_one
from sqlfirst.easyflow import messages

from .factories import make_user

# Long before any other test's keys: the shared database may hold keys of other tests, none this old.
RETENTION = datetime(1901, 1, 1, tzinfo=UTC)


async def _keys(
    conn: Connection | asyncpg.Connection[asyncpg.Record], user: UUID, n: int, at: datetime
) -> None:
    """``n`` dedupe keys of ``user``'s messages made at ``at`` and the minutes after it."""
    await conn.execute(
        "insert into easyflow.message_platform_ids"
        " (user_id, platform, platform_message_id, message_id, message_created_at)"
        " select $1, 'telegram', $2 || k, gen_random_uuid(), $3::timestamptz + k * interval '1 minute'"
        " from generate_series(1, $4::int) as k",
        user,
        f"{at.isoformat()}:",
        at,
        n,
    )


async def _left(conn: Connection | asyncpg.Connection[asyncpg.Record], user: UUID) -> int:
    n: int = await conn.fetchval(
        "select count(*) from easyflow.message_platform_ids where user_id = $1", user
    )
    return n


async def _purge_plan(
    conn: asyncpg.Connection[asyncpg.Record], user: UUID, lim: int, mode: str, *, keys: int
) -> dict[str, Any]:
    """The executed plan of one purge batch of ``lim`` keys past RETENTION, rolled back: ``user``
    still holds all ``keys``."""
    sql = messages._purge.__sqlfirst__.query.sql  # type: ignore[attr-defined]
    plan = await explain_analyze(conn, sql, [RETENTION, lim], mode=mode)
    assert await _left(conn, user) == keys  # explained and rolled back
    return plan


async def test_every_key_past_retention_goes_across_batches_and_nothing_else(conn: Connection) -> None:
    user = (await make_user(conn)).id
    await _keys(conn, user, 7, RETENTION - timedelta(days=30))
    await _keys(conn, user, 2, RETENTION + timedelta(days=1))
    assert await messages.purge_dedupe_keys(conn, before=RETENTION, batch=3) == 7  # 3, 3 and 1
    kept = await conn.fetch(
        "select message_created_at from easyflow.message_platform_ids where user_id = $1", user
    )
    assert len(kept) == 2 and all(r["message_created_at"] > RETENTION for r in kept)
    assert await messages.purge_dedupe_keys(conn, before=RETENTION, batch=3) == 0


async def test_a_run_goes_batch_by_batch(conn: Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    user = (await make_user(conn)).id
    await _keys(conn, user, 5, RETENTION - timedelta(days=1))
    statement = messages._purge
    done: list[tuple[int, int]] = []

    async def counted(c: Any, *, before: datetime, lim: int) -> int:
        n: int = await statement(c, before=before, lim=lim)
        done.append((lim, n))
        return n

    monkeypatch.setattr(messages, "_purge", counted)
    assert await messages.purge_dedupe_keys(conn, before=RETENTION, batch=2) == 5
    assert done == [(2, 2), (2, 2), (2, 1)]


@pytest.mark.parametrize("batch", [0, -1, 10_001, 2.5, "5", True, None])
async def test_a_bad_batch_size_is_refused_before_anything_runs(conn: Connection, batch: Any) -> None:
    user = (await make_user(conn)).id
    await _keys(conn, user, 2, RETENTION - timedelta(days=1))
    with pytest.raises(ValidationError, match="batch"):
        await messages.purge_dedupe_keys(conn, before=RETENTION, batch=batch)
    assert await _left(conn, user) == 2


@pytest.mark.parametrize("before", [None, RETENTION.replace(tzinfo=None), "last year"])
async def test_a_cutoff_that_is_no_aware_instant_is_refused_before_anything_runs(
    conn: Connection, before: Any
) -> None:
    # None is no default: forgetting every key up to now would let platforms' redeliveries through.
    user = (await make_user(conn)).id
    await _keys(conn, user, 2, RETENTION - timedelta(days=1))
    with pytest.raises(ValidationError, match="before"):
        await messages.purge_dedupe_keys(conn, before=before)
    assert await _left(conn, user) == 2


async def test_a_held_key_is_skipped_not_waited_for_and_two_runs_share_the_rest(
    pool: asyncpg.Pool[asyncpg.Record],
) -> None:
    async with pool.acquire() as setup:
        user = (await make_user(setup)).id
        await _keys(setup, user, 41, RETENTION - timedelta(days=1))
    async with pool.acquire() as holder, holder.transaction():
        held = await holder.fetchval(
            "select platform_message_id from easyflow.message_platform_ids where user_id = $1"
            " order by message_created_at limit 1 for update",
            user,
        )
        # Two runs at once, in batches of 4, each batch committing on its own: neither waits for the
        # held key, and every other key is deleted by exactly one of them.
        async with pool.acquire() as a, pool.acquire() as b:
            done = await asyncio.wait_for(
                asyncio.gather(
                    messages.purge_dedupe_keys(a, before=RETENTION, batch=4),
                    messages.purge_dedupe_keys(b, before=RETENTION, batch=4),
                ),
                timeout=30,
            )
        assert sum(done) == 40
        left = await holder.fetch(
            "select platform_message_id from easyflow.message_platform_ids where user_id = $1", user
        )
        assert [r["platform_message_id"] for r in left] == [held]
    async with pool.acquire() as after:
        assert await messages.purge_dedupe_keys(after, before=RETENTION) == 1  # once its holder let go
        assert await _left(after, user) == 0


@pytest.mark.parametrize("mode", ["custom", "generic"])
async def test_a_batch_reads_the_time_index_in_order_and_deletes_by_address(db_url: str, mode: str) -> None:
    # A month of keys is millions of rows: the statement must stop at its batch in both plan modes,
    # never read the table, and delete what it picked without a join against a scan.
    conn = await connect_one(db_url)
    try:
        user = (await make_user(conn)).id
        await _keys(conn, user, 20_000, RETENTION - timedelta(days=30))
        await conn.execute("analyze easyflow.message_platform_ids")
        plan = await _purge_plan(conn, user, 50, mode, keys=20_000)
    finally:
        await conn.close()
    found = list(plan_nodes(plan))
    assert not any(n["Node Type"] == "Seq Scan" for n in found), plan
    by_time = [n for n in found if n.get("Index Name") == "ix_message_platform_ids_message_created_at"]
    assert by_time and by_time[0]["Actual Rows"] == 50, plan
    by_address = [n for n in found if n["Node Type"] == "Tid Scan"]
    assert by_address and by_address[0]["Actual Rows"] == 50, plan


@pytest.mark.parametrize("mode", ["custom", "generic"])
async def test_keys_the_statistics_have_not_seen_are_still_deleted_by_address(db_url: str, mode: str) -> None:
    # The keys a purge takes are often newer than the last ANALYZE (they aged past retention since):
    # planned for "no row is that old", the delete walked the time index again and tested each key's
    # address against the whole batch (keys under the cut-off x batch comparisons: 27 ms for 6,000
    # keys and a batch of 1,000 at the bench, growing with the backlog).
    conn = await connect_one(db_url)
    try:
        # A row address names one row only within one table: were the keys partitioned, an address
        # would name a row in every partition, and the delete would need the cut-off back.
        kind = await conn.fetchval(
            "select relkind::text from pg_class where oid = 'easyflow.message_platform_ids'::regclass"
        )
        assert kind == "r"
        user = (await make_user(conn)).id
        # The statistics know the live keys, none past retention; then 3,000 keys age past it.
        await _keys(conn, user, 5_000, datetime(2026, 1, 1, tzinfo=UTC))
        await conn.execute("analyze easyflow.message_platform_ids")
        await _keys(conn, user, 3_000, RETENTION - timedelta(days=30))
        plan = await _purge_plan(conn, user, 1_000, mode, keys=8_000)
    finally:
        await conn.close()
    found = list(plan_nodes(plan))
    assert plan["Node Type"] == "ModifyTable", plan
    (target,) = [n for n in plan["Plans"] if n.get("Parent Relationship") != "InitPlan"]
    assert target["Node Type"] == "Tid Scan" and target["Actual Rows"] == 1_000, plan
    assert not any(n.get("Rows Removed by Filter") for n in found), plan
