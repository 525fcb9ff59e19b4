"""The HTTP contract of the grading service (../shared/spec/service.md), as a FastAPI app.

Learner endpoints show questions and grade answers; instructor endpoints (attempts, stats,
grades) need ``Authorization: Bearer <token>`` and answer 403 when no token is configured.
Errors are ``{"error": message}`` with a 4xx status, and bad input stores nothing. An
accepted attempt is committed before the response is sent.
"""
from __future__ import annotations

import asyncio
import hmac
import json
import logging
import time
import traceback
from typing import TYPE_CHECKING, Any, Callable
from urllib.parse import parse_qs

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from sqlalchemy import Connection
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from ..idtext import MAX_ID, id_problem
from ..jsonguard import JSONRefused, loads as guarded_loads
from ..question.schema import variant_number
from ..text.explain import DETAILS
from . import db
from .guard import BODY_TIMEOUT
from .health import HealthCheck
from .instructor import add_instructor_routes
from .pages import Pages
from .served import Result, Served

if TYPE_CHECKING:
    from .lti.routes import LtiTool

MAX_BODY = 64 * 1024
log = logging.getLogger("quizgrader.errors")
MAX_LEARNER = MAX_ID


class Refused(Exception):
    """Bad input: answered with ``status`` and ``{"error": message}``, nothing stored."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def _error(status: int, message: str, **headers: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers or None)


def create_app(served: Served, engine: Engine, token: str | None,
               lti: LtiTool | None = None) -> FastAPI:
    """The service's ASGI app over ``served`` questions and the ``engine`` database; with
    ``lti``, also an LTI 1.3 tool (:mod:`.lti`)."""
    app = FastAPI(title="quizgrader", docs_url=None, redoc_url=None)
    pages = Pages(served)

    @app.exception_handler(Refused)
    async def refused(_: Request, e: Refused) -> JSONResponse:
        return _error(e.status, e.message)

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, e: HTTPException) -> JSONResponse:
        return _error(e.status_code, {404: "not found", 405: "method not allowed"}.get(
            e.status_code, str(e.detail)))

    @app.exception_handler(SQLAlchemyError)
    @app.exception_handler(db.DatabaseUnavailable)
    async def unavailable(request: Request, e: Exception) -> JSONResponse:
        log.error(json.dumps({"time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                              "event": "database unavailable", "path": request.url.path,
                              "error": str(e).splitlines()[0] if str(e) else type(e).__name__,
                              "traceback": traceback.format_exception(e)}))
        return _error(503, "the database is unavailable", **{"Retry-After": "2"})

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, e: RequestValidationError) -> JSONResponse:
        first = e.errors()[0]
        return _error(400, f"{'.'.join(map(str, first['loc'][1:]))}: {first['msg']}")

    def instructor(request: Request) -> None:
        if not token:
            raise Refused(403, "instructor endpoints are off: start the service with an admin "
                               "token (QUIZGRADER_ADMIN_TOKEN or --admin-token-file)")
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        ok = scheme.lower() == "bearer" and hmac.compare_digest(
            given.strip().encode("utf-8", "surrogateescape"), token.encode())
        if not ok:                                   # the scheme is case-insensitive (RFC 9110)
            raise Refused(401, "a valid 'Authorization: Bearer <token>' header is needed")

    def question(qid: str) -> str:
        if qid not in served.entries:
            raise Refused(404, f"unknown question {qid[:100]!r}")
        return qid

    def accept(learner: object, qid: object, answer: object) -> tuple[str, str, list[str]]:
        """Check an attempt's fields (every bad input is a 4xx and nothing is stored)."""
        if not isinstance(learner, str) or not learner.strip():
            raise Refused(400, "learner: a non-empty string is needed")
        problem = id_problem(learner, "learner", MAX_LEARNER)
        if problem:
            raise Refused(400, problem)
        if not isinstance(qid, str):
            raise Refused(400, "question: a question id (string) is needed")
        question(qid)
        if not isinstance(answer, list) or not all(isinstance(a, str) for a in answer):
            raise Refused(400, "answer: a list of option ids is needed, e.g. [\"C\"]")
        return learner, qid, answer

    def record(learner: str, qid: str, answer: list[str], detail: str | None = None,
               key: str | None = None, shown: int | None = None,
               also: Callable[[Connection, int, Result], None] | None = None
               ) -> tuple[int, Result]:
        result = served.grade(qid, answer, detail, learner)  # type: ignore[arg-type]
        variant = result.question.variant
        if shown is not None and shown != variant:
            raise Refused(409, f"the page showed variant {shown} of this question, but "
                               f"{learner[:60]!r} answers variant {variant}: open the question "
                               f"again as {learner[:60]!r}")
        if not result.graded.ok:
            raise Refused(400, result.graded.status.removeprefix("error: "))
        g = result.graded
        if key is not None:                  # a retried POST: the attempt already stored
            before = db.by_key(engine, key)
            if before is not None:
                same(before, learner, qid, g.chosen)
                return before.id, result
        more = None if also is None else (lambda conn, new: also(conn, new, result))
        attempt, inserted = db.store(engine, learner, qid, g.chosen, g.score or 0.0,
                                     g.max_score, g.provenance, key, variant, more)
        if not inserted and key is not None:     # a concurrent retry stored it first
            found = db.by_key(engine, key)
            if found is not None:
                same(found, learner, qid, g.chosen)
        return attempt, result

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

    async def body(request: Request) -> bytes:
        """The request's body: at most MAX_BODY bytes, all of it within BODY_TIMEOUT s."""
        size = request.headers.get("content-length")
        if size is not None and size.isdigit() and int(size) > MAX_BODY:
            raise Refused(413, f"the body is over {MAX_BODY // 1024} kB")
        chunks, total = [], 0
        deadline = asyncio.get_running_loop().time() + BODY_TIMEOUT
        stream = request.stream().__aiter__()
        while True:
            left = deadline - asyncio.get_running_loop().time()
            try:
                chunk = await asyncio.wait_for(stream.__anext__(), max(left, 0.001))
            except StopAsyncIteration:
                break
            except asyncio.TimeoutError:
                raise Refused(408, f"the body did not arrive within {BODY_TIMEOUT:g} s") \
                    from None
            total += len(chunk)
            if total > MAX_BODY:
                raise Refused(413, f"the body is over {MAX_BODY // 1024} kB")
            chunks.append(chunk)
        return b"".join(chunks)

    health = HealthCheck(engine)

    @app.get("/healthz")
    async def healthz() -> JSONResponse:
        up = await health.check()
        out = {"ok": up, "questions": len(served.entries),
               "database": "ok" if up else "unavailable"}
        return JSONResponse(out, status_code=200 if up else 503)

    def who(learner: str | None) -> str | None:
        if learner is not None:
            problem = id_problem(learner, "learner", MAX_LEARNER)
            if problem or not learner.strip():
                raise Refused(400, problem or "learner: a non-empty string is needed")
        return learner

    @app.get("/api/questions")
    def questions(learner: str | None = None) -> list[dict[str, Any]]:
        return [served.public(qid, who(learner)) for qid in served.entries]

    @app.get("/api/questions/{qid}")
    def one(qid: str, learner: str | None = None) -> dict[str, Any]:
        return served.public(question(qid), who(learner))

    @app.post("/api/attempts")
    async def attempt(request: Request, plots: bool = False,
                      detail: str | None = None) -> JSONResponse:
        raw = await body(request)
        try:
            data = guarded_loads(raw, MAX_BODY)
        except JSONRefused as e:
            raise Refused(400, "the body is not JSON" if "not JSON" in str(e)
                          else f"the body cannot be read: {e}") from None
        if not isinstance(data, dict):
            raise Refused(400, "the body must be a JSON object with learner, question, answer")
        if detail is not None and detail not in DETAILS:
            raise Refused(400, f"detail must be one of {', '.join(DETAILS)}")
        learner, qid, answer = accept(data.get("learner"), data.get("question"),
                                      data.get("answer"))
        key = idempotency_key(request)
        attempt_id, result = await run_in_threadpool(record, learner, qid, answer, detail, key)
        g, a = result.graded, result.answered
        feedback = [{"option": o, "verdict": "correct" if o in g.correct else "wrong",
                     "explanation": a.explanations[o].text(a.detail, o)} for o in g.chosen]
        feedback += [{"option": o, "verdict": "missed",
                      "explanation": a.explanations[o].text(a.detail, o)} for o in g.missed]
        out: dict[str, Any] = {"attempt": attempt_id, "variant": result.question.variant,
               "score": g.score, "max_score": g.max_score,
               "correct": list(g.correct), "bottom_line": a.bottom_line, "detail": a.detail,
               "feedback": feedback, "text": result.text}
        if plots:
            out["plots"] = {o: await run_in_threadpool(served.plot, result.question.name, o)
                            for o in (*g.chosen, *g.missed)}
        return JSONResponse(out)

    passback = None
    if lti is not None:                       # the LTI tool's endpoints and score statuses
        from .lti import store as lti_store
        from .lti.jose import LtiRefused
        from .lti.routes import add_lti_routes
        def lti_record(learner: str, qid: str, answer: list[str], shown: int | None,
                       also: Callable[[Connection, int, Result], None] | None
                       ) -> tuple[int, Result]:
            try:
                return record(learner, qid, answer, None, None, shown, also)
            except Refused as e:               # shown on the learner's page, as HTML
                raise LtiRefused(e.status, e.message) from None

        add_lti_routes(app, served, engine, pages, lti, body, lti_record)
        passback = lambda ids: lti_store.passback(engine, ids)  # noqa: E731
    add_instructor_routes(app, served, engine, instructor, passback)

    @app.get("/", response_class=HTMLResponse)
    def index() -> HTMLResponse:
        return HTMLResponse(pages.index())

    @app.get("/q/{qid}", response_class=HTMLResponse)
    def page(qid: str, learner: str | None = None) -> HTMLResponse:
        if qid not in served.entries:
            return HTMLResponse(pages.missing(qid), status_code=404)
        if served.variants(qid):                 # a template: whose variant to show?
            if learner is None or not learner.strip():
                return HTMLResponse(pages.who(qid))
            problem = id_problem(learner, "learner", MAX_LEARNER)
            if problem:
                return HTMLResponse(pages.who(qid, problem), status_code=400)
        return HTMLResponse(pages.question(qid, learner=learner or ""))

    @app.post("/q/{qid}", response_class=HTMLResponse)
    async def submit(qid: str, request: Request) -> HTMLResponse:
        if qid not in served.entries:
            return HTMLResponse(pages.missing(qid), status_code=404)
        learner = ""
        try:
            raw = (await body(request)).decode("utf-8")
            # strict: a %-escape that is not UTF-8 is refused, not turned into U+FFFD (which
            # would make distinct learner ids one)
            form = parse_qs(raw, keep_blank_values=True, errors="strict")
            learner = (form.get("learner") or [""])[0]
            answer = form.get("answer", [])
            shown = (form.get("variant") or [""])[0]
            accept(learner, qid, answer)
            attempt_id, result = await run_in_threadpool(
                record, learner, qid, answer, None, None,
                variant_number(shown))
            nth = await run_in_threadpool(db.nth, engine, attempt_id, learner, qid)
        except (Refused, UnicodeDecodeError) as e:
            status = e.status if isinstance(e, Refused) else 400
            message = e.message if isinstance(e, Refused) else "the form is not UTF-8"
            typed = learner if id_problem(learner) is None and learner.strip() else ""
            if served.variants(qid) and not typed:
                return HTMLResponse(pages.who(qid, message), status_code=status)
            return HTMLResponse(pages.question(qid, error=message, learner=typed),
                                status_code=status)
        plots = {o: await run_in_threadpool(served.plot, result.question.name, o)
                 for o in (*result.graded.chosen, *result.graded.missed)}
        return HTMLResponse(pages.result(qid, learner, nth, result, plots))

    return app
