"""What each learner misreads (diagnosis.md): a misreading per option from its verdict, the
holding rule, the CLI and its errors, learner files, and a planted class on the shipped bank."""
from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from bankfiles import QUESTIONS
from click.testing import CliRunner
from plantedclass import AS_CLAIMED, EXPERT, GUESSER, IRRELEVANT, planted_class, plants

from quizgrader import api
from quizgrader.cli import main
from quizgrader.diagnosis import BUDGET, Answer, diagnose, paragraph, sentence, tail
from quizgrader.jobs.diagnosing import evidence_bank
from quizgrader.text.wording import words

SMALL = Path(__file__).parent / "diagnosis-bank"
ONE, TWO = "gru-diagnosis-one", "gru-diagnosis-two"
#: The small bank's options by the misreading each is written to carry (its YAML comments).
KINDS = ("polarity", "wrong-gate", "keeping-is-learning", "always-vanishes", "removal",
         "direction")
CHECK_NAMES = re.compile(r"as-claimed|model-delivers|reason-matters|all-pass|reachable|"
                         r"decided_by|check \d", re.IGNORECASE)


def written(qid: str) -> dict[str, str]:
    """kind -> option id, from the comments of the small bank's file."""
    text = (SMALL / f"{qid}.yaml").read_text(encoding="utf-8")
    return {k: o for o, k in re.findall(r"- id: (\w)\s+# ([\w-]+)", text)}


@pytest.fixture(scope="module")
def small():
    report = api.verify([str(SMALL)])
    return report, evidence_bank(report.verdicts)


def test_each_option_carries_the_misreading_its_verdict_decides(small):
    report, bank = small
    for qid in (ONE, TWO):
        carried = {c.option: c for c in bank.questions[qid].carriers}
        for kind, option in written(qid).items():
            if kind == "key":            # right: leaving it out would be its flip's polarity
                assert carried[option].right and carried[option].reading.kind == "polarity"
            else:
                assert carried[option].reading.kind == kind and not carried[option].right


@pytest.mark.parametrize("kind", KINDS)
def test_a_learner_who_shows_a_misreading_twice_holds_it(small, kind):
    _, bank = small
    answers = [Answer(q, (written(q)[kind],)) for q in (ONE, TWO)]
    d = diagnose(bank, {"ann": answers})
    (held,) = d.learners[0].held
    assert held.reading.kind == kind
    assert [(m.question, m.option) for m in held.support] == [(q, written(q)[kind])
                                                                for q in (ONE, TWO)]
    assert held.against == () and held.next is None
    assert held.chance == pytest.approx((1 / 7) ** 2)          # one option of seven, twice
    text = paragraph(held, d.questions)
    assert words(text) <= BUDGET and not CHECK_NAMES.search(text)
    assert f"your {written(ONE)[kind]} in “" in text and "two of two" in text
    assert sentence(held.reading) and not CHECK_NAMES.search(sentence(held.reading))


def test_counter_evidence_chance_and_one_question_are_not_enough(small):
    _, bank = small
    pol = {q: written(q)["polarity"] for q in (ONE, TWO)}
    key = {q: written(q)["key"] for q in (ONE, TWO)}
    cases = {"once": [Answer(ONE, (pol[ONE],))],
             "against": [Answer(ONE, (pol[ONE],)), Answer(TWO, (key[TWO],))],
             "expert": [Answer(ONE, (key[ONE],)), Answer(TWO, (key[TWO],))]}
    d = diagnose(bank, cases)
    assert all(ld.held == () for ld in d.learners)
    # the rule itself: a share of 1/4 twice is 1/16 > 5 %, three times 1/64
    assert tail([0.25, 0.25], 2) == pytest.approx(1 / 16)
    assert tail([0.25] * 3, 3) == pytest.approx(1 / 64)
    assert tail([0.5, 0.2, 0.1], 1) == pytest.approx(1 - 0.5 * 0.8 * 0.9)


