"""What the slotted contests share (sqlfirst.bench.monitoring_cost, sqlfirst.bench.rls_cost): the plan
of a run whose named slots take turns in all orders on held connections (:class:`SlotPlan`: which
contender each slot runs, the seeded draws, the rounds, the timed calls), and its result (the ratios
with bootstrap intervals, the A/A verdict and the JSON)."""

from __future__ import annotations

import random
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self

from .measure import Stats
from .registry import Contender, Contest
from .sidebyside import (
    AA_LEVEL,
    AA_MAX_SPREAD,
    AA_RESAMPLES,
    aa_reliable,
    aa_verdict,
    balanced_rounds,
    batch_size,
    round_orders,
)
from .stats import LEVEL, RESAMPLES, Interval, RatioCache


@dataclass
class SlottedResult:
    domain: str
    name: str
    description: str
    rows_per_call: int
    max_ratio_vs_asyncpg: float | None
    stats: dict[str, Stats] = field(default_factory=dict)
    timings: dict[str, list[float]] = field(default_factory=dict)
    rounds: int = 0
    error: str | None = None
    failures: list[str] = field(default_factory=list)
    """Structural problems: an error, or slots that did not measure what their names say."""
    misses: list[str] = field(default_factory=list)
    """Timing misses: the A/A control unreliable, or a ratio over its target."""

    _intervals: RatioCache = field(default_factory=RatioCache, init=False, repr=False, compare=False)
    """Each ratio's bootstrap, computed once per set of timings (:meth:`finish` clears it)."""

    RATIOS: ClassVar[dict[str, tuple[str, str]]] = {}
    """JSON key -> (numerator slot, denominator slot); ``aa_ci`` is the A/A control."""
    ORDERS: ClassVar[int] = 1
    LABEL: ClassVar[str] = ""

    @classmethod
    def of(cls, domain: str, contest: Contest, max_ratio_vs_asyncpg: float | None) -> Self:
        """A result for ``contest``, with its error already set when it lacks the raw (``asyncpg``)
        or the ``sqlfirst`` contender the slots run."""
        result = cls(domain, contest.name, contest.description, contest.rows_per_call, max_ratio_vs_asyncpg)
        missing = [c for c in ("asyncpg", "sqlfirst") if c not in contest.contenders]
        if missing:
            result.error = f"no contender {missing}"
        return result

    def ratio(self, key: str, *, level: float = LEVEL, resamples: int = RESAMPLES) -> Interval:
        num, den = self.RATIOS[key]
        return self._intervals.ratio(
            self.timings, num, den, seed=len(self.name), level=level, resamples=resamples
        )

    def aa_family(self) -> Interval:
        """The A/A ratio's ``AA_LEVEL`` interval (see :func:`sqlfirst.bench.sidebyside.aa_reliable`)."""
        return self.ratio("aa_ci", level=AA_LEVEL, resamples=AA_RESAMPLES)

    @property
    def reliable(self) -> bool:
        if self.error is not None:
            return False
        return aa_reliable(self.ratio("aa_ci"), self.aa_family(), AA_MAX_SPREAD)

    @property
    def label(self) -> str:
        return f"{self.LABEL} {self.name}"

    def gate(self, key: str, what: str) -> None:
        """The timing verdict: unreliable, or ``key``'s ratio over the target (``what`` says which
        call was compared with what)."""
        if not self.reliable:
            self.misses.append(aa_verdict(self.label, self.ratio("aa_ci"), self.aa_family(), AA_MAX_SPREAD))
            return
        ratio = self.ratio(key)
        if self.max_ratio_vs_asyncpg is not None and ratio.value > self.max_ratio_vs_asyncpg:
            self.misses.append(
                f"{self.label}: {what} is {ratio}x raw asyncpg (target <= {self.max_ratio_vs_asyncpg:.2f}x)"
            )

    def finish(self, timings: dict[str, list[float]], rounds: int) -> None:
        """Keep the timed calls of a run (``rounds`` rounds) unless it failed, then :meth:`evaluate`."""
        if self.error is None:
            self.timings = timings
            self._intervals.clear()
            self.stats = {slot: Stats.of(values) for slot, values in timings.items()}
            self.rounds = rounds
        self.evaluate()

    def evaluate(self) -> None:
        """Fill :attr:`failures` and :attr:`misses`: an error is the one failure, else what
        :meth:`check` finds."""
        if self.error is not None:
            self.failures.append(f"{self.label}: {self.error}")
            return
        self.check()

    def check(self) -> None:
        """A kind of contest's checks of a run without error: that its slots measured what their
        names say (failures), and its timing gate (:meth:`gate`)."""

    def extra_json(self) -> dict[str, Any]:
        """What a kind of contest adds to the JSON of a run without error."""
        return {}

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "domain": self.domain,
            "workload": self.name,
            "footing": "held",
            "description": self.description,
            "rows_per_call": self.rows_per_call,
            "error": self.error,
            "slots": {},
        }
        if self.error is None:
            out["slots"] = {name: s.as_json() for name, s in self.stats.items()}
            out.update({key: self.ratio(key).as_json() for key in self.RATIOS})
            out["reliable"] = self.reliable
            out["orders"] = {"rounds": self.rounds, "of": self.ORDERS, "balanced": True}
            out.update(self.extra_json())
        out["targets"] = {"max_ratio_vs_asyncpg": self.max_ratio_vs_asyncpg}
        out["met"] = not self.failures and not self.misses
        out["failures"] = self.failures
        out["misses"] = self.misses
        return out


@dataclass
class SlotPlan:
    """One run of a slotted contest: the contender each slot runs, the draws' generator, the calls a
    slot makes per round (``batch``), the rounds (whole passes over every order of the slots) and the
    timed calls of each slot."""

    contenders: dict[str, Contender]
    rng: random.Random
    batch: int
    rounds: int
    timings: dict[str, list[float]]

    @classmethod
    def of(
        cls,
        result: SlottedResult,
        contest: Contest,
        slots: tuple[str, ...],
        raw: Collection[str],
        *,
        iterations: int,
        seed: int,
    ) -> SlotPlan:
        """The plan of ``contest``'s run in ``slots``: the raw (``asyncpg``) contender in the ``raw``
        ones, the ``sqlfirst`` one in the others, about ``iterations`` timed calls a slot and draws
        seeded by ``seed``, the contest and the kind of ``result``."""
        batch = batch_size(contest.rows_per_call)
        return cls(
            contenders={s: contest.contenders["asyncpg" if s in raw else "sqlfirst"] for s in slots},
            rng=random.Random(f"{seed}:{contest.name}:{result.LABEL}"),
            batch=batch,
            rounds=balanced_rounds(iterations, batch, result.ORDERS),
            timings={slot: [] for slot in slots},
        )

    def orders(self) -> list[tuple[str, ...]]:
        """The slot order of every round, each order of the slots equally often."""
        return round_orders(self.rounds, self.rng, balanced=True, slots=tuple(self.contenders))

    async def timed(self, slot: str, ctx: Any, arg: Any) -> Any:
        """One call of ``slot``'s contender, timed on its own; what it returned."""
        contender, timings, clock = self.contenders[slot], self.timings[slot], time.perf_counter
        t0 = clock()
        out = await contender.call(ctx, arg)
        timings.append(clock() - t0)
        return out

    def finish(self, result: SlottedResult) -> None:
        """Hand the timed calls to ``result`` (:meth:`SlottedResult.finish`)."""
        result.finish(self.timings, self.rounds)
