"""Exports of a verified bank: Moodle XML, GIFT, QTI 2.1 and Markdown/HTML handouts.

:func:`export` turns verdicts into the bytes of one file; every format reads the same
:class:`~quizgrader.export.items.Item` list, so the key and the explanations are decided once.
"""
from __future__ import annotations

from typing import Any

from ..question.schema import Question
from ..sim import Simulator
from ..text.explain import Detail
from ..verify import QuestionVerdict
from . import gift, handout, moodle, qti
from .items import Item, build_all, learner_item

FORMATS = ("moodle", "gift", "qti", "markdown", "html")


def write(items: list[Item], fmt: str, verdicts: list[QuestionVerdict] | None = None,
          sim: Simulator | None = None, title: str = "Quiz handout",
          labs: list[dict[str, Any] | None] | None = None) -> bytes:
    """The items in format ``fmt``; handouts plot from ``verdicts`` on ``sim`` if given (the
    HTML one embeds each verdict's lab grid of ``labs`` when given)."""
    if fmt == "moodle":
        return moodle.write(items)
    if fmt == "gift":
        return gift.write(items)
    if fmt == "qti":
        return qti.write(items)
    pairs = list(zip(items, verdicts if verdicts is not None else [None] * len(items),
                     strict=True))
    return handout.handout(pairs, sim, title, fmt, labs).encode("utf-8")


def export(verdicts: list[QuestionVerdict], fmt: str, learner: bool = False,
           trust_key: bool = False, sim: Simulator | None = None, plots: bool = True,
           title: str = "Quiz handout", detail: Detail = "standard",
           shuffle: bool = True, labs: list[dict[str, Any] | None] | None = None) -> bytes:
    """The whole verified bank in format ``fmt`` (see FORMATS), its explanations at
    ``detail``. Handout plots run full simulations on ``sim`` (learner handouts have none).
    Handouts show the options' letters whatever ``shuffle`` says (nothing shuffles them)."""
    if fmt in ("markdown", "html"):
        shuffle = False
    items = build_all(verdicts, learner, trust_key, detail, shuffle)
    plot_sim = (sim or Simulator()) if plots and not learner else None
    return write(items, fmt, verdicts, plot_sim, title, labs)


def export_learner(questions: list[Question], fmt: str, title: str = "Quiz handout",
                   shuffle: bool = True) -> bytes:
    """The learner version of the bank: stems and options only, so nothing is simulated."""
    return write([learner_item(q, shuffle) for q in questions], fmt, title=title)
