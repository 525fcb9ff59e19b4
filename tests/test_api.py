"""The library's front door: what grade_answer returns, and answers given as a list."""
from __future__ import annotations

import pytest
from conftest import GRU_FILE as GRU

from quizgrader import api
from quizgrader.errors import ConfigError
from quizgrader.grading import GradedAnswer


def test_grade_answer_returns_the_one_graded_answer_type():
    result = api.grade_answer(GRU, ["C"])
    assert type(result) is GradedAnswer and api.AnswerGrade is GradedAnswer
    assert (result.graded.score, result.graded.chosen) == (1.0, ("C",))
    assert result.question.id == result.verdict.question.id == "c5w1-gru-alice-betty"
    assert result.answered.chosen == ("C",)


def test_a_list_answer_is_never_split_again():
    # ["A;C"] is one option id that does not exist, not two options
    with pytest.raises(ConfigError, match="cannot hold ';'") as e:
        api.grade_answer(GRU, ["A;C"])
    assert e.value.argument == "answer"
