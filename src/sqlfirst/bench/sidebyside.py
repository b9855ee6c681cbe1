"""The same workloads through raw asyncpg, sqlfirst and the SQLAlchemy 2 async ORM, in one process.

What makes a ratio printed here one a sceptic can sign:

* **Balanced orders.** Four slots run each round: raw asyncpg, raw asyncpg *again* (the A/A
  control), sqlfirst and the ORM. Rounds walk through all 24 orders of the four slots, each
  equally often (the round count is rounded up to a multiple of 24); contests too costly for that
  (bulk ingest) take a random order per round and say so. No slot systematically runs after another.
* **A/A control.** The second raw-asyncpg slot runs the very same calls as the first. Its ratio
  must read 1.00 within its confidence interval (at 99.5%, :data:`AA_LEVEL`, give or take 1%,
  :data:`AA_EQUIVALENCE`), and its 95% interval
  must lie within half the margin of the contest's tightest timing target, never tighter than ±5%
  (:func:`aa_spread`: ±5% for a 1.10x ceiling, ±12.5% for a 0.8x throughput floor, which allows
  1.25x the time); else it cannot resolve that target. When it does not, the procedure itself is
  biased or the machine too noisy, and the contest is marked *unreliable* (a timing miss) instead of
  reporting a ratio nobody should believe.
* **Confidence intervals.** Every ratio of medians comes with a 95% bootstrap interval over the
  paired calls (:mod:`sqlfirst.bench.stats`).
* **Same footing.** Each contest runs twice. ``held``: raw asyncpg and sqlfirst share one held
  pooled connection (same codecs, same statement cache) and the ORM's sessions all run on one held
  connection of its engine, so no contender pays a pool checkout in the timed region. ``pool``:
  every call goes through its own pool (raw asyncpg and sqlfirst through sqlfirst's asyncpg pool,
  ``pool.fetchrow`` / a repository call with the pool; the ORM through a session per call that checks
  a connection out of its engine's pool), as a request handler runs. Bulk contests (rows per call
  >= 1000) run held only: one checkout is noise against a 10k-row COPY.
* **Same inputs.** Read-only contests hand every slot the same drawn keys each round.

Ratios compare medians: ``ratio_vs_asyncpg = sqlfirst / asyncpg``, ``aa_ratio = asyncpg(A/A slot) /
asyncpg``, ``speedup_vs_sqlalchemy = sqlalchemy / sqlfirst``, and for bulk ingest
``throughput_vs_asyncpg = asyncpg / sqlfirst`` (time per 10k rows). Bulk contests run one call per
slot per round, and a round's slots share its conditions (the WAL being flushed, a checkpoint): their
ratios are the median of the rounds' own ratios (``ratio_interval(..., per_pair=True)``).
Targets (budgets.toml) apply to the held footing; the pool footing is held to ``max_ratio_vs_asyncpg`` and
``min_throughput_vs_asyncpg`` only (an ORM's pool and session are part of what it costs, and the
figure is reported). A contest whose ``comparison`` is ``design`` (deals' token_deduction: one
SQL-function round trip against a five-statement ORM transaction) compares two designs, not the
layer's overhead, and is labelled so.
"""

from __future__ import annotations

import itertools
import math
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console

from .measure import Stats, progress_bar
from .registry import CONTENDERS, Contest, ContestTarget
from .stats import LEVEL, RESAMPLES, Interval, RatioCache

BATCH = 5
AA_SLOT = "asyncpg_aa"
SLOTS = ("asyncpg", AA_SLOT, "sqlfirst", "sqlalchemy")
"""The timed slots; ``asyncpg_aa`` runs the ``asyncpg`` contender a second time (A/A control)."""
ORDERS = tuple(itertools.permutations(SLOTS))
AA_MAX_SPREAD = 0.05
AA_LEVEL = 0.995
"""Coverage of the A/A interval that must reach 1.00. A run holds a dozen or more A/A controls
(every contest, both footings, the monitoring and row-level security contests): at 95% each, an
unbiased procedure would still see one of them exclude 1.00 in about half the runs. At 99.5%
(Bonferroni for ten) the run's chance of a false "unreliable" stays near 5%. Precision (the spread)
is judged on the 95% interval, the one printed, like every ratio the targets read."""
AA_RESAMPLES = 4000
"""Bootstrap resamples of an A/A interval: ten beyond each 0.25% tail."""
AA_EQUIVALENCE = 0.01
"""A/A lean too small to count: the interval of a few thousand calls can be ±0.5% wide, and a 0.6%
lean of one slot then excludes 1.00. 1% is a tenth of the tightest target's margin (1.10x): a ratio
that close to its target is at it either way. The interval must reach within this of 1.00."""


