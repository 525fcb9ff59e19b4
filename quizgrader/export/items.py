"""What every export shows of a verified question: one :class:`Item` per question.

An item is built once from a :class:`~quizgrader.verify.QuestionVerdict` and the writers
(Moodle XML, GIFT, QTI, handouts) only format it. The key is the computed key (or the author's
with ``trust_key``); a question whose key is disputed cannot be exported otherwise. With
``learner=True`` the item carries no key and no explanations at all, so no writer can leak them.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import ExportError
from ..explain import NOTATION, option_paragraphs
from ..question.schema import Question
from ..render import finding
from ..verify import QuestionVerdict


@dataclass(frozen=True)
class ItemOption:
    id: str
    text: str
    correct: bool | None            # None in a learner export
    explanation: tuple[str, ...]    # paragraphs; () in a learner export


@dataclass(frozen=True)
class Item:
    id: str
    title: str
    stem: str
    select: str                     # "one" | "many"
    scheme: str                     # all-or-nothing | net-correct | each-answer
    options: tuple[ItemOption, ...]
    general: tuple[str, ...]        # the general feedback's paragraphs; () for learners
    learner: bool

    @property
    def key(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.options if o.correct)


def general_feedback(qv: QuestionVerdict, key: list[str]) -> tuple[str, ...]:
    """The question-level feedback: the key and how it was decided, notation, source."""
    q = qv.question
    simulated = any(o.claim is not None for o in q.options)
    how = (f" Each option was checked by simulating {q.simulation.seeds} random cells over "
           f"{q.horizon} steps (gain = median ‖∂c<{q.horizon}>/∂c<0>‖)." if simulated else "")
    out = [f"The right answer{'s are' if len(key) > 1 else ' is'} {', '.join(key)}.{how}"]
    cells = {spec.cell for spec in q.models.values()}
    out += [note for (cell, _), note in sorted(NOTATION.items()) if cell in cells]
    if q.source:
        out.append(f"Source: {q.source}")
    return tuple(out)


def learner_item(q: Question) -> Item:
    """The learner's item of a question: stem and options only (needs no simulation)."""
    options = tuple(ItemOption(o.id, o.text, None, ()) for o in q.options)
    return Item(q.id, q.title, q.stem.strip(), q.select, q.scheme, options, (), True)


def build(qv: QuestionVerdict, learner: bool = False, trust_key: bool = False) -> Item:
    """The item of one verified question (raises :class:`ExportError` for a disputed key)."""
    q = qv.question
    if learner:
        return learner_item(q)
    if qv.status != "ok":
        if not (trust_key and qv.author_key is not None):
            hint = "; --trust-key exports the author's key" if qv.author_key is not None else ""
            raise ExportError(f"{qv.path or q.id}: question {q.id} cannot be exported: "
                              f"{finding(qv)}{hint}")
    key = list(qv.author_key) if (trust_key and qv.author_key is not None) else qv.computed_key
    if not key:
        raise ExportError(f"{qv.path or q.id}: question {q.id} has no correct option to export")
    options = tuple(ItemOption(v.option.id, v.option.text, v.option.id in key,
                               tuple(option_paragraphs(qv, v))) for v in qv.options)
    return Item(q.id, q.title, q.stem.strip(), q.select, q.scheme, options,
                general_feedback(qv, key), False)


def build_all(verdicts: list[QuestionVerdict], learner: bool = False, trust_key: bool = False
              ) -> list[Item]:
    """Items of every question; every disputed key is reported at once."""
    items, problems = [], []
    for qv in verdicts:
        try:
            items.append(build(qv, learner, trust_key))
        except ExportError as e:
            problems.append(str(e))
    if problems:
        raise ExportError("\n".join(problems))
    return items
