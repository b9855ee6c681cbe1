"""deals' generated world: sizes, vocabularies, the small value helpers and ``_world``, the draws every
table generator agrees on (the rows themselves: ``rows_deals`` and ``rows_accounts``)."""

from __future__ import annotations

import hashlib
import random
import uuid
from array import array
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlfirst.bench.dataset import rand_uuid
from sqlfirst.deals.models import DealSource, DealStatus, GoalStatus, MarketCategory

ANCHOR = datetime(2026, 11, 1, tzinfo=UTC)
"""The generated service's "now": history lies in the months before it."""
FIRST_PAGE = datetime(1, 1, 2, tzinfo=UTC)
"""A keyset (created_at) before every row: the first page of a listing."""
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


HISTORY_START = ANCHOR - timedelta(days=HISTORY_DAYS)

ANCHOR_S = ANCHOR.timestamp()
"""``ANCHOR`` in epoch seconds, the unit the world's arrays keep times in."""
DECIMALS = [Decimal(n) for n in range(max(SIGNUP_BONUS, 100) + 1)]
"""Token amounts as Decimals, made once (the token columns take one per row)."""


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
    task_goal: array[int]
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
    task_rng = random.Random(seed + 90)
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
        # a stream of its own, so the draws above stay what they were
        task_goal=array("l", (_skewed(task_rng, n_goals, 1.3) for _ in range(n_tasks))),
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
