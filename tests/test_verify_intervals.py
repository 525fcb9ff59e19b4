"""Verification semantics v4: a verdict is fragile when a deciding threshold lies inside its
median's 95 % interval over the seeds; chrono takes real T_max; JANET takes chrono and a
forget bias together."""
from __future__ import annotations

import json
import math
from fractions import Fraction
from math import comb
from pathlib import Path

import numpy as np
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import example, given, strategies as st

from quizgrader.cli import main
from quizgrader.errors import ConfigError
from quizgrader.question import load_question
from quizgrader.sim import Hold, Model, Settings, Simulator
from quizgrader.sim.diskcache import DiskCache
from quizgrader.sim.simulate import random_setup
from quizgrader.sim.spread import median_interval, median_ranks
from quizgrader.text.findings import spread
from quizgrader.text.reports.explaindoc import explain_doc
from quizgrader.verify import verify_question
from quizgrader.verify.margins import Margin, Quantity, all_of, any_of, carry_margin, gain_margin

S = Settings()


def write(tmp_path: Path, doc: dict, name: str = "q.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def question(models: dict, options: list[dict], **fields) -> dict:
    """A question with ``options`` and a static wrong option after them."""
    static = {"id": "Z", "text": "None of these.", "correct": False, "feedback": "No."}
    return {"id": "q", "title": "t", "stem": "s", "select": "many", "models": models,
            "options": [*options, static], **fields}


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


# --- the two questions of issue 36 ----------------------------------------------------------

def indrnn_dying(tmp_path: Path) -> Path:
    """An IndRNN with u ~ U(−0.62, 1.29): at seed 0, 17 of its 32 cells die (gain exactly 0),
    so the median is 0, which v2 called vanishing with an infinite margin."""
    return write(tmp_path, question(
        {"m": {"cell": "indrnn", "init": {"recurrent_range": [-0.62, 1.29]}}},
        [{"id": "A", "text": "It vanishes.", "claim": {"model": "m", "if": "free",
                                                       "gradient": "vanishes"}}]))


def relu_orthogonal(tmp_path: Path) -> Path:
    """A ReLU RNN with an orthogonal recurrent block at scale 1.48 over 200 steps: the
    median explodes by two decades, but the middle 95 % of cells spans 0.008 to 3e12."""
    return write(tmp_path, question(
        {"m": {"cell": "rnn", "activation": "relu",
               "init": {"recurrent": "orthogonal", "scale": 1.48}}},
        [{"id": "A", "text": "It explodes.", "claim": {"model": "m", "gradient": "explodes"}}],
        horizon=200))


def test_a_median_of_dead_cells_is_fragile_not_infinitely_sure(tmp_path):
    v = verify_question(load_question(indrnn_dying(tmp_path))).options[0]
    assert v.correct and v.gain == 0.0
    assert v.margin is not None and v.margin.decades == 0.0 and v.fragile
    lo, hi = v.margin.interval or (None, None)
    assert lo == 0.0 and hi is not None and hi > 1e6


def test_an_orthogonal_relu_rnn_two_decades_from_its_threshold_is_fragile(tmp_path):
    v = verify_question(load_question(relu_orthogonal(tmp_path))).options[0]
    assert v.correct and v.decided_by == "all-pass" and v.fragile
    assert v.margin is not None and v.margin.decades > 2.0 and v.margin.straddles
    lo, hi = v.margin.interval or (None, None)
    assert lo is not None and hi is not None and lo < S.vanish_below and hi > 1e12


@pytest.mark.parametrize("build", [indrnn_dying, relu_orthogonal])
def test_both_are_unstable_under_robust(tmp_path, build):
    r = CliRunner().invoke(main, ["verify", str(build(tmp_path)), "--robust", "--json"])
    q = json.loads(r.stdout)["questions"][0]
    assert r.exit_code == 1 and q["status"] == "unstable", r.output


def test_verify_names_the_interval_in_the_finding_and_in_json(tmp_path):
    path = str(relu_orthogonal(tmp_path))
    r = CliRunner().invoke(main, ["verify", path])
    assert r.exit_code == 0 and "  fragile: A is correct by 2.02 decade (gain(200) = 1.04e+04 " \
        "against 100), but another seed set could flip it: the median's 95 % interval over " \
        "the cells spans 0.0081 … 2.9e12\n" in r.stdout, r.output
    assert CliRunner().invoke(main, ["verify", path, "--strict"]).exit_code == 1
    q = json.loads(CliRunner().invoke(main, ["verify", path, "--json"]).stdout)["questions"][0]
    a = q["options"][0]
    lo, hi = a["evidence"]["margin"]["interval"]
    assert a["fragile"] and a["margin"] > 2 and lo < 0.01 < 100 < hi
    assert q["options"][1]["evidence"] == {}                     # a static option: none


def test_explain_says_why_at_the_full_and_standard_levels(tmp_path):
    qv = verify_question(load_question(indrnn_dying(tmp_path)))
    full = explain_doc(qv, [qv.options[0]], "text", "full")
    assert "decided by all-pass, margin 0.00 decade(s) (fragile: another seed set could flip " \
        "it: the median's 95 % interval over the cells spans 0 … 1.1e7)." in full
    standard = explain_doc(qv, [qv.options[0]], "text", "standard")
    assert "This verdict is uncertain: another seed set could flip it: the median's 95 % " \
        "interval over the cells spans 0 … 1.1e7." in standard


# --- margins that straddle -------------------------------------------------------------------

def test_a_straddling_margin_is_fragile_however_far_its_median():
    m = gain_margin(1e4, "explodes", S, (1.5, 7.6e7))
    assert m.decades == pytest.approx(2.0) and m.straddles and m.fragile(0.5)
    assert not gain_margin(1e4, "explodes", S, (1e3, 1e5)).fragile(0.5)
    assert not gain_margin(1e4, "explodes", S).straddles              # no interval known
    assert carry_margin(1.0, S, (1e-3, 2.0)).threshold == S.vanish_below


def test_a_median_of_zero_or_inf_is_no_infinite_margin_when_its_interval_straddles():
    dead = gain_margin(0.0, "vanishes", S, (0.0, 1e7))
    assert dead.decades == 0.0 and dead.straddles and dead.fragile(0.5)
    assert math.isinf(gain_margin(0.0, "vanishes", S, (0.0, 0.0)).decades)   # all dead: sure
    blown = gain_margin(math.inf, "explodes", S, (3.0, math.inf))
    assert blown.decades == 0.0 and blown.fragile(0.5)
    assert not gain_margin(math.inf, "explodes", S, (1e9, math.nan)).fragile(0.5)


def test_straddling_counts_as_nearest_in_the_margin_algebra():
    far_unsure = Margin(3.0, 1e5, 100.0, interval=(1.0, 1e9))
    near, far = Margin(0.3), Margin(2.0)
    # AND, true: any straddling part can flip it
    assert all_of([(True, far), (True, far_unsure)]) == (True, far_unsure)
    # OR, true: it flips only when every true part can: the sure one decides
    assert any_of([(True, far_unsure), (True, far)]) == (True, far)
    assert any_of([(True, far_unsure), (True, near)])[1] == near     # both fragile
    assert any_of([(True, far_unsure), (True, far_unsure)])[1].straddles
    # OR, false: the nearest part, a straddling one first
    assert any_of([(False, near), (False, far_unsure)]) == (False, far_unsure)


# --- chrono: any real T_max ≥ 2; JANET's chrono plus a forget bias --------------------------

def chrono_question(tmp_path: Path, cell: str, init: dict, name: str = "q.yaml") -> Path:
    return write(tmp_path, question(
        {"m": {"cell": cell, "init": init}},
        [{"id": "A", "text": "It keeps the gradient.",
          "claim": {"model": "m", "if": "free", "gradient": "preserved"}}]), name)


def test_chrono_19_0_is_chrono_19(tmp_path):
    real = load_question(chrono_question(tmp_path, "lstm", {"chrono": 19.0}, "a.yaml"))
    whole = load_question(chrono_question(tmp_path, "lstm", {"chrono": 19}, "b.yaml"))
    assert real.models["m"].model() == whole.models["m"].model()
    assert real.models["m"].model().chrono == 19 and isinstance(real.models["m"].init.chrono, int)
    a, b = (verify_question(q).options[0] for q in (real, whole))
    assert a.gain == b.gain and a.correct == b.correct


def test_chrono_81_9_draws_forget_biases_up_to_log_80_9_and_says_so(tmp_path):
    path = chrono_question(tmp_path, "lstm", {"chrono": 81.9})
    model = load_question(path).models["m"].model()
    w, _, _ = random_setup(model, Settings(hidden=200, seeds=20), 2)
    n = 200
    bf, bu = w.b[:, n:2 * n], w.b[:, 0:n]                      # LSTM blocks: update, forget, …
    assert bf.min() >= 0.0 and bf.max() <= math.log(80.9) and bf.max() > math.log(70)
    np.testing.assert_array_equal(bu, -bf)
    r = CliRunner().invoke(main, ["explain", str(path), "--detail", "full"])
    assert r.exit_code == 0 and "T_max = 81.9: b_f ~ log U(1, 80.9)" in r.stdout, r.output
    sim = CliRunner().invoke(main, ["simulate", "--cell", "lstm", "--chrono", "81.9", "--json",
                                    "--steps", "20", "--seeds", "4"])
    assert sim.exit_code == 0, sim.output


@pytest.mark.parametrize("chrono,message", [(1.99, "greater than or equal to 2"),
                                            (".inf", "finite number")])
def test_chrono_below_2_or_infinite_is_refused(tmp_path, chrono, message):
    path = tmp_path / "q.yaml"
    path.write_text(yaml.safe_dump(question({"m": {"cell": "lstm", "init": {"chrono": 0}}}, [
        {"id": "A", "text": "t", "claim": {"model": "m", "gradient": "preserved"}}]))
        .replace("chrono: 0", f"chrono: {chrono}"), encoding="utf-8")
    r = CliRunner().invoke(main, ["validate", str(path)])
    assert r.exit_code == 1 and message in r.stderr and "init.chrono" in r.stderr, r.output


def test_janet_takes_chrono_and_a_forget_bias_added_together(tmp_path):
    both = load_question(chrono_question(tmp_path, "janet", {"chrono": 50, "bias": {"forget": 1.5}},
                                         "a.yaml"))
    alone = load_question(chrono_question(tmp_path, "janet", {"chrono": 50}, "b.yaml"))
    s = Settings(hidden=8, seeds=4)
    wb, _, _ = random_setup(both.models["m"].model(), s, 2)
    wa, _, _ = random_setup(alone.models["m"].model(), s, 2)
    np.testing.assert_allclose(wb.b[:, :8], wa.b[:, :8] + 1.5)    # the forget block
    np.testing.assert_array_equal(wb.b[:, 8:], wa.b[:, 8:])
    qv = verify_question(both)
    text = explain_doc(qv, [qv.options[0]], "text", "full")
    assert "with chrono initialisation (T_max = 50: b_f ~ log U(1, 49)) and Γf bias 1.5" in text
    assert "chrono initialisation with forget bias 1.5 starts Γf between 0.818 and 0.995" in text
    with pytest.raises(ConfigError, match="not both"):             # the LSTM's b_u = −b_f
        Model("lstm", chrono=50, bias={"forget": 1.0})


def test_the_words_for_a_flip_s_move_are_in_decades():
    m = Margin(0.2, 0.8, 1.0, Quantity.DECADES, (0.0, 1.6))
    assert m.straddles and spread(m) == ("another seed set could flip it: over the median's "
                                         "95 % interval of the flipped gain, the move spans "
                                         "0.00 … 1.60 decades")
