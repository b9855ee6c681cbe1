"""deals at scale: generator, one workload per named query, the token_deduction contest, concurrency mix.

Medium sizes (seed 002's service after half a year of use): 100k users (a third referred by another,
60% with a wallet), 20 markets, 200 agents, 200k goals, 500k deals, ~2M price points over the six
months before ``ANCHOR`` (six monthly partitions of ``price_tracking``), 1M notifications, 500k chat
messages, 200k auth tokens, ~450k token operations (a transaction and a history row each), tasks,
scores and activities. Activity is skewed like real traffic: a few users own many goals, get many
notifications and talk a lot; a few goals collect many deals.

Loading: ``before_load`` creates the monthly partitions the price history falls in with core's own
maintenance (``core.run_partition_maintenance``: one marker row per month lands in the DEFAULT
partition, maintenance gives each month its partition, the markers are deleted), so the rows are
COPied straight into their partitions and ``get_price_history`` prunes. The COPY then runs with
``session_replication_role = replica``: no trigger fires, so the price history is loaded as generated
(not one trigger-made row per deal at load time), and the derived counters the triggers keep
(``users.active_goals_count``, ``users.total_deals_found``, ``goals.total_matches_found``, balances
and token totals against the token history) are computed by the generator, consistent with the rows.
Foreign keys are not re-checked during the COPY either (the generator only references rows it made);
everything the workloads do afterwards runs with every trigger and constraint on.
"""

from __future__ import annotations

import hashlib
import os
import random
import uuid
from array import array
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import count
from typing import Any

from sqlalchemy import select

from sqlfirst.deals import tokens
from sqlfirst.deals.models import (
    AgentStatus,
    AgentType,
    BalanceChangeType,
    DealActivityType,
    DealSource,
    DealStatus,
    GoalPriority,
    GoalStatus,
    MarketCategory,
    MarketDataType,
    MarketStatus,
    MarketType,
    MessageRole,
    NotificationPriority,
    NotificationType,
    ScoreType,
    TaskActivityType,
    TaskStatus,
    TokenScope,
    TokenType,
    TransactionStatus,
    TransactionType,
    UserStatus,
)

from ..dataset import PASSWORD_HASH, SAMPLE_KEYS, jsonb, rand_uuid, sample_rows
from ..orm import OrmState
from ..orm_deals import DealsUserRow, TokenBalanceHistoryRow, TokenTransactionRow
from ..orm_deals import setup as orm_setup
from ..registry import Contender, Contest, DomainBench, HotRow, Params, QueryWorkload, TableLoad

