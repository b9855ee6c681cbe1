"""The side-by-side procedure itself: balanced orders and honest intervals (no database needed)."""

from __future__ import annotations

import math
import random
from collections import Counter

from sqlfirst.bench.sidebyside import ORDERS, SLOTS, round_orders
from sqlfirst.bench.stats import median_interval, ratio_interval


def test_balanced_rounds_run_every_order_equally_often() -> None:
    orders = round_orders(3 * len(ORDERS), random.Random(1), balanced=True)
    counts = Counter(orders)
    assert len(counts) == 24 and set(counts.values()) == {3}
    # hence every slot holds every position equally often, and follows every other slot equally often
    for position in range(len(SLOTS)):
        assert set(Counter(o[position] for o in orders).values()) == {len(orders) // len(SLOTS)}


def test_unbalanced_rounds_are_random_permutations() -> None:
    orders = round_orders(7, random.Random(2), balanced=False)
    assert len(orders) == 7 and all(sorted(o) == sorted(SLOTS) for o in orders)


def test_aa_interval_of_the_same_distribution_contains_one() -> None:
    rng = random.Random(3)
    a = [rng.lognormvariate(0, 0.3) for _ in range(2000)]
    b = [rng.lognormvariate(0, 0.3) for _ in range(2000)]
    interval = ratio_interval(b, a)
    assert interval.contains(1.0)
    assert interval.low < interval.value < interval.high


def test_ratio_interval_detects_a_ten_percent_slowdown() -> None:
    rng = random.Random(4)
    base = [rng.lognormvariate(0, 0.2) for _ in range(2000)]
    slower = [rng.lognormvariate(math.log(1.10), 0.2) for _ in range(2000)]
    interval = ratio_interval(slower, base)
    assert not interval.contains(1.0)
    assert interval.low > 1.05


def test_median_interval_brackets_the_median() -> None:
    interval = median_interval([float(x) for x in range(1, 102)])
    assert interval.value == 51.0 and interval.low < 51.0 < interval.high
