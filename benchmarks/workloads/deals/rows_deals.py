"""deals' rows, the deal-finding side: users, markets, agents, goals, deals, their price history, scores
and activities, tasks and task activities (one generator per table, assembled by ``load.tables``)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlfirst.bench.dataset import PASSWORD_HASH, jsonb, rand_uuid
from sqlfirst.deals.models import (
    AgentStatus,
    AgentType,
    DealActivityType,
    GoalPriority,
    GoalStatus,
    MarketStatus,
    MarketType,
    ScoreType,
    TaskActivityType,
    TaskStatus,
    UserStatus,
)

from .world import (
    ANCHOR,
    ANCHOR_S,
    BRANDS,
    COLORS,
    DAY_S,
    DEAL_STATUS_BAG,
    DECIMALS,
    HISTORY_DAYS,
    HISTORY_START,
    MARKET_SOURCES,
    MARKETS,
    PRODUCTS,
    _at,
    _base_price,
    _email,
    _money,
    _referral,
    _skewed,
    _wallet,
    _World,
)


def user_rows(w: _World, seed: int) -> Iterator[tuple[Any, ...]]:
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
            DECIMALS[w.balance[i]] if w.balance[i] < len(DECIMALS) else Decimal(w.balance[i]),
            '{"currency": "USD"}',
            status,
            '["in_app", "email"]' if rng.random() < 0.4 else '["in_app"]',
            rng.random() < 0.7,
            _at(ANCHOR_S - rng.randrange(30 * DAY_S)) if rng.random() < 0.8 else None,
            w.active_goals[i],
            found,
            Decimal(f"{rng.random():.4f}") if found else Decimal(0),
            Decimal(w.spent[i]),
            Decimal(w.rewards[i]),
            created,
            created,
        )


def market_rows(w: _World, seed: int) -> Iterator[tuple[Any, ...]]:
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


def agent_rows(w: _World, seed: int) -> Iterator[tuple[Any, ...]]:
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


def goal_rows(w: _World, seed: int) -> Iterator[tuple[Any, ...]]:
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
            _at(ANCHOR_S - rng.randrange(7 * DAY_S)) if w.goal_status[g] is GoalStatus.ACTIVE else None,
            created,
            created,
            "{}",
        )


def deal_rows(w: _World, seed: int) -> Iterator[tuple[Any, ...]]:
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
            w.user_ids[w.goal_user[g]],
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
            _at(ANCHOR_S - rng.randrange(3 * DAY_S)),
            found,
            found,
            "{}",
        )


def price_rows(w: _World, seed: int) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(seed + 6)
    for d, did in enumerate(w.deal_ids):
        points = w.deal_points[d]
        found = w.deal_found[d]
        final = w.deal_price[d]
        source = MARKET_SOURCES[(d % MARKETS) % 5]
        user_id = w.user_ids[w.goal_user[w.deal_goal[d]]]
        # given their number, the changes of a Poisson process are uniform over [found, ANCHOR)
        times = [found, *sorted(found + rng.random() * (ANCHOR_S - found) for _ in range(points - 1))]
        for p, at in enumerate(times):
            price = final if p == points - 1 else final * rng.uniform(0.9, 1.25)
            # deal_shared: every generated deal is found on a market (MARKET_SOURCES), as 0214 sets it
            yield (rand_uuid(rng), did, user_id, _money(price), "USD", source, _at(at), "{}", True)


def score_rows(w: _World, seed: int, n_scores: int) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(seed + 7)
    n_deals = len(w.deal_ids)
    for _ in range(n_scores):
        d = rng.randrange(n_deals)
        at = _at(w.deal_found[d] + rng.randrange(DAY_S))
        yield (
            rand_uuid(rng),
            w.user_ids[w.goal_user[w.deal_goal[d]]],
            w.deal_ids[d],
            rng.choice(list(ScoreType)),
            _money(rng.uniform(0, 100)),
            _money(rng.uniform(40, 100)),
            at,
            at,
            "{}",
            True,  # deal_shared: every generated deal is found on a market (MARKET_SOURCES), as 0186 sets it
        )


def deal_activity_rows(w: _World, seed: int, n_deal_acts: int) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(seed + 8)
    n_deals = len(w.deal_ids)
    for _ in range(n_deal_acts):
        d = _skewed(rng, n_deals, 1.5)
        by_user = rng.random() < 0.3
        deal_user = w.user_ids[w.goal_user[w.deal_goal[d]]]
        yield (
            rand_uuid(rng),
            deal_user,
            w.deal_ids[d],
            deal_user if by_user else None,
            None if by_user else rng.choice(w.agent_ids),
            rng.choice(list(DealActivityType)),
            "price checked",
            _at(w.deal_found[d] + rng.random() * (ANCHOR_S - w.deal_found[d])),
            "{}",
        )


def task_rows(w: _World, seed: int) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(seed + 9)
    for t, tid in enumerate(w.task_ids):
        g = w.task_goal[t]
        created = _at(w.goal_created[g] + rng.randrange(DAY_S))
        yield (
            tid,
            w.user_ids[w.goal_user[g]],
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


def task_activity_rows(w: _World, seed: int, n_task_acts: int) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(seed + 10)
    n_tasks = len(w.task_ids)
    for _ in range(n_task_acts):
        t = _skewed(rng, n_tasks, 1.5)
        yield (
            rand_uuid(rng),
            w.user_ids[w.goal_user[w.task_goal[t]]],
            w.task_ids[t],
            rng.choice(w.agent_ids),
            rng.choice(list(TaskActivityType)),
            "step done",
            _at(ANCHOR_S - rng.randrange(HISTORY_DAYS * DAY_S)),
            "{}",
        )
