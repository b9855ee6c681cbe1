"""deals' rows, the account side: notifications, chat messages, auth tokens, the token economy
(transactions and balance history), user settings, token pricing, model metrics and market data
(one generator per table, assembled by ``load.tables``)."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlfirst.bench.dataset import rand_uuid
from sqlfirst.deals.models import (
    BalanceChangeType,
    MarketDataType,
    MessageRole,
    NotificationPriority,
    NotificationType,
    TokenScope,
    TokenType,
    TransactionStatus,
    TransactionType,
)

from .world import (
    ANCHOR,
    ANCHOR_S,
    DAY_S,
    DECIMALS,
    HISTORY_DAYS,
    HISTORY_START,
    MODEL_NAMES,
    MODEL_VERSIONS,
    PRICING_WINDOWS,
    SENTENCES,
    SERVICES,
    SIGNUP_BONUS,
    SOURCES,
    WINDOW_DAYS,
    _at,
    _money,
    _ratio,
    _skewed,
    _token_hash,
    _World,
)

KINDS = (TransactionType.DEDUCTION, TransactionType.REWARD, TransactionType.REFUND)
"""The token operations of ``_World.op_kind``, by index."""


def notification_rows(w: _World, seed: int, n_notifications: int) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(seed + 11)
    n_deals = len(w.deal_ids)
    ntypes = list(NotificationType)
    priorities = list(NotificationPriority)
    for _ in range(n_notifications):
        about_deal = rng.random() < 0.5
        if about_deal:
            d = rng.randrange(n_deals)
            g = w.deal_goal[d]
            user = w.goal_user[g]
            deal_id, goal_id = w.deal_ids[d], w.goal_ids[g]
        else:
            user, deal_id, goal_id = _skewed(rng, w.n_users, 2.0), None, None
        created = _at(ANCHOR_S - rng.randrange(HISTORY_DAYS * DAY_S))
        read = rng.random() < 0.7
        sent = created + timedelta(seconds=5)
        yield (
            rand_uuid(rng),
            w.user_ids[user],
            NotificationType.DEAL if about_deal else rng.choice(ntypes),
            rng.choice(priorities),
            "read" if read else rng.choice(["pending", "sent", "delivered"]),
            "Price drop" if about_deal else "Account update",
            rng.choice(SENTENCES),
            goal_id,
            deal_id,
            None,
            '["in_app"]',
            sent,
            sent if read else None,
            sent + timedelta(minutes=30) if read else None,
            created,
            created,
            "{}",
        )


def chat_rows(w: _World, seed: int, n_chat: int) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(seed + 12)
    n_goals = len(w.goal_ids)
    roles = (MessageRole.USER, MessageRole.ASSISTANT)
    for i in range(n_chat):
        if rng.random() < 0.6:
            g = _skewed(rng, n_goals, 1.5)
            user, goal_id = w.goal_user[g], w.goal_ids[g]
        else:
            user, goal_id = _skewed(rng, w.n_users, 2.0), None
        yield (
            rand_uuid(rng),
            w.user_ids[user],
            goal_id,
            roles[i % 2],
            rng.choice(SENTENCES),
            rng.randint(0, 400),
            _at(ANCHOR_S - rng.randrange(HISTORY_DAYS * DAY_S)),
            "{}",
        )


def auth_token_rows(w: _World, seed: int, n_tokens: int) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(seed + 13)
    for i in range(n_tokens):
        created = _at(ANCHOR_S - rng.randrange(HISTORY_DAYS * DAY_S))
        live = rng.random() < 0.8
        ttype = rng.choice([TokenType.ACCESS, TokenType.REFRESH, TokenType.REFRESH, TokenType.RESET])
        yield (
            rand_uuid(rng),
            w.user_ids[_skewed(rng, w.n_users, 1.5)],
            _token_hash(seed, i),
            ttype,
            "active" if live else rng.choice(["expired", "revoked"]),
            TokenScope.FULL,
            # live tokens stay valid for years (reruns still find them); others expired on the way
            ANCHOR + timedelta(days=3650) if live else created + timedelta(days=1),
            created,
            created,
            "{}",
        )


def _token_ids(w: _World, seed: int) -> Iterator[uuid.UUID]:
    rng = random.Random(seed + 14)
    for _ in range(len(w.op_user)):
        yield rand_uuid(rng)


def _op_times(w: _World) -> Iterator[datetime]:
    previous, j, total = -1, 0, 0
    for i, u in enumerate(w.op_user):
        if u != previous:
            previous, j = u, 0
            total = 1
            while i + total < len(w.op_user) and w.op_user[i + total] == u:
                total += 1
        start = w.user_created[u]
        yield _at(start + (ANCHOR_S - start) * (j + 1) / (total + 1))
        j += 1


def transaction_rows(w: _World, seed: int) -> Iterator[tuple[Any, ...]]:
    for tid, at, u, kind, amount in zip(
        _token_ids(w, seed), _op_times(w), w.op_user, w.op_kind, w.op_amount, strict=True
    ):
        yield (
            tid,
            w.user_ids[u],
            KINDS[kind],
            DECIMALS[amount],
            TransactionStatus.COMPLETED,
            ("signup bonus" if amount == SIGNUP_BONUS else "reward")
            if kind == 1
            else ("refund" if kind == 2 else "search"),
            None,
            None,
            at,
            at,
            "{}",
        )


def history_rows(w: _World, seed: int) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(seed + 15)
    running = 0
    previous = -1
    for tid, at, u, kind, amount in zip(
        _token_ids(w, seed), _op_times(w), w.op_user, w.op_kind, w.op_amount, strict=True
    ):
        if u != previous:
            previous, running = u, 0
        change = -amount if kind == 0 else amount
        yield (
            rand_uuid(rng),
            w.user_ids[u],
            Decimal(running),
            Decimal(running + change),
            Decimal(change),
            BalanceChangeType(KINDS[kind].value),
            tid,
            at,
            "{}",
        )
        running += change


def settings_rows(w: _World, seed: int) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(seed + 16)
    for i, uid in enumerate(w.user_ids):
        if rng.random() < 0.7:
            created = _at(w.user_created[i])
            yield (
                rand_uuid(rng),
                uid,
                '{"email": true, "push": false}',
                '{"theme": "dark"}' if rng.random() < 0.5 else '{"theme": "light"}',
                '{"autobuy": false}',
                created,
                created,
            )


def pricing_rows(seed: int) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(seed + 17)
    first = ANCHOR - timedelta(days=WINDOW_DAYS * (PRICING_WINDOWS - 1))
    for service in SERVICES:
        for k in range(PRICING_WINDOWS):
            start = first + timedelta(days=WINDOW_DAYS * k)
            end = None if k == PRICING_WINDOWS - 1 else start + timedelta(days=WINDOW_DAYS)
            yield (
                rand_uuid(rng),
                service,
                _money(rng.uniform(0.5, 20)),
                1,
                None,
                start,
                end,
                True,
                start,
                start,
                "{}",
            )


def metrics_rows(seed: int) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(seed + 18)
    for name in MODEL_NAMES:
        for v in range(MODEL_VERSIONS):
            yield (
                rand_uuid(rng),
                name,
                f"1.{v}",
                _ratio(rng),
                _ratio(rng),
                _ratio(rng),
                _ratio(rng),
                rng.randint(60, 3600),
                rng.randint(10_000, 1_000_000),
                rng.randint(1_000, 100_000),
                '{"lr": 0.001}',
                '{"price": 0.4, "discount": 0.3}',
                HISTORY_START + timedelta(hours=v * 70 + rng.randrange(60)),
                "{}",
            )


def market_data_rows(seed: int, n_symbols: int) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(seed + 19)
    mtypes = list(MarketDataType)
    for s in range(n_symbols):
        mtype = mtypes[s % len(mtypes)]
        base = 10 ** rng.uniform(-1, 4)
        for source in SOURCES:
            price = base * rng.uniform(0.99, 1.01)
            updated = _at(ANCHOR_S - rng.randrange(DAY_S))
            yield (
                rand_uuid(rng),
                f"SYM{s:05d}",
                mtype,
                Decimal(f"{price:.8f}"),
                Decimal(f"{price * 1.05:.8f}"),
                Decimal(f"{price * 0.95:.8f}"),
                Decimal(f"{rng.uniform(1e3, 1e7):.8f}"),
                Decimal(f"{price * 0.01:.8f}"),
                Decimal("1.0000"),
                updated,
                source,
                "{}",
                updated,
                updated,
            )
