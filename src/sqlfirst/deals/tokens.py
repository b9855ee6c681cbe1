"""The token economy: deduct, reward and refund, each one atomic statement that holds under concurrency.

Each operation writes the ``token_transactions`` row, moves ``users.token_balance``, appends a
``token_balance_history`` row and keeps ``total_tokens_spent`` / ``total_rewards_earned`` right, in
the database function ``deals.apply_token_change`` (migration 0021).

A transaction can also start ``pending`` (:func:`begin`: an on-chain payment awaiting confirmation,
no balance moves) and then :func:`complete` (the balance moves exactly as above, in
``deals.complete_token_transaction``, migration 0025), :func:`fail` or :func:`cancel` (no balance
change). Completed, failed and cancelled are final: the database refuses any other status change
with :class:`~sqlfirst.deals.errors.IllegalTransition`. The user's row lock serialises
concurrent operations on one balance; a deduction larger than the balance raises
:class:`~sqlfirst.errors.InsufficientBalance` and leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from uuid import UUID

from sqlfirst.arguments import member
from sqlfirst.binding import SqlFile
from sqlfirst.db import Executor
from sqlfirst.errors import DatabaseError, NotFound

from .errors import UNKNOWN_TRANSACTION_SQLSTATE
from .models import (
    BalanceChange,
    JsonObject,
    TokenOperation,
    TokenTransaction,
    TransactionStatus,
    TransactionType,
    page_size,
)

__all__ = [
    "UNKNOWN_USER_SQLSTATE",
    "balance",
    "begin",
    "cancel",
    "complete",
    "deduct",
    "fail",
    "get_by_hash",
    "history",
    "refund",
    "reward",
    "set_transaction_hash",
    "transactions",
]

_sql = SqlFile("deals", "tokens")

UNKNOWN_USER_SQLSTATE = "SF021"
"""Raised by ``deals.apply_token_change`` for a user that does not exist (reported as NotFound)."""

_Operation = Callable[..., Awaitable[BalanceChange]]

# The token functions return the token_balance_history row they just inserted, whose columns are
# all NOT NULL in the table; check cannot see through a function's result, so the declarations say so.
_HISTORY_ROW = "the token_balance_history row the function inserted; NOT NULL in the table"
_FUNCTION_ROW = {
    column: _HISTORY_ROW
    for column in (
        "id", "user_id", "balance_before", "balance_after", "change_amount", "change_type", "created_at",
        "meta_data",
    )
}  # fmt: skip


@_sql.query("deduct_tokens", not_null=_FUNCTION_ROW)
async def _deduct(
    conn: Executor,
    *,
    user_id: UUID,
    amount: Decimal,
    description: str | None,
    goal_id: UUID | None,
    meta_data: JsonObject,
) -> BalanceChange: ...


@_sql.query("reward_tokens", not_null=_FUNCTION_ROW)
async def _reward(
    conn: Executor,
    *,
    user_id: UUID,
    amount: Decimal,
    description: str | None,
    goal_id: UUID | None,
    meta_data: JsonObject,
) -> BalanceChange: ...


@_sql.query("refund_tokens", not_null=_FUNCTION_ROW)
async def _refund(
    conn: Executor,
    *,
    user_id: UUID,
    amount: Decimal,
    description: str | None,
    goal_id: UUID | None,
    meta_data: JsonObject,
) -> BalanceChange: ...


async def _run(
    operation: _Operation,
    conn: Executor,
    user_id: UUID,
    amount: Decimal | int | str,
    description: str | None,
    goal_id: UUID | None,
    meta_data: JsonObject | None,
) -> BalanceChange:
    new = TokenOperation.model_validate(
        {
            "user_id": user_id,
            "amount": amount,
            "description": description,
            "goal_id": goal_id,
            "meta_data": meta_data if meta_data is not None else {},
        }
    )
    try:
        return await operation(conn, **new.model_dump())
    except DatabaseError as exc:
        if exc.sqlstate == UNKNOWN_USER_SQLSTATE:
            raise NotFound("user", id=user_id) from exc
        raise


async def deduct(
    conn: Executor,
    *,
    user_id: UUID,
    amount: Decimal | int | str,
    description: str | None = None,
    goal_id: UUID | None = None,
    meta_data: JsonObject | None = None,
) -> BalanceChange:
    """Take ``amount`` tokens from the user; returns the balance change (``change_amount`` negative).

    Raises :class:`~sqlfirst.errors.InsufficientBalance` when the balance is smaller than ``amount``,
    :class:`~sqlfirst.errors.NotFound` for an unknown user, ``ReferenceViolation`` when ``goal_id``
    is not a goal of the user, ``ValidationError`` for an amount that is not positive. With a goal, the
    goal's ``total_tokens_spent`` grows too.
    """
    return await _run(_deduct, conn, user_id, amount, description, goal_id, meta_data)


async def reward(
    conn: Executor,
    *,
    user_id: UUID,
    amount: Decimal | int | str,
    description: str | None = None,
    goal_id: UUID | None = None,
    meta_data: JsonObject | None = None,
) -> BalanceChange:
    """Give the user ``amount`` tokens (counted in ``total_rewards_earned``)."""
    return await _run(_reward, conn, user_id, amount, description, goal_id, meta_data)


async def refund(
    conn: Executor,
    *,
    user_id: UUID,
    amount: Decimal | int | str,
    description: str | None = None,
    goal_id: UUID | None = None,
    meta_data: JsonObject | None = None,
) -> BalanceChange:
    """Give back ``amount`` spent tokens (``total_tokens_spent`` shrinks).

    Refunding more than the user (or the goal) has spent raises ``CheckViolation`` naming
    ``ck_users_total_tokens_spent`` (or ``ck_goals_total_tokens_spent``).
    """
    return await _run(_refund, conn, user_id, amount, description, goal_id, meta_data)


@_sql.query("get_token_balance")
async def balance(conn: Executor, *, user_id: UUID) -> Decimal | None:
    """The user's token balance, or None when there is no such user."""


