"""How sure a median over seeds is: its 95 % order-statistic interval (semantics v4).

With n seeds sorted g₍₁₎ ≤ … ≤ g₍ₙ₎, the number of seeds below the population's median is
B ~ binomial(n, ½), and [g₍ₗ₎, g₍ᵤ₎] holds the median whenever l ≤ B ≤ u − 1. Taking
l − 1 and u as the 2.5 % and 97.5 % quantiles of B (the smallest k with P(B ≤ k) at least
1/40, resp. 39/40) leaves at most 2.5 % on each side: for n = 32, P(B ≤ 10) = 0.0251, so
l = 11 and u = 22 (the 11th and 22nd smallest), covering 95.0 %. The quantiles are found in
exact integer arithmetic (C(n, k) against 2ⁿ), so no rounding moves a rank.

A seed whose numbers stopped being finite counts as +inf (it explodes): NaN sorts as +inf.
"""
from __future__ import annotations

from functools import cache
from math import comb

import numpy as np

#: The interval's two tails, as (numerator, denominator) of the lower tail: 2.5 % = 1/40.
TAIL = (1, 40)


@cache
def median_ranks(n: int) -> tuple[int, int]:
    """The 1-based ranks (l, u) of the median's 95 % interval over ``n`` ≥ 1 samples:
    l − 1 and u are binomial(n, ½)'s 2.5 % and 97.5 % quantiles."""
    if n < 1:
        raise ValueError(f"need at least one sample, got {n}")
    a, b = TAIL
    total = 1 << n

    def quantile(share: int) -> int:      # smallest k with P(B ≤ k) ≥ share / b
        acc = 0
        for k in range(n + 1):
            acc += comb(n, k)
            if acc * b >= share * total:
                return k
        return n
    below = quantile(a)
    return below + 1, max(quantile(b - a), below + 1)


def median_interval(per_seed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(lo, hi): the median's 95 % interval over the last axis of ``per_seed`` (NaN as +inf)."""
    values = np.sort(np.where(np.isnan(per_seed), np.inf, per_seed), axis=-1)
    lo, hi = median_ranks(values.shape[-1])
    return values[..., lo - 1], values[..., hi - 1]
