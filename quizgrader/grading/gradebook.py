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
from dataclasses import replace
from functools import cached_property
from typing import Sequence

from ..graded import GradedAnswer, error
from ..question.schema import variant_name, variant_number
from ..text.bottomline import bottom_line
from ..text.explain import Detail, Explanation, explain
from ..text.findings import refusal
from ..text.notes import guides
from ..text.reports.gradereport import answer_feedback
from ..verify import QuestionVerdict, choose_key
from .assign import Salt, as_salt, assigned, locked_salt
from .scoring import parse_answer, parse_ids, score

#: Distinct answers remembered per question (they are few; bound it anyway).
MEMO_SIZE = 10_000


class Entry:
    """One question's key, scheme and option explanations, or the reason it cannot be graded."""

    def __init__(self, qv: QuestionVerdict, trust_key: bool, feedback: Detail = "full",
                 provenance: str = ""):
        q = qv.question
        self.provenance = provenance
        self.verdict = qv
        self.id, self.select, self.scheme = q.id, q.select, q.scheme
        self.variant, self.name = q.variant, q.name
        self.detail: Detail = feedback
        self.options = [o.id for o in q.options]
        choice = self.choice = choose_key(qv, trust_key)
        self.key = set(choice.key or ())
        self.notes = tuple(guides([q]))
        self.error = None if choice.key is not None else refusal(qv, choice, "graded")
        self._memo: dict[str, GradedAnswer] = {}

    @cached_property
    def explanations(self) -> dict[str, Explanation]:
        """Each option's explanation, written when a row first needs one (a class that
        answers a few questions of a large bank does not pay for the others)."""
        return {v.option.id: explain(self.verdict, v) for v in self.verdict.options}

    @cached_property
    def bottom_line(self) -> str:
        """The question's bottom line under its key (written when first needed, as the
        explanations)."""
        key = self.choice.key
        return bottom_line(self.verdict, key) if key else ""

    def with_feedback(self, feedback: Detail) -> Entry:
        """This entry with feedback of another length (its explanations are not written
        again)."""
        other = copy.copy(self)
        other.detail, other._memo = feedback, {}
        return other

    def grade(self, answer: str) -> GradedAnswer:
        """Grade ``answer`` (memoised per distinct answer)."""
        memo = self._memo.get(answer)
        if memo is not None:
            return memo
        result = self._grade(answer)
        if len(self._memo) < MEMO_SIZE:
            self._memo[answer] = result
        return result

    def grade_ids(self, ids: Sequence[str]) -> GradedAnswer:
        """Grade a list of option ids, one id per item (``["A;C"]`` is the unknown option
        'A;C', not two options): never joined into a string to be parsed again."""
        if self.error:
            return self._refused(self.error, "")
        chosen, problem = parse_ids(ids, self.options, self.select, self.id)
        if problem:
            return self._refused(problem, "")
        key = ";".join(chosen)            # a memo key of known ids, not parsed; as reports
        memo = self._memo.get(key)        # show an answer
        if memo is None:
            memo = self._scored(key, chosen)
            if len(self._memo) < MEMO_SIZE:
                self._memo[key] = memo
        return memo

    def _grade(self, answer: str) -> GradedAnswer:
        if self.error:
            return self._refused(self.error, answer)
        chosen, problem = parse_answer(answer, self.options, self.select, self.id)
        if problem:
            return self._refused(problem, answer)
        return self._scored(answer, chosen)

    def _shown(self, result: GradedAnswer, answer: str) -> GradedAnswer:
        """``result`` with what a report of it shows (the question and the explanations)."""
        return replace(result, answer=answer, asked=self.verdict.question,
                       explanations=self.explanations, bottom_line=self.bottom_line,
                       notes=self.notes, detail=self.detail)

    def _refused(self, reason: str, answer: str) -> GradedAnswer:
        return self._shown(error(reason), answer)

    def _scored(self, answer: str, chosen: tuple[str, ...]) -> GradedAnswer:
        s = score(set(chosen), self.key, self.options, self.scheme)
        missed = tuple(o for o in self.options if o in self.key and o not in chosen) \
            if s < 1.0 else ()
        correct = tuple(o for o in self.options if o in self.key)
        return self._shown(
            GradedAnswer(s, 1.0, "graded", chosen,
                         answer_feedback(self.explanations, chosen, missed, self.detail,
                                         {o.id: o.text for o in self.verdict.question.options}),
                         correct, missed, self.provenance), answer)


