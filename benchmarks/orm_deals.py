"""SQLAlchemy 2 async ORM models of the deals tables the token_deduction contest touches (bench only).

They map what migration 0020 creates (the ORM never creates or alters anything), the way the seed's
SQLAlchemy models would: the user (only the columns a deduction reads or writes, plus the key), the
token transaction and the balance history row. Ids of new rows are made client-side, as the seed's
models do (``default=uuid4``), so the history row can name its transaction without a flush.

Unlike agent_hub's ORM state, this engine is *not* in autocommit: a deduction is one transaction
(``SELECT ... FOR UPDATE`` on the user, check, update, two inserts, COMMIT), and a row lock means
nothing outside a transaction.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Enum, MetaData, Numeric, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TIMESTAMP

from sqlfirst.bench.orm import OrmState
from sqlfirst.deals.models import BalanceChangeType, TransactionStatus, TransactionType


class Base(DeclarativeBase):
    metadata = MetaData(schema="deals")


def _enum(cls: type[Any], name: str) -> Enum:
    return Enum(
        cls,
        name=name,
        schema="deals",
        create_type=False,
        values_callable=lambda members: [m.value for m in members],
    )


class DealsUserRow(Base):
    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    token_balance: Mapped[Decimal] = mapped_column(Numeric(18, 8))
    total_tokens_spent: Mapped[Decimal] = mapped_column(Numeric(18, 8))


class TokenTransactionRow(Base):
    __tablename__ = "token_transactions"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    type: Mapped[TransactionType] = mapped_column(_enum(TransactionType, "transactiontype"))
    amount: Mapped[Decimal] = mapped_column(Numeric(18, 8))
    status: Mapped[TransactionStatus] = mapped_column(_enum(TransactionStatus, "transactionstatus"))
    description: Mapped[str | None] = mapped_column(Text)
    goal_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    tx_hash: Mapped[str | None] = mapped_column(String(66))
    created_at: Mapped[datetime] = mapped_column(
        TIMESTAMP(timezone=True), server_default=text("clock_timestamp()")
    )
    meta_data: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)


class TokenBalanceHistoryRow(Base):
    __tablename__ = "token_balance_history"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    balance_before: Mapped[Decimal] = mapped_column(Numeric(18, 8))
    balance_after: Mapped[Decimal] = mapped_column(Numeric(18, 8))
    change_amount: Mapped[Decimal] = mapped_column(Numeric(18, 8))
    change_type: Mapped[BalanceChangeType] = mapped_column(_enum(BalanceChangeType, "balancechangetype"))
    transaction_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    created_at: Mapped[datetime] = mapped_column(
        TIMESTAMP(timezone=True), server_default=text("clock_timestamp()")
    )
    meta_data: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)


async def setup(url: str) -> OrmState:
    return OrmState(url, autocommit=False)
