"""The grades CSV's row: one layout (GradeRow), the header documented in the reference, and
the text every writer gets from it."""
from __future__ import annotations

from conftest import ROOT

from quizgrader.grading import GradedAnswer
from quizgrader.grading.rows import OUT_HEADER, GradeRow, RowMemo

FORMATS = ROOT / "docs" / "reference" / "formats.md"


def test_the_header_is_the_rows_fields_and_the_documented_one():
    assert ",".join(OUT_HEADER) == \
        "learner,question,answer,score,max_score,status,feedback,provenance,variant"
    assert ",".join(OUT_HEADER) in FORMATS.read_text(encoding="utf-8")


def test_a_graded_row_formats_scores_and_makes_text_cells_safe():
    g = GradedAnswer(0.5, 1.0, "graded", ("A",), "A is right, B is not", ("A", "C"), ("C",), "p1")
    row = GradeRow.graded("=cmd", "q1", "A", g, 3)
    assert row.text() == "'=cmd,q1,A,0.5,1,graded,\"A is right, B is not\",p1,3"


def test_an_error_row_keeps_its_place_with_the_reason():
    assert GradeRow.error("ann", "q1", "A;B", "question q1 takes one option, got 2").text() \
        == "ann,q1,A;B,,1,\"error: question q1 takes one option, got 2\",,,"


def test_the_memo_holds_the_row_after_the_learner():
    g = GradedAnswer(1.0, 1.0, "graded", ("A",), "A is correct.", ("A",), (), "p1")
    memo = RowMemo(" q1", "A", g, None)
    assert "ann" + memo.middle == GradeRow.graded("ann", " q1", "A", g, None).text() + "\n"
    assert memo.qid == "q1"
