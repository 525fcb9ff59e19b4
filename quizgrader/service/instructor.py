"""The instructor endpoints of the service: stored attempts, item statistics, grades CSV.
Each needs the bearer token (``instructor`` raises otherwise)."""
from __future__ import annotations

import io
from typing import Any, Callable, Iterator

from fastapi import FastAPI, Request
from fastapi.responses import Response
from sqlalchemy.engine import Engine

from ..analysis.gradestable import scores_from
from ..analysis.itemstats import test_stats
from ..analysis.misconceptions import misconceptions
from ..grading.csvcells import row_text, safe_cell
from ..grading.rows import OUT_HEADER
from ..text.numbers import score as fmt_score
from ..text.statsreport import stats_json
from . import db
from .dberrors import storable_problem
from .refused import Refused
from .served import Served


def add_instructor_routes(app: FastAPI, served: Served, engine: Engine,
                          instructor: Callable[[Request], None],
                          passback: Callable[[list[int]], dict[int, dict[str, Any]]] | None
                          = None) -> None:
    """Add ``GET /api/attempts``, ``/api/stats`` and ``/api/grades.csv`` to ``app``;
    ``passback`` gives the LTI score status of attempts (``sent``, ``pending``, ``failed``
    with the platform's answer; null for an attempt that has no score to send)."""
    @app.get("/api/attempts")
    def listed(request: Request, learner: str | None = None,
               question: str | None = None) -> list[dict[str, Any]]:
        instructor(request)
        for value, what, limit in ((learner, "learner", 800), (question, "question", 100)):
            problem = None if value is None else storable_problem(value, what, limit)
            if problem:
                raise Refused(400, problem)
        found = list(db.stored(engine, learner, question))
        sent = passback([a.id for a in found]) if passback is not None and found else {}
        return [{"attempt": a.id, "learner": a.learner, "question": a.question,
                 "answer": list(a.answer), "score": a.score, "max_score": a.max_score,
                 "provenance": a.provenance, "created": a.created.isoformat(),
                 "variant": a.variant, "passback": sent.get(a.id)}
                for a in found]

    @app.get("/api/stats")
    def stats(request: Request) -> Response:
        instructor(request)
        qs = {qid: e.verdict.question for qid, e in served.entries.items()}
        # a template's variants have keys of their own: its pooled item marks none, and it
        # takes no part in the misconception view (as in quizgrader stats)
        plain = {qid: q for qid, q in qs.items() if q.variant is None}
        keys = {qid: set(e.choice.key or ()) for qid, e in served.entries.items()
                if qid in plain}
        scores = scores_from(_rows(engine), qs, keys)
        return Response(stats_json(test_stats(scores), misconceptions(scores, plain)),
                        media_type="application/json")

    @app.get("/api/grades.csv")
    def grades(request: Request) -> Response:
        instructor(request)
        buf = io.StringIO()
        buf.write(row_text(OUT_HEADER) + "\n")
        for a in db.stored(engine):
            variant = "" if a.variant is None else str(a.variant)
            g = served.short.grade(a.question, ";".join(a.answer), a.learner, variant)
            buf.write(row_text((safe_cell(a.learner), a.question, ";".join(a.answer),
                                fmt_score(a.score), fmt_score(a.max_score), "graded",
                                safe_cell(g.feedback), a.provenance, variant)) + "\n")
        return Response(buf.getvalue(), media_type="text/csv; charset=utf-8")


def _rows(engine: Engine) -> Iterator[dict[str, str]]:
    """The stored attempts as grades rows (for the statistics)."""
    for a in db.stored(engine):
        yield {"learner": a.learner, "question": a.question, "answer": ";".join(a.answer),
               "score": repr(a.score), "max_score": repr(a.max_score), "status": "graded",
               "variant": "" if a.variant is None else str(a.variant)}