def aa_reliable(aa: Interval, family: Interval, spread: float) -> bool:
    """An A/A control that vouches for its contest: its ``AA_LEVEL`` interval (``family``) reaches
    1.00 (within ``AA_EQUIVALENCE``), and its 95% interval (``aa``) lies within ``1 ± spread`` (see
    :func:`aa_spread`)."""
    reaches_one = family.low <= 1 + AA_EQUIVALENCE and family.high >= 1 - AA_EQUIVALENCE
    return reaches_one and aa.low >= 1 - spread and aa.high <= 1 + spread


def aa_verdict(label: str, aa: Interval, family: Interval, spread: float) -> str:
    """The timing miss of an A/A control that does not vouch for its contest (:func:`aa_reliable`)."""
    return (
        f"{label}: unreliable: the A/A control (raw asyncpg against itself) reads {aa}; its "
        f"{AA_LEVEL:.1%} interval ({family.low:.3f}-{family.high:.3f}) must reach 1.00 give or take "
        f"{AA_EQUIVALENCE:.0%}, and its 95% one lie within ±{spread:.1%}; rerun on a quieter machine"
    )


FOOTINGS = ("held", "pool")
BULK_ROWS = 1000


def aa_spread(target: ContestTarget) -> float:
    """How far the A/A interval may reach from 1.00 for ``target`` to be resolved: half the margin of
    its tightest ratio target against raw asyncpg (a ``max_ratio_vs_asyncpg`` of 1.10: 0.05; a
    ``min_throughput_vs_asyncpg`` of 0.8, i.e. 1.25x the time: 0.125), and never more precise than
    ``AA_MAX_SPREAD`` demands. (The ORM speedup floors are several times the noise: they set none.)"""
    margins = []
    if target.max_ratio_vs_asyncpg is not None:
        margins.append(target.max_ratio_vs_asyncpg - 1)
    if target.min_throughput_vs_asyncpg is not None and target.min_throughput_vs_asyncpg > 0:
        margins.append(1 / target.min_throughput_vs_asyncpg - 1)
    return max(AA_MAX_SPREAD, min(margins) / 2) if margins else AA_MAX_SPREAD


@dataclass
class ContestContext:
    conn: Any
    """``held``: one connection with sqlfirst's codecs; ``pool``: sqlfirst's asyncpg pool itself."""
    orm: Any
    """``held``: :class:`sqlfirst.bench.orm.HeldOrm`; ``pool``: the domain's
    :class:`sqlfirst.bench.orm.OrmState`."""
    samples: Any
    footing: str = "held"


@dataclass(frozen=True, slots=True)
class ContestResult:
    domain: str
    name: str
    description: str
    rows_per_call: int
    stats: dict[str, Stats]
    target: ContestTarget
    footing: str = "held"
    comparison: str = "layer"
    note: str = ""
    timings: dict[str, list[float]] = field(default_factory=dict)
    rounds: int = 0
    balanced: bool = False
    error: str | None = None
    misses: list[str] = field(default_factory=list)
    _intervals: RatioCache = field(default_factory=RatioCache, init=False, repr=False, compare=False)
    """Each ratio's bootstrap, computed once (the timings never change after construction)."""

    def _interval(self, num: str, den: str, *, level: float = LEVEL, resamples: int = RESAMPLES) -> Interval:
        return self._intervals.ratio(
            self.timings,
            num,
            den,
            seed=len(self.name),
            level=level,
            resamples=resamples,
            per_pair=self.rows_per_call >= BULK_ROWS,  # bulk: one call per slot per round
        )

    def ratio(self) -> Interval:
        return self._interval("sqlfirst", "asyncpg")

    def aa(self) -> Interval:
        return self._interval(AA_SLOT, "asyncpg")

    def aa_family(self) -> Interval:
        """The A/A ratio's ``AA_LEVEL`` interval (see :func:`aa_reliable`)."""
        return self._interval(AA_SLOT, "asyncpg", level=AA_LEVEL, resamples=AA_RESAMPLES)

    def speedup(self) -> Interval:
        return self._interval("sqlalchemy", "sqlfirst")

    def throughput(self) -> Interval:
        return self._interval("asyncpg", "sqlfirst")

    @property
    def reliable(self) -> bool:
        """The A/A control reads 1.00 within its interval, and that interval is narrow enough
        (within ±:func:`aa_spread` of the target) to resolve the targets."""
        if self.error is not None:
            return False
        return aa_reliable(self.aa(), self.aa_family(), aa_spread(self.target))

    def ratio_vs_asyncpg(self) -> float:
        return self.stats["sqlfirst"].p50_ms / self.stats["asyncpg"].p50_ms

    def speedup_vs_sqlalchemy(self) -> float:
        return self.stats["sqlalchemy"].p50_ms / self.stats["sqlfirst"].p50_ms

    def throughput_vs_asyncpg(self) -> float:
        return self.stats["asyncpg"].p50_ms / self.stats["sqlfirst"].p50_ms

    def rows_per_s(self, contender: str) -> float:
        return self.rows_per_call / (self.stats[contender].p50_ms / 1000)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "domain": self.domain,
            "workload": self.name,
            "footing": self.footing,
            "comparison": self.comparison,
            "note": self.note,
            "description": self.description,
            "rows_per_call": self.rows_per_call,
            "error": self.error,
            "contenders": {},
        }
        if self.error is None:
            out["contenders"] = {
                name: {**s.as_json(), "rows_per_s": round(self.rows_per_s(name))}
                for name, s in self.stats.items()
            }
            out["ratio_vs_asyncpg"] = round(self.ratio_vs_asyncpg(), 4)
            out["ratio_ci"] = self.ratio().as_json()
            aa = self.aa()
            out["aa_ratio"] = round(aa.value, 4)
            out["aa_ci"] = aa.as_json()
            out["aa_family_ci"] = self.aa_family().as_json()
            out["reliable"] = self.reliable
            out["speedup_vs_sqlalchemy"] = round(self.speedup_vs_sqlalchemy(), 4)
            out["speedup_ci"] = self.speedup().as_json()
            out["throughput_vs_asyncpg"] = round(self.throughput_vs_asyncpg(), 4)
            out["orders"] = {"rounds": self.rounds, "of": len(ORDERS), "balanced": self.balanced}
        out["targets"] = {
            "max_ratio_vs_asyncpg": self.target.max_ratio_vs_asyncpg,
            "min_speedup_vs_sqlalchemy": self.target.min_speedup_vs_sqlalchemy,
            "min_throughput_vs_asyncpg": self.target.min_throughput_vs_asyncpg,
        }
        out["met"] = self.error is None and not self.misses
        out["misses"] = self.misses
        return out


