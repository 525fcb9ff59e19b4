"""The explanations contract (v3): word budgets on the shipped bank, numbers that come from
the evidence, no letters in shuffled LMS feedback, the levels on every command."""
from __future__ import annotations

import io
import json
import math
import re
import statistics
import zipfile
from pathlib import Path

import pytest
from bankfiles import PLAIN
from click.testing import CliRunner
from conftest import GRU, QUESTIONS

from quizgrader.cli import main
from quizgrader.export import export
from quizgrader.jobs.verifying import read_bank
from quizgrader.question import load_question
from quizgrader.text.bottomline import bottom_line
from quizgrader.text.explain import explain
from quizgrader.text.numbers import plain
from quizgrader.text.wording import model_name
from quizgrader.verify import verify_question

BANK = PLAIN
CHECK_NAMES = ("as-claimed", "model-delivers", "all-pass", "reason-matters")
#: An option named by its letter: "C is correct", "The right answer is C", "includes C:".
LETTER = re.compile(r"(?<![\w<(])[A-H] is (correct|wrong)|answers? (is|are|includes) [A-H]\b"
                    r"|\boption [A-H]\b")


@pytest.fixture(scope="module")
def verdicts(plain_verdicts):
    return plain_verdicts


def words(text: str) -> int:
    return len(text.split())


def test_the_word_budgets_hold_on_the_shipped_bank(verdicts):
    standard, short = [], []
    for qv in verdicts:
        # v4: the distractor's deciding cause stays in even where it breaks the 60 words
        # (select-many questions with two right options, each named whole: up to 85)
        limit = 60 if len(qv.computed_key) < 2 else 85
        assert words(bottom_line(qv)) <= limit, bottom_line(qv)
        for v in qv.options:
            e = explain(qv, v)
            standard.append(words(e.text("standard", v.option.id)))
            short.append(words(e.line(v.option.id)))
    # v4 names each configuration whole: an LSTM's three gates take the textbook option to
    # 106 words, and a flipped setting named whole ("with Γu ≈ 0, Γf ≈ 0 (Γo free) instead")
    # 114 (the rule beats the 90-word budget; the median stays well inside)
    assert max(standard) <= 115 and statistics.median(standard) <= 70, standard
    # the short line of a reason-matters option whose fixed gate copies says both why the
    # gradient is kept and why that does not work: the memory never changes (47 words; the
    # rule beats the budget)
    assert max(short) <= 47 and statistics.median(short) <= 30, short


def test_learner_text_names_no_check(verdicts):
    for qv in verdicts:
        assert not any(n in bottom_line(qv) for n in CHECK_NAMES)
        for v in qv.options:
            e = explain(qv, v)
            for detail in ("short", "standard"):
                assert not any(n in e.text(detail) for n in CHECK_NAMES)


NUMBER = re.compile(r"(?<![\w<])-?\d+(?:\.\d+)?(?:e-?\d+)?")


def _json_numbers(obj) -> list[float]:
    if isinstance(obj, bool) or obj is None:
        return []
    if isinstance(obj, (int, float)):
        return [float(obj)]
    if isinstance(obj, dict):
        return [x for v in obj.values() for x in _json_numbers(v)]
    if isinstance(obj, list):
        return [x for v in obj for x in _json_numbers(v)]
    return []


def init_figures(question) -> set[str]:
    """The figures a question's models give (biases and σ of them, chrono's T_max and where it
    starts Γf, u, scales), as the explanations print them: not measured, stated."""
    out: set[str] = {"0.5"}
    for spec in question.models.values():
        i = spec.init
        for b in i.bias.values():
            out |= {f"{b:.2g}", f"{b:g}", f"{1 / (1 + math.exp(-b)):.2g}"}
        if i.chrono is not None:
            out |= {str(i.chrono), str(i.chrono - 1), f"{(i.chrono - 1) / i.chrono:.3g}"}
        out |= {f"{v:g}" for v in (i.recurrent_range or ())} | {f"{i.scale:g}"}
    return out


