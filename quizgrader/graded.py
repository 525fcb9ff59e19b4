"""One graded answer: the one type that grading returns and that the command line, the
reports, the service and the grades CSV's rows read (:class:`GradedAnswer`).

It sits below ``grading/`` and beside ``text/``: the gradebook makes it, the reports of
``text/`` show it, and neither imports the other for it."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from .question.schema import Question
from .text.explain import Detail, Explanation


@dataclass(frozen=True)
class GradedAnswer:
    """One graded answer, or an answer that could not be graded.

    score       : the score (None: not graded, ``status`` says why)
    max_score   : the most it could score
    status      : "graded" or "error: <reason>"
    chosen      : the option ids chosen, in the question's order of the answer
    feedback    : the feedback text at ``detail``
    correct     : the key's option ids
    missed      : right options not chosen, when the score is below ``max_score``
    provenance  : the question file's and the code's hash (graded rows)
    answer      : the answer as given (``"A;C"``)
    asked       : the question answered, of a template the variant (None: an unknown one)
    explanations: option id -> its explanation at every level
    bottom_line : the question's bottom line ('' without a key)
    notes       : the question's notes (reading guide, notation)
    detail      : the explanation level of ``feedback`` and of a report of it
    """

    score: float | None
    max_score: float
    status: str
    chosen: tuple[str, ...]
    feedback: str
    correct: tuple[str, ...] = ()
    missed: tuple[str, ...] = ()
    provenance: str = ""
    answer: str = ""
    asked: Question | None = None
    explanations: Mapping[str, Explanation] = field(default_factory=dict)
    bottom_line: str = ""
    notes: tuple[str, ...] = ()
    detail: Detail = "standard"

    @property
    def ok(self) -> bool:
        """True when the answer was graded (not an error row)."""
        return self.score is not None

    @property
    def question(self) -> Question:
        """The question answered (ValueError for an answer to an unknown question)."""
        if self.asked is None:
            raise ValueError(f"no question answered ({self.status})")
        return self.asked


def error(reason: str) -> GradedAnswer:
    """A :class:`GradedAnswer` that is an error with ``reason`` (no score, no question)."""
    return GradedAnswer(None, 1.0, f"error: {reason}", (), "")
