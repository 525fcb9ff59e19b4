"""The instructor endpoints of the service: stored attempts, item statistics, grades CSV.
Each needs the bearer token (``instructor`` raises otherwise)."""
from __future__ import annotations

import itertools
import json
from typing import Any, Callable, Iterator

from fastapi import FastAPI, Request
from fastapi.responses import Response, StreamingResponse
from sqlalchemy.engine import Engine

from ..analysis.gradestable import scores_from
from ..analysis.itemstats import test_stats
from ..analysis.misconceptions import misconceptions
from ..grading.csvcells import row_text
from ..grading.rows import OUT_HEADER, GradeRow
from ..text.numbers import score as fmt_score
from ..text.reports.statsreport import stats_json
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
               question: str | None = None) -> Response:
        instructor(request)
        for value, what, limit in ((learner, "learner", 800), (question, "question", 100)):
            problem = None if value is None else storable_problem(value, what, limit)
            if problem:
                raise Refused(400, problem)
        found = db.stored(engine, learner, question)
        first = _page(found)                      # a database error here is still a 503
        return StreamingResponse(_attempts_json(first, found, passback),
                                 media_type="application/json")

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
        found = db.stored(engine)
        first = _page(found)

        def rows() -> Iterator[str]:
            out = [row_text(OUT_HEADER) + "\n"]
            for page in _pages(first, found):
                for a in page:
                    variant = "" if a.variant is None else str(a.variant)
                    g = served.short.grade(a.question, ";".join(a.answer), a.learner, variant)
                    out.append(GradeRow(a.learner, a.question, ";".join(a.answer),
                                        fmt_score(a.score), fmt_score(a.max_score), "graded",
                                        g.feedback, a.provenance, variant).text() + "\n")
                yield "".join(out)
                out = []
        return StreamingResponse(rows(), media_type="text/csv; charset=utf-8")


def _page(found: Iterator[db.Attempt]) -> list[db.Attempt]:
    """The next page of ``found`` (read now, so a database error is answered 503 before the
    response starts)."""
    return list(itertools.islice(found, db.PAGE))


def _pages(first: list[db.Attempt], found: Iterator[db.Attempt]
           ) -> Iterator[list[db.Attempt]]:
    page = first
    while page:
        yield page
        page = _page(found)


def _attempts_json(first: list[db.Attempt], found: Iterator[db.Attempt],
                   passback: Callable[[list[int]], dict[int, dict[str, Any]]] | None
                   ) -> Iterator[bytes]:
    """The stored attempts as one JSON array, a page at a time: the bytes a JSONResponse of
    the whole list would be."""
    yield b"["
    sep = b""
    for page in _pages(first, found):
        sent = passback([a.id for a in page]) if passback is not None else {}
        rows = [{"attempt": a.id, "learner": a.learner, "question": a.question,
                 "answer": list(a.answer), "score": a.score, "max_score": a.max_score,
                 "provenance": a.provenance, "created": a.created.isoformat(),
                 "variant": a.variant, "passback": sent.get(a.id)} for a in page]
        yield sep + b",".join(json.dumps(r, ensure_ascii=False, allow_nan=False,
                                         separators=(",", ":")).encode("utf-8")
                              for r in rows)
        sep = b","
    yield b"]"


def _rows(engine: Engine) -> Iterator[dict[str, str]]:
    """The stored attempts as grades rows (for the statistics)."""
    for a in db.stored(engine):
        yield {"learner": a.learner, "question": a.question, "answer": ";".join(a.answer),
               "score": repr(a.score), "max_score": repr(a.max_score), "status": "graded",
               "variant": "" if a.variant is None else str(a.variant)}
