"""The verifier: every bank file verifies, verdicts follow the equations, findings, determinism."""
from __future__ import annotations

import json
import types

import numpy as np
import pytest
import yaml
from bankfiles import PLAIN, TEMPLATES
from click.testing import CliRunner
from conftest import GRU_FILE, QS, QUESTIONS

from quizgrader.cli import main
from quizgrader.question import load_question
from quizgrader.sim import Simulator
from quizgrader.sim.cells import EQUATIONS, gru, lstm
from quizgrader.sim.cells.weights import Weights
from quizgrader.text.explain import explain
from quizgrader.text.reports.explaindoc import explain_doc
from quizgrader.verify import Check, Unreachable, verify_question

BANK = PLAIN


@pytest.mark.parametrize("path", BANK, ids=[p.stem for p in BANK])
def test_every_bank_question_verifies_and_its_key_agrees(path):
    qv = verify_question(load_question(path), str(path))
    assert qv.status == "ok", [(v.option.id, v.decided_by) for v in qv.options]
    assert qv.author_key == qv.computed_key
    assert not qv.fragile, [(v.option.id, v.margin) for v in qv.options if v.fragile]


def test_gru_wordings_all_have_key_c():
    for name in ("c5w1-gru-alice-betty", "c5w1-gru-alice-betty-update0", "c5w1-gru-sarah-ashely"):
        qv = verify_question(load_question(QUESTIONS / f"{name}.yaml"))
        assert qv.computed_key == ["C"]


def _mutated(module, negate_block: int, gate_index: int):
    """The cell with gate ``gate_index`` replaced by 1 − gate: σ(−pre), weights negated."""
    def flip(w: Weights) -> Weights:
        n = w.hidden
        rows = slice(negate_block * n, (negate_block + 1) * n)
        Wh, Wx, b = w.Wh.copy(), w.Wx.copy(), w.b.copy()
        Wh[:, rows] *= -1
        Wx[:, rows] *= -1
        b[:, rows] *= -1
        return Weights(Wh, Wx, b, w.bh)

    def args(fixed, shift):
        fixed = tuple(1 - f if (i == gate_index and f is not None) else f
                      for i, f in enumerate(fixed))
        shift = np.array(shift, dtype=float)
        shift[..., gate_index] *= -1      # shift : ([K,] G)
        return fixed, shift

    def inputs(w, x):
        return module.inputs(flip(w), x)

    def step(w, s, px, fixed, shift, **kw):
        return module.step(flip(w), s, px, *args(fixed, shift), **kw)

    def jacobians(w, cache, fixed, inputs):
        return module.jacobians(flip(w), cache, args(fixed, (0,) * len(fixed))[0], inputs)

    def tangent(w, cache, fixed, J):
        return module.tangent(flip(w), cache, args(fixed, (0,) * len(fixed))[0], J)

    return types.SimpleNamespace(inputs=inputs, step=step, jacobians=jacobians,
                                 tangent=tangent, output=module.output)


def mutated_simulator(cell: str, module, block: int, gate: int) -> Simulator:
    """A simulator whose ``cell`` has gate ``gate`` (weight block ``block``) turned around."""
    return Simulator(equations={**EQUATIONS, cell: _mutated(module, block, gate)})


def test_mutating_the_gru_equation_changes_the_key():
    """If Γu = 0 overwrote the memory instead of keeping it, C would be wrong and D would keep
    the gradient. (D is not right either under v3: the scenarios that can carry an input are
    named in the course's gates, Γu ≈ 1 then ≈ 0, which the turned cell reads backwards.)"""
    before = verify_question(load_question(GRU_FILE))
    after = verify_question(load_question(GRU_FILE), sim=mutated_simulator("gru", gru, 0, 0))
    assert before.computed_key == ["C"] and "C" not in after.computed_key
    assert after.status != "ok"
    d = after.verdict("D")
    assert d.passed(Check.AS_CLAIMED) and d.curves.behaviour == "preserved"
    assert after.verdict("C").curves.behaviour == "vanishes"
    # the explanation's numbers follow the equations
    assert explain(before, before.verdict("C")).standard != \
        explain(after, after.verdict("C")).standard


def test_mutating_the_lstm_forget_gate_changes_the_key():
    path = QUESTIONS / "lstm-long-memory.yaml"
    qv = verify_question(load_question(path), sim=mutated_simulator("lstm", lstm, 1, 1))
    assert "A" not in qv.computed_key and qv.status == "key-mismatch"


def test_alice_update_zero_fails_for_the_right_reasons():
    qv = verify_question(load_question(QUESTIONS / "c5w1-gru-alice-betty-update0.yaml"))
    for oid, other in (("A", 1), ("B", 0)):
        v = qv.verdict(oid)
        assert not v.correct and v.decided_by == "reason-matters"
        assert v.passed(Check.AS_CLAIMED) and not v.passed(Check.MODEL_DELIVERS)
        assert v.gain == 1.0 and v.delivery.reach0 == 0.0 and v.delivery.deciding is None
        [flip] = v.flips
        assert flip.curves.final == 1.0 and not flip.changed and not flip.relevant
        text = explain(qv, v).text("full")
        assert "c<t> = c<t−1> (the memory never changes" in text
        assert (f"With Γr ≈ {other} instead, the gain is 1.00 against 1.00: the same behaviour, "
                f"only 0.00 decade apart (less than one), so Γr is not part of the reason: "
                f"Γr explains nothing here.") in text
        assert ("the first input does not reach the memory at all (reach₀(1) = 0): a memory "
                "that is never written ignores every input.") in text
        assert ("the memory never changes: Γu fixed at 0 copies every step and writes "
                "nothing") in explain(qv, v).standard[0]


