"""Explanations that reason (v4): configurations named whole, equal configurations with
equal numbers, the deciding cause (fixed gates first) from the cell's equations, a
refutation per (deciding check × claimed behaviour), per-step factors a learner can check,
and the learner's view whole."""
from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from bankfiles import PLAIN
from click.testing import CliRunner
from conftest import GRU_FILE, QUESTIONS

from quizgrader.cli import main
from quizgrader.question import load_question
from quizgrader.sim import model as sim_model
from quizgrader.sim.cells import gru
from quizgrader.sim.model import Model
from quizgrader.sim.paths import paths
from quizgrader.text import cause as cause_module
from quizgrader.text.bottomline import bottom_line
from quizgrader.text.explain import explain
from quizgrader.text.numbers import factor, plain
from quizgrader.text.reasons import reason
from quizgrader.verify import verify_question

GRU_U0 = QUESTIONS / "c5w1-gru-alice-betty-update0.yaml"


def verdict(path: Path) -> object:
    return verify_question(load_question(path), str(path))


def one_claim(tmp_path: Path, models: dict, claim: dict, horizon: int = 100,
              text: str = "The model keeps it.") -> SimpleNamespace:
    """A question with one simulated option A (and a static B), verified and explained."""
    doc = {"id": "probe", "title": "t", "stem": "s", "select": "many", "horizon": horizon,
           "models": models,
           "options": [{"id": "A", "text": text, "claim": claim},
                       {"id": "B", "text": "static", "correct": False, "feedback": "no"}]}
    path = tmp_path / "probe.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    qv = verify_question(load_question(path), str(path))
    v = qv.options[0]
    e = explain(qv, v)
    return SimpleNamespace(qv=qv, v=v, short=e.line("A"), standard=e.text("standard", "A"))


# --- configurations --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def report():
    r = CliRunner().invoke(main, ["verify", str(QUESTIONS), "--json"])
    return json.loads(r.stdout)


def test_every_simulated_option_has_figures_with_whole_configurations(report):
    for q in report["questions"]:
        for o in q["options"]:
            if o["decided_by"] == "static":
                assert o["figures"] == []
                continue
            assert o["figures"], (q["id"], o["id"])
            for f in o["figures"]:
                assert set(f) == {"value", "kind", "model", "gates", "steps"}
                assert f["kind"] in ("gain", "per-step", "carry")
                assert all(re.fullmatch(r"fixed:[\d.]+|held:[01]|write-then-keep|free", s)
                           for s in f["gates"].values()), f


def test_equal_configurations_have_equal_values_on_the_whole_bank(report):
    for q in report["questions"]:
        seen: dict[str, float | None] = {}
        for o in q["options"]:
            for f in o["figures"]:
                key = json.dumps({k: f[k] for k in ("kind", "model", "gates", "steps")},
                                 sort_keys=True)
                assert seen.setdefault(key, f["value"]) == f["value"], (q["id"], key)


def test_every_printed_per_step_factor_gives_the_quoted_gain_back(report):
    """'0.65984 (0.65984^100 = 8.8e-19)': the factor raised to T is the gain, to 2 digits."""
    check = re.compile(r"(\d\.\d+) \(\1\^(\d+) = ([\de.\-]+)\)")
    found = 0
    for q in report["questions"]:
        for o in q["options"]:
            for f, T, g in check.findall(o["explanation"]):
                found += 1
                assert plain(float(f) ** int(T)) == g, (q["id"], o["id"], f, T, g)
                gains = [x["value"] for x in o["figures"] if x["kind"] == "gain" and
                         x["steps"] == int(T) and x["value"] is not None]
                assert any(plain(x) == g for x in gains), (q["id"], o["id"], g)
    assert found >= 20


@pytest.mark.parametrize("gain,T", [(9e-19, 100), (0.52, 1000), (7.7e-301, 100), (77.0, 100),
                                    (1.5e22, 100), (0.35, 1000), (0.9993 ** 1000, 1000)])
def test_a_factor_has_the_digits_its_gain_needs(gain, T):
    f = factor(gain, T)
    assert plain(float(f) ** T) == plain(gain)
    assert f != "1.0" or plain(gain) == "1.0"


# --- the deciding cause ----------------------------------------------------------------------

