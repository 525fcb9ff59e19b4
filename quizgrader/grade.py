"""Grading answers against the computed key, with the explanations as feedback.

A :class:`Gradebook` is built once from verified questions: every option's explanation is
written once, and grading an answer is then parsing plus a lookup (memoised per distinct answer).
Feedback is ``full`` (each chosen option's whole explanation, and the right option's for a wrong
answer) or ``short`` (one line per option: the verdict and the measured sentence that decides it).

Scores (PrairieLearn's names), for a chosen set C, key K, options N:
  all-or-nothing  1 if C = K else 0                  (always for select: one)
  net-correct     max(0, (|C ∩ K| − |C \\ K|) / |K|)
  each-answer     (|C ∩ K| + |N \\ (C ∪ K)|) / |N|
"""
from __future__ import annotations

from dataclasses import dataclass

from .explain import explanation, short_explanation
from .verify import QuestionVerdict


@dataclass(frozen=True)
class Graded:
    """One graded answer. ``status`` is "graded" or "error: <reason>"."""

    score: float | None
    max_score: float
    status: str
    chosen: tuple[str, ...]
    feedback: str
    correct: tuple[str, ...] = ()


def score(chosen: set[str], key: set[str], options: list[str], scheme: str) -> float:
    if scheme == "all-or-nothing" or not key:
        return 1.0 if chosen == key else 0.0
    if scheme == "net-correct":
        return max(0.0, (len(chosen & key) - len(chosen - key)) / len(key))
    right = len(chosen & key) + len([o for o in options if o not in chosen and o not in key])
    return right / len(options)


class Entry:
    """One question's key, scheme and option explanations, or the reason it cannot be graded."""

    def __init__(self, qv: QuestionVerdict, trust_key: bool, feedback: str = "full"):
        q = qv.question
        self.id, self.select, self.scheme, self.full = q.id, q.select, q.scheme, \
            feedback == "full"
        self.options = [o.id for o in q.options]
        write = explanation if self.full else short_explanation
        self.explanations = {v.option.id: write(qv, v) for v in qv.options}
        self.error: str | None = None
        if qv.status == "ok" or (trust_key and qv.author_key is not None):
            self.key = set(qv.author_key if (trust_key and qv.author_key is not None)
                           else qv.computed_key)
        else:
            from .render import finding
            self.key = set()
            self.error = (f"question {q.id} cannot be graded: {finding(qv)}"
                          + ("; --trust-key grades against the author's key"
                             if qv.author_key is not None else ""))
        self._memo: dict[str, Graded] = {}

    def parse(self, answer: str) -> tuple[tuple[str, ...], str | None]:
        """Option ids from 'A;C' (case-insensitive, spaces ignored), or an error reason."""
        parts = [p.strip() for p in answer.replace(" ", "").split(";")]
        if not any(parts):
            return (), "empty answer"
        lookup = {o.upper(): o for o in self.options}
        chosen: list[str] = []
        for p in parts:
            if not p:
                return (), f"empty option id in {answer!r}"
            oid = lookup.get(p.upper())
            if oid is None:
                shown = p if len(p) <= 20 else p[:17] + "..."
                return (), f"unknown option {shown!r} (options: {', '.join(self.options)})"
            if oid in chosen:
                return (), f"option {oid} given twice"
            chosen.append(oid)
        if self.select == "one" and len(chosen) > 1:
            return (), f"question {self.id} takes one option, got {len(chosen)}"
        return tuple(chosen), None

    def grade(self, answer: str) -> Graded:
        memo = self._memo.get(answer)
        if memo is not None:
            return memo
        result = self._grade(answer)
        if len(self._memo) < 10_000:       # distinct answers are few; bound it anyway
            self._memo[answer] = result
        return result

    def _grade(self, answer: str) -> Graded:
        if self.error:
            return Graded(None, 1.0, f"error: {self.error}", (), "")
        chosen, problem = self.parse(answer)
        if problem:
            return Graded(None, 1.0, f"error: {problem}", (), "")
        s = score(set(chosen), self.key, self.options, self.scheme)
        parts = [self.explanations[o] for o in chosen]
        missed = [o for o in self.options if o in self.key and o not in chosen]
        if s < 1.0 and missed:
            if self.full:
                parts += [f"The right answer includes {o}:\n\n{self.explanations[o]}"
                          for o in missed]
            else:
                parts.append(f"The right answer includes {', '.join(missed)}.")
        correct = tuple(o for o in self.options if o in self.key)
        return Graded(s, 1.0, "graded", chosen, ("\n\n" if self.full else " ").join(parts),
                      correct)


class Gradebook:
    """Entries for every question of a verified bank, looked up by question id."""

    def __init__(self, verdicts: list[QuestionVerdict], trust_key: bool = False,
                 feedback: str = "full"):
        self.entries = {qv.question.id: Entry(qv, trust_key, feedback) for qv in verdicts}

    def grade(self, question_id: str, answer: str) -> Graded:
        entry = self.entries.get(question_id.strip())
        if entry is None:
            shown = question_id if len(question_id) <= 40 else question_id[:37] + "..."
            return Graded(None, 1.0, f"error: unknown question {shown!r}", (), "")
        return entry.grade(answer)