def test_correct_option_explanation_has_numbers_and_the_document_the_notation_note():
    qv = verify_question(load_question(GRU_FILE))
    text = explain(qv, qv.verdict("C")).text("full", "C")
    assert text.startswith("C is correct.")
    assert ("With Γu ≈ 0 at every step, over 100 steps the gain is 1.00 (1.000 per step): the "
            "gradient is preserved, as the option says.") in text
    assert "Why, in one step: ∂c<t>/∂c<t−1> ≈ (1 − Γu) I ≈ I" in text
    assert "With Γu ≈ 1 instead, the gain is " in text and "it vanishes" in text
    alice = explain(qv, qv.verdict("A")).text("full")
    assert "c<t> = c̃<t> = tanh(Wc[Γr*c<t−1>, x<t>] + bc)" in alice
    assert "fixes Γu = 1 (removing the gate)" in alice
    doc = explain_doc(qv, list(qv.options), "text")
    assert doc.count("z = 1 − Γu") == 1            # the notation note once, before the options
    assert doc.index("z = 1 − Γu") < doc.index("\nA. ")


def _variant(tmp_path, old, new, name="q.yaml"):
    text = GRU_FILE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return str(path)


def test_wrong_key_exits_1_and_names_both_sides(tmp_path):
    path = _variant(tmp_path, "key: [C]", "key: [D]")
    r = CliRunner().invoke(main, ["verify", path])
    assert r.exit_code == 1
    assert ("key mismatch: the author's key is D, the simulation's is C (only in the author's "
            "key: D; only in the simulation's: C)") in r.stdout


def test_two_true_options_for_select_one_is_ambiguous(tmp_path):
    path = _variant(tmp_path, "claim: {model: alice, when: {reset: 1}, gradient: preserved}",
                    "claim: {model: betty, when: {update: 0}, gradient: preserved}")
    r = CliRunner().invoke(main, ["verify", path, "--json"])
    assert r.exit_code == 1
    q = json.loads(r.stdout)["questions"][0]
    assert q["status"] == "ambiguous" and q["computed_key"] == ["B", "C"]
    assert q["finding"] == "ambiguous: select: one, but 2 options pass (B, C)"


def test_verify_json_contract_and_exit_0():
    r = CliRunner().invoke(main, ["verify", QS, "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    plain = [q for q in data["questions"] if q["variant"] is None]
    assert sorted(q["path"] for q in plain) == sorted(str(p) for p in BANK)
    for t in TEMPLATES:            # every locked variant of each template, in the lock's order
        lock = yaml.safe_load(t.with_name(t.stem + ".variants.yaml").read_text("utf-8"))
        assert [q["variant"] for q in data["questions"] if q["path"] == str(t)] == \
            [v["number"] for v in lock["variants"]]
    for q in data["questions"]:
        assert {"id", "path", "computed_key", "author_key", "status", "options"} <= set(q)
        for o in q["options"]:
            assert {"id", "correct", "decided_by", "gain", "explanation"} <= set(o)
            assert o["decided_by"] in ("reachable", "as-claimed", "reason-matters",
                                       "model-delivers", "static", "all-pass")


def test_invalid_file_in_verify_is_status_invalid_and_exit_1(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["verify", str(bad), str(GRU_FILE), "--json"])
    assert r.exit_code == 1
    statuses = [q["status"] for q in json.loads(r.stdout)["questions"]]
    assert statuses == ["ok", "invalid"]


def test_unreachable_reason(tmp_path):
    path = _variant(tmp_path, "claim: {model: alice, when: {reset: 0}, gradient: preserved}",
                    "claim: {model: alice, when: {update: 0}, gradient: preserved}")
    qv = verify_question(load_question(path))
    v = qv.verdict("A")
    assert v.decided_by == "reachable" and v.unreachable == (Unreachable("update", 0, 1.0),)


def test_output_is_byte_identical_across_runs():
    r1 = CliRunner().invoke(main, ["verify", QS, "--json"])
    r2 = CliRunner().invoke(main, ["verify", QS, "--json"])
    assert r1.stdout == r2.stdout
    for fmt in ("text", "markdown", "json", "html"):
        a = CliRunner().invoke(main, ["explain", str(GRU_FILE), "--format", fmt])
        b = CliRunner().invoke(main, ["explain", str(GRU_FILE), "--format", fmt])
        assert a.exit_code == 0 and a.stdout == b.stdout


def test_explain_one_option_and_unknown_option():
    r = CliRunner().invoke(main, ["explain", str(GRU_FILE), "--option", "c"])
    assert r.exit_code == 0 and "C is correct." in r.stdout and "A is wrong" not in r.stdout
    r = CliRunner().invoke(main, ["explain", str(GRU_FILE), "--option", "Z"])
    assert r.exit_code == 1
    assert r.stderr == f"error: {GRU_FILE}: no option 'Z' (options: A, B, C, D)\n"
