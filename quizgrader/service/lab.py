"""The gate lab in the service (lab.md): ``GET /lab/{question}`` (the page) and
``GET /api/lab/{question}?model=M&GATE=V…`` (one setting's curves and sentence).

A learner reaches the lab from their result page (plain or LTI): its link carries a ticket,
an HMAC of the question under a key drawn when the service starts, so only a learner who has
answered that question gets in (a restart makes old links ask to answer again). With
``--lab always`` (practice mode) every question's lab is open. Without a ticket the lab of
an unanswered question is refused (403) and the page says why. The API never returns a key, a
claim or a verdict: the setting's curves, its behaviour and the sentence that says what the
plot shows.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Literal
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.concurrency import run_in_threadpool

from ..lab import LabError, LabSimulator, parse
from ..lab.page import fragment, head, scripts
from ..lab.view import describe, view
from ..sim.diskcache import open_cache
from .refused import Refused
from .served import Served

LabMode = Literal["after", "always"]
LAB_MODES: tuple[LabMode, ...] = ("after", "always")


class LabAccess:
    """Who may open a question's lab: ``always`` everyone, ``after`` a holder of the ticket
    the result page gives."""

    def __init__(self, mode: LabMode = "after") -> None:
        self.mode = mode
        self._key = secrets.token_bytes(32)

    def ticket(self, name: str) -> str:
        """The ticket of question ``name`` (its id, or ``id#n`` for a variant)."""
        return hmac.new(self._key, f"lab\0{name}".encode(), hashlib.sha256).hexdigest()[:32]

    def allowed(self, name: str, ticket: str | None) -> bool:
        return self.mode == "always" or (
            ticket is not None and hmac.compare_digest(ticket.encode(), self.ticket(name).encode()))

    def link(self, name: str, lti: bool = False) -> str:
        """The result page's link to the lab of question ``name`` (``lti``: the page is
        inside a course platform's frame, and leaves out the link to all questions)."""
        return f"/lab/{quote(name, safe='')}?ticket={self.ticket(name)}" + ("&lti=1" if lti
                                                                           else "")


REFUSED = ("the gate lab of a question opens after you have answered it (the link is on your "
           "result page), unless the course runs in practice mode (serve --lab always)")


def add_lab_routes(app: FastAPI, served: Served, access: LabAccess) -> None:
    """The lab's page and API over the served questions (each verified question, by name)."""
    lab = LabSimulator(open_cache(served.cache))

    def question(name: str, ticket: str | None) -> str:
        if name not in served.verdicts or served.verdicts[name].question.id not in served.entries:
            raise Refused(404, f"unknown question {name!r}")
        if not access.allowed(name, ticket):
            raise Refused(403, REFUSED)
        return name

    @app.get("/api/lab/{name}")
    async def api(name: str, request: Request) -> JSONResponse:
        query = dict(request.query_params)
        q = served.verdicts[question(name, query.get("ticket"))].question
        try:
            setting = parse(q, query)
        except LabError as e:
            raise Refused(400, str(e)) from None
        model = q.models[setting.model].model()
        eps = q.simulation.epsilon
        curves = (await run_in_threadpool(lab.run_many, model, [setting.scenario(eps)],
                                          q.horizon, q.simulation.settings()))[0]
        return JSONResponse(view(q, setting, curves))

    @app.get("/lab/{name}", response_class=HTMLResponse)
    def page(name: str, ticket: str | None = None, lti: int = 0) -> HTMLResponse:
        try:
            question(name, ticket)
        except Refused as e:
            return HTMLResponse(_page("Gate lab", f"<p class=\"error\" role=\"alert\">"
                                                  f"{_esc(e.message)}</p>", bool(lti)),
                                e.status)
        qv = served.verdicts[name]
        q = qv.question
        api_url = f"/api/lab/{quote(name, safe='')}" + (f"?ticket={ticket}" if ticket else "")
        body = (f"<h1>{_esc(q.title)}</h1>\n<details class=\"stem-box\"><summary>The question"
                f"</summary><p class=\"stem\">{_esc(q.stem)}</p></details>\n"
                + fragment(describe(q, qv), "s", api=api_url) + "\n" + scripts())
        return HTMLResponse(_page(f"Gate lab: {q.title}", body, bool(lti)))


def _esc(text: str) -> str:
    from markupsafe import escape
    return str(escape(text))


def _page(title: str, body: str, lti: bool = False) -> str:
    """A whole page in the service's style (the lab's assets inline, no CDN); inside a
    platform (``lti``) without the link to all questions, as the LTI result page."""
    nav = "" if lti else '<nav aria-label="Questions"><a href="/">All questions</a></nav>\n'
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_esc(title)} – quizgrader</title>"
            "<style>body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;"
            "max-width:52rem;margin:0 auto;padding:1rem;line-height:1.5;color:#1b1b1b}"
            "a{color:#0b57a8}.stem{white-space:pre-wrap}"
            ".error{color:#8a1c1c;background:#fdecea;padding:.5rem .8rem;border-radius:4px}"
            f"</style>{head()}</head><body>\n{nav}<main id=\"main\">\n{body}\n</main>\n"
            "</body></html>\n")
