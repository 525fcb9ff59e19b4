"""What a verdict means (semantics v2 of the verifier): the per-gate reason check, `if:`
claims, overflow as explosion, margins and fragile verdicts, robust keys, and explanations a
learner can follow."""
from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import QUESTIONS

from quizgrader.cli import main
from quizgrader.question import load_question
from quizgrader.sim import Model, Settings, simulate
from quizgrader.text.explain import explain
from quizgrader.text.reports.explaindoc import explain_doc
from quizgrader.verify import Check, verify_question, verify_robust
from quizgrader.verify.margins import INFINITE, Margin, all_of, any_of, gain_margin


def write(tmp_path, doc: dict, name: str = "q.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def question(**fields) -> dict:
    doc = {"id": "q", "title": "t", "stem": "s", "select": "many"}
    doc.update(fields)
    return doc


# --- check 3: the joint flip and the per-gate rule ------------------------------------------

def test_the_textbook_lstm_reason_is_right_at_100_steps():
    """Γf ≈ 1 and Γu ≈ 0: flipping Γf alone vanishes; flipping Γu alone stays preserved but
    moves the gain by about two decades, so both gates carry part of the reason."""
    qv = verify_question(load_question(QUESTIONS / "lstm-gru-textbook-reasons.yaml"))
    v = qv.verdict("A")
    assert v.correct and v.decided_by == "all-pass" and qv.question.horizon == 100
    flips = {f.gates: f for f in v.flips}
    assert flips[("forget",)].changed and flips[("forget",)].curves.behaviour == "vanishes"
    u = flips[("update",)]
    assert not u.changed and u.relevant and u.moved >= 1.0
    assert v.joint is not None and v.joint.changed
    text = explain(qv, v).text("full")
    assert "decades apart, so Γu carries part of the effect." in text
    assert "With Γf ≈ 0 instead (Γu ≈ 0 kept)" in text


def test_a_gru_reason_citing_a_reset_gate_that_does_nothing_is_wrong_and_names_it():
    qv = verify_question(load_question(QUESTIONS / "lstm-gru-textbook-reasons.yaml"))
    v = qv.verdict("C")
    assert not v.correct and v.decided_by == "reason-matters"
    r = next(f for f in v.flips if f.gates == ("reset",))
    assert not r.relevant and r.moved < 0.1
    e = explain(qv, v)
    claim_gain, flip_gain = v.curves.final, r.curves.final
    from quizgrader.text.numbers import fmt
    assert e.deciding.startswith(f"With Γr ≈ 1 instead (Γu ≈ 0 kept), the gain is "
                                 f"{fmt(flip_gain)} against {fmt(claim_gain)}")
    assert "Γr is not part of the reason" in e.deciding and e.deciding in e.text("full")
    # the learner's levels judge the conclusion and the reason apart
    assert e.short.startswith("In the GRU with Γu ≈ 0, Γr ≈ 0, the gradient is kept (0.96), "
                              "but not because of Γr: with Γr ≈ 1 it is 1.0")
    assert e.line("C") == f"C is wrong. {e.short}" and e.standard[0] == e.short


def test_one_right_reason_beside_another_makes_a_single_answer_question_ambiguous(tmp_path):
    doc = yaml.safe_load((QUESTIONS / "lstm-gru-textbook-reasons.yaml").read_text(encoding="utf-8"))
    doc.update(select="one", key=["A"])
    del doc["scoring"]
    r = CliRunner().invoke(main, ["verify", "--json", str(write(tmp_path, doc))])
    q = json.loads(r.stdout)["questions"][0]
    assert r.exit_code == 1 and q["status"] == "ambiguous" and q["computed_key"] == ["A", "B"]


# --- non-finite numbers ---------------------------------------------------------------------

@pytest.mark.parametrize("steps", [100, 500, 1000, 1500, 2000, 2500, 3000])
def test_a_relu_rnn_that_overflows_explodes_at_every_horizon(steps):
    """Past about 1500 steps the state overflows (inf − inf = NaN); that is explosion too."""
    c = simulate(Model("rnn", activation="relu", scale=3.0), (), steps, Settings(seeds=8))
    assert c.behaviour == "explodes" and c.final > 1e10
    if steps >= 2000:
        assert math.isinf(c.final)


def test_an_overflowing_relu_rnn_at_scale_10_explodes_and_its_option_says_so(tmp_path):
    doc = question(horizon=500, models={"m": {"cell": "rnn", "activation": "relu",
                                               "init": {"scale": 10}}},
                   simulation={"seeds": 8},
                   options=[{"id": "A", "text": "It explodes.",
                             "claim": {"model": "m", "gradient": "explodes"}},
                            {"id": "B", "text": "It vanishes.",
                             "claim": {"model": "m", "gradient": "vanishes"}}])
    qv = verify_question(load_question(write(tmp_path, doc)))
    assert qv.computed_key == ["A"] and math.isinf(qv.verdict("A").gain)


def test_the_relu_slope_of_nan_is_nan_not_zero():
    import numpy as np

    from quizgrader.sim.cells.rnn import activate
    _, slope = activate(np.array([np.nan, -1.0, 0.0, 2.0]), "relu")
    assert math.isnan(slope[0]) and list(slope[1:]) == [0.0, 0.0, 1.0]


# --- if: claims -----------------------------------------------------------------------------

def test_conditional_claims_check_only_reachability_and_the_claimed_behaviour():
    qv = verify_question(load_question(QUESTIONS / "lstm-if-gates.yaml"))
    assert qv.computed_key == ["A", "B"] and qv.status == "ok"
    a = qv.verdict("A")           # "if Γf ≈ 0, the gradient vanishes": true of an LSTM
    assert [c.check for c in a.checks] == [Check.REACHABLE, Check.AS_CLAIMED]
    assert a.delivery is None and a.flips == ()
    text = explain(qv, a).text("full")
    assert "the model cannot do it" not in text and "With Γf ≈ 0 at every step" in text


@pytest.mark.parametrize("claim,message", [
    ({"model": "m", "gradient": "vanishes", "if": {"forget": 0}, "when": {"forget": 0}},
     "options.0.claim: a claim gives its gates under when: (the reason) or if: (a condition), "
     "not both"),
    ({"model": "m", "gradient": "vanishes", "if": {"reset": 0}},
     "options.0.claim.if.reset: the lstm cell has no gate 'reset' (its gates: update, forget, "
     "output)"),
    ({"model": "m", "gradient": "vanishes", "iff": {"forget": 0}},
     "options.0.claim.iff: unknown key 'iff' (allowed: model, gradient, when, if)"),
])
def test_bad_conditional_claims_are_reported(tmp_path, claim, message):
    doc = question(models={"m": {"cell": "lstm"}},
                   options=[{"id": "A", "text": "a", "claim": claim},
                            {"id": "B", "text": "b", "correct": False, "feedback": "f"}])
    r = CliRunner().invoke(main, ["validate", str(write(tmp_path, doc))])
    assert r.exit_code == 1 and message in r.stderr


def test_the_json_schema_knows_if():
    r = CliRunner().invoke(main, ["schema"])
    assert "if" in json.loads(r.stdout)["$defs"]["Claim"]["properties"]


# --- margins, fragile and unstable ----------------------------------------------------------

def test_margin_algebra():
    m = [Margin(0.2), Margin(3.0), Margin(1.0)]
    assert all_of([(True, m[0]), (True, m[1])]) == (True, m[0])
    assert all_of([(True, m[0]), (False, m[1]), (False, m[2])]) == (False, m[1])
    assert any_of([(True, m[0]), (True, m[1]), (False, m[2])]) == (True, m[1])
    assert any_of([(False, m[0]), (False, m[1])]) == (False, m[0])
    assert all_of([]) == (True, INFINITE) and any_of([]) == (False, INFINITE)
    s = Settings()
    assert gain_margin(1.0, "preserved", s).decades == pytest.approx(2.0)
    assert gain_margin(1e-3, "preserved", s).decades == pytest.approx(1.0)
    assert gain_margin(1e4, "vanishes", s).decades == pytest.approx(6.0)
    assert math.isinf(gain_margin(0.0, "vanishes", s).decades)
    assert math.isinf(gain_margin(math.inf, "explodes", s).decades)


def tanh3(tmp_path, **simulation) -> Path:
    """A tanh RNN at scale 3, whose gain (about 7e-4 at hidden 16) sits near thresholds."""
    doc = question(models={"m": {"cell": "rnn", "init": {"scale": 3}}},
                   simulation=simulation,
                   options=[{"id": "A", "text": "It vanishes.",
                             "claim": {"model": "m", "gradient": "vanishes"}},
                            {"id": "B", "text": "It explodes.",
                             "claim": {"model": "m", "gradient": "explodes"}}],
                   key=["A"])
    return write(tmp_path, doc)


def test_a_verdict_near_its_threshold_is_fragile_and_fails_only_under_strict(tmp_path):
    path = str(tanh3(tmp_path, vanish_below=0.002))
    r = CliRunner().invoke(main, ["verify", path])
    assert r.exit_code == 0, r.output
    assert "  fragile: A is correct by 0.4" in r.stdout and "gain(100) = 7.17e-04 against 0.002" \
        in r.stdout
    assert CliRunner().invoke(main, ["verify", path, "--strict"]).exit_code == 1
    q = json.loads(CliRunner().invoke(main, ["verify", path, "--json"]).stdout)["questions"][0]
    a = q["options"][0]
    assert a["fragile"] and 0.4 < a["margin"] < 0.5 and q["status"] == "ok"
    assert [(f["kind"], f["options"]) for f in q["findings"]] == [("fragile", ["A"])]


def test_a_key_that_changes_with_the_hidden_size_is_unstable(tmp_path):
    path = str(tanh3(tmp_path))
    assert CliRunner().invoke(main, ["verify", path]).exit_code == 0
    r = CliRunner().invoke(main, ["verify", path, "--robust", "--json"])
    assert r.exit_code == 1
    q = json.loads(r.stdout)["questions"][0]
    assert q["status"] == "unstable" and not q["robust"]["stable"]
    rows = [(v["seed"], v["hidden"], v["computed_key"]) for v in q["robust"]["variations"]]
    assert rows[:5] == [(s, 16, ["A"]) for s in range(5)] and rows[5] == (0, 32, ["B"])
    [finding] = [f for f in q["findings"] if f["kind"] == "unstable"]
    assert finding["options"] == ["A", "B"]
    assert finding["message"] == ("unstable: with seed 0 and hidden 32 the key is B instead of "
                                  "A (A, B flipped)")
    text = CliRunner().invoke(main, ["verify", path, "--robust"])
    assert text.exit_code == 1 and "q (" in text.stdout and "unstable: with seed 0" in text.stdout


def test_robust_verification_reuses_the_plain_simulations():
    from quizgrader.sim import Simulator
    sim = Simulator()
    qv = verify_question(load_question(QUESTIONS / "c5w1-gru-alice-betty.yaml"), sim=sim)
    plain = sim.runs
    robust = verify_robust(qv, sim)
    assert robust.robust.stable and sim.runs == 6 * plain     # 5 new variations, base reused


# --- explanations a learner can follow ------------------------------------------------------

@pytest.fixture(scope="module")
def gru():
    return verify_question(load_question(QUESTIONS / "c5w1-gru-alice-betty.yaml"))


def test_explanations_say_what_the_numbers_mean_once_per_document(gru):
    doc = explain_doc(gru, list(gru.options), "text")
    assert doc.count("How to read the numbers") == 1 and doc.count("z = 1 − Γu") == 1
    assert "Below 0.01 the gradient vanishes, above 100 it explodes, in between it is kept" \
        in doc
    assert "The per-step factor is gain^(1/100), the average rate per step over the 100 steps " \
        "(one step on its own can keep more or less)" in doc
    assert "a held gate is pushed by the experiment to 0.001 (≈ 0) or 0.999 (≈ 1)" in doc
    assert "A removed gate is fixed by the model at exactly its value" in doc
    for v in gru.options:               # no option repeats the guide or the notation note
        for detail in ("short", "standard", "full"):
            text = explain(gru, v).text(detail, v.option.id)
            assert "How to read" not in text and "z = 1 − Γu" not in text


def test_the_one_step_reason_the_carry_and_the_timestep_are_explained(gru):
    e = explain(gru, gru.verdict("C"))
    text = e.text("full")
    assert "Why, in one step: ∂c<t>/∂c<t−1> ≈ (1 − Γu) I ≈ I" in text
    assert "written at step 1 (Γu ≈ 1, then ≈ 0), the first input's effect on the memory at " \
        "step 100 is 1.59 times that of a normal write" in text
    assert "The option speaks of one timestep; the simulation keeps Γu ≈ 0 at all 100 steps" \
        in text
    assert "It can also carry an input: one written at step 1 (Γu ≈ 1 at step 1, then ≈ 0) " \
        "is still 1.6× a normal write at step 100." in e.standard
    b = explain(gru, gru.verdict("B")).text("standard")
    # an average, not what one step does: an overwriting step has no copy path holding it at 1
    assert "The option speaks of one timestep, but an overwriting step has no copy path: one " \
        "step may keep more or less, but on average each keeps 0.6600, and 0.6600^100 = " \
        "9e-19." in b


def test_time_step_spelt_with_a_hyphen_is_answered_too(gru, tmp_path):
    doc = yaml.safe_load((QUESTIONS / "c5w1-gru-alice-betty.yaml").read_text(encoding="utf-8"))
    for o in doc["options"]:
        o["text"] = o["text"].replace("timestep", "time-step")
    qv = verify_question(load_question(write(tmp_path, doc)))
    assert "The option speaks of one timestep" in explain(qv, qv.verdict("B")).text("standard")


def test_the_scenarios_tried_are_named(gru):
    text = explain(gru, gru.verdict("A")).text("full")
    assert "3 gate settings were tried (Γr ≈ 0; Γr ≈ 1; Γr free)" in text


def test_both_settings_failing_the_same_way_is_said_so(gru):
    for oid, said in (("A", "Γr changes only what is written, so neither setting rescues it "
                            "(Γr ≈ 1: essentially zero, 9e-19)"),
                      ("B", "Γr changes only what is written, so neither setting rescues it "
                            "(Γr ≈ 0: essentially zero, 7.7e-301)")):
        e = explain(gru, gru.verdict(oid))
        assert said in e.text("standard")
        assert "explains nothing" not in e.text("full") and "rescues it" in e.text("full")


def test_learner_levels_use_plain_numbers_and_no_check_names(gru):
    names = ("as-claimed", "model-delivers", "all-pass", "reason-matters", "reachable")
    for v in gru.options:
        e = explain(gru, v)
        for detail in ("short", "standard"):
            text = e.text(detail, v.option.id)
            assert not any(n in text for n in names), text
            assert "e-301" not in text or "essentially zero (7.7e-301)" in text or \
                "essentially zero, 7.7e-301" in text
        assert "decided by" in e.text("full")


def test_an_unlabelled_model_starts_its_sentence_with_a_capital(tmp_path):
    doc = question(models={"lstm": {"cell": "lstm"}},
                   options=[{"id": "A", "text": "a", "claim": {"model": "lstm",
                                                               "if": {"forget": 0},
                                                               "gradient": "vanishes"}},
                            {"id": "B", "text": "b", "correct": False, "feedback": "f"}])
    qv = verify_question(load_question(write(tmp_path, doc)))
    assert explain(qv, qv.verdict("A")).full[0].startswith("The model “lstm” is a full LSTM")


def test_a_plain_rnn_has_no_gates_and_a_bare_claim_does_not_repeat_itself():
    qv = verify_question(load_question(QUESTIONS / "rnn-vanish-explode.yaml"))
    text = explain(qv, qv.verdict("A")).text("full")
    assert "gates free" not in text and "with no gates" in text
    assert "gates free" not in explain(qv, qv.verdict("A")).text("standard")
    assert text.count("the gain is 8.69e+22") == 1


def test_a_single_cited_gate_must_change_the_behaviour_not_only_move_the_gain(tmp_path):
    """With Γf fixed at 1, 'because Γu ≈ 0' cites one gate: flipping it moves the gain about
    two decades (0.94 -> ~77) but the gradient stays preserved, so the reason is wrong."""
    doc = question(models={"m": {"cell": "lstm", "fixed": {"forget": 1}}},
                   options=[{"id": "A", "text": "a", "claim": {"model": "m",
                                                               "when": {"update": 0},
                                                               "gradient": "preserved"}},
                            {"id": "B", "text": "b", "correct": False, "feedback": "f"}])
    qv = verify_question(load_question(write(tmp_path, doc)))
    v = qv.verdict("A")
    [f] = v.flips
    assert f.moved >= 1.0 and not f.changed and not f.relevant and v.joint is None
    assert not v.correct and v.decided_by == "reason-matters"
    e = explain(qv, v)
    assert e.deciding.startswith("With Γu ≈ 1 instead, the gain is ")
    assert (f"the gradient is preserved all the same, {f.moved:.1f} decades away: flipping "
            f"the one gate the reason cites does not change what the gradient does, so Γu is "
            f"not the reason.") in e.deciding
