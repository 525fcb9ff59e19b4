"""Exports of a verified bank: Moodle XML, GIFT, QTI 2.1 and Markdown/HTML handouts.

:func:`export` turns verdicts into the bytes of one file; every format reads the same
:class:`~quizgrader.export.items.Item` list, so the key and the explanations are decided once.
"""
from __future__ import annotations

from ..scenarios import Simulator
from ..verify import QuestionVerdict
from . import gift, handout, moodle, qti
from .items import build_all

FORMATS = ("moodle", "gift", "qti", "markdown", "html")
SUFFIX = {"moodle": ".xml", "gift": ".gift", "qti": ".zip", "markdown": ".md", "html": ".html"}


def export(verdicts: list[QuestionVerdict], fmt: str, learner: bool = False,
           trust_key: bool = False, sim: Simulator | None = None, plots: bool = True,
           title: str = "Quiz handout") -> bytes:
    """The whole bank in format ``fmt`` (see FORMATS). Handout plots run full simulations
    on ``sim`` (learner handouts have none)."""
    items = build_all(verdicts, learner, trust_key)
    if fmt == "moodle":
        return moodle.write(items)
    if fmt == "gift":
        return gift.write(items)
    if fmt == "qti":
        return qti.write(items)
    plot_sim = (sim or Simulator()) if plots and not learner else None
    pairs = list(zip(items, verdicts))
    write = handout.markdown if fmt == "markdown" else handout.page
    return write(pairs, plot_sim, title).encode("utf-8")
