"""A class's diagnosis: each learner's held misreadings, the class summary, its JSON and
text (diagnosis.md: ``quizgrader diagnose --json``)."""
from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from ..question.schema import Question
from .holding import Answer, Bank, Held, Mark
from .readings import Setting
from .words import paragraph, sentence, sure


@dataclass(frozen=True)
class LearnerDiagnosis:
    """One learner's held misreadings, the most certain first."""

    learner: str
    held: tuple[Held, ...]


@dataclass(frozen=True)
class ClassLine:
    """How many learners hold one misreading (its reading as most of them show it)."""

    held: Held
    learners: int


@dataclass(frozen=True)
class Diagnosis:
    """The diagnosis of every learner (in id order) over one bank."""

    learners: tuple[LearnerDiagnosis, ...]
    bank: Bank

    @property
    def questions(self) -> dict[str, Question]:
        """The bank's gradable questions by name."""
        return {n: e.question for n, e in self.bank.questions.items()}

    def summary(self) -> list[ClassLine]:
        """Each misreading held by someone, with how many hold it (most held first)."""
        count: Counter[tuple[str, ...]] = Counter()
        shown: dict[tuple[str, ...], Counter[Setting]] = {}
        some: dict[tuple[str, ...], Held] = {}
        for ld in self.learners:
            for h in ld.held:
                k = h.reading.key
                count[k] += 1
                shown.setdefault(k, Counter())[h.reading.gates] += 1
                if k not in some or h.reading.gates == shown[k].most_common(1)[0][0]:
                    some[k] = h
        return [ClassLine(some[k], n) for k, n in sorted(count.items(),
                                                          key=lambda kv: (-kv[1], kv[0]))]

    def paragraph(self, learner: str) -> str | None:
        """The learner's 'a pattern in your answers' paragraph (None: nothing held)."""
        ld = next((x for x in self.learners if x.learner == learner), None)
        return paragraph(ld.held[0], self.questions) if ld and ld.held else None


def diagnose(bank: Bank, answers: Mapping[str, Sequence[Answer]]) -> Diagnosis:
    """What each learner of ``answers`` (learner -> last graded answers) holds."""
    return Diagnosis(tuple(LearnerDiagnosis(learner, tuple(bank.holds(answers[learner])))
                           for learner in sorted(answers)), bank)


def _value(v: float) -> int | float | None:
    return None if math.isnan(v) else int(v) if v.is_integer() else v


def _gates(pairs: Setting) -> dict[str, int | float | None]:
    """{gate: value}; null for a gate the learner's answers cite at either value."""
    return {g: _value(v) for g, v in pairs}


def _mark(m: Mark, questions: Mapping[str, Question]) -> dict[str, Any]:
    q = questions.get(m.question)
    return {"question": q.id if q else m.question, "variant": q.variant if q else None,
            "option": m.option}


def held_json(h: Held, questions: Mapping[str, Question]) -> dict[str, Any]:
    """One held misreading as the contract's JSON object (with how sure, in words)."""
    r = h.reading
    return {"kind": r.kind.value, "cell": r.cell, "gates": _gates(r.gates),
            "sentence": sentence(r), "sure": sure(h), "chance": h.chance,
            "for": [_mark(m, questions) for m in h.support],
            "against": [_mark(m, questions) for m in h.against],
            "next": None if h.next is None else {"question": h.next[0], "variant": h.next[1]}}


def diagnosis_data(d: Diagnosis) -> dict[str, Any]:
    """The contract's JSON document as data."""
    qs = d.questions
    return {"learners": [{"learner": ld.learner,
                          "misreadings": [held_json(h, qs) for h in ld.held],
                          "paragraph": paragraph(ld.held[0], qs) if ld.held else None}
                         for ld in d.learners],
            "class": [{"kind": c.held.reading.kind.value, "cell": c.held.reading.cell,
                       "gates": _gates(c.held.reading.gates),
                       "sentence": sentence(c.held.reading), "learners": c.learners}
                      for c in d.summary()]}


def diagnosis_json(d: Diagnosis) -> str:
    """``quizgrader diagnose --json``."""
    return json.dumps(diagnosis_data(d), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def _where(m: Mark, questions: Mapping[str, Question]) -> str:
    q = questions.get(m.question)
    name = m.question if q is None else q.id if q.variant is None else \
        f"{q.id} (variant {q.variant})"
    return f"{name} {'left out ' if m.left_out else ''}{m.option}"


def diagnosis_text(d: Diagnosis) -> str:
    """The report a teacher reads: per learner, each held misreading, how sure, the answers
    for and against, the question that would tell it apart; then the class summary."""
    qs = d.questions
    lines: list[str] = []
    for ld in d.learners:
        if not ld.held:
            lines.append(f"{ld.learner}: no misreading held")
            continue
        lines.append(f"{ld.learner}:")
        for h in ld.held:
            lines.append(f"  {h.reading.kind.value}: {sentence(h.reading)} "
                         f"({sure(h)} questions that test it; chance {h.chance:.2g})")
            lines.append("    for: " + ", ".join(_where(m, qs) for m in h.support))
            if h.against:
                lines.append("    against: " + ", ".join(_where(m, qs) for m in h.against))
            if h.next is not None:
                qid, variant = h.next
                lines.append(f"    would tell it apart: {qid}"
                             + (f" (variant {variant})" if variant is not None else ""))
    summary = d.summary()
    lines.append("")
    lines.append(f"Class: {len(d.learners)} learner{'s' if len(d.learners) != 1 else ''}"
                 + ("" if summary else ", no misreading held"))
    for c in summary:
        lines.append(f"  {c.learners} hold {c.held.reading.kind.value}: "
                     f"{sentence(c.held.reading)}")
    return "\n".join(lines) + "\n"