def test_alice_fixed_update_at_1_decides_options_a_and_b_and_the_bottom_line():
    qv = verdict(GRU_FILE)
    whys = {}
    for oid in "AB":
        text = explain(qv, qv.verdict(oid)).text("standard", oid)
        whys[oid] = next(p for p in text.split("\n\n") if p.startswith("Why:"))
        assert whys[oid].startswith("Why: Alice's model fixes Γu = 1, so every step "
                                    "overwrites the memory (c<t> = c̃<t>)"), whys[oid]
        assert not re.search(r"with Γr ≈ [01][^.]*(overwrites|copies)", text), text
    # Γr ≈ 0 also shuts the path through what is written; either way Γr acts only on the
    # write (it does not set the copy path, the probe says), so neither setting rescues it
    assert "and with Γr ≈ 0 what it writes hardly reads the old memory; Γr changes only " \
           "what is written, so neither setting rescues it (Γr ≈ 1: essentially zero, " \
           "9e-19)" in whys["A"]
    assert "; Γr changes only what is written, so neither setting rescues it (Γr ≈ 0: " \
           "essentially zero, 7.7e-301)" in whys["B"]
    bl = bottom_line(qv)
    assert "Alice's model fixes Γu = 1, so every step overwrites the memory; Γr changes " \
           "only what is written, so neither Γr ≈ 1 nor ≈ 0 rescues it: the gradient " \
           "vanishes" in bl
    assert not re.search(r"with Γr ≈ 1[^.]*(whatever Γr does|neither)", bl)


def test_alice_fixed_update_at_0_copies_and_for_the_same_reason_writes_nothing():
    qv = verdict(GRU_U0)
    for oid in "AB":
        text = explain(qv, qv.verdict(oid)).text("standard", oid)
        # the copy keeps ∂c/∂c<0> = 1 exactly, and for the same reason nothing moves the memory
        assert "the memory never changes: Γu fixed at 0 copies every step and writes nothing, " \
               "so ∂c<100>/∂c<0> is exactly the identity but no gradient reaches any input or " \
               "cell weight; Γr plays no part." in text
        assert "Why: Alice's model fixes Γu = 0, so every step copies the memory and writes " \
               "nothing (c<t> = c<t−1>), whatever Γr does." in text
        assert "cannot learn" not in text and "the gradient is kept" not in text
        assert "Γr ≈ 0, ∂c" not in text and "with Γr ≈ 0 every step" not in text
    bl = bottom_line(qv)
    assert "Alice's model fixes Γu = 0, so every step copies the memory and writes nothing: " \
           "the memory never changes and depends on no input or weight, so the model cannot " \
           "learn from its inputs" in bl


def test_a_held_gate_that_decides_is_named_as_held():
    qv = verdict(GRU_FILE)
    assert reason(qv.question, qv.verdict("C")) == \
        "with Γu ≈ 0 every step copies the memory (c<t> ≈ c<t−1>)"
    assert reason(qv.question, qv.verdict("D")).startswith(
        "with Γu ≈ 1 every step overwrites the memory (c<t> ≈ c̃<t>)")


def test_a_claim_citing_no_gate_is_compared_with_the_same_setting_in_the_other_model():
    """A forget bias is the whole difference between lstm-forget-bias's two models: the
    option that claims the biased model vanishes says how far the unbiased one is, from the
    two measured gains (the ratio is theirs, whichever model is the larger)."""
    qv = verdict(QUESTIONS / "lstm-forget-bias.yaml")
    b, c = qv.verdict("B"), qv.verdict("C")
    text = explain(qv, b).text("standard", "B")
    ratio = b.curves.final / c.curves.final
    assert f"Compare the LSTM with zero biases and all gates free: the gradient vanishes " \
           f"too, {plain(ratio)} times smaller" in text
    assert f"{plain(ratio)} times larger" in explain(qv, c).text("standard", "C")


@pytest.mark.parametrize("cell, gates, shows", [
    ("lstm", {"update": 0.0, "forget": 1.0, "output": 0.0}, False),   # a<t> = 0·tanh(c<t>)
    ("lstm", {"update": 0.0, "forget": 1.0, "output": 1.0}, True),
    ("lstm", {"update": 1.0, "forget": 0.0, "output": 1.0}, True),    # overwriting: still shown
    ("gru", {"update": 0.0, "reset": 0.0}, True),                     # the state is the memory
])
def test_whether_the_output_shows_the_memory_is_measured_on_the_cell(cell, gates, shows):
    assert paths(Model(cell), gates).shows is shows


def test_a_flip_kept_only_by_hiding_the_memory_says_so(tmp_path):
    """Carol's LSTM (Γf = 1) with Γo ≈ 1 explodes; its flip Γo ≈ 0 keeps the gradient only
    because a<t−1> ≈ 0 feeds nothing back, and then the output shows nothing either."""
    r = one_claim(tmp_path, {"carol": {"cell": "lstm", "fixed": {"forget": 1.0}}},
                  {"model": "carol", "when": {"output": 1}, "gradient": "preserved"},
                  horizon=1000)
    assert "With Γo ≈ 0 (Γu free) instead, it is kept" in r.standard
    assert "but the cell's output then shows almost nothing of the memory" in r.standard


