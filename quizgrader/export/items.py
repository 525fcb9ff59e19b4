"""What every export shows of a verified question: one :class:`Item` per question.

An item is built once from a :class:`~quizgrader.verify.QuestionVerdict` and the writers
(Moodle XML, GIFT, QTI, handouts) only format it. The key is the computed key (or the author's
with ``trust_key``); a question whose key is disputed cannot be exported otherwise. With
``learner=True`` the item carries no key and no explanations at all, so no writer can leak them.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import ExportError, KeyDisputedError
from ..question.schema import Question
from ..text.bottomline import bottom_line
from ..text.explain import Detail, explain
from ..text.findings import message, refusal
from ..text.reports.lms import general_feedback, why_right
from ..verify import QuestionVerdict, choose_key


@dataclass(frozen=True)
class ItemOption:
    """One option as every export shows it: text, verdict and feedback."""
    id: str
    text: str
    correct: bool | None            # None in a learner export
    explanation: tuple[str, ...]    # paragraphs; () in a learner export
    why_right: tuple[str, ...] = ()  # a right option's feedback for whoever did not choose it


@dataclass(frozen=True)
class Item:
    """One question as every export shows it (see the module docstring)."""
    id: str
    title: str
    stem: str
    select: str                     # "one" | "many"
    scheme: str                     # all-or-nothing | net-correct | each-answer
    options: tuple[ItemOption, ...]
    general: tuple[str, ...]        # the general feedback's paragraphs; () for learners
    learner: bool
    shuffle: bool = True            # the LMS shuffles the options (feedback names no letter)
    bottom_line: str = ""
    findings: tuple[str, ...] = ()  # for author handouts
    variant: int | None = None      # the variant number of a template's variant

    @property
    def ident(self) -> str:
        """The id an LMS knows this item by: the question id, ``-v3`` for variant 3."""
        return self.id if self.variant is None else f"{self.id}-v{self.variant}"

    @property
    def name(self) -> str:
        """The title an LMS lists it under (a variant says which)."""
        return self.title if self.variant is None else f"{self.title} (variant {self.variant})"

    @property
    def key(self) -> tuple[str, ...]:
        """The ids of the right options, in option order."""
        return tuple(o.id for o in self.options if o.correct)

    @property
    def missed(self) -> tuple[str, ...]:
        """Why every right option is right: the feedback for an answer that missed some."""
        return tuple(p for o in self.options if o.correct for p in o.why_right)


#: The category the bank's questions are imported into (Moodle XML, GIFT); a template's
#: variants go into a category of their own below it, so that a quiz's "random question"
#: from it picks one.
TOP = "$course$/top/quizgrader"


def categorised(items: list[Item]) -> list[tuple[str | None, Item]]:
    """Each item with the category to switch to before it (None: stay in the current one):
    a template's variants in ``TOP/<id>``, the other questions in ``TOP`` (named only once
    a template's category was entered)."""
    out: list[tuple[str | None, Item]] = []
    current = None
    for item in items:
        wanted = TOP if item.variant is None else f"{TOP}/{item.id}"
        switch = wanted != current and (current is not None or item.variant is not None)
        out.append((wanted if switch else None, item))
        current = wanted
    return out


def learner_item(q: Question, shuffle: bool = True) -> Item:
    """The learner's item of a question: stem and options only (needs no simulation)."""
    options = tuple(ItemOption(o.id, o.text, None, ()) for o in q.options)
    return Item(q.id, q.title, q.stem.strip(), q.select, q.scheme, options, (), True, shuffle,
                variant=q.variant)


def build(qv: QuestionVerdict, learner: bool = False, trust_key: bool = False,
          detail: Detail = "standard", shuffle: bool = True) -> Item:
    """The item of one verified question (raises :class:`ExportError` for a disputed key).
    Explanations are at ``detail``; with ``shuffle`` they name no option by its letter (the
    LMS shows other letters), otherwise they use the letters the choices are numbered with."""
    q = qv.question
    if learner:
        return learner_item(q, shuffle)
    choice = choose_key(qv, trust_key)
    if choice.key is None:
        raise KeyDisputedError(f"{qv.path or q.name}: {refusal(qv, choice, 'exported')}",
                               "trust_key" if choice.can_trust else None)
    key = choice.key
    if not key:
        raise ExportError(f"{qv.path or q.id}: question {q.id} has no correct option to export")
    letters = not shuffle
    options = []
    for v in qv.options:
        e = explain(qv, v)
        paragraphs = tuple(e.paragraphs(detail, v.option.id if letters else None))
        right = v.option.id in key
        options.append(ItemOption(v.option.id, v.option.text, right, paragraphs,
                                  why_right(q, v.option, e.body(detail), letters)
                                  if right else ()))
    bottom = bottom_line(qv, key)
    simulated = any(o.claim is not None for o in q.options)
    return Item(q.id, q.title, q.stem.strip(), q.select, q.scheme, tuple(options),
                general_feedback(q, key, bottom, letters, simulated), False, shuffle, bottom,
                tuple(message(qv, f) for f in qv.findings), q.variant)


def build_all(verdicts: list[QuestionVerdict], learner: bool = False, trust_key: bool = False,
              detail: Detail = "standard", shuffle: bool = True) -> list[Item]:
    """Items of every question; every disputed key is reported at once."""
    items, problems, argument = [], [], None
    for qv in verdicts:
        try:
            items.append(build(qv, learner, trust_key, detail, shuffle))
        except (ExportError, KeyDisputedError) as e:
            problems.append(str(e))
            argument = argument or e.argument
    if problems:
        raise ExportError("\n".join(problems), argument)
    return items
