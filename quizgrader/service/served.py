"""The bank a service serves: verified once at start (disk cache first), graded from then on.

A question whose key is disputed is left out unless the author's key is trusted. What a learner
may see before answering (:meth:`Served.public`) is built from the question's id, title,
select, stem and option texts only: never a key, a claim, an explanation or a gain.
"""
from __future__ import annotations

import base64
import threading
from pathlib import Path
from typing import Any, Iterable, Sequence

from ..analysis.impact import provenances
from ..errors import MissingExtraError
from ..graded import GradedAnswer
from ..grading import Entry, Gradebook
from ..grading.assign import Salt
from ..jobs.verifying import verify
from ..sim import Simulator
from ..sim.diskcache import open_cache
from ..text.explain import DETAILS, Detail


class Served:
    """The verified bank and its gradebook (whole explanations)."""

    def __init__(self, paths: Iterable[str | Path], trust_key: bool = False,
                 cache: bool = True, detail: Detail = "standard", salt: Salt | str = ""):
        report = verify(paths, cache=cache)
        self.problems = list(report.problems)
        self.detail = detail
        book = Gradebook(report.verdicts, trust_key, detail, provenances(report.verdicts), salt)
        self.short = book.with_feedback("short")                  # for grades.csv
        # a template is served only when every deployed variant can be graded (a learner
        # may be given any of them)
        self.refused = {e.id: e.error for e in book.entries.values() if e.error}
        #: question id -> its entry (a template's: its first variant's), the served ones
        self.entries: dict[str, Entry] = {}
        for e in book.entries.values():
            if e.id not in self.refused:
                self.entries.setdefault(e.id, e)
        self.books = {d: book.with_feedback(d) for d in DETAILS}   # one per level, shared text
        self.verdicts = {qv.question.name: qv for qv in report.verdicts}
        self.cache = cache
        self._sim = Simulator(open_cache(cache), always_full=True)
        self._plots: dict[tuple[str, str], str | None] = {}
        self._lock = threading.Lock()

    def variants(self, qid: str) -> tuple[int, ...]:
        """The deployed variants of a served template (() for a plain question)."""
        return self.short.families.get(qid, ())

    def entry(self, qid: str, learner: str | None = None, detail: Detail | None = None
              ) -> Entry:
        """The entry that grades ``learner`` on a served question: of a template, their
        variant (without a learner, its first)."""
        book = self.books[detail or self.detail]
        variant = book.variant_of(qid, learner) if learner is not None else None
        found = book.entry(qid, variant) if variant is not None else None
        return found or book.entries[self.entries[qid].name]

    def public(self, qid: str, learner: str | None = None) -> dict[str, Any]:
        """What a learner may see before answering (of a template: ``learner``'s variant,
        or its first without a learner)."""
        q = self.entry(qid, learner).verdict.question
        return {"id": q.id, "title": q.title, "select": q.select, "stem": q.stem,
                "options": [{"id": o.id, "text": o.text} for o in q.options],
                "variant": q.variant}

    def grade(self, qid: str, answer: Sequence[str], detail: Detail | None = None,
              learner: str = "") -> GradedAnswer:
        """Grade ``learner``'s ``answer``, a list of option ids (to their variant of a
        template), with feedback at ``detail`` (default: the service's). Each item is one
        option id: ``["A;C"]`` is the unknown option 'A;C', never read as two."""
        entry = self.entry(qid, learner, detail)
        return entry.grade_ids(answer)  # its feedback: as ``grade --answer --format json``

    def plot(self, qid: str, option: str) -> str | None:
        """An option's gain(t) plot as an SVG data URI (None: a static option, or no
        matplotlib); ``qid`` is a question's name (``id#n`` for a variant). Plots are drawn
        once, one at a time (matplotlib is not thread-safe)."""
        key = (qid, option)
        with self._lock:
            if key not in self._plots:
                self._plots[key] = self._draw(qid, option)
            return self._plots[key]

    def _draw(self, qid: str, option: str) -> str | None:
        from ..export.handout import option_series
        from ..export.plots import gain_svg
        from ..text.reports import figures
        qv = self.verdicts[qid]
        v = qv.verdict(option)
        try:
            series = option_series(qv, v, self._sim) if v is not None else []
            if not series or v is None:
                return None
            s = qv.question.simulation
            svg = gain_svg(figures.plot_title(v.option.id, v.option.text), series,
                           s.vanish_below,
                           s.explode_above)
        except MissingExtraError:                               # no matplotlib: no plot
            return None
        return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")