def test_a_kept_claim_with_the_wrong_reason_is_shown_the_setting_that_keeps_it(tmp_path):
    """Carol's LSTM keeps the gradient with Γu ≈ 0, not because of Γo: the option that credits
    Γo ≈ 1 (it explodes) is told the same model's setting another option measured kept,
    rather than the flip Γo ≈ 0, which keeps it only while the output hides the memory."""
    doc = {"id": "carol", "title": "t", "stem": "s", "select": "one", "horizon": 1000,
           "models": {"carol": {"cell": "lstm", "fixed": {"forget": 1.0},
                                "label": "Carol's LSTM"}},
           "options": [
               {"id": "A", "text": "Carol's, because Γu ≈ 0 copies the memory.",
                "claim": {"model": "carol", "when": {"update": 0}, "gradient": "preserved"}},
               {"id": "B", "text": "Carol's, because Γo ≈ 1 lets the gradient through.",
                "claim": {"model": "carol", "when": {"output": 1}, "gradient": "preserved"}}],
           "key": ["A"]}
    path = tmp_path / "carol.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    qv = verify_question(load_question(path), str(path))
    a, b = qv.verdict("A"), qv.verdict("B")
    text = explain(qv, b).text("standard", "B")
    assert f"Carol's LSTM does keep it, but with Γu ≈ 0 (Γo free): gain " \
           f"{plain(a.curves.final)}, since every step copies the memory" in text
    assert "shows almost nothing" not in text


def _swapped_update(fixed):
    """The GRU's update gate read the other way round (Γu' = 1 − Γu)."""
    return (None if fixed[0] is None else 1.0 - fixed[0], *fixed[1:])


def test_a_cell_whose_equation_changes_changes_the_sentence(monkeypatch):
    """Hand the text a GRU that keeps its memory with Γu ≈ 1 (c<t> = Γu c<t−1> + (1 − Γu) c̃):
    Alice's fixed Γu = 1 now copies, and the sentence says so."""
    mutated = SimpleNamespace(
        inputs=gru.inputs, output=gru.output, tangent=gru.tangent,
        step=lambda w, c, px, fixed, shift, reset="before":
            gru.step(w, c, px, _swapped_update(fixed), shift, reset),
        jacobians=lambda w, cache, fixed, inputs:
            gru.jacobians(w, cache, _swapped_update(fixed), inputs))
    qv = verdict(GRU_FILE)
    before = reason(qv.question, qv.verdict("B"))
    monkeypatch.setattr(sim_model, "EQUATIONS", {**sim_model.EQUATIONS, "gru": mutated})
    cause_module._paths.cache_clear()
    cause_module._structural.cache_clear()
    try:
        after = reason(qv.question, qv.verdict("B"))
    finally:
        cause_module._paths.cache_clear()
        cause_module._structural.cache_clear()
    assert "overwrites" in before and "overwrites" not in after
    assert after.startswith("Alice's model fixes Γu = 1, so every step copies the memory")


# --- a refutation per (deciding check × claimed behaviour) -----------------------------------

GRU_M = {"m": {"cell": "gru"}}
ALICE1 = {"m": {"cell": "gru", "fixed": {"update": 1}, "label": "Alice's model"}}
ALICE0 = {"m": {"cell": "gru", "fixed": {"update": 0}, "label": "Alice's model"}}
LSTM = {"m": {"cell": "lstm", "label": "The LSTM"}}

CASES = [
    # (check, behaviour, models, claim, horizon, words the refutation must contain)
    ("reachable", "preserved", ALICE1, {"when": {"update": 0}}, 100,
     "fixes Γu = 1, so the case the option cites, Γu ≈ 0, never happens"),
    ("reachable", "vanishes", ALICE1, {"when": {"update": 0}}, 100, "never happens"),
    ("reachable", "explodes", ALICE1, {"when": {"update": 0}}, 100, "never happens"),
    ("as-claimed", "preserved", GRU_M, {"when": {"update": 1}}, 100,
     "vanishes over 100 steps, to essentially zero"),
    ("as-claimed", "vanishes", GRU_M, {"when": {"update": 0}}, 100,
     "is kept over 100 steps (gain 0.98), not vanishing as claimed"),
    ("as-claimed", "explodes", GRU_M, {"when": {"update": 0}}, 100, "not exploding as claimed"),
    ("reason-matters", "preserved", ALICE0, {"when": {"reset": 0}}, 100,
     "the memory never changes: Γu fixed at 0 copies every step and writes nothing"),
    ("reason-matters", "vanishes", ALICE1, {"when": {"reset": 1}}, 100,
     "but because of Γu fixed at 1, not of Γr"),
    ("model-delivers", "preserved", ALICE0, {}, 100, "never writes an input"),
    ("model-delivers", "vanishes", LSTM, {"when": {"forget": 0}}, 100,
     "but not in every setting: in the LSTM with"),
    ("model-delivers", "vanishes", LSTM, {}, 100, "not always vanishing"),
    ("model-delivers", "explodes", GRU_M, {}, 100, "not exploding as claimed"),
    ("model-delivers", "explodes", LSTM, {"when": {"forget": 1, "update": 1}}, 400,
     "but in the LSTM with all gates free, as the model runs, it vanishes"),
]


