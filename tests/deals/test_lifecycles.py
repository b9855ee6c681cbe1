"""Issue 15, item 2: lifecycles the enums define, reached through functions and guarded by the database."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import asyncpg
import pytest

from sqlfirst.db import Connection, create_pool
from sqlfirst.deals import goals, notifications, tokens
from sqlfirst.deals.errors import GoalTokenLimitExceeded, IllegalTransition
from sqlfirst.deals.models import GoalStatus, NotificationStatus, TransactionStatus
from sqlfirst.errors import Conflict, InsufficientBalance, NotFound
from sqlfirst.settings import Settings

from .factories import make_goal, make_user

HASH = "0x" + "ab" * 32


# -- token transactions: pending -> completed / failed / cancelled -------------------------------


async def test_pending_reward_moves_nothing_until_completed_with_its_hash(conn: Connection) -> None:
    user = await make_user(conn)
    pending = await tokens.begin(conn, user_id=user.id, type="reward", amount=25, description="purchase")
    assert pending.status is TransactionStatus.PENDING
    assert await tokens.balance(conn, user_id=user.id) == 0
    assert await tokens.history(conn, user_id=user.id) == []

    change = await tokens.complete(conn, id=pending.id, tx_hash=HASH)
    assert (change.balance_before, change.balance_after, change.transaction_id) == (0, 25, pending.id)
    assert await tokens.balance(conn, user_id=user.id) == 25
    found = await tokens.get_by_hash(conn, tx_hash=HASH)
    assert found is not None and (found.id, found.status) == (pending.id, TransactionStatus.COMPLETED)
    assert await tokens.get_by_hash(conn, tx_hash="0x" + "cd" * 32) is None


async def test_a_final_transaction_never_changes_status(conn: Connection) -> None:
    user = await make_user(conn)
    await tokens.reward(conn, user_id=user.id, amount=10)
    done = await tokens.begin(conn, user_id=user.id, type="deduction", amount=4)
    await tokens.complete(conn, id=done.id)
    failed = await tokens.begin(conn, user_id=user.id, type="deduction", amount=4)
    assert (await tokens.fail(conn, id=failed.id)).status is TransactionStatus.FAILED  # type: ignore[union-attr]
    cancelled = await tokens.begin(conn, user_id=user.id, type="reward", amount=4)
    assert (await tokens.cancel(conn, id=cancelled.id)).status is TransactionStatus.CANCELLED  # type: ignore[union-attr]

    for illegal in (
        lambda: tokens.complete(conn, id=done.id),
        lambda: tokens.fail(conn, id=done.id),
        lambda: tokens.complete(conn, id=failed.id),
        lambda: tokens.cancel(conn, id=failed.id),
        lambda: tokens.complete(conn, id=cancelled.id),
    ):
        with pytest.raises(IllegalTransition) as caught:
            async with conn.transaction():
                await illegal()
        assert caught.value.sqlstate == "SF203"
    assert await tokens.balance(conn, user_id=user.id) == 6  # only the completed deduction moved it
    assert await tokens.fail(conn, id=user.id) is None  # no such transaction
    with pytest.raises(NotFound):
        await tokens.complete(conn, id=user.id)


async def test_completed_cannot_be_set_by_a_plain_update(conn: Connection) -> None:
    user = await make_user(conn)
    pending = await tokens.begin(conn, user_id=user.id, type="reward", amount=5)
    with pytest.raises(asyncpg.PostgresError) as caught:
        async with conn.transaction():
            await conn.execute(
                "update deals.token_transactions set status = 'completed' where id = $1", pending.id
            )
    assert caught.value.sqlstate == "SF203"
    assert await tokens.balance(conn, user_id=user.id) == 0


async def test_a_pending_deduction_that_cannot_be_paid_stays_pending_and_can_fail(conn: Connection) -> None:
    user = await make_user(conn)
    goal = await make_goal(conn, user, max_tokens=3)
    await tokens.reward(conn, user_id=user.id, amount=5)
    too_big = await tokens.begin(conn, user_id=user.id, type="deduction", amount=6)
    with pytest.raises(InsufficientBalance):
        async with conn.transaction():
            await tokens.complete(conn, id=too_big.id)
    over_goal = await tokens.begin(conn, user_id=user.id, type="deduction", amount=4, goal_id=goal.id)
    with pytest.raises(GoalTokenLimitExceeded):
        async with conn.transaction():
            await tokens.complete(conn, id=over_goal.id)
    assert [t.status for t in await tokens.transactions(conn, user_id=user.id)][:2] == ["pending", "pending"]
    assert (await tokens.fail(conn, id=too_big.id)).status == "failed"  # type: ignore[union-attr]
    assert await tokens.balance(conn, user_id=user.id) == 5


async def test_a_hash_names_one_transaction(conn: Connection) -> None:
    user = await make_user(conn)
    await tokens.begin(conn, user_id=user.id, type="reward", amount=1, tx_hash=HASH)
    with pytest.raises(Conflict) as caught:
        async with conn.transaction():
            await tokens.begin(conn, user_id=user.id, type="reward", amount=1, tx_hash=HASH)
    assert caught.value.constraint == "uq_token_transactions_tx_hash"


async def test_concurrent_completers_of_one_pending_transaction_move_the_balance_once(db_url: str) -> None:
    pool = await create_pool(Settings(database_url=db_url, min_size=2, max_size=20))
    try:
        async with pool.acquire() as c:
            user = await make_user(c)
            pending = await tokens.begin(c, user_id=user.id, type="reward", amount=7)
        results = await asyncio.gather(
            *(tokens.complete(pool, id=pending.id) for _ in range(10)), return_exceptions=True
        )
        assert sum(isinstance(r, IllegalTransition) for r in results) == 9
        async with pool.acquire() as c:
            assert await tokens.balance(c, user_id=user.id) == 7
            assert len(await tokens.history(c, user_id=user.id)) == 1
    finally:
        await pool.close()


# -- notifications: failed -----------------------------------------------------------------------


async def test_a_pending_or_sent_notification_can_fail_a_delivered_one_cannot(conn: Connection) -> None:
    user = await make_user(conn)
    made = [
        await notifications.create(conn, user_id=user.id, type="deal", title=f"n{i}", message="m")
        for i in range(3)
    ]
    await notifications.mark_sent(conn, ids=[made[1].id])
    await notifications.mark_delivered(conn, ids=[made[2].id])
    first = await notifications.mark_failed(conn, id=made[0].id, error="smtp 550")
    assert first is not None and first.status is NotificationStatus.FAILED
    assert first.meta_data["error"] == "smtp 550"
    assert (await notifications.mark_failed(conn, id=made[1].id, error="push expired")) is not None
    assert await notifications.mark_failed(conn, id=made[2].id, error="late") is None
    assert await notifications.mark_failed(conn, id=made[0].id, error="again") is None


# -- goals: expired ------------------------------------------------------------------------------


async def test_expire_stale_goals_expires_open_goals_past_their_end_only(conn: Connection) -> None:
    user = await make_user(conn)
    now = datetime.now(UTC)
    start = now - timedelta(days=10)
    past = await make_goal(conn, user, start_date=start, end_date=now - timedelta(days=1))
    paused = await make_goal(conn, user, start_date=start, end_date=now - timedelta(days=1))
    await goals.pause(conn, id=paused.id)
    done = await make_goal(conn, user, start_date=start, end_date=now - timedelta(days=1))
    await goals.complete(conn, id=done.id)
    future = await make_goal(conn, user, end_date=now + timedelta(days=1))
    open_ended = await make_goal(conn, user)

    assert await goals.expire_stale(conn, as_of=now) == 2
    statuses = {g.id: g.status for g in await goals.list_by_user(conn, user_id=user.id)}
    assert statuses[past.id] is GoalStatus.EXPIRED and statuses[paused.id] is GoalStatus.EXPIRED
    assert statuses[done.id] is GoalStatus.COMPLETED
    assert statuses[future.id] is statuses[open_ended.id] is GoalStatus.ACTIVE
    assert await conn.fetchval("select active_goals_count from deals.users where id = $1", user.id) == 2
    assert await goals.resume(conn, id=paused.id) is None  # expired is final for resume
    assert await goals.expire_stale(conn, as_of=now) == 0


# -- goals: due for their next check, claimed with SKIP LOCKED -----------------------------------


async def test_claim_due_orders_never_checked_then_oldest_and_skips_recent(conn: Connection) -> None:
    user = await make_user(conn)
    g = [await make_goal(conn, user) for _ in range(4)]
    await conn.execute(
        "update deals.goals set last_checked_at = now() - make_interval(hours => $2) where id = $1",
        g[0].id,
        5.0,
    )
    await conn.execute("update deals.goals set last_checked_at = now() where id = $1", g[1].id)
    await conn.execute(
        "update deals.goals set last_checked_at = now() - make_interval(hours => $2) where id = $1",
        g[2].id,
        3.0,
    )
    ours = {x.id for x in g}
    claimed = [
        x for x in await goals.claim_due(conn, interval=timedelta(hours=1), limit=1000) if x.id in ours
    ]
    assert [x.id for x in claimed] == [g[3].id, g[0].id, g[2].id]
    assert all(x.last_checked_at is not None for x in claimed)
    again = await goals.claim_due(conn, interval=timedelta(hours=1), limit=1000)
    assert not ours & {x.id for x in again}


async def test_claimed_goals_come_back_in_claim_order(conn: Connection) -> None:
    """An UPDATE returns its rows in no particular order (the claimed ids are found through the
    primary key, in id order); claim_due returns them never-checked first, then oldest."""
    user = await make_user(conn)
    goals_by_age = [await make_goal(conn, user) for _ in range(10)]
    for hours, goal in enumerate(goals_by_age):
        await conn.execute(
            "update deals.goals set last_checked_at = now() - make_interval(hours => $2) where id = $1",
            goal.id,
            float(20 - hours),
        )
    never = await make_goal(conn, user)
    ours = {g.id for g in goals_by_age} | {never.id}
    claimed = [x.id for x in await goals.claim_due(conn, limit=1000) if x.id in ours]
    assert claimed == [never.id, *(g.id for g in goals_by_age)]


async def test_concurrent_claimers_never_get_the_same_goal(db_url: str) -> None:
    pool = await create_pool(Settings(database_url=db_url, min_size=2, max_size=20))
    try:
        async with pool.acquire() as c:
            user = await make_user(c)
            for _ in range(40):
                await make_goal(c, user)
        barrier = asyncio.Barrier(8)

        async def claimer() -> list[object]:
            async with pool.acquire() as c, c.transaction():
                got = await goals.claim_due(c, limit=4)
                await barrier.wait()  # every claimer holds its rows until all have claimed
                return [x.id for x in got]

        claims = await asyncio.gather(*(claimer() for _ in range(8)))
        flat = [i for ids in claims for i in ids]
        assert len(flat) == 32 and len(set(flat)) == 32
        async with pool.acquire() as c:
            assert len(await goals.claim_due(c, limit=100)) == 8  # the rest; the claimed ones are fresh
    finally:
        await pool.close()


async def test_total_tokens_decimal_is_kept(conn: Connection) -> None:
    user = await make_user(conn)
    pending = await tokens.begin(conn, user_id=user.id, type="reward", amount=Decimal("0.5"))
    assert pending.amount == Decimal("0.5")