@_sql.query("list_balance_history")
async def _history(conn: Executor, *, user_id: UUID, lim: int) -> list[BalanceChange]: ...


async def history(conn: Executor, *, user_id: UUID, limit: int = 100) -> list[BalanceChange]:
    """The user's balance changes, newest first."""
    return await _history(conn, user_id=user_id, lim=page_size(limit))


@_sql.query("list_token_transactions")
async def _transactions(conn: Executor, *, user_id: UUID, lim: int) -> list[TokenTransaction]: ...


async def transactions(conn: Executor, *, user_id: UUID, limit: int = 100) -> list[TokenTransaction]:
    """The user's token transactions, newest first."""
    return await _transactions(conn, user_id=user_id, lim=page_size(limit))


@_sql.query("set_transaction_hash")
async def set_transaction_hash(conn: Executor, *, id: UUID, tx_hash: str) -> TokenTransaction | None:
    """Attach the on-chain hash to a transaction; None when there is no such transaction."""


@_sql.query("begin_token_transaction")
async def _begin(
    conn: Executor,
    *,
    user_id: UUID,
    type: TransactionType,
    amount: Decimal,
    description: str | None,
    goal_id: UUID | None,
    tx_hash: str | None,
    meta_data: JsonObject,
) -> TokenTransaction: ...


async def begin(
    conn: Executor,
    *,
    user_id: UUID,
    type: TransactionType | str,
    amount: Decimal | int | str,
    description: str | None = None,
    goal_id: UUID | None = None,
    tx_hash: str | None = None,
    meta_data: JsonObject | None = None,
) -> TokenTransaction:
    """Record a ``pending`` transaction; the balance does not move until :func:`complete`.

    ``ValidationError`` for an amount that is not positive; ``ReferenceViolation`` for an unknown
    user or goal; ``Conflict`` naming ``uq_token_transactions_tx_hash`` for a hash the user already
    recorded, ``pk_transaction_hashes`` for one another user did.
    """
    new = TokenOperation.model_validate(
        {
            "user_id": user_id,
            "amount": amount,
            "description": description,
            "goal_id": goal_id,
            "meta_data": meta_data if meta_data is not None else {},
        }
    )
    return await _begin(
        conn, type=member("begin", "type", type, TransactionType), tx_hash=tx_hash, **new.model_dump()
    )


@_sql.query("complete_token_transaction", not_null=_FUNCTION_ROW)
async def _complete(conn: Executor, *, id: UUID, tx_hash: str | None) -> BalanceChange: ...


async def complete(conn: Executor, *, id: UUID, tx_hash: str | None = None) -> BalanceChange:
    """Complete a pending transaction: the balance moves, ``tx_hash`` (when given) is recorded.

    Raises :class:`~sqlfirst.deals.errors.IllegalTransition` unless the transaction is pending,
    :class:`~sqlfirst.errors.NotFound` for an unknown id, and what :func:`deduct` raises
    (``InsufficientBalance``, ``GoalTokenLimitExceeded``) for a deduction that cannot be paid; the
    transaction then stays pending.
    """
    try:
        return await _complete(conn, id=id, tx_hash=tx_hash)
    except DatabaseError as exc:
        if exc.sqlstate == UNKNOWN_TRANSACTION_SQLSTATE:
            raise NotFound("token transaction", id=id) from exc
        raise


@_sql.query("settle_token_transaction")
async def _settle(conn: Executor, *, id: UUID, to_status: TransactionStatus) -> TokenTransaction | None: ...


async def fail(conn: Executor, *, id: UUID) -> TokenTransaction | None:
    """Mark a pending transaction ``failed`` (no balance change); None when there is no such transaction.

    :class:`~sqlfirst.deals.errors.IllegalTransition` when it is not pending.
    """
    return await _settle(conn, id=id, to_status=TransactionStatus.FAILED)


async def cancel(conn: Executor, *, id: UUID) -> TokenTransaction | None:
    """Mark a pending transaction ``cancelled`` (no balance change); None when there is no such transaction.

    :class:`~sqlfirst.deals.errors.IllegalTransition` when it is not pending.
    """
    return await _settle(conn, id=id, to_status=TransactionStatus.CANCELLED)


@_sql.query("get_token_transaction_by_hash")
async def get_by_hash(conn: Executor, *, tx_hash: str) -> TokenTransaction | None:
    """The token transaction with this on-chain hash, or None."""
