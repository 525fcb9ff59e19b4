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
from sqlalchemy.exc import DataError, SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from ..graded import GradedAnswer
from ..idtext import MAX_ID
from ..question.schema import variant_number
from . import db
from .attempts import Recorder, add_attempt_routes
from .diagnosing import add_diagnosis_routes
from .health import HealthCheck
from .identity import SEP, plain_problem
from .instructor import add_instructor_routes
from .lab import LabAccess, LabMode, add_lab_routes
from .pages import Pages
from .refused import MAX_BODY, Refused, read_body
from .served import Served

if TYPE_CHECKING:
    from .lti.routes import LtiTool

log = logging.getLogger("quizgrader.errors")
MAX_LEARNER = MAX_ID
__all__ = ["MAX_BODY", "Refused", "create_app"]


def _error(status: int, message: str, **headers: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers or None)


def create_app(served: Served, engine: Engine, token: str | None,
               lti: LtiTool | None = None, lab: LabMode = "after") -> FastAPI:
    """The service's ASGI app over ``served`` questions and the ``engine`` database; with
    ``lti``, also an LTI 1.3 tool (:mod:`.lti`); the gate lab opens after answering, or
    always (``lab``, :mod:`.lab`)."""
    app = FastAPI(title="quizgrader", docs_url=None, redoc_url=None)
    access = LabAccess(lab)
    pages = Pages(served, access)

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
        if isinstance(e, DataError):         # the input's fault (a value the database
            log.warning(json.dumps({         # refuses), not an outage: never a 503
                "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "event": "value refused",
                "path": request.url.path, "error": type(e.orig).__name__}))
            return _error(400, "a value in this request cannot be stored by the database "
                               "(a NUL character or an over-long text)")
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

    recorder = Recorder(served, engine)
    question, accept, record = recorder.question, recorder.accept, recorder.record
    body = read_body

    health = HealthCheck(engine)

    gate = None
    if lti is not None:
        from .lti.limit import Gate, LtiLimit
        gate = Gate()
        app.add_middleware(LtiLimit, gate=gate)

    @app.get("/healthz")
    async def healthz() -> JSONResponse:
        up, free = await asyncio.gather(health.check(), health.workers())
        out: dict[str, Any] = {"ok": up and free, "questions": len(served.entries),
                               "database": "ok" if up else "unavailable"}
        if not free:
            out["workers"] = "all busy"
        if gate is not None:
            out["lti"] = {"busy": gate.busy, "slots": gate.slots, "refused": gate.refused}
        return JSONResponse(out, status_code=200 if up and free else 503)

    def who(request: Request, learner: str | None) -> str | None:
        """A learner named in a query: a plain id, or (for an instructor) any stored id."""
        if learner is not None:
            problem = plain_problem(learner)
            if problem and SEP in learner and token and request.headers.get("authorization"):
                instructor(request)          # an instructor may look at an LTI learner's
                return learner               # variant; a learner may not
            if problem:
                raise Refused(400, problem)
        return learner

    @app.get("/api/questions")
    def questions(request: Request, learner: str | None = None) -> list[dict[str, Any]]:
        return [served.public(qid, who(request, learner)) for qid in served.entries]

    @app.get("/api/questions/{qid}")
    def one(request: Request, qid: str, learner: str | None = None) -> dict[str, Any]:
        return served.public(question(qid), who(request, learner))

    add_attempt_routes(app, recorder)

    diagnoser = add_diagnosis_routes(app, served, engine, instructor)
    passback = None
    if lti is not None:                       # the LTI tool's endpoints and score statuses
        from .lti import store as lti_store
        from .lti.jose import LtiRefused
        from .lti.routes import add_lti_routes
        def lti_record(learner: str, qid: str, answer: list[str], shown: int | None,
                       also: Callable[[Connection, int, GradedAnswer], None] | None
                       ) -> tuple[int, GradedAnswer]:
            try:
                return record(learner, qid, answer, None, None, shown, also)
            except Refused as e:               # shown on the learner's page, as HTML
                raise LtiRefused(e.status, e.message) from None

        add_lti_routes(app, served, engine, pages, lti, body, lti_record, diagnoser.pattern)
        passback = lambda ids: lti_store.passback(engine, ids)  # noqa: E731
    add_instructor_routes(app, served, engine, instructor, passback)
    add_lab_routes(app, served, access)

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
            problem = plain_problem(learner)
            if problem:
                return HTMLResponse(pages.who(qid, problem), status_code=400)
        elif learner and learner.strip() and plain_problem(learner):   # never prefilled
            return HTMLResponse(pages.question(qid, error=plain_problem(learner)),
                                status_code=400)
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
            typed = learner if plain_problem(learner) is None else ""
            if served.variants(qid) and not typed:
                return HTMLResponse(pages.who(qid, message), status_code=status)
            return HTMLResponse(pages.question(qid, error=message, learner=typed),
                                status_code=status)
        plots = {o: await run_in_threadpool(served.plot, result.question.name, o)
                 for o in (*result.chosen, *result.missed)}
        pattern = await run_in_threadpool(diagnoser.pattern, learner)
        return HTMLResponse(pages.result(qid, learner, nth, result, plots, pattern=pattern))

    return app
