"""The library's front door: what grade_answer returns, and answers given as a list."""
from __future__ import annotations

import ast

import pytest
from conftest import GRU_FILE, ROOT

from quizgrader import api
from quizgrader.errors import ConfigError
from quizgrader.grading import GradedAnswer


def test_grade_answer_returns_the_one_graded_answer_type():
    result = api.grade_answer(GRU_FILE, ["C"])
    assert type(result) is GradedAnswer
    assert (result.score, result.chosen, result.answer, result.status) == \
        (1.0, ("C",), "C", "graded")
    assert result.question.id == "c5w1-gru-alice-betty"
    assert set(result.explanations) == {o.id for o in result.question.options}
    wrong = api.grade_answer(GRU_FILE, "Z")          # an error keeps its question for the report
    assert type(wrong) is GradedAnswer and not wrong.ok and wrong.status.startswith("error: ")
    assert wrong.question.id == "c5w1-gru-alice-betty" and wrong.answer == "Z"


def test_one_class_holds_a_graded_answer():
    # a class with a score, a status and the options chosen is a graded answer: one exists
    found = []
    for path in (ROOT / "quizgrader").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                names = {t.target.id for t in node.body
                         if isinstance(t, ast.AnnAssign) and isinstance(t.target, ast.Name)}
                if {"score", "status", "chosen"} <= names:
                    found.append(f"{path.relative_to(ROOT)}:{node.name}")
    assert found == ["quizgrader/graded.py:GradedAnswer"]


def test_a_list_answer_is_never_split_again():
    # ["A;C"] is one option id that does not exist, not two options
    with pytest.raises(ConfigError, match="cannot hold ';'") as e:
        api.grade_answer(GRU_FILE, ["A;C"])
    assert e.value.argument == "answer"
