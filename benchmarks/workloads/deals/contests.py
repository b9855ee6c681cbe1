"""deals side by side: the token_deduction contest (raw asyncpg, sqlfirst and the SQLAlchemy ORM) and
the hot-row contention cases."""

from __future__ import annotations

import random
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from sqlfirst.bench.orm import OrmState
from sqlfirst.bench.registry import Contender, Contest, HotRow, Params
from sqlfirst.deals import tokens
from sqlfirst.deals.models import BalanceChangeType, MarketStatus, TransactionStatus, TransactionType

from ...orm_deals import DealsUserRow, TokenBalanceHistoryRow, TokenTransactionRow

# ctx: sqlfirst.bench.sidebyside.ContestContext (conn with sqlfirst's codecs, orm state, samples).

_DEDUCT = tokens._deduct.__sqlfirst__.query.sql  # type: ignore[attr-defined]
DEDUCTION = Decimal(1)


def _orm(ctx: Any) -> OrmState:
    state: OrmState = ctx.orm
    return state


async def _draw_rich(ctx: Any, rng: random.Random) -> Any:
    return rng.choice(ctx.samples.rich_users)


async def _raw_deduct(ctx: Any, uid: uuid.UUID) -> object:
    """The driver floor: the very statement sqlfirst sends (the domain's atomic SQL function)."""
    return await ctx.conn.fetchrow(_DEDUCT, uid, DEDUCTION, "search", None, {})


async def _orm_deduct(ctx: Any, uid: uuid.UUID) -> object:
    """What an ORM application writes: lock the user, check, modify, add the two rows, commit."""
    async with _orm(ctx).sessions() as session, session.begin():
        user = await session.get(DealsUserRow, uid, with_for_update=True)
        if user is None or user.token_balance < DEDUCTION:
            raise ValueError(f"insufficient balance for {uid}")
        before = user.token_balance
        user.token_balance = before - DEDUCTION
        user.total_tokens_spent = user.total_tokens_spent + DEDUCTION
        transaction = TokenTransactionRow(
            id=uuid.uuid4(),
            user_id=uid,
            type=TransactionType.DEDUCTION,
            amount=DEDUCTION,
            status=TransactionStatus.COMPLETED,
            description="search",
            meta_data={},
        )
        session.add(transaction)
        await session.flush()
        history = TokenBalanceHistoryRow(
            id=uuid.uuid4(),
            user_id=uid,
            balance_before=before,
            balance_after=before - DEDUCTION,
            change_amount=-DEDUCTION,
            change_type=BalanceChangeType.DEDUCTION,
            transaction_id=transaction.id,
            meta_data={},
        )
        session.add(history)
    return history


async def _orm_balance(ctx: Any, uid: uuid.UUID) -> object:
    async with _orm(ctx).sessions() as session:
        return await session.scalar(select(DealsUserRow.token_balance).where(DealsUserRow.id == uid))


CONTESTS = [
    Contest(
        "token_deduction",
        "deduct tokens: lock user, check, update balance, insert transaction + history (one transaction)",
        {
            "asyncpg": Contender(_raw_deduct, _draw_rich),
            "sqlfirst": Contender(
                lambda ctx, uid: tokens.deduct(ctx.conn, user_id=uid, amount=DEDUCTION, description="search"),
                _draw_rich,
            ),
            "sqlalchemy": Contender(_orm_deduct, _draw_rich),
        },
        # Each call commits, and the server's commit latency moves between rounds (a probe of
        # 2026-12-05 read p50 0.10 to 0.34 ms): at 400 calls the A/A control's interval stayed wider
        # than the gate's 5% in five medium runs out of six. 1,600 calls narrow it about twofold.
        iterations=1600,
        comparison="design",
        note="raw and sqlfirst: one round trip to deals.deduct_tokens(); ORM: select for update, "
        "update, two inserts and commit in five statements",
    ),
]


def _hot_token_op(user_id: uuid.UUID, r: random.Random) -> Params:
    return {
        "user_id": user_id,
        "amount": DEDUCTION,
        "description": "hot row",
        "goal_id": None,
        "meta_data": {},
    }


HOT_ROWS = [
    HotRow(
        "one_user_tokens",
        "every client deducts from and rewards one user's balance in turn (net zero): the user's row lock",
        key=lambda s: s.rich_users[0],
        calls=[("deduct_tokens", _hot_token_op), ("reward_tokens", _hot_token_op)],
    ),
    HotRow(
        "one_market_rate_limit",
        "every client takes calls from one market's rate limit: its row lock and window check",
        key=lambda s: next(m["id"] for m in s.markets if m["status"] == MarketStatus.ACTIVE.value),
        calls=[("consume_market_rate_limit", lambda key, r: {"id": key})],
    ),
]
