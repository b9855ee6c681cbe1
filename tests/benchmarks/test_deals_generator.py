"""The deals generator, without a database: deterministic, and the derived data agrees with the rows.

The COPY runs with triggers off, so whatever the triggers would maintain (active goal counts, match
counts, balances and their history, a score's copy of its deal's shared flag) must come out of the
generator consistent on its own.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

import pytest

pytest.importorskip("sqlalchemy", reason="the workloads need the bench extra")

from benchmarks.workloads import deals as gen

FACTOR = 0.002
SEED = 7


def _rows() -> dict[str, list[dict[str, Any]]]:
    return {
        load.table: [dict(zip(load.columns, row, strict=True)) for row in load.records()]
        for load in gen.tables(FACTOR, SEED)
    }


@pytest.fixture(scope="module")
def rows() -> dict[str, list[dict[str, Any]]]:
    return _rows()


def test_the_generator_is_deterministic(rows: dict[str, list[dict[str, Any]]]) -> None:
    again = _rows()
    for table, generated in rows.items():
        assert generated[:50] == again[table][:50], table


def test_counters_match_the_generated_rows(rows: dict[str, list[dict[str, Any]]]) -> None:
    active = Counter(g["user_id"] for g in rows["deals.goals"] if g["status"] == "active")
    matches = Counter(d["goal_id"] for d in rows["deals.deals"])
    for user in rows["deals.users"]:
        assert user["active_goals_count"] == active[user["id"]]
    for goal in rows["deals.goals"]:
        assert goal["total_matches_found"] == matches[goal["id"]]


def test_balances_agree_with_the_token_history(rows: dict[str, list[dict[str, Any]]]) -> None:
    last: dict[Any, Decimal] = {}
    transactions = {t["id"]: t for t in rows["deals.token_transactions"]}
    for h in rows["deals.token_balance_history"]:
        assert h["balance_after"] == h["balance_before"] + h["change_amount"]
        assert h["balance_after"] >= 0
        assert h["balance_before"] == last.get(h["user_id"], Decimal(0))
        assert transactions[h["transaction_id"]]["user_id"] == h["user_id"]
        last[h["user_id"]] = h["balance_after"]
    for user in rows["deals.users"]:
        assert user["token_balance"] == last.get(user["id"], Decimal(0))


def test_references_point_at_generated_rows(rows: dict[str, list[dict[str, Any]]]) -> None:
    users = {u["id"] for u in rows["deals.users"]}
    goals = {g["id"] for g in rows["deals.goals"]}
    deal_ids = {d["id"] for d in rows["deals.deals"]}
    assert {g["user_id"] for g in rows["deals.goals"]} <= users
    assert {d["goal_id"] for d in rows["deals.deals"]} <= goals
    assert {p["deal_id"] for p in rows["deals.price_tracking"]} <= deal_ids
    assert {n["user_id"] for n in rows["deals.notifications"]} <= users
    assert {u["referred_by"] for u in rows["deals.users"]} - {None} <= users


def test_a_score_carries_its_deal_s_shared_flag(rows: dict[str, list[dict[str, Any]]]) -> None:
    # What tg_deal_scores_visibility (0186) would write: shared unless entered by hand or by a user.
    shared = {d["id"]: str(d["source"]) not in ("manual", "user") for d in rows["deals.deals"]}
    assert rows["deals.deal_scores"]
    for score in rows["deals.deal_scores"]:
        assert score["deal_shared"] is shared[score["deal_id"]]


def test_a_price_point_carries_its_deal_s_user_and_shared_flag(rows: dict[str, list[dict[str, Any]]]) -> None:
    # What track_deal_price and tg_price_tracking_visibility (0214) would write; the load runs with
    # triggers off, so the key (deal_id, user_id) -> deals (id, user_id) does not check it.
    deals = {d["id"]: (d["user_id"], str(d["source"]) not in ("manual", "user")) for d in rows["deals.deals"]}
    assert rows["deals.price_tracking"]
    for point in rows["deals.price_tracking"]:
        assert (point["user_id"], point["deal_shared"]) == deals[point["deal_id"]]


def test_price_history_lies_in_the_premade_months(rows: dict[str, list[dict[str, Any]]]) -> None:
    times = [p["tracked_at"] for p in rows["deals.price_tracking"]]
    assert min(times) >= gen.HISTORY_START
    assert max(times) < gen.ANCHOR
    assert len({(t.year, t.month) for t in times}) >= 6


def test_unique_columns_stay_unique_at_medium_size() -> None:
    n = 100_000
    assert len({gen._wallet(i) for i in range(n)}) == n
    assert len({gen._referral(i) for i in range(n)}) == n
    assert len({gen._email(i) for i in range(n)}) == n
