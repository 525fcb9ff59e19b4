"""The learner's web page: plain HTML (Jinja2, autoescaped), no CDN, a line of JS to move the
focus to the score. The question page carries the stem and the option texts only; the
result page adds the score, each chosen option's explanation, each missed right option's, and
their gain(t) plots (embedded SVG)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from jinja2 import Environment, PackageLoader, select_autoescape

from ..graded import GradedAnswer
from ..text.numbers import score as fmt_score
from ..text.reports.figures import caption
from ..text.reports.gradereport import CHOSEN, MISSED, PATTERN, verdict_word
from .served import Served

if TYPE_CHECKING:
    from .lab import LabAccess


class Pages:
    """The learner's HTML pages, rendered from the templates."""
    def __init__(self, served: Served, lab: LabAccess | None = None):
        self.served = served
        self.lab = lab
        self.env = Environment(loader=PackageLoader("quizgrader.service", "templates"),
                               autoescape=select_autoescape(default=True),
                               keep_trailing_newline=True)

    def index(self) -> str:
        """The list of questions."""
        qs = [self.served.public(qid) for qid in self.served.entries]
        return self.env.get_template("index.html").render(title="Questions", questions=qs)

    def question(self, qid: str, error: str | None = None, learner: str = "",
                 lti: dict[str, str] | None = None) -> str:
        """A question's form (stem and options only), with an error and the typed name; of
        a template, ``learner``'s variant, their name fixed (the variant is theirs). An LTI
        launch's page (``lti``: the session and the name to show) posts to ``/lti/answer``."""
        q = self.served.public(qid, learner or None)
        return self.env.get_template("question.html").render(
            title=q["title"], q=q, error=error, learner=learner, lti=lti)

    def render(self, template: str, **values: object) -> str:
        """Any other page (the LTI tool's picker, auto-posted forms and refusals)."""
        return self.env.get_template(template).render(**values)

    def who(self, qid: str, error: str | None = None) -> str:
        """The first page of a template's question: who is answering (each learner has a
        variant of their own)."""
        q = self.served.public(qid)
        return self.env.get_template("who.html").render(title=q["title"], q=q, error=error)

    def missing(self, qid: str) -> str:
        """The list of questions, for an unknown question's address."""
        return self.env.get_template("index.html").render(
            title="Not found", questions=[self.served.public(q) for q in self.served.entries])

    def result(self, qid: str, learner: str, attempt: int, r: GradedAnswer,
               plots: dict[str, str | None], lti: dict[str, str] | None = None,
               pattern: str | None = None) -> str:
        """The result of an attempt: score, bottom line, explanations, plots, guide; and
        ``pattern``, a misreading the learner's stored answers show (their diagnosis)."""
        q = self.served.public(qid, learner)
        parts = []
        for oid, kind, heading in [*((o, "right" if o in r.correct else "wrong", CHOSEN)
                                     for o in r.chosen),
                                   *((o, "right", MISSED) for o in r.missed)]:
            e = r.explanations[oid]
            text = r.question.get(oid).text
            detail = r.detail          # a right option not chosen: why it is right, in full
            body = list(e.body(detail))     # whole, even where the bottom line says it too
            parts.append({"id": oid, "kind": kind, "heading": f"{heading}: {oid}. {text}",
                          "verdict": e.verdict(oid), "body": body, "plot": plots.get(oid)})
        s = r.question.simulation
        verdict = verdict_word(r.score or 0.0, r.max_score)
        return self.env.get_template("result.html").render(
            title=q["title"], q=q, score=fmt_score(r.score), max_score=fmt_score(r.max_score),
            verdict=verdict, kind={"correct": "correct", "wrong": "wrong"}.get(verdict, "partly"),
            parts=parts, attempt=attempt, learner=learner, bottom_line=r.bottom_line,
            notes=r.notes, lti=lti, pattern=pattern, pattern_heading=PATTERN,
            lab_link=self.lab.link(r.question.name, lti is not None) if self.lab is not None
            else None,
            caption=caption(s.seeds, r.question.horizon))
