"""Grading answers against the key the key policy chooses, with the explanations as feedback.

A :class:`Gradebook` is built once from verified questions: every option's explanation is
written once, and grading an answer is then parsing plus a lookup (memoised per distinct
answer). Feedback is at one of the explanation levels (:data:`~quizgrader.text.explain.Detail`):
``short`` (one line per option: the verdict and the measured sentence that decides it),
``standard`` or ``full`` (each chosen option's explanation, and the right options' for a
wrong answer).
"""
from __future__ import annotations

import copy
from dataclasses import dataclass

from ..text.bottomline import bottom_line
from ..text.explain import Detail, Explanation, explain
from ..text.findings import refusal
from ..text.gradereport import Answered, answer_feedback
from ..text.notes import guides
from ..verify import QuestionVerdict, choose_key
from .scoring import parse_answer, score

FeedbackLength = Detail
#: Distinct answers remembered per question (they are few; bound it anyway).
MEMO_SIZE = 10_000


@dataclass(frozen=True)
class Graded:
    """One graded answer. ``status`` is "graded" or "error: <reason>"."""

    score: float | None
    max_score: float
    status: str
    chosen: tuple[str, ...]
    feedback: str
    correct: tuple[str, ...] = ()
    missed: tuple[str, ...] = ()      # right options not chosen, when the score is below max
    provenance: str = ""              # the question file's and the code's hash (graded rows)

    @property
    def ok(self) -> bool:
        """True when the answer was graded (not an error row)."""
        return self.score is not None


def error(reason: str) -> Graded:
    """A :class:`Graded` that is an error with ``reason``."""
    return Graded(None, 1.0, f"error: {reason}", (), "")


class Entry:
    """One question's key, scheme and option explanations, or the reason it cannot be graded."""

    def __init__(self, qv: QuestionVerdict, trust_key: bool, feedback: FeedbackLength = "full",
                 provenance: str = ""):
        q = qv.question
        self.provenance = provenance
        self.verdict = qv
        self.id, self.select, self.scheme = q.id, q.select, q.scheme
        self.detail: Detail = feedback
        self.options = [o.id for o in q.options]
        self.explanations: dict[str, Explanation] = {v.option.id: explain(qv, v)
                                                     for v in qv.options}
        choice = self.choice = choose_key(qv, trust_key)
        self.key = set(choice.key or ())
        self.bottom_line = bottom_line(qv, choice.key) if choice.key else ""
        self.notes = tuple(guides([q]))
        self.error = None if choice.key is not None else refusal(qv, choice, "graded")
        self._memo: dict[str, Graded] = {}

    def with_feedback(self, feedback: FeedbackLength) -> Entry:
        """This entry with feedback of another length (its explanations are not written
        again)."""
        other = copy.copy(self)
        other.detail, other._memo = feedback, {}
        return other

    def grade(self, answer: str) -> Graded:
        """Grade ``answer`` (memoised per distinct answer)."""
        memo = self._memo.get(answer)
        if memo is not None:
            return memo
        result = self._grade(answer)
        if len(self._memo) < MEMO_SIZE:
            self._memo[answer] = result
        return result

    def _grade(self, answer: str) -> Graded:
        if self.error:
            return error(self.error)
        chosen, problem = parse_answer(answer, self.options, self.select, self.id)
        if problem:
            return error(problem)
        s = score(set(chosen), self.key, self.options, self.scheme)
        missed = tuple(o for o in self.options if o in self.key and o not in chosen) \
            if s < 1.0 else ()
        correct = tuple(o for o in self.options if o in self.key)
        return Graded(s, 1.0, "graded", chosen,
                      answer_feedback(self.explanations, chosen, missed, self.detail), correct,
                      missed, self.provenance)

    def answered(self, answer: str, g: Graded) -> Answered:
        """``g`` with what a report of it shows (the question and the explanations)."""
        return Answered(self.verdict.question, answer, g.chosen, g.missed, g.score,
                        g.max_score, g.status, self.explanations, self.bottom_line, self.notes,
                        self.detail)


class Gradebook:
    """Entries for every question of a verified bank, looked up by question id."""

    def __init__(self, verdicts: list[QuestionVerdict], trust_key: bool = False,
                 feedback: FeedbackLength = "full",
                 provenance: dict[str, str] | None = None):
        """``provenance``: question id -> the hash that grades carry (see
        :func:`quizgrader.analysis.impact.provenance`)."""
        self.entries = {qv.question.id: Entry(qv, trust_key, feedback,
                                              (provenance or {}).get(qv.question.id, ""))
                        for qv in verdicts}
        self._folded = {qid.casefold(): e for qid, e in self.entries.items()}

    def with_feedback(self, feedback: FeedbackLength) -> Gradebook:
        """The same book with feedback of another length, sharing its explanations."""
        other = copy.copy(self)
        other.entries = {qid: e.with_feedback(feedback) for qid, e in self.entries.items()}
        other._folded = {qid.casefold(): e for qid, e in other.entries.items()}
        return other

    def entry(self, question_id: str) -> Entry | None:
        """The entry of a question id, matched exactly, else ignoring case and spaces."""
        qid = question_id.strip()
        return self.entries.get(qid) or self._folded.get(qid.casefold())

    def grade(self, question_id: str, answer: str) -> Graded:
        """Grade ``answer`` to ``question_id`` (an unknown question is an error row)."""
        entry = self.entry(question_id)
        if entry is None:
            shown = question_id if len(question_id) <= 40 else question_id[:37] + "..."
            return error(f"unknown question {shown!r}")
        return entry.grade(answer)
