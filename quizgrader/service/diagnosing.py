"""The diagnosis in the service: ``GET /api/diagnosis`` (instructors, token) and the
"a pattern in your answers" paragraph of a learner's result page (diagnosis.md).

Both read the stored attempts, each learner's last one per question (of a template, the last
variant answered); the misreadings the served questions' options carry are derived once, on
first use.
"""
from __future__ import annotations

import json
import threading
from typing import Callable, Iterable

from fastapi import FastAPI, Request
from fastapi.responses import Response
from sqlalchemy.engine import Engine

from ..diagnosis import Answer, Bank, diagnose, diagnosis_data
from ..jobs.diagnosing import evidence_bank
from ..question.schema import variant_name
from . import db
from .dberrors import storable_problem
from .refused import Refused
from .served import Served


def last_answers(attempts: Iterable[db.Attempt]) -> dict[str, list[Answer]]:
    """learner -> their last answer per question (oldest attempts first in ``attempts``)."""
    last: dict[str, dict[str, Answer]] = {}
    for a in attempts:
        last.setdefault(a.learner, {})[a.question] = Answer(
            variant_name(a.question, a.variant), tuple(a.answer))
    return {learner: [x for _, x in sorted(mine.items())] for learner, mine in last.items()}


class Diagnoser:
    """The served bank's misreadings, and the diagnosis of stored attempts."""

    def __init__(self, served: Served, engine: Engine):
        self.served, self.engine = served, engine
        self._bank: Bank | None = None
        self._lock = threading.Lock()

    @property
    def bank(self) -> Bank:
        """The misreadings every served question's options carry (derived once)."""
        with self._lock:
            if self._bank is None:
                served = {e.id for e in self.served.entries.values()}
                self._bank = evidence_bank(qv for qv in self.served.verdicts.values()
                                           if qv.question.id in served)
            return self._bank

    def pattern(self, learner: str) -> str | None:
        """``learner``'s 'a pattern in your answers' paragraph, once their stored answers
        hold a misreading (None before)."""
        answers = last_answers(db.stored(self.engine, learner))
        if learner not in answers:
            return None
        return diagnose(self.bank, answers).paragraph(learner)

    def json(self, learner: str | None = None) -> str:
        """The diagnosis of the stored attempts (of one learner) as the contract's JSON."""
        d = diagnose(self.bank, last_answers(db.stored(self.engine, learner)))
        return json.dumps(diagnosis_data(d), ensure_ascii=False, allow_nan=False)


def add_diagnosis_routes(app: FastAPI, served: Served, engine: Engine,
                         instructor: Callable[[Request], None]) -> Diagnoser:
    """Add ``GET /api/diagnosis`` to ``app`` (``?learner=`` for one learner); the
    :class:`Diagnoser` is returned for the result page."""
    diagnoser = Diagnoser(served, engine)

    @app.get("/api/diagnosis")
    def diagnosis(request: Request, learner: str | None = None) -> Response:
        instructor(request)
        problem = None if learner is None else storable_problem(learner, "learner", 800)
        if problem:
            raise Refused(400, problem)
        return Response(diagnoser.json(learner), media_type="application/json")

    return diagnoser
