"""The LTI tool's endpoints (../shared/spec/lti.md), added to the service's app.

``/lti/login`` (OIDC login initiation), ``/lti/launch`` (the platform posts the id_token
here), ``/lti/answer`` and ``/lti/question`` (a launched learner's page), ``/lti/deep-link``
(the instructor's picker posts here) and ``/lti/jwks``. A refusal is an HTML page with a 4xx
status that names the failed rule, and stores nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Awaitable, Callable
from urllib.parse import parse_qs, urlencode, urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy import Connection
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool

from ...graded import GradedAnswer
from ...question.schema import variant_number
from ..pages import Pages
from ..served import Served
from . import deeplink, store
from .ags import Sender
from .jose import LtiRefused
from .keys import ToolKeys
from .launch import DEEP_LINKING, checked, login_target
from .platformkeys import PlatformKeys
from .platforms import Platforms

STATE_COOKIE = "qg-lti-state-"
#: ``record(learner, qid, answer, shown_variant, also)``: grade and store an attempt; ``also``
#: writes the outbox row in the attempt's transaction.
Record = Callable[[str, str, list[str], int | None,
                   Callable[[Connection, int, GradedAnswer], None] | None],
                  tuple[int, GradedAnswer]]


@dataclass
class LtiTool:
    """Everything the endpoints need: the registrations, keys, public URL and sender."""
    platforms: Platforms
    keys: ToolKeys
    public_url: str
    platform_keys: PlatformKeys
    sender: Sender | None = None

    @property
    def secure(self) -> bool:
        return urlsplit(self.public_url).scheme == "https"

    def url(self, path: str) -> str:
        return self.public_url.rstrip("/") + path


def add_lti_routes(app: FastAPI, served: Served, engine: Engine, pages: Pages, tool: LtiTool,
                   body: Callable[[Request], Awaitable[bytes]], record: Record,
                   pattern: Callable[[str], str | None] | None = None) -> None:
    """Add the LTI endpoints to ``app``; ``pattern`` gives a learner's 'a pattern in your
    answers' paragraph for the result page (:mod:`..diagnosing`)."""

    @app.exception_handler(LtiRefused)
    async def refused(_: Request, e: LtiRefused) -> HTMLResponse:
        return HTMLResponse(pages.render("lti_refused.html", title="Launch refused",
                                         message=e.message, lti=True), status_code=e.status)

    async def form(request: Request) -> dict[str, list[str]]:
        try:
            raw = (await body(request)).decode("utf-8")
            return parse_qs(raw, keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:
            raise LtiRefused(400, "the form is not UTF-8") from None

    def one(f: dict[str, list[str]], name: str) -> str:
        values = f.get(name) or [""]
        if len(values) != 1 or not values[0]:
            raise LtiRefused(400, f"{name}: one value is needed")
        return values[0]

    @app.get("/lti/jwks")
    def jwks() -> JSONResponse:
        return JSONResponse(tool.keys.jwks(), headers={"Cache-Control": "max-age=3600"})

    @app.api_route("/lti/login", methods=["GET", "POST"])
    async def login(request: Request) -> Response:
        params = dict(request.query_params)
        if request.method == "POST":
            params.update({k: v[0] for k, v in (await form(request)).items() if v})
        platform = login_target(tool.platforms, params, tool.public_url)
        s = await run_in_threadpool(store.new_state, engine, platform.issuer,
                                    platform.client_id)
        query = {"scope": "openid", "response_type": "id_token", "response_mode": "form_post",
                 "prompt": "none", "client_id": platform.client_id,
                 "redirect_uri": tool.url("/lti/launch"), "login_hint": params["login_hint"],
                 "state": s.state, "nonce": s.nonce}
        if params.get("lti_message_hint"):
            query["lti_message_hint"] = params["lti_message_hint"]
        sep = "&" if urlsplit(platform.auth_url).query else "?"
        out = RedirectResponse(platform.auth_url + sep + urlencode(query), status_code=302)
        out.set_cookie(STATE_COOKIE + s.state[:16], s.state, max_age=int(store.STATE_SECONDS),
                       httponly=True, secure=tool.secure,
                       samesite="none" if tool.secure else "lax")
        return out

    def check_launch(f: dict[str, list[str]], cookies: dict[str, str]) -> store.Session:
        if f.get("error"):
            raise LtiRefused(400, f"the platform refused the login: {f['error'][0][:100]} "
                                  f"{(f.get('error_description') or [''])[0][:300]}".strip())
        given = one(f, "state")
        if not store.token_ok(given):
            raise LtiRefused(400, "state: not one this tool sends (1 to 64 URL-safe "
                                  "characters)")
        cookie = cookies.get(STATE_COOKIE + given[:16])
        if cookie is not None and cookie != given:
            raise LtiRefused(400, "state: it does not match this browser's login")
        used = store.state(engine, given)
        if used is None:
            raise LtiRefused(400, "state: no login of this tool sent it (or it expired after "
                                  f"{store.STATE_SECONDS / 60:g} minutes)")
        launch = checked(one(f, "id_token"), used, tool.platforms, tool.platform_keys,
                         store.nonce_used(engine, used.nonce))
        if launch.kind != DEEP_LINKING and launch.question not in served.entries:
            raise LtiRefused(404, f"this link names question {launch.question!r}, which this "
                                  f"tool does not serve: the instructor can link another")
        s = store.Session(store.new_session_id(), "deeplink" if launch.kind == DEEP_LINKING
                          else "resource", launch.learner, launch.name or launch.sub,
                          launch.platform.issuer, launch.platform.client_id,
                          launch.deployment_id, launch.sub, launch.question, launch.lineitem,
                          launch.return_url, launch.data)
        store.launch(engine, used, s)
        return s

    @app.post("/lti/launch")
    async def launch(request: Request) -> Response:
        f = await form(request)
        s = await run_in_threadpool(check_launch, f, dict(request.cookies))
        out = HTMLResponse(picker(s) if s.kind == "deeplink" else question(s))
        out.delete_cookie(STATE_COOKIE + one(f, "state")[:16])
        return out

    def picker(s: store.Session, error: str | None = None) -> str:
        qs = [served.public(qid) for qid in served.entries]
        return pages.render("lti_picker.html", title="Add questions", questions=qs,
                            error=error, lti={"session": s.id})

    def question(s: store.Session, error: str | None = None) -> str:
        return pages.question(s.question, error, s.learner,
                              lti={"session": s.id, "name": s.name})

    def open_session(f: dict[str, list[str]], kind: str) -> store.Session:
        sid = one(f, "session")
        s = store.session(engine, sid, kind) if store.token_ok(sid) else None
        if s is None:
            raise LtiRefused(403, "this page's launch has expired or was never made: open the "
                                  "activity again from your course")
        return s

    async def opened(request: Request, kind: str) -> tuple[dict[str, list[str]], store.Session]:
        """The posted form and the open session of ``kind`` it names."""
        f = await form(request)
        return f, await run_in_threadpool(open_session, f, kind)

    @app.post("/lti/question")
    async def again(request: Request) -> Response:
        _, s = await opened(request, "resource")
        return HTMLResponse(question(s))

    def passback(s: store.Session) -> Callable[[Connection, int, GradedAnswer], None] | None:
        if not s.lineitem:
            return None

        def queue(conn: Connection, attempt: int, r: GradedAnswer) -> None:
            stamp = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
            store.queue(conn, store.score_row(s, attempt, r.score or 0.0,
                                              r.max_score, stamp.replace("+00:00", "Z")))
        return queue

    @app.post("/lti/answer")
    async def answer(request: Request) -> Response:
        f, s = await opened(request, "resource")
        chosen = f.get("answer", [])
        try:
            attempt, result = await run_in_threadpool(
                record, s.learner, s.question, chosen,
                variant_number((f.get("variant") or [""])[0]), passback(s))
        except LtiRefused as e:
            return HTMLResponse(question(s, e.message), status_code=e.status)
        if tool.sender is not None and s.lineitem:
            tool.sender.wake()
        plots = {o: await run_in_threadpool(served.plot, result.question.name, o)
                 for o in (*result.chosen, *result.missed)}
        note = ("Your score goes to your course's gradebook." if s.lineitem else
                "This activity has no gradebook column: your score is kept here only.")
        mine = await run_in_threadpool(pattern, s.learner) if pattern is not None else None
        return HTMLResponse(pages.result(s.question, s.learner, attempt, result, plots,
                                         lti={"session": s.id, "passback": note},
                                         pattern=mine))

    def chosen_items(f: dict[str, list[str]], s: store.Session) -> list[tuple[str, str]]:
        chosen = f.get("question", [])
        if not chosen:
            raise LtiRefused(400, "choose at least one question")
        unknown = [q for q in chosen if q not in served.entries]
        if unknown:
            raise LtiRefused(400, f"unknown question {unknown[0][:100]!r}")
        if not store.close(engine, s.id):
            raise LtiRefused(409, "these questions were already sent to the course")
        return [(q, str(served.public(q)["title"])) for q in dict.fromkeys(chosen)]

    @app.post("/lti/deep-link")
    async def deep_link(request: Request) -> Response:
        f, s = await opened(request, "deeplink")
        try:
            items = await run_in_threadpool(chosen_items, f, s)
        except LtiRefused as e:
            return HTMLResponse(picker(s, e.message), status_code=e.status)
        jwt = deeplink.response(tool.keys, s, tool.public_url, items)
        return HTMLResponse(pages.render("lti_post.html", title="Adding the questions",
                                         action=s.return_url, fields=[("JWT", jwt)], lti=True))