class Gradebook:
    """Entries for every question of a verified bank: a plain question's under its id, each
    deployed variant of a template under ``id#n`` (:attr:`Question.name`)."""

    def __init__(self, verdicts: list[QuestionVerdict], trust_key: bool = False,
                 feedback: Detail = "full",
                 provenance: dict[str, str] | None = None, salt: Salt | str = ""):
        """``provenance``: question name -> the hash that grades carry (see
        :func:`quizgrader.analysis.impact.provenance`); ``salt``: the salt a user gave for
        assigning variants, which must agree with each template's lock (:mod:`.assign`;
        SaltError otherwise)."""
        self.salt = as_salt(salt)
        self.entries = {qv.question.name: Entry(qv, trust_key, feedback,
                                                (provenance or {}).get(qv.question.name, ""))
                        for qv in verdicts}
        families: dict[str, list[int]] = {}
        for e in self.entries.values():
            if e.variant is not None:
                families.setdefault(e.id, []).append(e.variant)
        #: template id -> its deployed variant numbers, in the lock's order
        self.families = {qid: tuple(ns) for qid, ns in families.items()}
        #: template id -> the salt that assigns its variants (its lock's)
        self.salts: dict[str, str] = {}
        for e in self.entries.values():
            lock = e.verdict.question.lock
            if e.variant is not None and e.id not in self.salts:
                self.salts[e.id] = (locked_salt(self.salt, lock[0], lock[1]) if lock else
                                    self.salt.value or "")
        #: (learner, template id) -> the variant an earlier grading gave (a regrade keeps it)
        self.pinned: dict[tuple[str, str], int] = {}
        #: question id -> the problem of its file, which is invalid (its rows say so)
        self.invalid: dict[str, str] = {}
        self._index()

    def _index(self) -> None:
        self._ids = {e.id for e in self.entries.values()}
        self._folded = {qid.casefold(): qid for qid in self._ids}

    def with_feedback(self, feedback: Detail) -> Gradebook:
        """The same book with feedback of another length, sharing its explanations."""
        other = copy.copy(self)
        other.entries = {n: e.with_feedback(feedback) for n, e in self.entries.items()}
        other._index()
        return other

    def question_id(self, question_id: str) -> str | None:
        """The id of a question, matched exactly, else ignoring case and spaces."""
        qid = question_id.strip()
        return qid if qid in self._ids else self._folded.get(qid.casefold())

    def variant_of(self, question_id: str, learner: str) -> int | None:
        """The variant ``learner`` gets of the question (None: not a template)."""
        numbers = self.families.get(question_id)
        if not numbers:
            return None
        pinned = self.pinned.get((learner, question_id))
        return pinned if pinned is not None else assigned(learner, question_id, numbers,
                                                          self.salts[question_id])

    def entry(self, question_id: str, variant: int | None = None) -> Entry | None:
        """The entry of a question id (matched as :meth:`question_id`); of a template, of
        its deployed ``variant`` (None when it is not given or not deployed)."""
        qid = self.question_id(question_id)
        if qid is None:
            return None
        return self.entries.get(variant_name(qid, variant))

    def resolve(self, question_id: str, learner: str = "", variant: str = ""
                ) -> tuple[Entry | None, str | None]:
        """The entry that grades ``learner``'s answer: of a template, the variant given (a
        cell's text) or else the learner's; or (None, why not)."""
        qid = self.question_id(question_id)
        if qid is None:
            bad = self.invalid.get(question_id.strip())
            if bad is not None:
                return None, f"the file of question {question_id.strip()} is invalid ({bad})"
            shown = question_id if len(question_id) <= 40 else question_id[:37] + "..."
            return None, f"unknown question {shown!r}"
        numbers = self.families.get(qid)
        wanted = variant.strip()
        if not numbers:
            if wanted:
                return None, f"question {qid} has no variants, but the row gives variant " \
                             f"{wanted[:20]!r}"
            return self.entries[qid], None
        if not wanted:
            mine = self.variant_of(qid, learner)
            if mine not in numbers:
                return None, (f"variant {mine} of question {qid} is no longer deployed (it was "
                              f"removed from the lock); it is not graded again")
            return self.entries[variant_name(qid, mine)], None
        number = variant_number(wanted)
        if number not in numbers:
            return None, (f"question {qid} has no deployed variant {wanted[:20]!r} (deployed: "
                          f"{', '.join(map(str, numbers))})")
        return self.entries[variant_name(qid, number)], None

    def grade(self, question_id: str, answer: str, learner: str = "",
              variant: str = "") -> GradedAnswer:
        """Grade ``answer`` to ``question_id`` (an unknown question, or a variant that is not
        deployed, is an error row)."""
        entry, problem = self.resolve(question_id, learner, variant)
        if entry is None:
            return error(problem or "unknown question")
        return entry.grade(answer)
