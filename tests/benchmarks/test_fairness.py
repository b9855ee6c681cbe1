"""The side-by-side procedure itself: balanced orders and honest intervals (no database needed)."""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import replace

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


def test_the_aa_control_must_resolve_the_contests_own_target() -> None:
    from sqlfirst.bench.measure import Stats
    from sqlfirst.bench.registry import ContestTarget
    from sqlfirst.bench.sidebyside import ContestResult, aa_spread, evaluate

    ceiling, floor = ContestTarget(max_ratio_vs_asyncpg=1.10), ContestTarget(min_throughput_vs_asyncpg=0.8)
    assert math.isclose(aa_spread(replace(ceiling, min_speedup_vs_sqlalchemy=3.0)), 0.05)
    assert math.isclose(aa_spread(floor), 0.125)
    assert math.isclose(aa_spread(replace(floor, max_ratio_vs_asyncpg=1.10)), 0.05)
    assert math.isclose(aa_spread(ContestTarget(max_ratio_vs_asyncpg=1.02)), 0.05)  # never demands better
    assert math.isclose(aa_spread(ContestTarget()), 0.05)

    # A noisy A/A control: 30 calls a slot, spread ~8% each, no round-to-round drift.
    rng = random.Random(5)
    timings = {slot: [rng.lognormvariate(math.log(0.2), 0.08) for _ in range(30)] for slot in SLOTS}
    timings["sqlalchemy"] = [t * 5 for t in timings["sqlalchemy"]]

    def result(target: ContestTarget) -> ContestResult:
        stats = {slot: Stats.of(values) for slot, values in timings.items()}
        return ContestResult("d", "bulk", "", 10_000, stats, target, timings=timings, rounds=30)

    aa = result(ContestTarget()).aa()
    assert aa.contains(1.0) and 0.05 < max(1 - aa.low, aa.high - 1) < 0.125, aa
    held_to_floor = result(floor)
    assert held_to_floor.reliable and not any("unreliable" in m for m in evaluate(held_to_floor))
    held_to_ceiling = result(ceiling)
    assert not held_to_ceiling.reliable
    assert "its 95% one lie within ±5.0%" in evaluate(held_to_ceiling)[0]


def test_bulk_ratios_are_the_median_of_the_rounds_own_ratios() -> None:
    # Each round's conditions (a checkpoint, the WAL) move all its slots together, by up to 2x:
    # the ratio of medians drowns in it, the rounds' own ratios do not.
    rng = random.Random(6)
    rounds = [rng.uniform(0.5, 1.0) for _ in range(30)]
    base = [r * rng.lognormvariate(0, 0.02) for r in rounds]
    slower = [r * 1.1 * rng.lognormvariate(0, 0.02) for r in rounds]
    paired = ratio_interval(slower, base, per_pair=True)
    assert 1.08 < paired.low < paired.value < paired.high < 1.12, paired
    unpaired = ratio_interval(slower, base)
    assert unpaired.high - unpaired.low > 2 * (paired.high - paired.low), (unpaired, paired)
    same = ratio_interval(base, base, per_pair=True)
    assert same.value == same.low == same.high == 1.0
    assert math.isnan(ratio_interval([1.0], [1.0, 2.0], per_pair=True).value)


def test_the_aa_control_is_read_at_99_5_percent_and_still_catches_a_biased_procedure() -> None:
    from sqlfirst.bench.measure import Stats
    from sqlfirst.bench.registry import ContestTarget
    from sqlfirst.bench.sidebyside import AA_LEVEL, AA_SLOT, ContestResult, evaluate

    def result(bias: float, seed: int) -> ContestResult:
        rng = random.Random(seed)
        timings = {slot: [rng.lognormvariate(math.log(0.3), 0.1) for _ in range(1200)] for slot in SLOTS}
        timings[AA_SLOT] = [t * bias for t in timings[AA_SLOT]]
        stats = {slot: Stats.of(values) for slot, values in timings.items()}
        target = ContestTarget(max_ratio_vs_asyncpg=1.10)
        return ContestResult("d", "page", "", 50, stats, target, timings=timings, rounds=240)

    fair = result(1.0, 7)
    at_95 = ratio_interval(fair.timings[AA_SLOT], fair.timings["asyncpg"], seed=len(fair.name))
    at_level = fair.aa_family()
    assert AA_LEVEL == 0.995
    assert fair.aa() == at_95  # the printed one, whose spread must resolve the target
    assert at_level.value == at_95.value
    assert at_level.low < at_95.low and at_level.high > at_95.high  # the wider, family-wise interval
    assert fair.reliable
    # A procedure that favours one slot by 4% is no less caught: 1.00 lies outside even the 99.5% one.
    biased = result(0.96, 7)
    assert not biased.aa_family().contains(1.0)
    assert not biased.reliable
    assert "must reach 1.00 give or take 1%" in evaluate(biased)[0]


def test_an_aa_control_vouches_when_it_reaches_one_and_is_narrow_enough() -> None:
    from sqlfirst.bench.sidebyside import aa_reliable
    from sqlfirst.bench.stats import Interval

    def check(low: float, high: float, family_low: float, family_high: float, spread: float = 0.05) -> bool:
        value = (low + high) / 2
        return aa_reliable(Interval(value, low, high), Interval(value, family_low, family_high), spread)

    assert check(0.97, 1.03, 0.96, 1.04)
    # a lean of 0.6% on an interval of +-0.5% is a tenth of the tightest target's margin
    assert check(1.003, 1.009, 1.001, 1.011)
    # a 2.3% lean is not, even on the 99.5% interval
    assert not check(0.967, 0.988, 0.962, 0.985)
    # reaching 1.00 is not enough when the 95% interval cannot resolve the target...
    assert not check(0.94, 1.06, 0.92, 1.08)
    assert check(0.94, 1.06, 0.92, 1.08, spread=0.125)
    # ...but the wider 99.5% interval is not held to that spread (the last run's RLS page of 50)
    assert check(0.975, 1.04, 0.966, 1.052)


def test_a_slotted_result_reads_its_new_timings_after_each_finish() -> None:
    from sqlfirst.bench.rls_cost import SLOTS as RLS_SLOTS
    from sqlfirst.bench.rls_cost import RlsResult
    from sqlfirst.bench.sidebyside import AA_SLOT

    def timings(bias: float) -> dict[str, list[float]]:
        rng = random.Random(3)
        out = {slot: [rng.lognormvariate(math.log(0.3), 0.1) for _ in range(1200)] for slot in RLS_SLOTS}
        out[AA_SLOT] = [t * bias for t in out[AA_SLOT]]
        return out

    result = RlsResult("d", "page", "", 50, 1.10, compared=10, rows=10)
    result.finish(timings(1.0), rounds=120)
    assert result.reliable and not result.misses, result.misses
    assert result.aa_family() is result.aa_family()  # bootstrapped once, read by the gate and the JSON
    result.misses.clear()
    result.finish(timings(0.9), rounds=120)  # a rerun whose A/A slot leans 10%
    assert not result.reliable
    assert "unreliable" in result.misses[0]