def test_every_number_of_the_standard_text_is_in_verify_json(tmp_path):
    r = CliRunner().invoke(main, ["verify", str(QUESTIONS), "--json"])
    report = json.loads(r.stdout)
    bank = {(q.id, q.variant): q for _, q in read_bank([QUESTIONS]).questions}
    for q in report["questions"]:
        question = bank[(q["id"], q["variant"])]
        s = question.simulation
        constants = {question.horizon, s.vanish_below, s.explode_above, s.epsilon, 0, 1, 2,
                     1 - 10 * s.epsilon,     # what '≈ 1' means: a held copy's own keep
                     (1 - s.epsilon) ** question.horizon,
                     (1 - 10 * s.epsilon) ** question.horizon}
        given = init_figures(question)            # what the models' init options state
        for o in q["options"]:
            if o["decided_by"] == "static":       # the author's own words
                continue
            allowed = {plain(x) for x in _json_numbers(o["evidence"])} | given | \
                {plain(float(c)) for c in constants} | {f"{c:g}" for c in constants}
            allowed |= {plain(x) for x in _json_numbers(
                {"f": [1 - x for x in _json_numbers(o["evidence"])]})}
            body = o["explanation"].split("\n\n", 1)[1]         # after the verdict line
            body = re.sub(r"<[^>]*>", "", body)                  # c<t−1>, c<100>
            for name in sorted(question.models, key=lambda n: -len(model_name(question, n))):
                body = body.replace(model_name(question, name), "")
            exact = [f["value"] for f in o["figures"] if f["value"] is not None]
            gains = [f["value"] for f in o["figures"] if f["kind"] == "gain" and f["value"]]
            allowed |= {plain(a / b) for a in gains for b in gains} | \
                {plain(f["value"]) for f in o["figures"] if f["value"] is not None}
            for tok in NUMBER.findall(body.replace("1 − ", "")):
                assert tok in allowed or at_its_precision(tok, exact), \
                    (q["id"], o["id"], tok, body)


def at_its_precision(tok: str, values: list[float]) -> bool:
    """``tok`` is one of ``values`` printed with as many significant digits as it has
    (a per-step factor a learner can raise to T: 0.65984)."""
    if "e" in tok or not re.fullmatch(r"\d+\.\d+", tok):
        return False
    digits = len(tok.replace(".", "").lstrip("0"))
    return any(f"{x:#.{digits}g}".rstrip(".") == tok for x in values)


def test_verify_json_carries_all_three_levels_and_the_bottom_line():
    r = CliRunner().invoke(main, ["verify", GRU, "--json"])
    q = json.loads(r.stdout)["questions"][0]
    assert q["bottom_line"].startswith("In Betty's model (Γr fixed at 1) with Γu ≈ 0")
    c = next(o for o in q["options"] if o["id"] == "C")
    assert c["explanation"].startswith("C is correct.\n\nIn Betty's model (Γr fixed at 1)")
    assert c["explanation_short"].startswith("C is correct. In Betty's model")
    assert "Checks: reachable passed" in c["explanation_full"]
    assert c["evidence"]["delivery"]["tried"][0]["carry"] == pytest.approx(1.59, abs=0.01)


@pytest.mark.parametrize("detail,marker", [("short", "C is correct. In Betty's model"),
                                           ("standard", "It can also carry an input"),
                                           ("full", "Checks: reachable passed")])
def test_explain_and_grade_take_a_detail(detail, marker):
    r = CliRunner().invoke(main, ["explain", GRU, "--option", "C", "--detail", detail])
    assert r.exit_code == 0 and marker in r.stdout
    g = CliRunner().invoke(main, ["grade", GRU, "--answer", "C", "--detail", detail,
                                  "--format", "json"])
    data = json.loads(g.stdout)
    assert data["detail"] == detail and marker in data["feedback"]
    assert data["bottom_line"].startswith("In Betty's model")


def test_explain_starts_with_the_findings(tmp_path):
    text = Path(GRU).read_text(encoding="utf-8").replace("key: [C]", "key: [A]")
    path = tmp_path / "q.yaml"
    path.write_text(text, encoding="utf-8")
    r = CliRunner().invoke(main, ["explain", str(path)])
    assert r.exit_code == 0
    head = r.stdout.split("\n\nA. ")[0]
    assert "Finding: key mismatch: the author's key is A, the simulation's is C" in head
    assert head.index("Finding:") < head.index("Bottom line:")


def _moodle_texts(data: bytes) -> list[str]:
    parser = pytest.importorskip("moodle_xml_parser.parser")
    out = []
    for q in parser.parse_bytes(data)["multichoice"]:
        out += [q.general_feedback, q.incorrect_feedback, q.partially_correct_feedback]
        out += [o.feedback for o in q.options]
    return out


def _gift_texts(data: bytes) -> list[str]:
    from test_export import _giftparser
    gift = _giftparser()
    out = []
    for q in gift.parseFile(io.StringIO(data.decode("utf-8"))):
        out.append(q.generalFeedback or "")
        out += [a.feedback or "" for a in getattr(q.answers, "answers", [])]
    return out


