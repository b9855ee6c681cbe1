"""deals' workload parameters that take more than a line: new rows, searches, windows, token operations."""

from __future__ import annotations

import hashlib
import random
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlfirst.bench.dataset import PASSWORD_HASH
from sqlfirst.bench.registry import Params
from sqlfirst.deals.models import AgentStatus, AgentType, DealStatus, GoalPriority, MarketStatus, MarketType

from .samples import Samples, _amount, _deal, _goal, _now, _user
from .world import (
    ANCHOR,
    BENCH_PREFIX,
    BRANDS,
    COLORS,
    FIRST_PAGE,
    PRICING_WINDOWS,
    PRODUCTS,
    SERVICES,
    WINDOW_DAYS,
    _money,
)


def _agent_fields(s: Any, r: random.Random) -> Params:
    return {
        "name": s.unique(BENCH_PREFIX),
        "type": r.choice(list(AgentType)),
        "status": AgentStatus.ACTIVE,
        "capabilities": ["search", "compare"],
        "config": {"model": "gpt-4o-mini"},
    }


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


EIGHT_PLACES = Decimal("1e-8")


def _quote(s: Samples, r: random.Random) -> Params:
    q = r.choice(s.quotes)
    price = Decimal(f"{r.uniform(1, 1000):.8f}")
    return {
        "symbol": q["symbol"],
        "market_type": q["market_type"],
        "price": price,
        "high_24h": (price * Decimal("1.05")).quantize(EIGHT_PLACES),  # numeric(20, 8), as the API takes it
        "low_24h": (price * Decimal("0.95")).quantize(EIGHT_PLACES),
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
