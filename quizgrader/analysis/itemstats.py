"""Item statistics of a graded class (classical test theory, as Moodle's quiz statistics).

Input: a :class:`Scores` table, the last attempt of each learner per question. For an item,
x is a learner's score on it (0..max) and X the learner's total over all items (an item not
attempted counts 0 in X); only the learners who attempted the item enter its statistics.
Variances and covariances are sample ones (n − 1).

- facility = mean(x) / max
- discrimination index = 100 · corr(x, X − x), None when either has zero variance
- discriminative efficiency = 100 · cov(x, X − x) / cov_max, where cov_max is the covariance of
  x and X − x each sorted ascending; None when cov_max is 0
- distractors: each option's share of the item's learners, overall and in the top and bottom
  27 % by X − x (ordered by X − x, then learner id; at least one learner each); a wrong option
  chosen more in the top group than in the bottom one is flagged
- test: learners, mean and SD of X, Cronbach's α = k/(k−1) · (1 − Σ var(x_i) / var(X)) over
  the learners who attempted every item (KR-20 for 0/1 items); None when it is undefined
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

GROUP = 0.27
#: How much lower a variant's facility must be than its question's to be flagged.
HARDER = 0.2


@dataclass
class Scores:
    """Scores and choices of L learners on Q items.

    score  : (L, Q) float, NaN where the learner has no graded attempt
    chosen : (L, Q) int, the options chosen as a bit mask (bit j: the item's option j)
    maxima : (Q,) the items' max scores
    """

    learners: list[str]
    items: list[str]
    options: list[list[str]]                 # each item's option ids, in order
    keys: list[set[str] | None]              # each item's key (None: unknown)
    score: np.ndarray
    chosen: np.ndarray
    maxima: np.ndarray


@dataclass(frozen=True)
class OptionStats:
    """One option's share of the class overall and in the top and bottom 27 %."""
    id: str
    share: float
    share_top: float
    share_bottom: float
    flagged: bool
    correct: bool | None


@dataclass(frozen=True)
class ItemStats:
    """One question's facility, discrimination and options."""
    id: str
    n: int
    facility: float | None
    discrimination_index: float | None
    discriminative_efficiency: float | None
    options: tuple[OptionStats, ...]


@dataclass(frozen=True)
class TestStats:
    """The whole test: learners, mean, SD, Cronbach's alpha and each item."""
    learners: int
    mean: float | None
    sd: float | None
    alpha: float | None
    items: tuple[ItemStats, ...] = field(default=())
    variants: tuple[ItemStats, ...] = field(default=())   # by variant: ``id#n`` items

    def harder(self, v: ItemStats) -> bool:
        """True for a variant whose facility is at least :data:`HARDER` below its
        question's (over 10 learners or more): a variant much harder than its siblings."""
        qid = v.id.split("#")[0]
        whole = next((it for it in self.items if it.id == qid), None)
        return (whole is not None and whole.facility is not None and v.facility is not None
                and v.n >= 10 and v.facility <= whole.facility - HARDER)


def _cov(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.sum((a - a.mean()) * (b - b.mean())) / (len(a) - 1))


def item_stats(s: Scores, j: int, totals: np.ndarray) -> ItemStats:
    """The statistics of item ``j`` (``totals``: X of every learner)."""
    attempted = ~np.isnan(s.score[:, j])
    x = s.score[attempted, j]
    rest = totals[attempted] - x
    n = len(x)
    facility = float(x.mean() / s.maxima[j]) if n and s.maxima[j] > 0 else None
    index = efficiency = None
    if n >= 2:
        vx, vr = _cov(x, x), _cov(rest, rest)
        c = _cov(x, rest)
        if vx > 0 and vr > 0:
            index = 100.0 * c / math.sqrt(vx * vr)
        cmax = _cov(np.sort(x), np.sort(rest))
        if cmax > 0:
            efficiency = 100.0 * c / cmax
    return ItemStats(s.items[j], n, facility, index, efficiency,
                     _options(s, j, attempted, rest))


def groups(rest: np.ndarray, names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the top and bottom 27 % by ``rest`` (ties broken by learner id)."""
    n = len(rest)
    if n == 0:
        return np.zeros(0, int), np.zeros(0, int)
    k = max(1, int(round(GROUP * n)))
    order = sorted(range(n), key=lambda i: (rest[i], names[i]))
    return np.array(order[n - k:]), np.array(order[:k])


def _options(s: Scores, j: int, attempted: np.ndarray, rest: np.ndarray
             ) -> tuple[OptionStats, ...]:
    masks = s.chosen[attempted, j]
    names = [s.learners[i] for i in np.flatnonzero(attempted)]
    top, bottom = groups(rest, names)
    key = s.keys[j]
    out = []
    for b, oid in enumerate(s.options[j]):
        picked = (masks >> b) & 1
        share = float(picked.mean()) if len(picked) else 0.0
        share_top = float(picked[top].mean()) if len(top) else 0.0
        share_bottom = float(picked[bottom].mean()) if len(bottom) else 0.0
        correct = None if key is None else oid in key
        out.append(OptionStats(oid, share, share_top, share_bottom,
                               correct is False and share_top > share_bottom, correct))
    return tuple(out)


def test_stats(s: Scores) -> TestStats:
    """Test-level and item statistics of the class."""
    totals = np.nansum(s.score, axis=1)
    L, Q = s.score.shape
    mean = float(totals.mean()) if L else None
    sd = float(np.sqrt(_cov(totals, totals))) if L >= 2 else None
    complete = ~np.isnan(s.score).any(axis=1)
    alpha = None
    if Q >= 2 and complete.sum() >= 2:
        x = s.score[complete]
        total_var = _cov(x.sum(axis=1), x.sum(axis=1))
        if total_var > 0:
            alpha = Q / (Q - 1) * (1 - sum(_cov(x[:, j], x[:, j]) for j in range(Q)) / total_var)
    return TestStats(L, mean, sd, alpha, tuple(item_stats(s, j, totals) for j in range(Q)))