def _qti_texts(data: bytes) -> list[str]:
    import xml.etree.ElementTree as ET
    out = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("items/"):
                root = ET.fromstring(z.read(name))
                out += ["".join(fb.itertext()) for fb in root.iter()
                        if fb.tag.endswith("modalFeedback")]
    return out


def test_shuffled_lms_feedback_names_no_option_by_its_letter(verdicts):
    texts = (_moodle_texts(export(verdicts, "moodle")) + _gift_texts(export(verdicts, "gift"))
             + _qti_texts(export(verdicts, "qti")))
    assert len(texts) > 50
    assert any("Bottom line:" in t for t in texts)
    assert any("the option with Betty's model and Γu ≈ 0" in t for t in texts)
    for t in texts:
        assert not LETTER.search(t), t


def test_no_shuffle_keeps_the_letters_and_numbers_the_choices(verdicts):
    import xml.etree.ElementTree as ET
    xml = ET.fromstring(export(verdicts, "moodle", shuffle=False))
    q = xml.find("question")
    assert q.findtext("shuffleanswers") == "false" and q.findtext("answernumbering") == "ABCD"
    assert any(LETTER.search(t) for t in _moodle_texts(export(verdicts, "moodle", shuffle=False)))
    with zipfile.ZipFile(io.BytesIO(export(verdicts, "qti", shuffle=False))) as z:
        item = z.read(f"items/{verdicts[0].question.id}.xml").decode("utf-8")
    assert 'shuffle="false"' in item
    gift = export(verdicts, "gift", shuffle=False).decode("utf-8")
    assert "A. Alice" in gift
    r = CliRunner().invoke(main, ["export", GRU, "--to", "moodle", "--no-shuffle", "--out", "-"])
    assert r.exit_code == 0 and "<answernumbering>ABCD</answernumbering>" in r.stdout


def test_the_same_input_gives_the_same_bytes(verdicts):
    again = [verify_question(load_question(p), str(p)) for p in BANK]
    for fmt in ("moodle", "gift", "qti"):
        assert export(verdicts, fmt) == export(again, fmt)


@pytest.mark.parametrize("answers", [
    {"c5w1-gru-alice-betty": "D", "c5w1-gru-alice-betty-update0": "A",
     "lstm-gru-textbook-reasons": "D", "lstm-long-memory": "C", "rnn-vanish-explode": "D"},
    {"c5w1-gru-alice-betty": "C", "c5w1-gru-alice-betty-update0": "C",
     "lstm-gru-textbook-reasons": "A;B", "lstm-long-memory": "A;D",
     "rnn-vanish-explode": "A;B"}], ids=["all-wrong", "all-right"])
def test_a_five_question_learner_file_stays_under_900_words(tmp_path, answers):
    src = tmp_path / "r.csv"
    src.write_text("learner,question,answer\n" + "".join(
        f"kim,{q},{a}\n" for q, a in answers.items()), encoding="utf-8")
    fb = tmp_path / "fb"
    r = CliRunner().invoke(main, ["grade", str(QUESTIONS), "--responses", str(src), "--out",
                                  str(tmp_path / "g.csv"), "--feedback-dir", str(fb)])
    assert r.exit_code == 0, r.output
    text = (fb / "kim.md").read_text(encoding="utf-8")
    # v3's 900 words; v4 names every configuration whole and defines the gain, a normal write
    # and the held values before the first option (~200 words here), keeps every option's
    # explanation whole even where the bottom line says it too, and explains each right
    # option the learner missed at standard, not in one line (~450 more when all five are
    # wrong): the rules beat the budget (explanations v4, "Budgets"); the guide also says the
    # setup a verdict rests on (inputs, starting memory, biases; what holding a gate does)
    limit = 1650 if "A;B" in answers.values() else 2250
    assert words(text) <= limit, words(text)
    assert text.count("How to read the numbers") == 1
    blocks = text.split("\n## ")[1:]
    assert blocks[0].startswith("How to read these explanations")   # before the first option
    for block in blocks[1:]:                         # each question leads with its bottom line
        assert block.split("\n\n")[1].startswith("**Bottom line:** ")


def test_a_bottom_line_never_measures_the_same_case_twice(verdicts):
    """The distractor of a bottom line is about another model or setting than every right
    option (the same case with another conclusion would repeat the right one's numbers)."""
    from quizgrader.text.bottomline import _case, distractor
    for qv in verdicts:
        key = list(qv.computed_key)
        other = distractor(qv, key)
        if other is not None and other.option.claim is not None:
            assert _case(other) not in {_case(v) for v in qv.options if v.option.id in key}
        line = bottom_line(qv)
        sentences = [s for s in line.split(". ") if s]
        assert len(set(sentences)) == len(sentences), line
