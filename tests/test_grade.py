"""Grading: scoring schemes, one answer, a class CSV with every kind of bad row."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import GRU, QS, QUESTIONS
from hypothesis import given, strategies as st

from quizgrader.cli import main
from quizgrader.grading import Gradebook, Summary, grade_rows, grade_stream, score
from quizgrader.grading.csvcells import FORMULA
from quizgrader.grading.rows import HeaderError
from quizgrader.question import load_question


@pytest.fixture(scope="module")
def book(verified):
    return Gradebook(verified.verdicts)


IDS = ["A", "B", "C", "D", "E"]


@given(st.sets(st.sampled_from(IDS)), st.sets(st.sampled_from(IDS), min_size=1))
def test_scores_are_in_range_ordered_and_the_key_scores_full(chosen, key):
    s = {m: score(chosen, key, IDS, m) for m in ("all-or-nothing", "net-correct", "each-answer")}
    assert all(0.0 <= v <= 1.0 for v in s.values())
    assert s["all-or-nothing"] <= s["net-correct"] <= 1.0
    assert s["all-or-nothing"] <= s["each-answer"]
    assert all(score(key, key, IDS, m) == 1.0 for m in s)
    if chosen <= key:
        assert s["net-correct"] <= s["each-answer"] or len(key) == len(IDS)


def test_schemes_by_hand():
    key = {"A", "B"}
    assert score({"A"}, key, IDS, "net-correct") == 0.5
    assert score({"A", "C"}, key, IDS, "net-correct") == 0.0
    assert score({"A", "C"}, key, IDS, "each-answer") == 0.6
    assert score({"A"}, key, IDS, "all-or-nothing") == 0.0


def test_one_answer_right_and_wrong():
    r = CliRunner().invoke(main, ["grade", GRU, "--answer", " c "])
    assert r.exit_code == 0
    assert r.stdout.startswith("c5w1-gru-alice-betty: answer C: score 1 / 1 (correct)\n\n"
                               "Bottom line: In Betty's model (Γr fixed at 1) with Γu ≈ 0")
    assert "Your answer\nC. Betty's model (removing Γr)" in r.stdout
    assert "   C is correct.\n" in r.stdout and "The right answer\n" not in r.stdout
    r = CliRunner().invoke(main, ["grade", GRU, "--answer", "A"])
    assert r.exit_code == 0 and "score 0 / 1 (wrong)" in r.stdout
    mine, missed = r.stdout.split("The right answer\n")
    assert "A. Alice's model (removing Γu)" in mine and "   A is wrong.\n" in mine
    q = load_question(GRU)
    assert missed.startswith(f"C. {q.get('C').text}\n") and "   C is correct.\n" in missed
    assert "Why: with Γu ≈ 0 every step copies the memory" in missed    # why C is right
    # the reason for the wrong answer comes within the first 40 words of its explanation
    reason = mine.split("A is wrong.\n", 1)[1]
    assert "vanishes" in " ".join(reason.split()[:40])
    # v3 said 200 words; v4 adds the reading guide before the options and explains the
    # missed right option whole (explanations v4: the rule beats the budget); the notation
    # note gives the candidate's equation (where Γr acts) and the guide the simulation's setup
    assert len(r.stdout.split()) <= 740


def test_partial_credit_for_many():
    path = str(QUESTIONS / "lstm-long-memory.yaml")
    r = CliRunner().invoke(main, ["grade", path, "--answer", "a", "--format", "json"])
    import json
    data = json.loads(r.stdout)
    assert data["score"] == 0.5 and data["status"] == "graded" and data["answer"] == ["A"]


@pytest.mark.parametrize("answer,status", [
    ("", "error: empty answer"),
    ("E", "error: unknown option 'E' (options: A, B, C, D)"),
    ("A;C", "error: question c5w1-gru-alice-betty takes one option, got 2"),
    ("C;c", "error: option C given twice"),
])
def test_bad_single_answers(answer, status):
    r = CliRunner().invoke(main, ["grade", GRU, "--answer", answer])
    assert r.exit_code == 1 and r.stdout == f"c5w1-gru-alice-betty: {status}\n"


def grade_text(book, text: str, summary: Summary | None = None) -> list[list[str]]:
    """Grade CSV text through the streaming path the CLI uses; the output rows, parsed."""
    out = io.StringIO(newline="")
    grade_stream(book, io.StringIO(text, newline=""), out, summary or Summary(), chunk=3)
    return list(csv.reader(io.StringIO(out.getvalue(), newline="")))


CASES = [
    ("ok", "ann,c5w1-gru-alice-betty,C", "1", "graded"),
    ("unknown question", "ann,nope,C", "", "error: unknown question 'nope'"),
    ("unknown option", "ann,c5w1-gru-alice-betty,Z",
     "", "error: unknown option 'Z' (options: A, B, C, D)"),
    ("empty answer", "ann,c5w1-gru-alice-betty,", "", "error: empty answer"),
    ("two for one", "ann,c5w1-gru-alice-betty,A;C", "",
     "error: question c5w1-gru-alice-betty takes one option, got 2"),
    ("duplicate ids", "ann,lstm-long-memory,A;a", "", "error: option A given twice"),
    ("missing column", "ann,c5w1-gru-alice-betty", "", "error: row has 2 fields, expected 3"),
    ("extra column", "ann,c5w1-gru-alice-betty,C,x", "", "error: row has 4 fields, expected 3"),
    ("blank line", "", "", "error: blank line"),
    ("quoted", '"ann, the first","c5w1-gru-alice-betty","C"', "1", "graded"),
    ("quoted newline", '"ann\nline2",c5w1-gru-alice-betty,c', "",
     "error: learner id: control characters are not allowed (U+000A): an id must be visible "
     "text"),
]


@pytest.mark.parametrize("name,row,score_text,status", CASES, ids=[c[0] for c in CASES])
def test_each_bad_row_gets_its_status(book, name, row, score_text, status):
    rows = grade_text(book, f"learner,question,answer\n{row}\n")
    assert len(rows) == 2
    assert rows[1][3] == score_text and rows[1][5] == status


def test_formula_injection_is_neutralised(book):
    rows = grade_text(book, "learner,question,answer\n=HYPERLINK(\"x\"),c5w1-gru-alice-betty,"
                            "\"=cmd|' /C calc'!A0\"\n")
    assert rows[1][0] == "'=HYPERLINK(\"x\")" and rows[1][2].startswith("'=cmd")


def test_a_missing_header_column_is_one_error_before_any_row(book):
    with pytest.raises(HeaderError, match="^the header has no column answer "):
        grade_text(book, "learner,question\nann,c5w1-gru-alice-betty\n")


def test_headerless_file_is_read_in_order(book):
    s = Summary()
    rows = grade_text(book, "ann,c5w1-gru-alice-betty,C\n", s)
    assert s.headerless and rows[1][5] == "graded" and s.rows == 1 and s.graded == 1


def test_bom_crlf_and_non_utf8_through_the_cli(tmp_path):
    src = tmp_path / "r.csv"
    src.write_bytes(b"\xef\xbb\xbflearner,question,answer\r\nann,c5w1-gru-alice-betty,C\r\n"
                    b"b\xe9a,c5w1-gru-alice-betty,C\r\n")
    out = tmp_path / "g.csv"
    r = CliRunner().invoke(main, ["grade", QS, "--responses", str(src), "--out", str(out)])
    assert r.exit_code == 1
    rows = list(csv.reader(out.open(encoding="utf-8", newline="")))
    assert [x[5] for x in rows[1:]] == ["graded", "error: not UTF-8 text"]
    assert rows[2][0] == "b\ufffda"
    assert "2 rows: 1 graded, 1 errors" in r.stderr


def test_class_cli_exit_0_and_feedback_dir_counts_last_submission(tmp_path):
    src = tmp_path / "r.csv"
    src.write_text("learner,question,answer\nann,c5w1-gru-alice-betty,A\n"
                   "ann,c5w1-gru-alice-betty,C\nann,rnn-vanish-explode,A;B\n", encoding="utf-8")
    out, fb = tmp_path / "g.csv", tmp_path / "fb"
    r = CliRunner().invoke(main, ["grade", QS, "--responses", str(src), "--out", str(out),
                                  "--feedback-dir", str(fb)])
    assert r.exit_code == 0, r.output
    assert len(list(csv.reader(out.open(encoding="utf-8", newline="")))) == 4
    text = (fb / "ann.md").read_text(encoding="utf-8")
    assert "Total: 2 / 2" in text and "### Your answer: C (score 1 / 1)" in text
    assert text.index("**Bottom line:** ") < text.index("### Your answer")  # the bottom line first
    assert "#### C. “Betty's model (removing Γr)" in text         # the chosen option, quoted
    assert text.count("How to read the numbers") == 1


def test_a_learner_file_says_why_the_missed_right_option_is_right(tmp_path):
    src = tmp_path / "r.csv"
    src.write_text("learner,question,answer\nbo,c5w1-gru-alice-betty,A\n", encoding="utf-8")
    fb = tmp_path / "fb"
    r = CliRunner().invoke(main, ["grade", QS, "--responses", str(src), "--out",
                                  str(tmp_path / "g.csv"), "--feedback-dir", str(fb)])
    assert r.exit_code == 0, r.output
    text = (fb / "bo.md").read_text(encoding="utf-8")
    mine, missed = text.split("### The right answer\n")
    assert "#### A. “Alice's model (removing Γu)" in mine and "score 0 / 1" in mine
    assert "vanishes" in mine and missed.lstrip().startswith("#### C. “Betty's model (removing")
    assert "Why: with Γu ≈ 0 every step copies the memory" in missed     # why C is right
    assert "Betty's model (Γr fixed at 1) with Γu ≈ 0" in text.split("### Your answer")[0]


def test_key_mismatch_rows_are_errors_unless_trust_key(tmp_path):
    q = tmp_path / "q.yaml"
    q.write_text(Path(GRU).read_text(encoding="utf-8").replace("key: [C]", "key: [D]"),
                 encoding="utf-8")
    src = tmp_path / "r.csv"
    src.write_text("learner,question,answer\nann,c5w1-gru-alice-betty,D\n", encoding="utf-8")
    out = tmp_path / "g.csv"
    r = CliRunner().invoke(main, ["grade", str(q), "--responses", str(src), "--out", str(out)])
    assert r.exit_code == 1
    status = list(csv.reader(out.open(encoding="utf-8", newline="")))[1][5]
    assert status.startswith("error: question c5w1-gru-alice-betty cannot be graded: key mismatch")
    r = CliRunner().invoke(main, ["grade", str(q), "--responses", str(src), "--out", str(out),
                                  "--trust-key"])
    assert r.exit_code == 0
    assert list(csv.reader(out.open(encoding="utf-8", newline="")))[1][3] == "1"


def test_failed_run_leaves_no_partial_output(tmp_path):
    out = tmp_path / "g.csv"
    r = CliRunner().invoke(main, ["grade", QS, "--responses", str(tmp_path / "missing.csv"),
                                  "--out", str(out)])
    assert r.exit_code == 1 and not out.exists() and list(tmp_path.iterdir()) == []


def single_line(rows: list[list[str]]) -> list[list[str]]:
    """Rows whose cells after the first hold no line break."""
    return [[c if i == 0 else c.replace("\r", " ").replace("\n", " ") for i, c in enumerate(r)]
            for r in rows]


def test_a_line_break_in_an_answer_is_a_stray_quote_and_each_line_stays_a_row(book):
    rows = grade_text(book, 'learner,question,answer\nann,c5w1-gru-alice-betty,"A\nB"\n'
                            'bob,c5w1-gru-alice-betty,C\n')
    assert [r[5] for r in rows[1:]] == ["error: unterminated quote",
                                        "error: row has 1 fields, expected 3", "graded"]


@given(st.lists(st.lists(st.text(max_size=12), max_size=5), max_size=20))
def test_rows_in_equal_rows_out_in_order_for_garbage(book, rows):
    rows = single_line(rows)
    buf = io.StringIO()
    csv.writer(buf).writerows([["learner", "question", "answer"], *rows])
    out = grade_text(book, buf.getvalue())
    parsed = list(csv.reader(io.StringIO(buf.getvalue(), newline="")))
    assert len(out) == len(parsed)
    for src, dst in zip(parsed[1:], out[1:]):
        if len(src) == 3:          # NUL is written as U+FFFD, a formula gets a leading '
            cell = src[0].replace("\0", "\ufffd")
            assert dst[0] == ("'" + cell if cell.startswith(FORMULA) else cell)
        if dst[3]:
            assert 0.0 <= float(dst[3]) <= float(dst[4])


CELLS = st.one_of(st.sampled_from(["ann", "=1+1", "c5w1-gru-alice-betty", "lstm-long-memory",
                                   "C", "a;D", "", " c ", "A;A", "x,y", 'q"t', "a\rb", "\u00e9",
                                   "l\nm", "nope"]),
                  st.text(max_size=8))


@given(st.lists(st.lists(CELLS, max_size=5), max_size=25),
       st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_streaming_path_matches_the_row_reference(book, rows, newline, header):
    """The fast line path and the csv-module path give the same output and summary (for
    CSV whose line breaks are in the learner's column, the only one that may hold them)."""
    rows = single_line(rows)
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator=newline).writerows(
        ([["learner", "question", "answer"]] if header else []) + rows)
    text = buf.getvalue()
    s_fast, s_ref = Summary(), Summary()
    try:
        fast: list[list[str]] | str = grade_text(book, text, s_fast)
    except HeaderError as e:                   # a first row that starts no class: both say so
        fast = str(e)
    try:
        ref: list[list[str]] | str = list(grade_rows(book, csv.reader(io.StringIO(
            text, newline="")), s_ref))
    except HeaderError as e:
        ref = str(e)
    assert fast == ref
    if isinstance(fast, str):
        return
    assert (s_fast.rows, s_fast.graded, s_fast.errors, s_fast.headerless, s_fast.per_question) \
        == (s_ref.rows, s_ref.graded, s_ref.errors, s_ref.headerless, s_ref.per_question)
    assert s_fast.rows == len(list(csv.reader(io.StringIO(text, newline="")))) - \
        (0 if s_fast.headerless or not text else 1)


def test_a_lone_cr_inside_a_cell_is_quoted_in_the_output(book):
    rows = grade_text(book, 'learner,question,answer\n"a\rb",c5w1-gru-alice-betty,C\n')
    assert len(rows) == 2 and rows[1][0] == "a\rb"          # kept, quoted, and flagged
    assert rows[1][5].startswith("error: learner id: control characters")
