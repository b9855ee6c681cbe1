"""Bootstrap confidence intervals for medians and ratios of medians.

Contest timings are *paired*: call ``k`` of every contender ran in the same round, on the same drawn
input, seconds apart. Resampling the call indices jointly keeps that pairing, so noise that hits a
whole round (another process, a checkpoint) moves numerator and denominator together and the interval
measures what the contest can distinguish, not how busy the machine was.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

Samples = Sequence[float] | npt.NDArray[np.float64]

RESAMPLES = 1000
LEVEL = 0.95


@dataclass(frozen=True, slots=True)
class Interval:
    """A point estimate and its bootstrap interval (percentile method, ``LEVEL`` coverage unless the
    function that made it was given another ``level``)."""

    value: float
    low: float
    high: float

    def contains(self, x: float) -> bool:
        return self.low <= x <= self.high

    def as_json(self) -> list[float]:
        return [round(self.value, 4), round(self.low, 4), round(self.high, 4)]

    def __str__(self) -> str:
        return f"{self.value:.3f} ({self.low:.3f}-{self.high:.3f})"


def _indices(n: int, seed: int, resamples: int) -> np.ndarray[tuple[int, int], np.dtype[np.intp]]:
    rng = np.random.default_rng(seed)
    return rng.integers(0, n, size=(resamples, n))


def median_interval(
    samples: Samples, *, seed: int = 0, resamples: int = RESAMPLES, level: float = LEVEL
) -> Interval:
    """The median of ``samples`` and its bootstrap interval."""
    return quantile_interval(samples, 0.5, seed=seed, resamples=resamples, level=level)


def ratio_interval(
    numerator: Sequence[float],
    denominator: Sequence[float],
    *,
    seed: int = 0,
    resamples: int = RESAMPLES,
    level: float = LEVEL,
    per_pair: bool = False,
) -> Interval:
    """``median(numerator) / median(denominator)`` and its paired bootstrap interval.

    Both sequences must have the same length and be aligned (index ``k`` ran in the same round);
    unequal lengths fall back to resampling each side on its own.

    ``per_pair``: the median of the per-pair ratios ``numerator[k] / denominator[k]`` instead, for
    calls so long and so few (a 10k-row COPY) that what a round shares (the WAL flushed, a checkpoint
    under way) moves every slot of it, and cancels in the round's own ratio. Unequal lengths give NaN.
    """
    num = np.asarray(numerator, dtype=np.float64)
    den = np.asarray(denominator, dtype=np.float64)
    if num.size == 0 or den.size == 0 or (per_pair and num.size != den.size):
        return Interval(float("nan"), float("nan"), float("nan"))
    if per_pair:
        return median_interval(num / den, seed=seed, resamples=resamples, level=level)
    point = float(np.median(num) / np.median(den))
    if num.size == den.size:
        idx = _indices(num.size, seed, resamples)
        ratios = np.median(num[idx], axis=1) / np.median(den[idx], axis=1)
    else:
        ratios = np.median(num[_indices(num.size, seed, resamples)], axis=1) / np.median(
            den[_indices(den.size, seed + 1, resamples)], axis=1
        )
    alpha = (1 - level) / 2
    return Interval(point, float(np.quantile(ratios, alpha)), float(np.quantile(ratios, 1 - alpha)))


def quantile_interval(
    samples: Samples, q: float, *, seed: int = 0, resamples: int = RESAMPLES, level: float = LEVEL
) -> Interval:
    """The ``q`` quantile of ``samples`` (e.g. 0.95) and its bootstrap interval."""
    data = np.asarray(samples, dtype=np.float64)
    if data.size == 0:
        return Interval(float("nan"), float("nan"), float("nan"))
    values = np.quantile(data[_indices(data.size, seed, resamples)], q, axis=1)
    alpha = (1 - level) / 2
    return Interval(
        float(np.quantile(data, q)), float(np.quantile(values, alpha)), float(np.quantile(values, 1 - alpha))
    )


@dataclass(slots=True)
class RatioCache:
    """The ratio intervals of one set of timings, each bootstrapped once (a bootstrap of 1,000
    resamples is asked for again by every verdict, report line and JSON field that shows it).
    :meth:`clear` when the timings change."""

    _memo: dict[tuple[str, str, float, int, bool], Interval] = field(default_factory=dict)

    def ratio(
        self,
        timings: Mapping[str, Sequence[float]],
        num: str,
        den: str,
        *,
        seed: int,
        level: float = LEVEL,
        resamples: int = RESAMPLES,
        per_pair: bool = False,
    ) -> Interval:
        """:func:`ratio_interval` of ``timings[num]`` over ``timings[den]``, computed once."""
        key = (num, den, level, resamples, per_pair)
        if key not in self._memo:
            self._memo[key] = ratio_interval(
                timings[num], timings[den], seed=seed, level=level, resamples=resamples, per_pair=per_pair
            )
        return self._memo[key]

    def clear(self) -> None:
        self._memo.clear()