def evaluate(result: ContestResult) -> list[str]:
    """The targets this result misses, as sentences (an unreliable contest is a miss of its own)."""
    label = f"{result.name} ({result.footing})"
    if result.error is not None:
        return [f"{label}: {result.error}"]
    if not result.reliable:
        return [aa_verdict(label, result.aa(), result.aa_family(), aa_spread(result.target))]
    t = result.target
    misses = []
    ratio = result.ratio()
    if t.max_ratio_vs_asyncpg is not None and ratio.value > t.max_ratio_vs_asyncpg:
        misses.append(f"{label}: sqlfirst is {ratio}x raw asyncpg (target <= {t.max_ratio_vs_asyncpg:.2f}x)")
    speedup = result.speedup()
    if (
        result.footing == "held"
        and t.min_speedup_vs_sqlalchemy is not None
        and speedup.value < t.min_speedup_vs_sqlalchemy
    ):
        misses.append(
            f"{label}: sqlfirst is {speedup}x faster than SQLAlchemy "
            f"(target >= {t.min_speedup_vs_sqlalchemy:.1f}x)"
        )
    throughput = result.throughput()
    if t.min_throughput_vs_asyncpg is not None and throughput.value < t.min_throughput_vs_asyncpg:
        misses.append(
            f"{label}: sqlfirst ingests {throughput}x raw COPY throughput "
            f"(target >= {t.min_throughput_vs_asyncpg:.2f}x)"
        )
    return misses


def round_orders(
    rounds: int, rng: random.Random, *, balanced: bool, slots: Sequence[str] = SLOTS
) -> list[tuple[str, ...]]:
    """The slot order of every round: whole shuffled passes over all orders of ``slots`` (24 for
    the four contest slots) when ``balanced`` (``rounds`` is then a multiple of their count), else
    one random order per round."""
    if not balanced:
        return [tuple(rng.sample(list(slots), len(slots))) for _ in range(rounds)]
    every = ORDERS if tuple(slots) == SLOTS else tuple(itertools.permutations(slots))
    orders: list[tuple[str, ...]] = []
    while len(orders) < rounds:
        cycle = list(every)
        rng.shuffle(cycle)
        orders += cycle
    return orders[:rounds]


def scaled_iterations(iterations: int, factor: float, *, floor: int = 6) -> int:
    """A contest's calls at a dataset ``factor``: ``iterations`` (its medium-scale count) scaled down
    with a smaller dataset (to a tenth at the most), never below ``floor``."""
    return max(floor, int(iterations * min(1.0, max(factor, 0.1))))


def batch_size(rows_per_call: int) -> int:
    """Calls a slot makes per round: ``BATCH`` single-row calls, or one call of a bigger page."""
    return BATCH if rows_per_call == 1 else 1