ANCHOR = datetime(2026, 11, 1, tzinfo=UTC)
FIRST_PAGE = datetime(1, 1, 2, tzinfo=UTC)
"""A keyset (created_at) before every row: the first page of a listing."""
"""The generated service's "now": history lies in the months before it."""
DAY_S = 24 * 3600
HISTORY_DAYS = 182
YEAR_S = 365 * DAY_S
MEDIUM = {
    "users": 100_000,
    "agents": 200,
    "goals": 200_000,
    "deals": 500_000,
    "deal_scores": 300_000,
    "deal_activities": 500_000,
    "tasks": 100_000,
    "task_activities": 300_000,
    "notifications": 1_000_000,
    "chat_messages": 500_000,
    "auth_tokens": 200_000,
    "symbols": 2_000,
}
PRICE_CHANGE_DAYS = 22.0
"""Mean days between two price changes of a deal: ~4 price points per deal, ~2M at medium."""
MARKETS = 20
CATEGORIES = list(MarketCategory)
CATEGORY_WEIGHTS = [30, 15, 12, 8, 6, 6, 5, 5, 5, 4, 4]
GOAL_STATUSES = [
    (GoalStatus.ACTIVE, 60),
    (GoalStatus.PAUSED, 10),
    (GoalStatus.COMPLETED, 15),
    (GoalStatus.CANCELLED, 5),
    (GoalStatus.EXPIRED, 8),
    (GoalStatus.FAILED, 2),
]
DEAL_STATUSES = [
    (DealStatus.ACTIVE, 70),
    (DealStatus.EXPIRED, 15),
    (DealStatus.SOLD_OUT, 8),
    (DealStatus.PENDING, 5),
    (DealStatus.INVALID, 2),
]
MARKET_SOURCES = [
    DealSource.AMAZON,
    DealSource.WALMART,
    DealSource.EBAY,
    DealSource.TARGET,
    DealSource.BESTBUY,
]
BRANDS = ["acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "wonka", "tyrell", "cyberdyne"]
COLORS = ["black", "white", "silver", "blue", "red"]
PRODUCTS = [
    "Laptop",
    "Headphones",
    "Sneakers",
    "Blender",
    "Novel",
    "Drone",
    "Tent",
    "Jacket",
    "Lamp",
    "Watch",
]
SENTENCES = [
    "Find me a laptop under 800 dollars with at least 16 GB of memory.",
    "I found three offers that match your goal; the cheapest is 12% under target.",
    "Can you watch this price and tell me when it drops?",
    "The price dropped by 8% since yesterday.",
    "Pause this goal until next month, please.",
    "Noted: the goal is paused and no tokens will be spent.",
    "Which seller has the best rating for this item?",
    "The top seller has a 4.8 rating and ships for free.",
]
SERVICES = [f"service_{n:02d}" for n in range(20)]
PRICING_WINDOWS = 5
WINDOW_DAYS = 60
MODEL_NAMES = [f"deal_model_{n}" for n in range(8)]
MODEL_VERSIONS = 60
SOURCES = ["binance", "coinbase", "nasdaq"]
FAR_PAST = datetime(2001, 1, 1, tzinfo=UTC)
"""Rows made by ``prepare`` for the bulk expiry/cleanup queries expire here, before any generated row,
so those calls remove only what was prepared for them."""
BENCH_PREFIX = "bench-"
SIGNUP_BONUS = 1000
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def _pick(options: list[tuple[Any, int]]) -> list[Any]:
    return [value for value, weight in options for _ in range(weight)]


GOAL_STATUS_BAG = _pick(GOAL_STATUSES)
DEAL_STATUS_BAG = _pick(DEAL_STATUSES)
CATEGORY_BAG = _pick(list(zip(CATEGORIES, CATEGORY_WEIGHTS, strict=True)))


def _wallet(i: int) -> str:
    """A unique, valid base58 Solana-style address (44 characters)."""
    digits = []
    n = i
    while True:
        n, r = divmod(n, 58)
        digits.append(_B58[r])
        if n == 0:
            break
    body = "".join(reversed(digits)).rjust(10, _B58[0])  # fixed width: distinct i, distinct address
    return "So1" + "x" * 31 + body


def _referral(i: int) -> str:
    return f"R{i:07d}"


def _email(i: int) -> str:
    return f"deals.user{i:07d}@example.com"


def _token_hash(seed: int, i: int) -> str:
    """A fixed sha256 hex digest standing for the hash of a raw token."""
    return hashlib.sha256(f"bench-token:{seed}:{i}".encode()).hexdigest()


def _money(x: float) -> Decimal:
    return Decimal(f"{x:.2f}")


def _ratio(rng: random.Random) -> Decimal:
    return Decimal(f"{rng.uniform(0.6, 0.99):.4f}")


def _skewed(rng: random.Random, n: int, power: float) -> int:
    """An index in [0, n) with low indexes favoured (power > 1 = more skew)."""
    return min(n - 1, int(n * rng.random() ** power))


def _month_starts(start: datetime, end: datetime) -> list[datetime]:
    month = datetime(start.year, start.month, 1, tzinfo=UTC)
    out = []
    while month < end:
        out.append(month)
        month = datetime(month.year + month.month // 12, month.month % 12 + 1, 1, tzinfo=UTC)
    return out


HISTORY_START = ANCHOR - timedelta(days=HISTORY_DAYS)


@dataclass
class _World:
    """What every table generator must agree on, drawn once (compact arrays: millions of rows)."""

    n_users: int
    user_ids: list[uuid.UUID]
    user_created: array[float]
    goal_ids: list[uuid.UUID]
    goal_user: array[int]
    goal_status: list[GoalStatus]
    goal_category: list[MarketCategory]
    goal_created: array[float]
    deal_ids: list[uuid.UUID]
    deal_goal: array[int]
    deal_found: array[float]
    deal_points: array[int]
    deal_price: array[float]
    market_ids: list[uuid.UUID]
    agent_ids: list[uuid.UUID]
    task_ids: list[uuid.UUID]
    op_user: array[int]
    op_kind: array[int]
    op_amount: array[int]
    balance: array[int]
    spent: array[int]
    rewards: array[int]
    active_goals: array[int]
    deals_found: array[int]
    goal_matches: array[int]


def _n(name: str, factor: float, minimum: int) -> int:
    return max(minimum, int(MEDIUM[name] * factor))


def _world(factor: float, seed: int) -> _World:
    ids = random.Random(seed)
    n_users = _n("users", factor, 100)
    n_goals = _n("goals", factor, 200)
    n_deals = _n("deals", factor, 500)
    n_agents = _n("agents", factor, 20)
    n_tasks = _n("tasks", factor, 100)
    anchor_s = ANCHOR.timestamp()
    user_ids = [rand_uuid(ids) for _ in range(n_users)]
    user_created = array("d", (anchor_s - ids.randrange(YEAR_S) for _ in range(n_users)))
    goal_ids = [rand_uuid(ids) for _ in range(n_goals)]
    goal_user = array("l", (_skewed(ids, n_users, 1.5) for _ in range(n_goals)))
    goal_status = [ids.choice(GOAL_STATUS_BAG) for _ in range(n_goals)]
    goal_category = [ids.choice(CATEGORY_BAG) for _ in range(n_goals)]
    history_s = HISTORY_DAYS * DAY_S
    # goals are up to a year old (an old goal can still be active); deals of the last six months
    goal_created = array("d", (anchor_s - ids.randrange(YEAR_S) for _ in range(n_goals)))
    deal_ids = [rand_uuid(ids) for _ in range(n_deals)]
    deal_goal = array("l", (_skewed(ids, n_goals, 1.3) for _ in range(n_deals)))
    deal_found = array("d")
    deal_points = array("l")
    deal_price = array("d")
    for d in range(n_deals):
        g = deal_goal[d]
        deal_found.append(anchor_s - ids.random() * min(anchor_s - goal_created[g], history_s))
        deal_price.append(_base_price(goal_category[g], ids))
        # the first price, then changes as a Poisson process (one every PRICE_CHANGE_DAYS on average)
        points, t = 1, deal_found[d]
        while points < 60:
            t += ids.expovariate(1 / (PRICE_CHANGE_DAYS * DAY_S))
            if t >= anchor_s:
                break
            points += 1
        deal_points.append(points)
    active_goals = array("l", [0] * n_users)
    for g in range(n_goals):
        if goal_status[g] is GoalStatus.ACTIVE:
            active_goals[goal_user[g]] += 1
    goal_matches = array("l", [0] * n_goals)
    for d in range(n_deals):
        goal_matches[deal_goal[d]] += 1
    deals_found = array("l", [0] * n_users)
    for g in range(n_goals):
        deals_found[goal_user[g]] += goal_matches[g]
    # Token economy: a signup bonus, then deductions, rewards and refunds that never overdraw.
    op_user, op_kind, op_amount = array("l"), array("b"), array("l")
    balance, spent, rewards = array("l", [0] * n_users), array("l", [0] * n_users), array("l", [0] * n_users)
    for u in range(n_users):
        k = ids.randint(0, 9)
        for j in range(k):
            roll = ids.random()
            if j == 0 or roll < 0.2:
                kind, amount = 1, SIGNUP_BONUS if j == 0 else ids.randint(10, 100)
                balance[u] += amount
                rewards[u] += amount
            elif roll < 0.3 and spent[u] >= 5:
                kind, amount = 2, ids.randint(1, 5)
                balance[u] += amount
                spent[u] -= amount
            else:
                kind, amount = 0, ids.randint(1, 20)
                if amount > balance[u]:
                    continue
                balance[u] -= amount
                spent[u] += amount
            op_user.append(u)
            op_kind.append(kind)
            op_amount.append(amount)
    return _World(
        n_users=n_users,
        user_ids=user_ids,
        user_created=user_created,
        goal_ids=goal_ids,
        goal_user=goal_user,
        goal_status=goal_status,
        goal_category=goal_category,
        goal_created=goal_created,
        deal_ids=deal_ids,
        deal_goal=deal_goal,
        deal_found=deal_found,
        deal_points=deal_points,
        deal_price=deal_price,
        market_ids=[rand_uuid(ids) for _ in range(MARKETS)],
        agent_ids=[rand_uuid(ids) for _ in range(n_agents)],
        task_ids=[rand_uuid(ids) for _ in range(n_tasks)],
        op_user=op_user,
        op_kind=op_kind,
        op_amount=op_amount,
        balance=balance,
        spent=spent,
        rewards=rewards,
        active_goals=active_goals,
        deals_found=deals_found,
        goal_matches=goal_matches,
    )


def _at(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _base_price(category: MarketCategory, rng: random.Random) -> float:
    top = {"electronics": 2000.0, "automotive": 1500.0, "home": 800.0, "sports": 600.0}.get(category, 250.0)
    return float(5 * (top / 5) ** rng.random())


def tables(factor: float, seed: int) -> list[TableLoad]:
    """What to COPY at ``factor`` × medium, deterministic for ``seed``."""
    w = _world(factor, seed)
    n_users = w.n_users
    anchor_s = ANCHOR.timestamp()
    kinds = (TransactionType.DEDUCTION, TransactionType.REWARD, TransactionType.REFUND)
    decimals = [Decimal(n) for n in range(max(SIGNUP_BONUS, 100) + 1)]
    n_notifications = _n("notifications", factor, 1000)
    n_chat = _n("chat_messages", factor, 500)
    n_tokens = _n("auth_tokens", factor, 200)
    n_scores = _n("deal_scores", factor, 300)
    n_deal_acts = _n("deal_activities", factor, 500)
    n_task_acts = _n("task_activities", factor, 300)
    n_symbols = _n("symbols", factor, 100)

    def user_rows() -> Iterator[tuple[Any, ...]]:
        rng = random.Random(seed + 1)
        for i, uid in enumerate(w.user_ids):
            created = _at(w.user_created[i])
            referred = w.user_ids[_skewed(rng, i, 2.0)] if i > 0 and rng.random() < 0.33 else None
            status = UserStatus.ACTIVE if rng.random() < 0.95 else rng.choice(list(UserStatus))
            found = w.deals_found[i]
            yield (
                uid,
                _email(i),
                f"Deals User {i}" if rng.random() < 0.8 else None,
                PASSWORD_HASH,
                _wallet(i) if rng.random() < 0.6 else None,
                _referral(i),
                referred,
                decimals[w.balance[i]] if w.balance[i] < len(decimals) else Decimal(w.balance[i]),
                '{"currency": "USD"}',
                status,
                '["in_app", "email"]' if rng.random() < 0.4 else '["in_app"]',
                rng.random() < 0.7,
                _at(anchor_s - rng.randrange(30 * DAY_S)) if rng.random() < 0.8 else None,
                w.active_goals[i],
                found,
                Decimal(f"{rng.random():.4f}") if found else Decimal(0),
                Decimal(w.spent[i]),
                Decimal(w.rewards[i]),
                created,
                created,
            )

    def market_rows() -> Iterator[tuple[Any, ...]]:
        rng = random.Random(seed + 2)
        for i, mid in enumerate(w.market_ids):
            mtype = list(MarketType)[i % len(MarketType)]
            created = HISTORY_START - timedelta(days=30)
            yield (
                mid,
                f"{mtype.value.title()} {i // len(MarketType) + 1}",
                mtype,
                MarketStatus.ACTIVE if i % 7 else MarketStatus.MAINTENANCE,
                f"https://www.{mtype.value}.example.com",
                f"https://api.{mtype.value}.example.com/v1",
                "k" * 32,
                1_000_000,
                60,
                rng.randint(0, 100),
                created,
                created,
            )

    def agent_rows() -> Iterator[tuple[Any, ...]]:
        rng = random.Random(seed + 3)
        for i, aid in enumerate(w.agent_ids):
            atype = list(AgentType)[i % len(AgentType)]
            created = HISTORY_START - timedelta(days=rng.randrange(60))
            yield (
                aid,
                f"{atype.value}-{i:04d}",
                atype,
                rng.choice([AgentStatus.ACTIVE, AgentStatus.ACTIVE, AgentStatus.BUSY, AgentStatus.INACTIVE]),
                rng.sample(["search", "compare", "negotiate", "buy", "notify"], 2),
                '{"model": "gpt-4o-mini", "temperature": 0.2}',
                created,
                created,
            )

    def goal_rows() -> Iterator[tuple[Any, ...]]:
        rng = random.Random(seed + 4)
        for g, gid in enumerate(w.goal_ids):
            category = w.goal_category[g]
            created = _at(w.goal_created[g])
            budget = _base_price(category, rng) * 1.5
            has_budget = rng.random() < 0.7
            end = created + timedelta(days=rng.randint(30, 365)) if rng.random() < 0.5 else None
            product = rng.choice(PRODUCTS)
            yield (
                gid,
                w.user_ids[w.goal_user[g]],
                f"{product} deal",
                f"Looking for a {product.lower()} from {rng.choice(BRANDS)}",
                category,
                jsonb({"brands": rng.sample(BRANDS, 2)}),
                w.goal_status[g],
                rng.choice([GoalPriority.HIGH, GoalPriority.MEDIUM, GoalPriority.MEDIUM, GoalPriority.LOW]),
                created,
                end,
                _money(budget) if has_budget else None,
                _money(rng.choice([5, 10, 15, 20, 30])) if rng.random() < 0.3 else None,
                _money(budget * 0.8) if has_budget and rng.random() < 0.4 else None,
                _money(10) if rng.random() < 0.5 else None,
                None,
                # max_matches: the database refuses deals past it, so a limited goal keeps room for
                # the deals the workloads add (200 to 2000 more than it has).
                (lambda room: None if room is None else w.goal_matches[g] + 20 * room)(
                    rng.choice([None, 10, 50, 100])
                ),
                None,
                w.goal_matches[g],
                _at(anchor_s - rng.randrange(7 * DAY_S)) if w.goal_status[g] is GoalStatus.ACTIVE else None,
                created,
                created,
                "{}",
            )

    def deal_rows() -> Iterator[tuple[Any, ...]]:
        rng = random.Random(seed + 5)
        for d, did in enumerate(w.deal_ids):
            g = w.deal_goal[d]
            category = w.goal_category[g]
            m = d % MARKETS
            price = w.deal_price[d]
            original = price * (1 + rng.choice([0, 0.05, 0.1, 0.2, 0.35]))
            found = _at(w.deal_found[d])
            brand = rng.choice(BRANDS)
            product = rng.choice(PRODUCTS)
            yield (
                did,
                w.goal_ids[g],
                w.market_ids[m],
                f"{brand.title()} {product} {rng.randint(100, 999)}",
                f"{product} by {brand}, {rng.choice(COLORS)}",
                f"https://www.{MARKET_SOURCES[m % 5].value}.example.com/p/{d:08d}",
                f"https://img.example.com/{d:08d}.jpg",
                _money(price),
                _money(original),
                "USD",
                _money(100 * (1 - price / original)) if original > price else None,
                category,
                MARKET_SOURCES[m % 5],
                rng.choice(DEAL_STATUS_BAG),
                f"{brand.title()} Store",
                _money(rng.uniform(3, 5)),
                rng.choice(["in_stock", "in_stock", "low_stock", None]),
                '{"free": true, "days": 3}',
                jsonb({"brand": brand, "color": rng.choice(COLORS), "size": rng.choice(["S", "M", "L"])}),
                found,
                ANCHOR + timedelta(days=rng.randint(30, 365)) if rng.random() < 0.7 else None,
                _at(anchor_s - rng.randrange(3 * DAY_S)),
                found,
                found,
                "{}",
            )

    def price_rows() -> Iterator[tuple[Any, ...]]:
        rng = random.Random(seed + 6)
        for d, did in enumerate(w.deal_ids):
            points = w.deal_points[d]
            found = w.deal_found[d]
            final = w.deal_price[d]
            source = MARKET_SOURCES[(d % MARKETS) % 5]
            # given their number, the changes of a Poisson process are uniform over [found, ANCHOR)
            times = [found, *sorted(found + rng.random() * (anchor_s - found) for _ in range(points - 1))]
            for p, at in enumerate(times):
                price = final if p == points - 1 else final * rng.uniform(0.9, 1.25)
                yield (rand_uuid(rng), did, _money(price), "USD", source, _at(at), "{}")

    def score_rows() -> Iterator[tuple[Any, ...]]:
        rng = random.Random(seed + 7)
        n_deals = len(w.deal_ids)
        for _ in range(n_scores):
            d = rng.randrange(n_deals)
            at = _at(w.deal_found[d] + rng.randrange(DAY_S))
            yield (
                rand_uuid(rng),
                w.deal_ids[d],
                rng.choice(list(ScoreType)),
                _money(rng.uniform(0, 100)),
                _money(rng.uniform(40, 100)),
                at,
                at,
                "{}",
            )

    def deal_activity_rows() -> Iterator[tuple[Any, ...]]:
        rng = random.Random(seed + 8)
        n_deals = len(w.deal_ids)
        for _ in range(n_deal_acts):
            d = _skewed(rng, n_deals, 1.5)
            by_user = rng.random() < 0.3
            yield (
                rand_uuid(rng),
                w.deal_ids[d],
                w.user_ids[w.goal_user[w.deal_goal[d]]] if by_user else None,
                None if by_user else rng.choice(w.agent_ids),
                rng.choice(list(DealActivityType)),
                "price checked",
                _at(w.deal_found[d] + rng.random() * (anchor_s - w.deal_found[d])),
                "{}",
            )

    def task_rows() -> Iterator[tuple[Any, ...]]:
        rng = random.Random(seed + 9)
        n_goals = len(w.goal_ids)
        for tid in w.task_ids:
            g = _skewed(rng, n_goals, 1.3)
            created = _at(w.goal_created[g] + rng.randrange(DAY_S))
            yield (
                tid,
                w.goal_ids[g],
                rng.choice(w.agent_ids) if rng.random() < 0.8 else None,
                rng.choice(["Search markets", "Compare offers", "Negotiate price", "Check stock"]),
                None,
                rng.choice(list(TaskStatus)),
                rng.randint(1, 5),
                created + timedelta(days=rng.randint(1, 30)) if rng.random() < 0.7 else None,
                created,
                created,
                "{}",
            )

    def task_activity_rows() -> Iterator[tuple[Any, ...]]:
        rng = random.Random(seed + 10)
        n_tasks = len(w.task_ids)
        for _ in range(n_task_acts):
            yield (
                rand_uuid(rng),
                w.task_ids[_skewed(rng, n_tasks, 1.5)],
                rng.choice(w.agent_ids),
                rng.choice(list(TaskActivityType)),
                "step done",
                _at(anchor_s - rng.randrange(HISTORY_DAYS * DAY_S)),
                "{}",
            )

    def notification_rows() -> Iterator[tuple[Any, ...]]:
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
                user, deal_id, goal_id = _skewed(rng, n_users, 2.0), None, None
            created = _at(anchor_s - rng.randrange(HISTORY_DAYS * DAY_S))
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

    def chat_rows() -> Iterator[tuple[Any, ...]]:
        rng = random.Random(seed + 12)
        n_goals = len(w.goal_ids)
        roles = (MessageRole.USER, MessageRole.ASSISTANT)
        for i in range(n_chat):
            if rng.random() < 0.6:
                g = _skewed(rng, n_goals, 1.5)
                user, goal_id = w.goal_user[g], w.goal_ids[g]
            else:
                user, goal_id = _skewed(rng, n_users, 2.0), None
            yield (
                rand_uuid(rng),
                w.user_ids[user],
                goal_id,
                roles[i % 2],
                rng.choice(SENTENCES),
                rng.randint(0, 400),
                _at(anchor_s - rng.randrange(HISTORY_DAYS * DAY_S)),
                "{}",
            )

    def auth_token_rows() -> Iterator[tuple[Any, ...]]:
        rng = random.Random(seed + 13)
        for i in range(n_tokens):
            created = _at(anchor_s - rng.randrange(HISTORY_DAYS * DAY_S))
            live = rng.random() < 0.8
            ttype = rng.choice([TokenType.ACCESS, TokenType.REFRESH, TokenType.REFRESH, TokenType.RESET])
            yield (
                rand_uuid(rng),
                w.user_ids[_skewed(rng, n_users, 1.5)],
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

    def token_ids() -> Iterator[uuid.UUID]:
        rng = random.Random(seed + 14)
        for _ in range(len(w.op_user)):
            yield rand_uuid(rng)

    def op_times() -> Iterator[datetime]:
        previous, j, total = -1, 0, 0
        for i, u in enumerate(w.op_user):
            if u != previous:
                previous, j = u, 0
                total = 1
                while i + total < len(w.op_user) and w.op_user[i + total] == u:
                    total += 1
            start = w.user_created[u]
            yield _at(start + (anchor_s - start) * (j + 1) / (total + 1))
            j += 1

    def transaction_rows() -> Iterator[tuple[Any, ...]]:
        for tid, at, u, kind, amount in zip(
            token_ids(), op_times(), w.op_user, w.op_kind, w.op_amount, strict=True
        ):
            yield (
                tid,
                w.user_ids[u],
                kinds[kind],
                decimals[amount],
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

    def history_rows() -> Iterator[tuple[Any, ...]]:
        rng = random.Random(seed + 15)
        running = 0
        previous = -1
        for tid, at, u, kind, amount in zip(
            token_ids(), op_times(), w.op_user, w.op_kind, w.op_amount, strict=True
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
                BalanceChangeType(kinds[kind].value),
                tid,
                at,
                "{}",
            )
            running += change

    def settings_rows() -> Iterator[tuple[Any, ...]]:
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

    def pricing_rows() -> Iterator[tuple[Any, ...]]:
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

    def metrics_rows() -> Iterator[tuple[Any, ...]]:
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

    def market_data_rows() -> Iterator[tuple[Any, ...]]:
        rng = random.Random(seed + 19)
        mtypes = list(MarketDataType)
        for s in range(n_symbols):
            mtype = mtypes[s % len(mtypes)]
            base = 10 ** rng.uniform(-1, 4)
            for source in SOURCES:
                price = base * rng.uniform(0.99, 1.01)
                updated = _at(anchor_s - rng.randrange(DAY_S))
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

    n_ops = len(w.op_user)
    return [
        TableLoad(
            "deals.users",
            (
                "id",
                "email",
                "name",
                "password",
                "sol_address",
                "referral_code",
                "referred_by",
                "token_balance",
                "preferences",
                "status",
                "notification_channels",
                "email_verified",
                "last_login_at",
                "active_goals_count",
                "total_deals_found",
                "success_rate",
                "total_tokens_spent",
                "total_rewards_earned",
                "created_at",
                "updated_at",
            ),
            n_users,
            user_rows,
        ),
        TableLoad(
            "deals.markets",
            (
                "id",
                "name",
                "type",
                "status",
                "base_url",
                "api_endpoint",
                "api_key",
                "rate_limit",
                "rate_limit_window",
                "current_rate",
                "created_at",
                "updated_at",
            ),
            MARKETS,
            market_rows,
        ),
        TableLoad(
            "deals.agents",
            ("id", "name", "type", "status", "capabilities", "config", "created_at", "updated_at"),
            len(w.agent_ids),
            agent_rows,
        ),
        TableLoad(
            "deals.goals",
            (
                "id",
                "user_id",
                "title",
                "description",
                "category",
                "constraints",
                "status",
                "priority",
                "start_date",
                "end_date",
                "max_budget",
                "min_discount_percent",
                "target_price",
                "notification_threshold",
                "auto_buy_threshold",
                "max_matches",
                "max_tokens",
                "total_matches_found",
                "last_checked_at",
                "created_at",
                "updated_at",
                "meta_data",
            ),
            len(w.goal_ids),
            goal_rows,
        ),
        TableLoad(
            "deals.deals",
            (
                "id",
                "goal_id",
                "market_id",
                "title",
                "description",
                "url",
                "image_url",
                "current_price",
                "original_price",
                "currency",
                "discount_percent",
                "category",
                "source",
                "status",
                "seller_name",
                "seller_rating",
                "availability_status",
                "shipping_info",
                "product_specs",
                "found_at",
                "expires_at",
                "last_checked_at",
                "created_at",
                "updated_at",
                "meta_data",
            ),
            len(w.deal_ids),
            deal_rows,
        ),
        TableLoad(
            "deals.price_tracking",
            ("id", "deal_id", "price", "currency", "source", "tracked_at", "meta_data"),
            sum(w.deal_points),
            price_rows,
        ),
        TableLoad(
            "deals.deal_scores",
            ("id", "deal_id", "score_type", "value", "confidence", "created_at", "updated_at", "meta_data"),
            n_scores,
            score_rows,
        ),
        TableLoad(
            "deals.deal_activities",
            (
                "id",
                "deal_id",
                "user_id",
                "agent_id",
                "activity_type",
                "description",
                "created_at",
                "meta_data",
            ),
            n_deal_acts,
            deal_activity_rows,
        ),
        TableLoad(
            "deals.tasks",
            (
                "id",
                "goal_id",
                "agent_id",
                "title",
                "description",
                "status",
                "priority",
                "due_date",
                "created_at",
                "updated_at",
                "meta_data",
            ),
            len(w.task_ids),
            task_rows,
        ),
        TableLoad(
            "deals.task_activities",
            ("id", "task_id", "agent_id", "activity_type", "description", "created_at", "meta_data"),
            n_task_acts,
            task_activity_rows,
        ),
        TableLoad(
            "deals.notifications",
            (
                "id",
                "user_id",
                "type",
                "priority",
                "status",
                "title",
                "message",
                "goal_id",
                "deal_id",
                "action_url",
                "channels",
                "sent_at",
                "delivered_at",
                "read_at",
                "created_at",
                "updated_at",
                "meta_data",
            ),
            n_notifications,
            notification_rows,
        ),
        TableLoad(
            "deals.chat_messages",
            ("id", "user_id", "goal_id", "role", "content", "tokens_used", "created_at", "meta_data"),
            n_chat,
            chat_rows,
        ),
        TableLoad(
            "deals.auth_tokens",
            (
                "id",
                "user_id",
                "token",
                "token_type",
                "status",
                "scope",
                "expires_at",
                "created_at",
                "updated_at",
                "meta_data",
            ),
            n_tokens,
            auth_token_rows,
        ),
        TableLoad(
            "deals.token_transactions",
            (
                "id",
                "user_id",
                "type",
                "amount",
                "status",
                "description",
                "goal_id",
                "tx_hash",
                "created_at",
                "updated_at",
                "meta_data",
            ),
            n_ops,
            transaction_rows,
        ),
        TableLoad(
            "deals.token_balance_history",
            (
                "id",
                "user_id",
                "balance_before",
                "balance_after",
                "change_amount",
                "change_type",
                "transaction_id",
                "created_at",
                "meta_data",
            ),
            n_ops,
            history_rows,
        ),
        TableLoad(
            "deals.user_settings",
            (
                "id",
                "user_id",
                "notification_preferences",
                "ui_preferences",
                "agent_preferences",
                "created_at",
                "updated_at",
            ),
            int(n_users * 0.7),
            settings_rows,
        ),
        TableLoad(
            "deals.token_pricing",
            (
                "id",
                "service_type",
                "token_cost",
                "min_tokens",
                "max_tokens",
                "valid_from",
                "valid_to",
                "is_active",
                "created_at",
                "updated_at",
                "meta_data",
            ),
            len(SERVICES) * PRICING_WINDOWS,
            pricing_rows,
        ),
        TableLoad(
            "deals.model_metrics",
            (
                "id",
                "model_name",
                "model_version",
                "accuracy",
                "precision",
                "recall",
                "f1_score",
                "training_duration",
                "training_samples",
                "validation_samples",
                "hyperparameters",
                "feature_importance",
                "created_at",
                "meta_data",
            ),
            len(MODEL_NAMES) * MODEL_VERSIONS,
            metrics_rows,
        ),
        TableLoad(
            "deals.market_data",
            (
                "id",
                "symbol",
                "market_type",
                "price",
                "high_24h",
                "low_24h",
                "volume_24h",
                "change_24h",
                "change_percent_24h",
                "last_updated",
                "source",
                "meta_data",
                "created_at",
                "updated_at",
            ),
            n_symbols * len(SOURCES),
            market_data_rows,
        ),
    ]


async def before_load(conn: Any, factor: float, seed: int) -> None:
    """Give every month of the price history its partition (core's maintenance), then load trigger-free."""
    months = _month_starts(HISTORY_START, ANCHOR + timedelta(days=1))
    await conn.execute("set session_replication_role = replica")
    async with conn.transaction():
        # One marker per month into the parent: the months without a partition land in DEFAULT, and
        # maintenance creates their partitions (moving the markers), named and bounded as always.
        await conn.execute(
            "insert into deals.price_tracking (deal_id, price, source, tracked_at, meta_data)"
            " select $1, 0, 'manual', m, '{\"bench_marker\": true}' from unnest($2::timestamptz[]) m",
            uuid.UUID(int=0),
            [m + timedelta(days=1) for m in months],
        )
        await conn.execute("select count(*) from core.run_partition_maintenance('deals.price_tracking')")
        await conn.execute("delete from deals.price_tracking where meta_data @> '{\"bench_marker\": true}'")


async def after_load(conn: Any) -> None:
    await conn.execute("set session_replication_role = origin")


# -- samples ---------------------------------------------------------------------------------------


@dataclass
class Samples:
    """Parameters drawn from the loaded data."""

    users: list[Any]
    wallets: list[str]
    rich_users: list[uuid.UUID]
    spenders: list[uuid.UUID]
    referred: list[uuid.UUID]
    referrers: list[uuid.UUID]
    goals: list[Any]
    goal_users: list[uuid.UUID]
    deals: list[Any]
    markets: list[Any]
    agents: list[Any]
    tasks: list[Any]
    assigned_tasks: list[Any]
    tasks_with_activities: list[uuid.UUID]
    scored_deals: list[uuid.UUID]
    scores: list[uuid.UUID]
    deals_with_activities: list[uuid.UUID]
    tokens: list[Any]
    token_users: list[uuid.UUID]
    transactions: list[uuid.UUID]
    unread_users: list[uuid.UUID]
    chat_users: list[uuid.UUID]
    chat_goals: list[uuid.UUID]
    settings_users: list[uuid.UUID]
    quotes: list[Any]
    token: str = field(default_factory=lambda: os.urandom(4).hex())
    serial: Iterator[int] = field(default_factory=count)

    def unique(self, prefix: str) -> str:
        return f"{prefix}{self.token}{next(self.serial)}"


def _col(rows: list[Any], name: str) -> list[Any]:
    return [r[name] for r in rows if r[name] is not None]


async def sample(conn: Any, rng: random.Random) -> Samples:
    seed = rng.randrange(1 << 30)
    n = SAMPLE_KEYS
    users = await sample_rows(
        conn,
        "deals.users",
        ["id", "email", "referral_code", "sol_address", "status", "created_at"],
        n,
        seed=seed,
    )
    referred = await sample_rows(
        conn, "deals.users", ["id", "referred_by"], n, seed=seed, where="referred_by is not null"
    )
    goals = await sample_rows(conn, "deals.goals", ["id", "user_id", "category", "status"], n, seed=seed)
    deals = await sample_rows(
        conn,
        "deals.deals",
        [
            "id",
            "goal_id",
            "market_id",
            "category",
            "status",
            "current_price",
            "found_at",
            "source",
            "product_specs->>'brand' as brand",
        ],
        n,
        seed=seed,
    )
    tasks = await sample_rows(conn, "deals.tasks", ["id", "goal_id", "agent_id", "status"], n, seed=seed)
    scores = await sample_rows(conn, "deals.deal_scores", ["id", "deal_id"], n, seed=seed)
    notif = await sample_rows(conn, "deals.notifications", ["user_id"], n, seed=seed, where="read_at is null")
    chats = await sample_rows(conn, "deals.chat_messages", ["user_id", "goal_id"], n, seed=seed)
    return Samples(
        users=users,
        wallets=_col(users, "sol_address"),
        rich_users=_col(
            await sample_rows(conn, "deals.users", ["id"], n, seed=seed, where="token_balance >= 200"), "id"
        ),
        spenders=_col(
            await sample_rows(conn, "deals.users", ["id"], n, seed=seed, where="total_tokens_spent >= 20"),
            "id",
        ),
        referred=_col(referred, "id"),
        referrers=_col(referred, "referred_by"),
        goals=goals,
        goal_users=_col(goals, "user_id"),
        deals=deals,
        markets=list(
            await conn.fetch("select id, type, status from deals.markets where name not like 'bench-%'")
        ),
        agents=list(
            await conn.fetch("select id, type, status from deals.agents where name not like 'bench-%'")
        ),
        tasks=tasks,
        assigned_tasks=[t for t in tasks if t["agent_id"] is not None],
        tasks_with_activities=_col(
            await sample_rows(conn, "deals.task_activities", ["task_id"], n, seed=seed), "task_id"
        ),
        scored_deals=_col(scores, "deal_id"),
        scores=_col(scores, "id"),
        deals_with_activities=_col(
            await sample_rows(conn, "deals.deal_activities", ["deal_id"], n, seed=seed), "deal_id"
        ),
        tokens=await sample_rows(
            conn, "deals.auth_tokens", ["id", "user_id", "token"], n, seed=seed, where="status = 'active'"
        ),
        token_users=_col(
            await sample_rows(
                conn, "deals.auth_tokens", ["user_id"], n, seed=seed, where="status = 'active'"
            ),
            "user_id",
        ),
        transactions=_col(await sample_rows(conn, "deals.token_transactions", ["id"], n, seed=seed), "id"),
        unread_users=_col(notif, "user_id"),
        chat_users=_col(chats, "user_id"),
        chat_goals=_col(chats, "goal_id"),
        settings_users=_col(
            await sample_rows(conn, "deals.user_settings", ["user_id"], n, seed=seed), "user_id"
        ),
        quotes=await sample_rows(
            conn, "deals.market_data", ["symbol", "source", "market_type"], n, seed=seed
        ),
    )


# -- untimed preparation for writes that remove or consume their target ---------------------------


def _now() -> datetime:
    return datetime.now(UTC)


async def _new_user(conn: Any, s: Samples) -> uuid.UUID:
    uid: uuid.UUID = await conn.fetchval(
        "insert into deals.users (email, password) values ($1, $2) returning id",
        f"{s.unique('prep')}@bench.example.com",
        PASSWORD_HASH,
    )
    return uid


async def _new_goal(conn: Any, s: Samples, rng: random.Random) -> uuid.UUID:
    goal = rng.choice(s.goals)
    gid: uuid.UUID = await conn.fetchval(
        "insert into deals.goals (user_id, title, category) values ($1, 'Prepared goal', $2) returning id",
        goal["user_id"],
        goal["category"],
    )
    return gid


async def _new_deal(
    conn: Any, s: Samples, rng: random.Random, *, expires: datetime | None = None
) -> uuid.UUID:
    deal = rng.choice(s.deals)
    found = None if expires is None else expires - timedelta(days=30)
    did: uuid.UUID = await conn.fetchval(
        "insert into deals.deals (goal_id, market_id, title, url, current_price, category, source,"
        " found_at, expires_at)"
        " values ($1, $2, 'Prepared deal', 'https://example.com/p', $3, $4, $5, coalesce($6, now()), $7)"
        " returning id",
        deal["goal_id"],
        deal["market_id"],
        deal["current_price"],
        deal["category"],
        deal["source"],
        found,
        expires,
    )
    return did


async def _new_tokens(conn: Any, user_id: uuid.UUID, n: int, expires_at: datetime) -> list[uuid.UUID]:
    rows = await conn.fetch(
        "insert into deals.auth_tokens (user_id, token, token_type, expires_at)"
        " select $1, encode(sha256(gen_random_uuid()::text::bytea), 'hex'), 'access', $3"
        " from generate_series(1, $2) returning id",
        user_id,
        n,
        expires_at,
    )
    return [r["id"] for r in rows]


async def _new_notifications(conn: Any, user_id: uuid.UUID, n: int) -> list[uuid.UUID]:
    rows = await conn.fetch(
        "insert into deals.notifications (user_id, type, title, message)"
        " select $1, 'deal', 'Price drop', 'A deal you follow got cheaper'"
        " from generate_series(1, $2) returning id",
        user_id,
        n,
    )
    return [r["id"] for r in rows]


async def _prep_delete_user(conn: Any, s: Samples, rng: random.Random) -> Params:
    return {"id": await _new_user(conn, s)}


def _market_fields(s: Any, r: random.Random) -> Params:
    return {
        "name": s.unique(BENCH_PREFIX),
        "type": r.choice(list(MarketType)),
        "status": MarketStatus.ACTIVE,
        "base_url": "https://www.example.com",
        "api_endpoint": "https://api.example.com/v1",
        "api_key": "k" * 32,
        "rate_limit": 1000,
        "rate_limit_window": 60,
        "meta_data": {},
    }


async def _prep_insert_market(conn: Any, s: Any, rng: random.Random) -> Params:
    # Markets are a catalogue of a few dozen that list_active_markets reads whole: the market the
    # previous call inserted goes first, so a run's thousand inserts do not grow the table the next
    # workloads read (at medium they made list_active_markets build ~1,000 models instead of 17).
    await conn.execute("delete from deals.markets where name like 'bench-%'")
    return _market_fields(s, rng)


async def _prep_delete_goal(conn: Any, s: Samples, rng: random.Random) -> Params:
    return {"id": await _new_goal(conn, s, rng)}


async def _prep_transition_goal(conn: Any, s: Samples, rng: random.Random) -> Params:
    return {
        "id": await _new_goal(conn, s, rng),
        "from_statuses": [GoalStatus.ACTIVE],
        "to_status": GoalStatus.PAUSED,
    }


async def _prep_delete_deal(conn: Any, s: Samples, rng: random.Random) -> Params:
    return {"id": await _new_deal(conn, s, rng)}


async def _prep_expire_deals(conn: Any, s: Samples, rng: random.Random) -> Params:
    for k in range(3):
        await _new_deal(conn, s, rng, expires=FAR_PAST + timedelta(minutes=k))
    return {"as_of": FAR_PAST + timedelta(days=1)}


async def _prep_delete_expired_tokens(conn: Any, s: Samples, rng: random.Random) -> Params:
    await _new_tokens(conn, rng.choice(s.token_users), 3, FAR_PAST + timedelta(minutes=rng.randrange(60)))
    return {"as_of": FAR_PAST + timedelta(days=1)}


async def _prep_expire_goals(conn: Any, s: Samples, rng: random.Random) -> Params:
    goal = rng.choice(s.goals)
    await conn.execute(
        "insert into deals.goals (user_id, title, category, start_date, end_date)"
        " select $1, 'Stale goal', $2, $3::timestamptz - interval '30 days',"
        " $3::timestamptz + k * interval '1 minute'"
        " from generate_series(0, 2) as k",
        goal["user_id"],
        goal["category"],
        FAR_PAST,
    )
    return {"as_of": FAR_PAST + timedelta(days=1)}


async def _new_pending_transaction(conn: Any, s: Samples, rng: random.Random) -> uuid.UUID:
    tid: uuid.UUID = await conn.fetchval(
        "insert into deals.token_transactions (user_id, type, amount, status)"
        " values ($1, 'reward', $2, 'pending') returning id",
        rng.choice(s.rich_users),
        _money(rng.uniform(1, 50)),
    )
    return tid


async def _prep_complete_transaction(conn: Any, s: Samples, rng: random.Random) -> Params:
    return {"id": await _new_pending_transaction(conn, s, rng), "tx_hash": "0x" + os.urandom(32).hex()}


async def _prep_settle_transaction(conn: Any, s: Samples, rng: random.Random) -> Params:
    status = rng.choice([TransactionStatus.FAILED, TransactionStatus.CANCELLED])
    return {"id": await _new_pending_transaction(conn, s, rng), "to_status": status}


async def _prep_transaction_hash(conn: Any, s: Samples, rng: random.Random) -> Params:
    tx_hash = "0x" + os.urandom(32).hex()
    if rng.random() < 0.8:  # a hit; the rest are unknown hashes
        await conn.execute(
            "update deals.token_transactions set tx_hash = $2 where id = $1",
            rng.choice(s.transactions),
            tx_hash,
        )
    return {"tx_hash": tx_hash}


async def _prep_failed_notification(conn: Any, s: Samples, rng: random.Random) -> Params:
    (nid,) = await _new_notifications(conn, rng.choice(s.unread_users), 1)
    return {"id": nid, "error": "smtp 550: mailbox unavailable"}


async def _prep_link_social(conn: Any, s: Samples, rng: random.Random) -> Params:
    return {"id": await _new_user(conn, s), "social_provider": "google", "social_id": s.unique("g")}


async def _prep_social_login(conn: Any, s: Samples, rng: random.Random) -> Params:
    social_id = s.unique("g")
    if rng.random() < 0.8:  # a known login; the rest are first-time social logins (a miss)
        await conn.execute(
            "update deals.users set social_provider = 'google', social_id = $2 where id = $1",
            await _new_user(conn, s),
            social_id,
        )
    return {"social_provider": "google", "social_id": social_id}


async def _prep_deal_url(conn: Any, s: Samples, rng: random.Random) -> Params:
    url: str = await conn.fetchval("select url from deals.deals where id = $1", _deal(s, rng)["id"])
    return {"url": url, "lim": 20}


async def _prep_password_hash(conn: Any, s: Samples, rng: random.Random) -> Params:
    return {"id": await _new_user(conn, s), "password_hash": PASSWORD_HASH}


async def _prep_model_version(conn: Any, s: Samples, rng: random.Random) -> Params:
    row = await conn.fetchrow(
        "select model_name, model_version from deals.model_metrics where model_name = $1"
        " order by created_at desc limit 1 offset $2",
        rng.choice(MODEL_NAMES),
        rng.randrange(3),
    )
    if row is None:
        return {"model_name": rng.choice(MODEL_NAMES), "model_version": "1.0"}
    return {"model_name": row["model_name"], "model_version": row["model_version"]}


def _goal_terms(s: Samples, r: random.Random) -> Params:
    budget = _money(r.uniform(50, 2000))
    return {
        "id": _goal(s, r)["id"],
        "title": f"{r.choice(BRANDS).title()} {r.choice(PRODUCTS)}",
        "description": None,
        "constraints": {"brands": r.sample(BRANDS, 2)},
        "priority": r.choice(list(GoalPriority)),
        "end_date": None,
        "max_budget": budget,
        "min_discount_percent": None,
        "target_price": _money(float(budget) * 0.8),
        "notification_threshold": _money(10),
        "auto_buy_threshold": None,
        "max_matches": None,
        "max_tokens": None,
        "meta_data": {},
    }


async def _prep_revoke_token(conn: Any, s: Samples, rng: random.Random) -> Params:
    (tid,) = await _new_tokens(conn, rng.choice(s.token_users), 1, _now() + timedelta(hours=1))
    return {"id": tid}


async def _prep_revoke_all(conn: Any, s: Samples, rng: random.Random) -> Params:
    uid = await _new_user(conn, s)
    await _new_tokens(conn, uid, 3, _now() + timedelta(hours=1))
    return {"user_id": uid}


async def _prep_mark_read(conn: Any, s: Samples, rng: random.Random) -> Params:
    uid = rng.choice(s.unread_users)
    return {"user_id": uid, "ids": await _new_notifications(conn, uid, 3)}


async def _prep_mark_all_read(conn: Any, s: Samples, rng: random.Random) -> Params:
    uid = await _new_user(conn, s)
    await _new_notifications(conn, uid, 5)
    return {"user_id": uid}


async def _prep_pending_notifications(conn: Any, s: Samples, rng: random.Random) -> Params:
    return {"ids": await _new_notifications(conn, rng.choice(s.unread_users), 5)}


async def _prep_delete_score(conn: Any, s: Samples, rng: random.Random) -> Params:
    sid: uuid.UUID = await conn.fetchval(
        "insert into deals.deal_scores (deal_id, score_type, value, confidence) values ($1, 'risk', 50, 80)"
        " returning id",
        rng.choice(s.deals)["id"],
    )
    return {"id": sid}


async def _prep_delete_task(conn: Any, s: Samples, rng: random.Random) -> Params:
    tid: uuid.UUID = await conn.fetchval(
        "insert into deals.tasks (goal_id, title) values ($1, 'Prepared task') returning id",
        rng.choice(s.goals)["id"],
    )
    return {"id": tid}


async def _prep_delete_agent(conn: Any, s: Samples, rng: random.Random) -> Params:
    aid: uuid.UUID = await conn.fetchval(
        "insert into deals.agents (name, type) values ($1, 'research') returning id", s.unique(BENCH_PREFIX)
    )
    return {"id": aid}


async def _prep_deactivate_pricing(conn: Any, s: Samples, rng: random.Random) -> Params:
    pid: uuid.UUID = await conn.fetchval(
        "insert into deals.token_pricing (service_type, token_cost) values ($1, 1) returning id",
        s.unique(BENCH_PREFIX),
    )
    return {"id": pid}


# -- parameters ------------------------------------------------------------------------------------


def _user(s: Samples, r: random.Random) -> Any:
    return r.choice(s.users)


def _deal(s: Samples, r: random.Random) -> Any:
    return r.choice(s.deals)


def _goal(s: Samples, r: random.Random) -> Any:
    return r.choice(s.goals)


def _amount(r: random.Random, low: int = 1, high: int = 5) -> Decimal:
    return Decimal(r.randint(low, high))


def _new_user_params(s: Samples, r: random.Random) -> Params:
    return {
        "email": f"{s.unique('new')}@bench.example.com",
        "name": "Bench User",
        "password_hash": PASSWORD_HASH,
        "sol_address": None,
        # From the run's unique token, not the rng: the rng repeats across runs on a reused dataset.
        "referral_code": hashlib.sha256(s.unique("ref").encode()).hexdigest()[:10].upper(),
        "referred_by": _user(s, r)["id"] if r.random() < 0.3 else None,
        "preferences": {"currency": "USD"},
        "notification_channels": ["in_app"],
    }


def _new_goal_params(s: Samples, r: random.Random) -> Params:
    goal = _goal(s, r)
    budget = _money(r.uniform(20, 1500))
    return {
        "user_id": goal["user_id"],
        "title": f"{r.choice(PRODUCTS)} deal",
        "description": None,
        "category": goal["category"],
        "constraints": {"brands": r.sample(BRANDS, 2)},
        "priority": GoalPriority.MEDIUM,
        "start_date": None,
        "end_date": _now() + timedelta(days=90),
        "max_budget": budget,
        "min_discount_percent": None,
        "target_price": _money(float(budget) * 0.8),
        "notification_threshold": _money(10),
        "auto_buy_threshold": None,
        "max_matches": 50,
        "max_tokens": None,
        "meta_data": {},
    }


def _new_deal_params(s: Samples, r: random.Random) -> Params:
    deal = _deal(s, r)
    price = deal["current_price"]
    brand = r.choice(BRANDS)
    return {
        "goal_id": deal["goal_id"],
        "market_id": deal["market_id"],
        "title": f"{brand.title()} {r.choice(PRODUCTS)}",
        "description": None,
        "url": f"https://www.example.com/p/{s.unique('d')}",
        "image_url": None,
        "current_price": price,
        "original_price": _money(float(price) * 1.2),
        "currency": "USD",
        "discount_percent": Decimal("16.67"),
        "category": deal["category"],
        "source": deal["source"],
        "status": DealStatus.ACTIVE,
        "seller_name": f"{brand.title()} Store",
        "seller_rating": Decimal("4.50"),
        "availability_status": "in_stock",
        "shipping_info": {"free": True},
        "product_specs": {"brand": brand, "color": r.choice(COLORS)},
        "found_at": None,
        "expires_at": _now() + timedelta(days=30),
        "meta_data": {},
    }


def _most_common(values: Iterator[Any]) -> Any:
    """The most frequent value: the heaviest key of a uniform sample (for the plan checks)."""
    return Counter(values).most_common(1)[0][0]


def _search(s: Samples, r: random.Random, *, specs: bool) -> Params:
    deal = _deal(s, r)
    price = float(deal["current_price"])
    lo, hi = _money(price * 0.5), _money(price * 2)
    first_page = r.random() < 0.5
    out: Params = {
        "category": deal["category"],
        "status": deal["status"],
        "min_price": lo,
        "max_price": hi,
        "after_price": lo if first_page else deal["current_price"],
        "after_id": uuid.UUID(int=0) if first_page else deal["id"],
        "lim": 50,
    }
    if specs:  # a brand the catalogue has (a deal without one would search for {"brand": null})
        out["specs"] = {"brand": deal["brand"] or r.choice(BRANDS)}
    return out


def _history(s: Samples, r: random.Random) -> Params:
    deal = _deal(s, r)
    # a 30-day window inside the deal's history (which ends at ANCHOR)
    room = max(timedelta(0), ANCHOR - timedelta(days=30) - deal["found_at"])
    since = deal["found_at"] + room * r.random()
    return {"deal_id": deal["id"], "since": since, "until": since + timedelta(days=30)}


def _token_op(users: list[uuid.UUID], low: int, high: int) -> Any:
    def params(s: Samples, r: random.Random) -> Params:
        return {
            "user_id": r.choice(users if users else [u["id"] for u in s.users]),
            "amount": _amount(r, low, high),
            "description": "bench",
            "goal_id": None,
            "meta_data": {},
        }

    return params


def _deduct_params(s: Samples, r: random.Random) -> Params:
    return {**_token_op(s.rich_users, 1, 5)(s, r)}


def _refund_params(s: Samples, r: random.Random) -> Params:
    return {**_token_op(s.spenders, 1, 1)(s, r)}


def _reward_params(s: Samples, r: random.Random) -> Params:
    return {**_token_op([], 1, 20)(s, r)}


def _quote(s: Samples, r: random.Random) -> Params:
    q = r.choice(s.quotes)
    price = Decimal(f"{r.uniform(1, 1000):.8f}")
    return {
        "symbol": q["symbol"],
        "market_type": q["market_type"],
        "price": price,
        "high_24h": price * Decimal("1.05"),
        "low_24h": price * Decimal("0.95"),
        "volume_24h": Decimal("12345.5"),
        "change_24h": Decimal("1.5"),
        "change_percent_24h": Decimal("0.15"),
        "last_updated": _now(),
        "source": q["source"],
        "meta_data": {},
    }


def _pricing_at(s: Samples, r: random.Random) -> Params:
    at = ANCHOR - timedelta(days=r.randrange(WINDOW_DAYS * (PRICING_WINDOWS - 1))) + timedelta(days=30)
    return {"service_type": r.choice(SERVICES), "at": at}


def _users_by_status(s: Samples, rng: random.Random) -> Params:
    """A page of users of a drawn user's status: the first page now and then, else the page after
    that user (a keyset anywhere in the status's range)."""
    user = _user(s, rng)
    first = rng.random() < 0.3
    return {
        "status": user["status"],
        "after_created_at": FIRST_PAGE if first else user["created_at"],
        "after_id": uuid.UUID(int=0) if first else user["id"],
        "lim": 50,
    }


QUERIES = [
    # agents
    QueryWorkload(
        "insert_agent",
        lambda s, r: {
            "name": s.unique(BENCH_PREFIX),
            "type": r.choice(list(AgentType)),
            "status": AgentStatus.ACTIVE,
            "capabilities": ["search", "compare"],
            "config": {"model": "gpt-4o-mini"},
        },
    ),
    QueryWorkload("get_agent_by_id", lambda s, r: {"id": r.choice(s.agents)["id"]}),
    QueryWorkload(
        "list_agents_by_type_status",
        lambda s, r: (lambda a: {"type": a["type"], "status": a["status"]})(r.choice(s.agents)),
    ),
    QueryWorkload(
        "set_agent_status",
        lambda s, r: (lambda a: {"id": a["id"], "status": a["status"]})(r.choice(s.agents)),
    ),
    QueryWorkload("delete_agent", lambda s, r: {}, prepare=_prep_delete_agent),
    QueryWorkload(
        "update_agent_config",
        lambda s, r: {
            "id": r.choice(s.agents)["id"],
            "config": {"depth": r.randrange(1, 5)},
            "capabilities": r.sample(["search", "compare", "negotiate", "buy"], 2),
        },
    ),
    # auth tokens
    QueryWorkload(
        "insert_auth_token",
        lambda s, r: {
            "user_id": r.choice(s.token_users),
            "token_hash": hashlib.sha256(s.unique("tok").encode()).hexdigest(),
            "token_type": TokenType.ACCESS,
            "scope": TokenScope.FULL,
            "expires_at": _now() + timedelta(hours=1),
            "meta_data": {"ip": "203.0.113.7"},
        },
    ),
    QueryWorkload("get_active_auth_token_by_hash", lambda s, r: {"token_hash": r.choice(s.tokens)["token"]}),
    QueryWorkload("list_active_auth_tokens", lambda s, r: {"user_id": r.choice(s.token_users)}),
    QueryWorkload("revoke_auth_token", lambda s, r: {}, prepare=_prep_revoke_token),
    QueryWorkload("revoke_user_auth_tokens", lambda s, r: {}, prepare=_prep_revoke_all),
    QueryWorkload("delete_expired_auth_tokens", lambda s, r: {}, prepare=_prep_delete_expired_tokens),
    # chat messages
    QueryWorkload(
        "insert_chat_message",
        lambda s, r: (
            lambda g: {
                "user_id": g["user_id"],
                "goal_id": g["id"] if r.random() < 0.6 else None,
                "role": MessageRole.USER,
                "content": r.choice(SENTENCES),
                "tokens_used": r.randint(0, 400),
                "meta_data": {},
            }
        )(_goal(s, r)),
    ),
    QueryWorkload("list_chat_messages_for_user", lambda s, r: {"user_id": r.choice(s.chat_users), "lim": 50}),
    QueryWorkload("list_chat_messages_for_goal", lambda s, r: {"goal_id": r.choice(s.chat_goals), "lim": 50}),
    # deal activities
    QueryWorkload(
        "insert_deal_activity",
        lambda s, r: {
            "deal_id": _deal(s, r)["id"],
            "user_id": None,
            "agent_id": r.choice(s.agents)["id"],
            "activity_type": DealActivityType.ANALYZED,
            "description": "price checked",
            "meta_data": {},
        },
    ),
    QueryWorkload(
        "list_deal_activities", lambda s, r: {"deal_id": r.choice(s.deals_with_activities), "lim": 50}
    ),
    QueryWorkload(
        "list_deal_activities_by_user",
        lambda s, r: {
            "user_id": _user(s, r)["id"],
            "activity_type": r.choice([None, *DealActivityType]),
            "lim": 50,
        },
    ),
    QueryWorkload(
        "list_deal_activities_by_agent",
        lambda s, r: {
            "agent_id": r.choice(s.agents)["id"],
            "activity_type": r.choice([None, *DealActivityType]),
            "lim": 50,
        },
    ),
    # deal scores
    QueryWorkload(
        "insert_deal_score",
        lambda s, r: {
            "deal_id": _deal(s, r)["id"],
            "score_type": r.choice(list(ScoreType)),
            "value": _money(r.uniform(0, 100)),
            "confidence": _money(r.uniform(40, 100)),
            "meta_data": {},
        },
    ),
    QueryWorkload("list_deal_scores", lambda s, r: {"deal_id": r.choice(s.scored_deals)}),
    QueryWorkload(
        "list_deal_scores_by_type",
        lambda s, r: {"deal_id": r.choice(s.scored_deals), "score_type": r.choice(list(ScoreType))},
    ),
    QueryWorkload(
        "update_deal_score",
        lambda s, r: {
            "id": r.choice(s.scores),
            "value": _money(r.uniform(0, 100)),
            "confidence": _money(r.uniform(40, 100)),
        },
    ),
    QueryWorkload("delete_deal_score", lambda s, r: {}, prepare=_prep_delete_score),
    # deals
    QueryWorkload("insert_deal", _new_deal_params),
    QueryWorkload("get_deal_by_id", lambda s, r: {"id": _deal(s, r)["id"]}),
    QueryWorkload(
        "list_deals_for_goal",
        lambda s, r: (lambda d: {"goal_id": d["goal_id"], "status": d["status"], "lim": 50})(_deal(s, r)),
    ),
    QueryWorkload(
        "update_deal_price",
        lambda s, r: (
            lambda d: {
                "id": d["id"],
                "current_price": _money(float(d["current_price"]) * r.uniform(0.9, 1.1)),
            }
        )(_deal(s, r)),
    ),
    QueryWorkload(
        "set_deal_status", lambda s, r: (lambda d: {"id": d["id"], "status": d["status"]})(_deal(s, r))
    ),
    QueryWorkload("search_deals", lambda s, r: _search(s, r, specs=False)),
    QueryWorkload(
        "search_deals_by_specs",
        lambda s, r: _search(s, r, specs=True),
        heavy=lambda s, r: {
            **_search(s, r, specs=True),
            "category": _most_common(d["category"] for d in s.deals),
            "status": _most_common(d["status"] for d in s.deals),
            "min_price": _money(0),
            "max_price": _money(1_000_000),
            "after_price": _money(0),
            "after_id": uuid.UUID(int=0),
        },
    ),
    QueryWorkload("expire_stale_deals", lambda s, r: {}, prepare=_prep_expire_deals),
    QueryWorkload("delete_deal", lambda s, r: {}, prepare=_prep_delete_deal),
    QueryWorkload("list_deals_by_url", lambda s, r: {}, prepare=_prep_deal_url),
    QueryWorkload(
        "list_deals_by_market",
        lambda s, r: {"market_id": r.choice(s.markets)["id"], "status": DealStatus.ACTIVE, "lim": 50},
    ),
    QueryWorkload("list_deals_for_user", lambda s, r: {"user_id": r.choice(s.goal_users), "lim": 50}),
    QueryWorkload(
        "update_deal_details",
        lambda s, r: {
            "id": _deal(s, r)["id"],
            "availability_status": r.choice(["in_stock", "low_stock", "out_of_stock"]),
            "seller_name": f"{r.choice(BRANDS).title()} Store",
            "seller_rating": _money(r.uniform(3, 5)),
            "expires_at": _now() + timedelta(days=30),
            "shipping_info": {"free": r.random() < 0.5},
        },
    ),
    # goals
    QueryWorkload("insert_goal", _new_goal_params),
    QueryWorkload("get_goal_by_id", lambda s, r: {"id": _goal(s, r)["id"]}),
    QueryWorkload("list_goals_by_user", lambda s, r: {"user_id": r.choice(s.goal_users), "lim": 50}),
    QueryWorkload(
        "list_goals_by_user_status",
        lambda s, r: (lambda g: {"user_id": g["user_id"], "status": g["status"], "lim": 50})(_goal(s, r)),
    ),
    QueryWorkload("transition_goal_status", lambda s, r: {}, prepare=_prep_transition_goal),
    QueryWorkload(
        "find_goals_matching_deal",
        lambda s, r: (
            lambda d: {
                "category": d["category"],
                "price": d["current_price"],
                "discount_percent": _money(r.choice([0, 5, 10, 20, 35])),
                "lim": 50,
            }
        )(_deal(s, r)),
        heavy=lambda s, r: {
            "category": _most_common(d["category"] for d in s.deals),
            "price": _money(float(max(d["current_price"] for d in s.deals))),
            "discount_percent": _money(0),
            "lim": 50,
        },
    ),
    QueryWorkload("touch_goal_checked", lambda s, r: {"id": _goal(s, r)["id"]}),
    QueryWorkload("lock_goal", lambda s, r: {"id": _goal(s, r)["id"]}),
    QueryWorkload("update_goal", _goal_terms),
    QueryWorkload("delete_goal", lambda s, r: {}, prepare=_prep_delete_goal),
    QueryWorkload("expire_stale_goals", lambda s, r: {}, prepare=_prep_expire_goals),
    QueryWorkload("claim_due_goals", lambda s, r: {"checked_before": _now() - timedelta(hours=1), "lim": 10}),
    # market data
    QueryWorkload("upsert_market_data", _quote),
    QueryWorkload("get_latest_market_data", lambda s, r: {"symbol": r.choice(s.quotes)["symbol"]}),
    QueryWorkload(
        "list_market_data_by_type",
        lambda s, r: {"market_type": r.choice(list(MarketDataType)), "lim": 50},
    ),
    # markets
    QueryWorkload("insert_market", _market_fields, prepare=_prep_insert_market),
    QueryWorkload("get_market_by_id", lambda s, r: {"id": r.choice(s.markets)["id"]}),
    QueryWorkload(
        "list_markets_by_type_status",
        lambda s, r: (lambda m: {"type": m["type"], "status": m["status"]})(r.choice(s.markets)),
    ),
    QueryWorkload(
        "set_market_status",
        lambda s, r: (lambda m: {"id": m["id"], "status": m["status"]})(r.choice(s.markets)),
    ),
    QueryWorkload("consume_market_rate_limit", lambda s, r: {"id": r.choice(s.markets)["id"]}),
    QueryWorkload(
        "record_market_error",
        lambda s, r: {"id": r.choice(s.markets)["id"], "error": "HTTP 503 from upstream"},
    ),
    QueryWorkload("list_active_markets", lambda s, r: {}),
    QueryWorkload(
        "update_market_config",
        lambda s, r: (
            lambda m: {
                "id": m["id"],
                "base_url": "https://www.example.com",
                "api_endpoint": "https://api.example.com/v1",
                "rate_limit": 1_000_000,
                "rate_limit_window": 60,
                "meta_data": {"region": r.choice(["us", "eu"])},
            }
        )(r.choice(s.markets)),
    ),
    QueryWorkload("set_market_api_key", lambda s, r: {"id": r.choice(s.markets)["id"], "api_key": "k" * 32}),
    QueryWorkload("get_market_api_key", lambda s, r: {"id": r.choice(s.markets)["id"]}),
    QueryWorkload("reset_market_errors", lambda s, r: {"id": r.choice(s.markets)["id"]}),
    # model metrics
    QueryWorkload(
        "insert_model_metrics",
        lambda s, r: {
            "model_name": r.choice(MODEL_NAMES),
            "model_version": s.unique(BENCH_PREFIX),
            "accuracy": Decimal("0.9100"),
            "precision": Decimal("0.8800"),
            "recall": Decimal("0.8700"),
            "f1_score": Decimal("0.8750"),
            "training_duration": 600,
            "training_samples": 100_000,
            "validation_samples": 10_000,
            "hyperparameters": {"lr": 0.001},
            "feature_importance": {"price": 0.4},
            "meta_data": {},
        },
    ),
    QueryWorkload("list_latest_model_metrics", lambda s, r: {}),
    QueryWorkload("get_latest_model_metrics", lambda s, r: {"model_name": r.choice(MODEL_NAMES)}),
    QueryWorkload("get_model_metrics_version", lambda s, r: {}, prepare=_prep_model_version),
    # notifications
    QueryWorkload(
        "insert_notification",
        lambda s, r: (
            lambda d: {
                "user_id": r.choice(s.unread_users),
                "type": NotificationType.PRICE_ALERT,
                "priority": NotificationPriority.HIGH,
                "title": "Price drop",
                "message": r.choice(SENTENCES),
                "goal_id": None,
                "deal_id": d["id"],
                "action_url": f"https://app.example.com/deals/{d['id']}",
                "channels": ["in_app", "email"],
                "meta_data": {},
            }
        )(_deal(s, r)),
    ),
    QueryWorkload("list_unread_notifications", lambda s, r: {"user_id": r.choice(s.unread_users), "lim": 50}),
    QueryWorkload("count_unread_notifications", lambda s, r: {"user_id": r.choice(s.unread_users)}),
    QueryWorkload(
        "list_notifications",
        lambda s, r: {
            "user_id": r.choice(s.unread_users),
            "type": r.choice([None, None, *NotificationType]),
            "priority": r.choice([None, None, *NotificationPriority]),
            "lim": 50,
        },
    ),
    QueryWorkload("mark_notifications_read", lambda s, r: {}, prepare=_prep_mark_read),
    QueryWorkload("mark_all_notifications_read", lambda s, r: {}, prepare=_prep_mark_all_read),
    QueryWorkload("mark_notifications_sent", lambda s, r: {}, prepare=_prep_pending_notifications),
    QueryWorkload("mark_notifications_delivered", lambda s, r: {}, prepare=_prep_pending_notifications),
    QueryWorkload("mark_notification_failed", lambda s, r: {}, prepare=_prep_failed_notification),
    # price tracking
    QueryWorkload(
        "record_price_point",
        lambda s, r: (
            lambda d: {
                "deal_id": d["id"],
                "price": _money(float(d["current_price"]) * r.uniform(0.95, 1.05)),
                "currency": "USD",
                "source": DealSource.SCRAPER,
                "tracked_at": None,
                "meta_data": {"seller": "other"},
            }
        )(_deal(s, r)),
    ),
    QueryWorkload("get_price_history", _history),
    # task activities
    QueryWorkload(
        "insert_task_activity",
        lambda s, r: {
            "task_id": r.choice(s.tasks)["id"],
            "agent_id": r.choice(s.agents)["id"],
            "activity_type": TaskActivityType.PROGRESS,
            "description": "step done",
            "meta_data": {},
        },
    ),
    QueryWorkload(
        "list_task_activities", lambda s, r: {"task_id": r.choice(s.tasks_with_activities), "lim": 50}
    ),
    # tasks
    QueryWorkload(
        "insert_task",
        lambda s, r: {
            "goal_id": _goal(s, r)["id"],
            "agent_id": r.choice(s.agents)["id"],
            "title": "Search markets",
            "description": None,
            "priority": r.randint(1, 5),
            "due_date": _now() + timedelta(days=7),
            "meta_data": {},
        },
    ),
    QueryWorkload("get_task_by_id", lambda s, r: {"id": r.choice(s.tasks)["id"]}),
    QueryWorkload("list_tasks_for_goal", lambda s, r: {"goal_id": r.choice(s.tasks)["goal_id"]}),
    QueryWorkload(
        "list_tasks_for_agent",
        lambda s, r: (lambda t: {"agent_id": t["agent_id"], "status": t["status"]})(
            r.choice(s.assigned_tasks)
        ),
        heavy=lambda s, r: dict(
            zip(
                ("agent_id", "status"),
                _most_common((t["agent_id"], t["status"]) for t in s.assigned_tasks),
                strict=True,
            )
        ),
    ),
    QueryWorkload(
        "set_task_status", lambda s, r: (lambda t: {"id": t["id"], "status": t["status"]})(r.choice(s.tasks))
    ),
    QueryWorkload(
        "assign_task",
        lambda s, r: (lambda t: {"id": t["id"], "agent_id": t["agent_id"] or r.choice(s.agents)["id"]})(
            r.choice(s.tasks)
        ),
    ),
    QueryWorkload("delete_task", lambda s, r: {}, prepare=_prep_delete_task),
    # token pricing
    QueryWorkload(
        "insert_token_pricing",
        lambda s, r: {
            "service_type": s.unique(BENCH_PREFIX),
            "token_cost": _money(r.uniform(0.5, 20)),
            "min_tokens": 1,
            "max_tokens": None,
            "valid_from": None,
            "valid_to": None,
            "meta_data": {},
        },
    ),
    QueryWorkload("get_token_price_at", _pricing_at),
    QueryWorkload("list_token_pricing", lambda s, r: {"service_type": r.choice(SERVICES)}),
    QueryWorkload("deactivate_token_pricing", lambda s, r: {}, prepare=_prep_deactivate_pricing),
    # tokens
    QueryWorkload("deduct_tokens", _deduct_params),
    QueryWorkload("reward_tokens", _reward_params),
    QueryWorkload("refund_tokens", _refund_params),
    QueryWorkload("get_token_balance", lambda s, r: {"user_id": _user(s, r)["id"]}),
    QueryWorkload("list_balance_history", lambda s, r: {"user_id": r.choice(s.rich_users), "lim": 50}),
    QueryWorkload("list_token_transactions", lambda s, r: {"user_id": r.choice(s.rich_users), "lim": 50}),
    QueryWorkload(
        "set_transaction_hash",
        lambda s, r: {"id": r.choice(s.transactions), "tx_hash": "0x" + os.urandom(32).hex()},
    ),
    QueryWorkload(
        "begin_token_transaction",
        lambda s, r: {
            "user_id": r.choice(s.rich_users),
            "type": TransactionType.REWARD,
            "amount": _money(r.uniform(1, 50)),
            "description": "token purchase",
            "goal_id": None,
            "tx_hash": None,
            "meta_data": {},
        },
    ),
    QueryWorkload("complete_token_transaction", lambda s, r: {}, prepare=_prep_complete_transaction),
    QueryWorkload("settle_token_transaction", lambda s, r: {}, prepare=_prep_settle_transaction),
    QueryWorkload("get_token_transaction_by_hash", lambda s, r: {}, prepare=_prep_transaction_hash),
    # user settings
    QueryWorkload(
        "upsert_user_settings",
        lambda s, r: {
            "user_id": r.choice(s.settings_users) if r.random() < 0.8 else _user(s, r)["id"],
            "notification_preferences": {"email": True, "push": r.random() < 0.5},
            "ui_preferences": {"theme": r.choice(["dark", "light"])},
            "agent_preferences": {"autobuy": False},
        },
    ),
    QueryWorkload("get_user_settings", lambda s, r: {"user_id": r.choice(s.settings_users)}),
    # users
    QueryWorkload("insert_user", _new_user_params),
    QueryWorkload("get_user_by_id", lambda s, r: {"id": _user(s, r)["id"]}),
    QueryWorkload("get_user_by_email", lambda s, r: {"email": _user(s, r)["email"]}),
    QueryWorkload("get_user_by_referral_code", lambda s, r: {"referral_code": _user(s, r)["referral_code"]}),
    QueryWorkload("get_user_by_wallet", lambda s, r: {"sol_address": r.choice(s.wallets)}),
    QueryWorkload("get_login_by_email", lambda s, r: {"email": _user(s, r)["email"]}),
    QueryWorkload("get_referral_chain", lambda s, r: {"id": r.choice(s.referred)}),
    QueryWorkload("list_referred_users", lambda s, r: {"id": r.choice(s.referrers), "lim": 50}),
    QueryWorkload(
        "set_user_status", lambda s, r: (lambda u: {"id": u["id"], "status": u["status"]})(_user(s, r))
    ),
    QueryWorkload("record_user_login", lambda s, r: {"id": _user(s, r)["id"]}),
    QueryWorkload("delete_user", lambda s, r: {}, prepare=_prep_delete_user),
    QueryWorkload(
        "update_user_profile",
        lambda s, r: {
            "id": _user(s, r)["id"],
            "name": f"Deals User {r.randrange(10**6)}",
            "preferences": {"currency": r.choice(["USD", "EUR"])},
            "notification_channels": r.choice([["in_app"], ["in_app", "email"]]),
        },
    ),
    QueryWorkload("mark_user_email_verified", lambda s, r: {"id": _user(s, r)["id"]}),
    QueryWorkload("get_login_by_id", lambda s, r: {"id": _user(s, r)["id"]}),
    QueryWorkload("set_user_password_hash", lambda s, r: {}, prepare=_prep_password_hash),
    QueryWorkload("get_user_by_social", lambda s, r: {}, prepare=_prep_social_login),
    QueryWorkload("list_users_by_status", _users_by_status),
    QueryWorkload("link_user_social", lambda s, r: {}, prepare=_prep_link_social),
]


# -- side by side: token_deduction -----------------------------------------------------------------
# ctx: benchmarks.sidebyside.ContestContext (conn with sqlfirst's codecs, orm state, samples).

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
        iterations=400,
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


async def cleanup(conn: Any) -> None:
    """Remove the catalogue rows the insert workloads add, so repeated runs keep the dataset's shape."""
    await conn.execute("delete from deals.markets where name like 'bench-%'")
    await conn.execute("delete from deals.agents where name like 'bench-%'")
    await conn.execute("delete from deals.model_metrics where model_version like 'bench-%'")
    await conn.execute("delete from deals.token_pricing where service_type like 'bench-%'")
    await conn.execute("delete from deals.users where email like 'prep%@bench.example.com'")
    await conn.execute("delete from deals.users where email like 'new%@bench.example.com'")


BENCH = DomainBench(
    domain="deals",
    tables=tables,
    sample=sample,
    queries=QUERIES,
    contests=CONTESTS,
    mix={
        "get_user_by_id": 10,
        "get_deal_by_id": 10,
        "search_deals": 15,
        "list_unread_notifications": 10,
        "count_unread_notifications": 10,
        "get_price_history": 10,
        "list_deals_for_goal": 10,
        "deduct_tokens": 5,
        "get_active_auth_token_by_hash": 10,
        "insert_chat_message": 5,
        "update_deal_price": 5,
    },
    orm_setup=orm_setup,
    cleanup=cleanup,
    before_load=before_load,
    after_load=after_load,
    hot_rows=HOT_ROWS,
)
