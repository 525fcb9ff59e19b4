"""Verification semantics v4: a verdict is fragile when a deciding threshold lies inside its
median's 95 % interval over the seeds; chrono takes real T_max; JANET takes chrono and a
forget bias together."""
from __future__ import annotations

import math
from fractions import Fraction
from math import comb
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import example, given, strategies as st

from quizgrader.sim import Hold, Model, Settings, Simulator
from quizgrader.sim.diskcache import DiskCache
from quizgrader.sim.spread import median_interval, median_ranks

S = Settings()


def write(tmp_path: Path, doc: dict, name: str = "q.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def question(models: dict, options: list[dict], **fields) -> dict:
    return {"id": "q", "title": "t", "stem": "s", "select": "many", "models": models,
            "options": options, **fields}


# --- the interval: ranks from the binomial ---------------------------------------------------

def _cdf(n: int, k: int) -> Fraction:
    return Fraction(sum(comb(n, i) for i in range(k + 1)), 2 ** n)


@pytest.mark.parametrize("n", [*range(1, 70), 100, 257, 1024])
def test_the_ranks_are_the_binomial_quantiles(n):
    """l − 1 is the smallest k with P(B ≤ k) ≥ 2.5 %, u the smallest with ≥ 97.5 %."""
    lo, hi = median_ranks(n)
    assert _cdf(n, lo - 1) >= Fraction(1, 40) and (lo == 1 or _cdf(n, lo - 2) < Fraction(1, 40))
    assert _cdf(n, hi) >= Fraction(39, 40) and _cdf(n, hi - 1) < Fraction(39, 40)
    assert 1 <= lo <= hi <= n and lo + hi == n + 1           # symmetric about the median
    # it covers at most 95 % (2.5 % or more on each side), one rank wider more than 95 %
    assert _cdf(n, hi - 1) - _cdf(n, lo - 1) <= Fraction(95, 100)
    if lo >= 2:
        assert _cdf(n, hi) - _cdf(n, lo - 2) > Fraction(95, 100)


def test_32_seeds_give_the_11th_and_22nd_smallest_and_scipy_agrees():
    assert median_ranks(32) == (11, 22)
    assert float(_cdf(32, 21) - _cdf(32, 10)) == pytest.approx(0.9498, abs=1e-4)
    binom = pytest.importorskip("scipy.stats").binom
    for n in range(1, 200):
        q = binom.ppf([0.025, 0.975], n, 0.5)
        assert median_ranks(n) == (int(q[0]) + 1, int(q[1]))


gains = st.one_of(st.just(0.0), st.just(math.inf),
                  st.floats(-30, 30).map(lambda e: 10.0 ** e))


@given(st.lists(gains, min_size=5, max_size=64))
@example([0.0] * 17 + [10.0 ** e for e in range(15)])       # the IndRNN of issue 36: 17 dead
@example([10.0 ** e for e in range(-8, 16)] + [1e15] * 8)   # 32 gains from 1e-8 to 1e15
def test_the_interval_agrees_with_a_brute_force_bootstrap(sample):
    """The 2.5 % and 97.5 % quantiles of 4000 bootstrap medians fall within two ranks of the
    order statistics l and u (their difference is the bootstrap's own approximation)."""
    g = np.array(sample)
    n, s = len(g), np.sort(g)
    lo, hi = median_interval(g)
    l, u = median_ranks(n)
    assert (lo, hi) == (s[l - 1], s[u - 1]) and lo <= np.median(s) <= hi
    with np.errstate(invalid="ignore"):
        boot = np.median(g[np.random.default_rng(0).integers(0, n, (4000, n))], axis=1)
    b_lo, b_hi = np.quantile(boot, [0.025, 0.975], method="inverted_cdf")
    assert s[max(l - 3, 0)] <= b_lo <= s[min(l + 1, n - 1)]
    assert s[max(u - 3, 0)] <= b_hi <= s[min(u + 1, n - 1)]


def test_nan_counts_as_an_explosion_and_axes_are_kept():
    per_seed = np.array([[np.nan] * 32, list(range(32))], dtype=float)
    lo, hi = median_interval(per_seed)
    assert list(lo) == [math.inf, 10.0] and list(hi) == [math.inf, 21.0]


def test_simulations_carry_the_interval_through_the_disk_cache(tmp_path):
    model, holds = Model("gru", {"reset": 1.0}), (Hold("update", 0),)
    cold = Simulator(DiskCache(tmp_path)).run(model, holds, 30, S, full=False)
    warm_sim = Simulator(DiskCache(tmp_path))
    warm = warm_sim.run(model, holds, 30, S, full=False)
    assert warm_sim.runs == 0
    lo, hi = cold.gain_interval
    assert lo <= cold.final <= hi and lo < hi and cold.reach_interval[0] <= cold.reach[-1]
    assert (warm.gain_interval, warm.reach_interval) == (cold.gain_interval, cold.reach_interval)