def balanced_rounds(iterations: int, batch: int, orders: int) -> int:
    """Rounds of ``batch`` calls a slot for about ``iterations`` calls, rounded up to whole passes
    over the ``orders`` of the slots (so :func:`round_orders` can balance them)."""
    return math.ceil(max(1, iterations // batch) / orders) * orders


def warm_calls(iterations: int) -> int:
    """Untimed calls a slot makes before the timed rounds: a tenth of them, 1 to 20."""
    return max(1, min(20, iterations // 10))


async def run_contest(
    ctx: ContestContext,
    domain: str,
    contest: Contest,
    target: ContestTarget,
    *,
    iterations: int,
    seed: int,
) -> ContestResult:
    rng = random.Random(f"{seed}:{contest.name}:{ctx.footing}")
    timings: dict[str, list[float]] = {name: [] for name in SLOTS}

    def failed(error: str) -> ContestResult:
        return ContestResult(
            domain,
            contest.name,
            contest.description,
            contest.rows_per_call,
            {},
            target,
            footing=ctx.footing,
            comparison=contest.comparison,
            note=contest.note,
            error=error,
        )

    missing = [c for c in CONTENDERS if c not in contest.contenders]
    if missing:
        return failed(f"no contender {missing}")
    if contest.shared_input and len({c.prepare for c in contest.contenders.values()}) != 1:
        return failed("shared_input needs one prepare shared by every contender")
    slots = {slot: contest.contenders["asyncpg" if slot == AA_SLOT else slot] for slot in SLOTS}
    batch = batch_size(contest.rows_per_call)
    bulk = contest.rows_per_call >= BULK_ROWS
    warm = 1 if bulk else warm_calls(iterations)
    rounds = max(1, iterations // batch) if bulk else balanced_rounds(iterations, batch, len(ORDERS))
    orders = round_orders(rounds, rng, balanced=not bulk)
    clock = time.perf_counter
    try:
        for slot in SLOTS:  # warm statement caches and the ORM's compiled-SQL cache
            contender = slots[slot]
            for _ in range(warm):
                arg = await contender.prepare(ctx, rng) if contender.prepare else None
                await contender.call(ctx, arg)
        shared = contest.contenders[CONTENDERS[0]].prepare if contest.shared_input else None
        for order in orders:
            inputs = [await shared(ctx, rng) for _ in range(batch)] if shared is not None else None
            for slot in order:
                contender = slots[slot]
                for i in range(batch):
                    if inputs is not None:
                        arg = inputs[i]
                    else:
                        arg = await contender.prepare(ctx, rng) if contender.prepare else None
                    t0 = clock()
                    await contender.call(ctx, arg)
                    timings[slot].append(clock() - t0)
    except Exception as exc:
        hint = (
            " (pool footing: ctx.conn is sqlfirst's pool here, not a connection)"
            if ctx.footing == "pool"
            else ""
        )
        return failed(f"{type(exc).__name__}: {exc}{hint}")
    stats = {name: Stats.of(values) for name, values in timings.items()}
    result = ContestResult(
        domain,
        contest.name,
        contest.description,
        contest.rows_per_call,
        stats,
        target,
        footing=ctx.footing,
        comparison=contest.comparison,
        note=contest.note,
        timings=timings,
        rounds=rounds,
        balanced=not bulk,
    )
    result.misses.extend(evaluate(result))
    return result


async def run_contests(
    pool: Any,
    entries: list[tuple[str, Contest, ContestTarget, Any, Any]],
    *,
    factor: float,
    seed: int,
    console: Console,
) -> list[ContestResult]:
    """``entries``: (domain, contest, target, samples, orm state). Every contest runs held, then
    through the pools (bulk contests held only)."""
    results = []
    runs = [(e, f) for e in entries for f in FOOTINGS if f == "held" or e[1].rows_per_call < BULK_ROWS]
    with progress_bar("side by side", console) as progress:
        task = progress.add_task("", total=len(runs))
        async with pool.acquire() as conn:
            for (domain, contest, target, samples, orm), footing in runs:
                progress.update(task, description=f"{contest.name} [{footing}]")
                iterations = scaled_iterations(contest.iterations, factor)
                held_orm = await orm.held() if footing == "held" and orm is not None else None
                try:
                    ctx = ContestContext(
                        conn=conn if footing == "held" else pool,
                        orm=held_orm if footing == "held" else orm,
                        samples=samples,
                        footing=footing,
                    )
                    results.append(
                        await run_contest(ctx, domain, contest, target, iterations=iterations, seed=seed)
                    )
                finally:
                    if held_orm is not None:
                        await held_orm.close()
                progress.advance(task)
    return results
