"""The token economy: atomic deduct/reward/refund, overdraft refused, correct under concurrency."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from decimal import Decimal

import asyncpg
import pytest
from pydantic import ValidationError

from sqlfirst.db import Connection, create_pool
from sqlfirst.deals import tokens
from sqlfirst.deals.models import BalanceChangeType
from sqlfirst.errors import CheckViolation, InsufficientBalance, NotFound, ReferenceViolation
from sqlfirst.settings import Settings

from .factories import make_goal, make_user


async def rows_for(conn: Connection, table: str, user_id: uuid.UUID) -> int:
    return int(await conn.fetchval(f"select count(*) from deals.{table} where user_id = $1", user_id))


async def test_reward_deduct_refund_keep_balance_history_and_totals(conn: Connection) -> None:
    user = await make_user(conn)
    rewarded = await tokens.reward(conn, user_id=user.id, amount=100, description="signup bonus")
    assert (rewarded.balance_before, rewarded.balance_after) == (0, 100)
    assert rewarded.change_type is BalanceChangeType.REWARD
    spent = await tokens.deduct(conn, user_id=user.id, amount=Decimal("30.5"), description="search")
    assert (spent.balance_before, spent.balance_after, spent.change_amount) == (100, Decimal("69.5"), -30.5)
    refunded = await tokens.refund(conn, user_id=user.id, amount=Decimal("10.5"))
    assert refunded.balance_after == 80
    assert await tokens.balance(conn, user_id=user.id) == 80

    totals = await conn.fetchrow(
        "select total_tokens_spent, total_rewards_earned from deals.users where id = $1", user.id
    )
    assert (totals["total_tokens_spent"], totals["total_rewards_earned"]) == (20, 100)

    history = await tokens.history(conn, user_id=user.id)
    assert [h.change_type for h in history] == ["refund", "deduction", "reward"]
    transactions = await tokens.transactions(conn, user_id=user.id)
    assert [(t.type, t.amount, t.status) for t in transactions] == [
        ("refund", Decimal("10.5"), "completed"),
        ("deduction", Decimal("30.5"), "completed"),
        ("reward", 100, "completed"),
    ]
    assert {h.transaction_id for h in history} == {t.id for t in transactions}


async def test_deduct_more_than_balance_raises_and_leaves_no_row(conn: Connection) -> None:
    user = await make_user(conn)
    await tokens.reward(conn, user_id=user.id, amount=5)
    with pytest.raises(InsufficientBalance) as caught:
        async with conn.transaction():
            await tokens.deduct(conn, user_id=user.id, amount=6)
    assert caught.value.sqlstate == "SF001"
    assert isinstance(caught.value.__cause__, asyncpg.PostgresError)
    assert await tokens.balance(conn, user_id=user.id) == 5
    assert await rows_for(conn, "token_transactions", user.id) == 1
    assert await rows_for(conn, "token_balance_history", user.id) == 1


async def test_deduct_for_unknown_user_raises_not_found(conn: Connection) -> None:
    with pytest.raises(NotFound):
        async with conn.transaction():
            await tokens.deduct(conn, user_id=uuid.uuid4(), amount=1)


@pytest.mark.parametrize("amount", [0, -1, "abc", Decimal("0.000000001")])
async def test_non_positive_or_malformed_amount_is_rejected_before_the_database(
    conn: Connection, amount: object
) -> None:
    user = await make_user(conn)
    with pytest.raises(ValidationError):
        await tokens.deduct(conn, user_id=user.id, amount=amount)  # type: ignore[arg-type]
    assert await rows_for(conn, "token_transactions", user.id) == 0


async def test_refund_beyond_what_was_spent_is_rejected_by_the_database(conn: Connection) -> None:
    user = await make_user(conn)
    await tokens.reward(conn, user_id=user.id, amount=50)
    await tokens.deduct(conn, user_id=user.id, amount=10)
    with pytest.raises(CheckViolation) as caught:
        async with conn.transaction():
            await tokens.refund(conn, user_id=user.id, amount=11)
    assert caught.value.constraint == "ck_users_total_tokens_spent"
    assert await tokens.balance(conn, user_id=user.id) == 40


async def test_deduction_for_a_goal_counts_against_the_goal(conn: Connection) -> None:
    user = await make_user(conn)
    goal = await make_goal(conn, user)
    await tokens.reward(conn, user_id=user.id, amount=20)
    await tokens.deduct(conn, user_id=user.id, amount=7, goal_id=goal.id)
    await tokens.refund(conn, user_id=user.id, amount=2, goal_id=goal.id)
    spent = await conn.fetchval("select total_tokens_spent from deals.goals where id = $1", goal.id)
    assert spent == 5
    other = await make_goal(conn)
    with pytest.raises(ReferenceViolation) as caught:
        async with conn.transaction():
            await tokens.deduct(conn, user_id=user.id, amount=1, goal_id=other.id)
    assert caught.value.constraint == "fk_token_transactions_goal_id"


async def test_the_database_refuses_a_negative_balance_directly(conn: Connection) -> None:
    user = await make_user(conn)
    with pytest.raises(asyncpg.CheckViolationError, match="ch_positive_balance"):
        async with conn.transaction():
            await conn.execute("update deals.users set token_balance = -1 where id = $1", user.id)


RUNS = 20
STARTING_BALANCE = 150
ATTEMPTS = 200


async def test_concurrent_deductions_never_overdraw_twenty_runs_in_a_row(db_url: str) -> None:
    """150 tokens, 200 concurrent 1-token deductions on separate pool connections, 20 times over."""
    pool = await create_pool(Settings(database_url=db_url, min_size=2, max_size=30))
    try:
        for run in range(RUNS):
            async with pool.acquire() as c:
                user = await make_user(c)
                await c.execute(
                    "update deals.users set token_balance = $2 where id = $1", user.id, STARTING_BALANCE
                )
            results = await asyncio.gather(
                *(tokens.deduct(pool, user_id=user.id, amount=1) for _ in range(ATTEMPTS)),
                return_exceptions=True,
            )
            outcomes = Counter(type(r).__name__ for r in results)
            assert outcomes == {"BalanceChange": STARTING_BALANCE, "InsufficientBalance": ATTEMPTS - 150}, (
                f"run {run}: {outcomes}"
            )

            async with pool.acquire() as c:
                user_row = await c.fetchrow(
                    "select token_balance, total_tokens_spent from deals.users where id = $1", user.id
                )
                assert (user_row["token_balance"], user_row["total_tokens_spent"]) == (0, STARTING_BALANCE)
                chain = await c.fetch(
                    """
                    select balance_before, balance_after, change_amount, transaction_id
                    from deals.token_balance_history
                    where user_id = $1
                    order by created_at, id
                    """,
                    user.id,
                )
                transactions = await c.fetchval(
                    "select count(*) from deals.token_transactions where user_id = $1 and type = 'deduction'",
                    user.id,
                )
            assert transactions == STARTING_BALANCE
            assert len(chain) == STARTING_BALANCE
            # Written in lock order: each row starts where the previous one ended.
            assert [r["balance_before"] for r in chain] == list(range(STARTING_BALANCE, 0, -1))
            assert all(
                r["balance_after"] == r["balance_before"] - 1 == r["balance_before"] + r["change_amount"]
                for r in chain
            )
            assert len({r["transaction_id"] for r in chain}) == STARTING_BALANCE
    finally:
        await pool.close()