@pytest.mark.parametrize("check,behaviour,models,claim,horizon,words", CASES,
                         ids=[f"{c[0]}-{c[1]}-{'-'.join(c[3].get('when', {})) or 'bare'}"
                              for c in CASES])
def test_each_deciding_check_refutes_its_own_claim_kind(tmp_path, check, behaviour, models,
                                                         claim, horizon, words):
    got = one_claim(tmp_path, models, {"model": "m", "gradient": behaviour, **claim}, horizon)
    assert got.v.decided_by == check and not got.v.correct, (got.v.decided_by, got.short)
    assert words in got.standard, got.standard
    if behaviour != "preserved":              # the 'cannot learn' template argues for keeping
        assert "cannot learn" not in got.standard, got.standard
    if check == "model-delivers" and behaviour == "preserved":
        assert "cannot learn" in got.standard
    assert "as-claimed" not in got.standard and "model-delivers" not in got.standard


def test_explodes_refuted_by_its_flip_is_not_a_pair_our_cells_produce(tmp_path):
    """(reason-matters × explodes) needs an exploding setting whose cited gate, flipped,
    explodes too; in every cell a gate that keeps an explosion going also cuts it when
    flipped (moved decades are clipped at the thresholds, so two explosions never differ).
    Pinned here so a cell that produces it gets a wording of its own."""
    got = one_claim(tmp_path, {"m": {"cell": "lstm", "fixed": {"forget": 1, "update": 1}}},
                    {"model": "m", "when": {"output": 1}, "gradient": "explodes"}, 400)
    assert got.v.decided_by == "all-pass"


# --- the learner's view ----------------------------------------------------------------------

def test_the_answer_view_quotes_options_whole_and_explains_a_missed_right_option():
    r = CliRunner().invoke(main, ["grade", str(GRU_FILE), "--answer", "D"])
    assert r.exit_code == 0, r.output
    q = load_question(GRU_FILE)
    out = r.output
    for oid in "CD":
        assert q.get(oid).text in out                    # whole, never cut before 'because'
    assert "…" not in out
    guide = out.index("How to read the numbers")
    assert guide < out.index(q.get("D").text)            # the gain defined before any option
    right = out[out.index(q.get("C").text):]
    assert "Why: with Γu ≈ 0 every step copies the memory" in right   # why C is right


def test_json_feedback_explains_the_missed_right_option_at_standard():
    r = CliRunner().invoke(main, ["grade", str(GRU_FILE), "--answer", "D", "--format", "json"])
    fb = json.loads(r.stdout)["feedback"]
    assert "The right answer includes C “Betty's model (removing Γr), because if Γu ≈ 0 for a " \
           "timestep" in fb
    assert "Why: with Γu ≈ 0 every step copies the memory" in fb


def test_plot_titles_use_the_option_words_and_legends_show_each_curve_once():
    from quizgrader.export.handout import option_series
    from quizgrader.sim import Simulator
    from quizgrader.text.reports import figures
    qv = verdict(GRU_FILE)
    v = qv.verdict("B")
    title = figures.plot_title("B", v.option.text)
    assert title.startswith("B. Alice's model (removing Γu)") and qv.question.id not in title
    series = option_series(qv, v, Simulator())
    labels = [s.label for s in series]
    assert labels[0] == "B: Alice's model (Γu fixed at 1) with Γr ≈ 1"
    assert len(labels) == len(set(labels))
    for i, a in enumerate(series):
        for b in series[i + 1:]:
            assert not (a.gain == b.gain).all(), (a.label, b.label)


def test_the_learner_text_of_the_bank_uses_no_undefined_symbol():
    """Wcc, diag, reach and ∂ belong to the full level: a learner document does not define
    them."""
    for path in PLAIN:
        qv = verdict(path)
        texts = [bottom_line(qv)] + [explain(qv, v).text("standard", v.option.id)
                                     for v in qv.options if v.option.claim is not None]
        for t in texts:
            assert not re.search(r"\bWc[ca]\b|\bdiag\b|\breach\b|∂c<t>/∂c<t−1>", t), t
