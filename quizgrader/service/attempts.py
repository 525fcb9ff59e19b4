"""Grading and storing attempts: ``POST /api/attempts`` and what the web form and the LTI
answer page share with it.

A posted body is read within bounds (:func:`.refused.read_body`, :mod:`..jsonguard`), then
checked against :class:`AttemptIn` (strict types: the answer is a list of option ids, one id
per item), then the learner against the plain paths' rule (:func:`.identity.plain_problem`).
Every refusal is a 4xx with one message and stores nothing.
"""
from __future__ import annotations

from typing import Any, Callable

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, ValidationError
from sqlalchemy import Connection
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool

from ..graded import GradedAnswer
from ..jsonguard import JSONRefused, loads as guarded_loads
from ..text.explain import DETAILS
from . import db
from .identity import plain_problem
from .refused import MAX_BODY, Refused, read_body
from .served import Served

#: The message of each field's type error (the first field in this order is reported).
FIELD_MESSAGES = {
    "learner": "learner: a non-empty string is needed",
    "question": "question: a question id (string) is needed",
    "answer": "answer: a list of option ids is needed, e.g. [\"C\"]",
}


class AttemptIn(BaseModel):
    """The body of ``POST /api/attempts``: strict JSON types, other fields ignored."""
    model_config = ConfigDict(strict=True, extra="ignore")

    learner: str
    question: str
    answer: list[str]


def attempt_in(data: object) -> AttemptIn:
    """``data`` (parsed JSON) as an :class:`AttemptIn`, or the first field's message."""
    if not isinstance(data, dict):
        raise Refused(400, "the body must be a JSON object with learner, question, answer")
    try:
        return AttemptIn.model_validate(data)
    except ValidationError as e:
        bad = {str(err["loc"][0]) for err in e.errors() if err["loc"]}
        field = next((f for f in FIELD_MESSAGES if f in bad), "answer")
        raise Refused(400, FIELD_MESSAGES[field]) from None


class Recorder:
    """Grades attempts of ``served`` questions and stores them in ``engine``."""

    def __init__(self, served: Served, engine: Engine):
        self.served, self.engine = served, engine

    def question(self, qid: str) -> str:
        if qid not in self.served.entries:
            raise Refused(404, f"unknown question {qid[:100]!r}")
        return qid

    def accept(self, learner: object, qid: object, answer: object
               ) -> tuple[str, str, list[str]]:
        """Check a plain path's attempt fields (a 4xx and nothing stored when bad)."""
        problem = plain_problem(learner)
        if problem:
            raise Refused(400, problem)
        if not isinstance(qid, str):
            raise Refused(400, FIELD_MESSAGES["question"])
        self.question(qid)
        if not isinstance(answer, list) or not all(isinstance(a, str) for a in answer):
            raise Refused(400, FIELD_MESSAGES["answer"])
        return str(learner), qid, answer

    def record(self, learner: str, qid: str, answer: list[str], detail: str | None = None,
               key: str | None = None, shown: int | None = None,
               also: Callable[[Connection, int, GradedAnswer], None] | None = None
               ) -> tuple[int, GradedAnswer]:
        """Grade ``learner``'s ``answer`` and store it (once per idempotency ``key``);
        ``shown`` is the variant the page showed; ``also`` writes more in the attempt's
        transaction (an LTI score's outbox row)."""
        result = self.served.grade(qid, answer, detail, learner)  # type: ignore[arg-type]
        variant = result.question.variant
        if shown is not None and shown != variant:
            raise Refused(409, f"the page showed variant {shown} of this question, but "
                               f"{learner[:60]!r} answers variant {variant}: open the question "
                               f"again as {learner[:60]!r}")
        if not result.ok:
            raise Refused(400, result.status.removeprefix("error: "))
        if key is not None:                  # a retried POST: the attempt already stored
            before = db.by_key(self.engine, key)
            if before is not None:
                self.same(before, learner, qid, result.chosen)
                return before.id, result
        more = None if also is None else (lambda conn, new: also(conn, new, result))
        attempt, inserted = db.store(self.engine, learner, qid, result.chosen,
                                     result.score or 0.0, result.max_score, result.provenance,
                                     key, variant, more)
        if not inserted and key is not None:     # a concurrent retry stored it first
            found = db.by_key(self.engine, key)
            if found is not None:
                self.same(found, learner, qid, result.chosen)
        return attempt, result

    @staticmethod
    def same(a: db.Attempt, learner: str, qid: str, chosen: tuple[str, ...]) -> None:
        if (a.learner, a.question, a.answer) != (learner, qid, chosen):
            raise Refused(422, "this Idempotency-Key was used for another attempt")


def idempotency_key(request: Request) -> str | None:
    key = request.headers.get("idempotency-key")
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > 200 or not all(33 <= ord(c) <= 126 for c in key):
        raise Refused(400, "Idempotency-Key: 1 to 200 printable ASCII characters, no spaces")
    return key


def response(attempt: int, r: GradedAnswer) -> dict[str, Any]:
    """The JSON answer to an accepted attempt (service.md)."""
    feedback = [{"option": o, "verdict": "correct" if o in r.correct else "wrong",
                 "explanation": r.explanations[o].text(r.detail, o)} for o in r.chosen]
    feedback += [{"option": o, "verdict": "missed",
                  "explanation": r.explanations[o].text(r.detail, o)} for o in r.missed]
    return {"attempt": attempt, "variant": r.question.variant,
            "score": r.score, "max_score": r.max_score,
            "correct": list(r.correct), "bottom_line": r.bottom_line, "detail": r.detail,
            "feedback": feedback, "text": r.feedback}


async def post_attempt(recorder: Recorder, request: Request, plots: bool = False,
                       detail: str | None = None) -> JSONResponse:
    """``POST /api/attempts``: grade and store one attempt, answer its feedback."""
    raw = await read_body(request)
    try:
        data = guarded_loads(raw, MAX_BODY)
    except JSONRefused as e:
        raise Refused(400, "the body is not JSON" if "not JSON" in str(e)
                      else f"the body cannot be read: {e}") from None
    if detail is not None and detail not in DETAILS:
        raise Refused(400, f"detail must be one of {', '.join(DETAILS)}")
    body = attempt_in(data)
    learner, qid, answer = recorder.accept(body.learner, body.question, body.answer)
    key = idempotency_key(request)
    attempt, result = await run_in_threadpool(recorder.record, learner, qid, answer, detail,
                                              key)
    out = response(attempt, result)
    if plots:
        out["plots"] = {o: await run_in_threadpool(recorder.served.plot, result.question.name,
                                                   o) for o in (*result.chosen, *result.missed)}
    return JSONResponse(out)


def add_attempt_routes(app: FastAPI, recorder: Recorder) -> None:
    """Add ``POST /api/attempts`` to ``app``."""
    @app.post("/api/attempts")
    async def attempt(request: Request, plots: bool = False,
                      detail: str | None = None) -> JSONResponse:
        return await post_attempt(recorder, request, plots, detail)