def grades(tmp_path: Path, rows: list[tuple[str, str, str]], feedback: Path | None = None
           ) -> Path:
    responses, out = tmp_path / "responses.csv", tmp_path / "grades.csv"
    with open(responses, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([("learner", "question", "answer"), *rows])
    args = ["grade", str(SMALL), "--responses", str(responses), "--out", str(out)]
    r = CliRunner().invoke(main, args + (["--feedback-dir", str(feedback)] if feedback else []))
    assert r.exit_code == 0, r.output
    return out


def test_diagnose_cli_json_follows_the_contract_and_learner_files_show_the_pattern(small,
                                                                                  tmp_path):
    one, two = written(ONE), written(TWO)
    fb = tmp_path / "feedback"
    out = grades(tmp_path, [("ann", ONE, one["removal"]), ("ann", TWO, two["removal"]),
                            ("bob", ONE, one["key"]), ("bob", TWO, two["key"])], fb)
    r = CliRunner().invoke(main, ["diagnose", str(out), "--bank", str(SMALL), "--json"])
    assert r.exit_code == 0, r.output
    again = CliRunner().invoke(main, ["diagnose", str(out), "--bank", str(SMALL), "--json"])
    assert again.output == r.output                                  # deterministic
    data = json.loads(r.output)
    ann, bob = data["learners"]
    assert bob == {"learner": "bob", "misreadings": [], "paragraph": None}
    (m,) = ann["misreadings"]
    assert {"kind", "cell", "gates", "sentence", "for", "against", "next"} <= set(m)
    assert (m["kind"], m["cell"], m["gates"]) == ("removal", "gru", {"update": 0})
    assert m["for"] == [{"question": ONE, "variant": None, "option": one["removal"]},
                        {"question": TWO, "variant": None, "option": two["removal"]}]
    assert data["class"] == [{"kind": "removal", "cell": "gru", "gates": {"update": 0},
                              "sentence": m["sentence"], "learners": 1}]
    text = (fb / "ann.md").read_text(encoding="utf-8")
    assert "## A pattern in your answers" in text and ann["paragraph"] in text
    assert "A pattern in your answers" not in (fb / "bob.md").read_text(encoding="utf-8")
    r = CliRunner().invoke(main, ["diagnose", str(out), "--bank", str(SMALL),
                                  "--learner", "ann"])
    assert r.exit_code == 0 and r.output.startswith("ann:\n  removal: reads 'removing Γu'")
    assert "two of two" in r.output and "bob" not in r.output.split("Class:")[0]


def test_diagnose_bad_input_is_one_line_with_file_and_line(small, tmp_path):
    run = CliRunner().invoke
    missing = run(main, ["diagnose", str(tmp_path / "none.csv"), "--bank", str(SMALL)])
    assert missing.exit_code == 1 and "none.csv: cannot read" in missing.output
    bad = tmp_path / "bad.csv"
    bad.write_text("learner,question,answer\nann,q,A\n", encoding="utf-8")
    r = run(main, ["diagnose", str(bad), "--bank", str(SMALL)])
    assert r.exit_code == 1 and f"{bad}:1: not a grades CSV: no column status" in r.output
    out = grades(tmp_path, [("ann", ONE, "A")])
    with open(out, "a", encoding="utf-8", newline="") as f:
        f.write("ann,no-such-question,A,0,1,graded,,,\nann,gru-diagnosis-two,Z,0,1,graded,,,\n")
    r = run(main, ["diagnose", str(out), "--bank", str(SMALL)])
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert f"{out}:3: question 'no-such-question' is not in the bank" in r.output
    assert f"{out}:4: unknown option 'Z' (options: A, B, C, D, E, F, G)" in r.output
    r = run(main, ["diagnose", str(out), "--bank", str(SMALL), "--learner", "zed"])
    assert r.exit_code == 1 and "no graded answer of learner 'zed'" in r.output
    (tmp_path / "empty.csv").write_bytes(b"")
    r = run(main, ["diagnose", str(tmp_path / "empty.csv"), "--bank", str(SMALL)])
    assert r.exit_code == 1 and "empty file" in r.output


@pytest.fixture(scope="module")
def shipped():
    """The shipped bank with the small bank's two questions (never seen by the bank's
    authors), verified once; their misreadings."""
    report = api.verify([str(QUESTIONS), str(SMALL)])
    return report, evidence_bank(report.verdicts)


@pytest.fixture(scope="module")
def shipped_only(shipped):
    """The shipped bank alone: the verdicts of ``shipped`` without the small bank's."""
    report, _ = shipped
    verdicts = [qv for qv in report.verdicts if qv.question.id not in (ONE, TWO)]
    return verdicts, evidence_bank(verdicts)


def found_shares(verdicts, bank, per_kind: int, seed: int) -> dict[str, float]:
    """Per behaviour: the share of its learners holding their planted misreading (planted
    kinds) or any misreading (experts, guessers)."""
    learners = planted_class(verdicts, bank, per_kind, seed)
    d = diagnose(bank, {x.id: list(x.answers) for x in learners})
    held = {ld.learner: {h.reading.key for h in ld.held} for ld in d.learners}
    out = {}
    for kind in (AS_CLAIMED, IRRELEVANT, EXPERT, GUESSER):
        mine = [x for x in learners if x.kind == kind]
        hits = [x.plant in held[x.id] if x.plant else bool(held[x.id]) for x in mine]
        out[kind] = sum(hits) / len(mine)
    return out


def test_a_planted_class_on_the_shipped_bank_alone(shipped_only):
    """The done-when on the bank as shipped: crediting Γr where Γu decides is among the
    misreadings it can tell apart (it needs questions where one option alone credits Γr)."""
    verdicts, bank = shipped_only
    assert ("wrong-gate", "gru", "reset") in plants(verdicts, bank, IRRELEVANT)
    assert plants(verdicts, bank, AS_CLAIMED)
    shares = found_shares(verdicts, bank, 30, seed=1)
    assert shares[AS_CLAIMED] >= 0.8 and shares[IRRELEVANT] >= 0.8
    assert shares[EXPERT] == 0 and shares[GUESSER] <= 0.25


def test_a_planted_class_on_the_shipped_bank(shipped):
    report, bank = shipped
    assert plants(report.verdicts, bank, AS_CLAIMED) and plants(report.verdicts, bank,
                                                                IRRELEVANT)
    shares = found_shares(report.verdicts, bank, 30, seed=1)
    assert shares[AS_CLAIMED] >= 0.8 and shares[IRRELEVANT] >= 0.8
    assert shares[EXPERT] == 0 and shares[GUESSER] <= 0.25
    # every paragraph a planted learner gets is within budget, plain, and names their options
    learners = planted_class(report.verdicts, bank, 10, seed=2)
    d = diagnose(bank, {x.id: list(x.answers) for x in learners})
    mine = {x.id: {a.question for a in x.answers} for x in learners}
    for ld in d.learners:
        for h in ld.held:
            text = paragraph(h, d.questions)
            assert words(text) <= BUDGET and not CHECK_NAMES.search(text), text
            assert f"your {h.support[0].option} in “" in text or "leaving out" in text
            assert h.next is None or h.next[0] not in {n.split("#")[0] for n in mine[ld.learner]
                                                       if h.next[1] is None}


def test_misreadings_come_from_the_verdicts_of_every_cell(shipped):
    """No rule per gate or question: the same derivation names polarity in four cells, and
    an ``if`` claim's flip is simulated as check 3 would."""
    _, bank = shipped
    cells = {c.reading.cell for e in bank.questions.values() for c in e.carriers
             if c.reading.kind == "polarity"}
    assert {"gru", "lstm", "mgu", "janet"} <= cells
    pytorch = {c.option: c for c in bank.questions["gru-pytorch-convention"].carriers}
    assert pytorch["B"].reading.key == ("polarity", "gru", "update") and not pytorch["B"].right
    assert pytorch["A"].right and pytorch["A"].reading.gates == (("update", 1.0),)
