"""Running the service: one process on uvicorn, a JSON access log, a clean start and stop.

The listening socket is opened here, so a port already in use is one clear error; the
database is opened and migrated before the bank is verified, so an unwritable database is one
too. A path that names no question file (a typo, an empty folder) is an error before either,
and a bank of which nothing can be served one after its verification. SIGTERM and Ctrl-C
stop it gracefully (requests in flight finish).
"""
from __future__ import annotations

import errno
import json
import logging
import signal
import socket
import sys
import time
from typing import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import QuizgraderError
from ..grading.assign import Salt
from ..question.bank import expand
from ..text.explain import Detail
from . import db
from .app import create_app
from .guard import GuardedH11Protocol
from .lab import LabMode
from .served import Served

log = logging.getLogger("quizgrader.access")


class ServeError(QuizgraderError):
    """The service cannot start."""


class AccessLog:
    """ASGI middleware: one JSON line per request on stderr (time, method, path, status,
    milliseconds, client)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start, status = time.perf_counter(), [0]

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            client = scope.get("client") or ("", 0)
            log.info(json.dumps({"time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                                 "method": scope["method"], "path": scope["path"],
                                 "status": status[0],
                                 "ms": round(1000 * (time.perf_counter() - start), 1),
                                 "client": client[0]}))


def token_problem(token: str) -> str | None:
    """Why ``token`` cannot be an admin token (None: it can): a client must be able to send
    it in a header, so printable ASCII without spaces, and long enough not to be guessed."""
    if not token or not all(33 <= ord(c) <= 126 for c in token):
        return "must be printable ASCII without spaces"
    if len(token) < 8:
        return "must be at least 8 characters"
    return None


def listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host``:``port`` (one clear error if impossible)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # accepted connections inherit it: without it a keep-alive client waits for a delayed ACK
    # (about 40 ms) on every response sent in two writes
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError as e:
        sock.close()
        why = "is in use (another service runs there?)" if e.errno == errno.EADDRINUSE \
            else f"cannot be used: {e.strerror}"
        raise ServeError(f"port {port} on {host} {why}") from None
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def check_paths(paths: list[str]) -> None:
    """ServeError when a path names no question file (a typo'd path, an empty folder)."""
    for p in paths:
        files, problems = expand([p])
        if not files:
            why = problems[0] if problems else f"{p}: no question files"
            raise ServeError(f"{why}: nothing to serve there")


def serve(paths: list[str], url: str, host: str, port: int, token: str | None,
          trust_key: bool = False, cache: bool = True,
          announce: Callable[[str], object] = print,
          detail: Detail = "standard", salt: Salt | str = "", lti_config: str | None = None,
          public_url: str | None = None, lti_keys: str | None = None,
          lab: LabMode = "after") -> None:
    """Serve the bank under ``paths`` until stopped; feedback at ``detail`` unless a request
    asks for another; ``salt``, a salt given, must agree with each template's lock (whose
    salt assigns learners their variants). With ``lti_config`` (a platforms TOML file) it is
    also an LTI 1.3 tool at ``public_url`` (default ``http://HOST:PORT``), its keys in
    ``lti_keys``. ``lab``: the gate lab opens after answering, or ``always`` (practice)."""
    import uvicorn
    if token is not None:
        problem = token_problem(token)
        if problem:
            raise ServeError(f"the admin token {problem}")
    check_paths(paths)
    sock = listen(host, port)
    engine = db.connect(url)
    tool = None                                 # its errors before the bank's verification
    if lti_config is not None:
        from .lti.setup import tool_for
        base = public_url or f"http://{host}:{sock.getsockname()[1]}"
        tool = tool_for(lti_config, base, lti_keys, engine)
        if tool.keys.created:
            from .lti.setup import keys_folder
            announce(f"created the tool's signing key {tool.keys.kid} in "
                     f"{keys_folder(lti_config, lti_keys)} (private, mode 0600)")
        announce(f"LTI tool at {base} for {len(tool.platforms)} platform(s) of {lti_config}"
                 f" (quizgrader lti show prints what an LMS needs)")
    served = Served(paths, trust_key, cache, detail, salt)
    for line in served.problems:
        announce(line)
    for qid, why in served.refused.items():
        announce(f"not served: {why}")
    if not served.entries:
        sock.close()
        raise ServeError("no question to serve: every question file is invalid or refused "
                         "(see above)")
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    app = AccessLog(create_app(served, engine, token, tool, lab))
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off",
                            timeout_graceful_shutdown=10, http=GuardedH11Protocol,
                            timeout_keep_alive=5)
    server = uvicorn.Server(config)
    # uvicorn catches SIGTERM/SIGINT while it serves, finishes the requests in flight, then
    # raises the signal again for the handler it found. Ours asks the server to stop: a signal
    # before uvicorn's handlers are in place stops it too (no window where it is ignored), and
    # the raise after a stop is harmless, so a stop is a clean exit 0
    def stop(*_: object) -> None:
        server.should_exit = True

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, stop)
    announce(f"serving {len(served.entries)} question(s) on http://{host}:{sock.getsockname()[1]}"
             f" (attempts in {db.shown(url)}; instructor endpoints "
             f"{'need the admin token' if token else 'are off: no admin token'})")
    if tool is not None and tool.sender is not None:
        tool.sender.start()                      # scores left by an earlier run go first
    try:
        server.run(sockets=[sock])
    finally:
        if tool is not None and tool.sender is not None:
            tool.sender.stop()
    announce("stopped")
