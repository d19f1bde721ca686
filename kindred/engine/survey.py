"""A pre/post survey's Likert results with 95% intervals, and the small-group rule that hides them.

A survey asks the same statements twice (before a network's work and after it), each answered on a
scale from 1 to `top` (a Likert item). For each statement and each round:

1. **Mean and its interval.** The mean of the answers, with a Student t interval:
   mean ± t(0.975, n − 1) · s / √n, where s is the sample standard deviation (n − 1 in the
   denominator). With one answer there is no spread: the interval is not given. The interval is not
   clipped to the scale: near 1 or `top` it may run past the end, which says the sample is small.
2. **The change from pre to post.** post mean − pre mean, with Welch's interval:
   difference ± t(0.975, ν) · √(s₁²/n₁ + s₂²/n₂), ν by the Welch–Satterthwaite formula. The two
   rounds are treated as independent samples: the answers are anonymous, so the same teacher's two
   answers are not paired. When many of the same people answer both, their answers correlate
   positively and the paired variance is smaller, so this interval is then wider than it need be
   (conservative); it never claims more certainty than the data hold. When both rounds have no spread
   at all (everyone gave the same answer) the interval has width zero.
3. **Too few to show.** A round with fewer answers than the survey's minimum (its consultation's
   `min_respondents`) gives no figure at all — not a mean, not a count of answers per level — so that
   no one in a small group can be told apart; a change needs both rounds at or above the minimum.

Only counts, means and intervals leave this module; answers are plain integers.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

LEVEL = 0.95


@dataclass(frozen=True)
class LikertSummary:
    n: int
    mean: float
    lower: float | None  # None with one answer (no spread to estimate)
    upper: float | None
    sd: float | None


@dataclass(frozen=True)
class Change:
    difference: float
    lower: float
    upper: float
    df: float | None  # Welch–Satterthwaite degrees of freedom; None when neither round has spread


def _kept(values: Sequence[int], top: int) -> np.ndarray:
    array = np.asarray([v for v in values if v is not None and 1 <= v <= top], dtype=float)
    return array


def likert(values: Sequence[int], *, top: int, minimum: int) -> LikertSummary | None:
    """Mean with its 95% interval of the answers on a scale from 1 to `top`; None below `minimum` answers."""
    kept = _kept(values, top)
    n = len(kept)
    if n == 0 or n < minimum:
        return None
    mean = float(kept.mean())
    if n == 1:
        return LikertSummary(n=1, mean=mean, lower=None, upper=None, sd=None)
    sd = float(kept.std(ddof=1))
    half = float(stats.t.ppf(0.5 + LEVEL / 2, n - 1)) * sd / np.sqrt(n)
    return LikertSummary(n=n, mean=mean, lower=float(mean - half), upper=float(mean + half), sd=sd)


def change(pre: LikertSummary | None, post: LikertSummary | None) -> Change | None:
    """Post − pre with Welch's 95% interval; None when either round is hidden or has a single answer."""
    if pre is None or post is None or pre.sd is None or post.sd is None:
        return None
    difference = post.mean - pre.mean
    v1, v2 = pre.sd**2 / pre.n, post.sd**2 / post.n
    se = float(np.sqrt(v1 + v2))
    if se == 0.0:
        return Change(difference=difference, lower=difference, upper=difference, df=None)
    df = (v1 + v2) ** 2 / (v1**2 / (pre.n - 1) + v2**2 / (post.n - 1))
    half = float(stats.t.ppf(0.5 + LEVEL / 2, df)) * se
    return Change(difference=difference, lower=difference - half, upper=difference + half, df=float(df))


def response_rate(answered: int, asked: int) -> float | None:
    """The share of those asked who answered (None when no one was asked)."""
    return answered / asked if asked else None
