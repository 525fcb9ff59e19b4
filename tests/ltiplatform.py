"""An LTI 1.3 platform (an LMS's side) for the tests, on 127.0.0.1, written from the
specifications (LTI Core 1.3, Security Framework 1.0, AGS 2.0, Deep Linking 2.0) with
``cryptography`` for RS256 by hand: it shares no code with the tool's JOSE library.

It has its own RSA key and JWKS, an OIDC auth endpoint that checks the login parameters and
answers with an auto-posted id_token, a token endpoint that checks the tool's client assertion
(signature by the tool's JWKS, iss/sub, aud, exp, jti once), a line items' scores endpoint
that checks the bearer token, content type and fields, and a deep-linking return that checks
the tool's signed response. ``down`` makes it answer 503; :meth:`Emulator.stop` closes its
port (connection refused) until :meth:`Emulator.start`.
"""
from __future__ import annotations

import asyncio
import base64
import json
import re
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field
from html import unescape
from typing import Any, Iterator
from urllib.parse import parse_qs

import httpx
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _int(n: int) -> str:
    return b64(n.to_bytes((n.bit_length() + 7) // 8, "big"))


class Key:
    """An RSA key with a kid, its JWK and RS256 signing."""

    def __init__(self, kid: str):
        self.kid = kid
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def jwk(self) -> dict[str, str]:
        n = self.private.public_key().public_numbers()
        return {"kty": "RSA", "kid": self.kid, "use": "sig", "alg": "RS256", "n": _int(n.n),
                "e": _int(n.e)}

    def sign(self, claims: dict[str, Any], kid: str | None = None) -> str:
        head = b64(json.dumps({"alg": "RS256", "typ": "JWT", "kid": kid or self.kid}).encode())
        body = b64(json.dumps(claims).encode())
        sig = self.private.sign(f"{head}.{body}".encode(), padding.PKCS1v15(), hashes.SHA256())
        return f"{head}.{body}.{b64(sig)}"


def verify(token: str, jwks: dict[str, Any]) -> dict[str, Any]:
    """The claims of an RS256 ``token`` signed by a key of ``jwks`` (ValueError if not)."""
    head, body, sig = token.split(".")
    h = json.loads(unb64(head))
    if h.get("alg") != "RS256":
        raise ValueError(f"alg {h.get('alg')}")
    for k in jwks["keys"]:
        if k.get("kid") == h.get("kid"):
            pub = rsa.RSAPublicNumbers(int.from_bytes(unb64(k["e"]), "big"),
                                       int.from_bytes(unb64(k["n"]), "big")).public_key()
            pub.verify(unb64(sig), f"{head}.{body}".encode(), padding.PKCS1v15(),
                       hashes.SHA256())              # raises InvalidSignature
            return dict(json.loads(unb64(body)))
    raise ValueError(f"no key {h.get('kid')!r} in the tool's JWKS")


async def form(request: Request) -> dict[str, str]:
    """A urlencoded form body (each field's first value)."""
    return {k: v[0] for k, v in parse_qs((await request.body()).decode()).items()}


def form_fields(html: str) -> tuple[str, dict[str, str]]:
    """The action and hidden fields of the first form of an HTML page."""
    action = re.search(r'<form[^>]*action="([^"]*)"', html)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
    return (unescape(action.group(1)) if action else ""), {k: unescape(v)
                                                           for k, v in fields.items()}


@dataclass
class Emulator:
    """The platform's state; ``app`` serves it."""
    client_id: str = "quizgrader-test"
    deployment: str = "deployment-1"
    key: Key = field(default_factory=lambda: Key("platform-key-1"))
    tool_url: str = ""
    port: int = 0
    launches: dict[str, dict[str, Any]] = field(default_factory=dict)
    scores: list[dict[str, Any]] = field(default_factory=list)
    returns: list[dict[str, Any]] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)
    tokens: set[str] = field(default_factory=set)
    jtis: set[str] = field(default_factory=set)
    jwks_fetches: int = 0
    down: bool = False
    score_delay: float = 0.0           # seconds the scores endpoint takes to answer

    def __post_init__(self) -> None:
        self._sock = socket.socket()
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", self.port))
        self.port = self._sock.getsockname()[1]
        self._sock.close()
        self.app = self._build()
        self._server: Any = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def issuer(self) -> str:
        return self.url

    def config(self) -> str:
        """The platform's registration, as the tool's platforms TOML."""
        return (f'[[platform]]\nissuer = "{self.issuer}"\nclient_id = "{self.client_id}"\n'
                f'deployment_ids = ["{self.deployment}"]\nauth_url = "{self.url}/auth"\n'
                f'token_url = "{self.url}/token"\njwks_url = "{self.url}/jwks"\n')

    # -- running -------------------------------------------------------------------------
    def start(self) -> None:
        import uvicorn
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="error",
                                lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the platform emulator did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
            assert self._thread is not None
            self._thread.join(10)
            self._server = None

    # -- launches ------------------------------------------------------------------------
    def launch(self, hint: str, *, sub: str = "learner-1", name: str = "Ann Learner",
               question: str | None = "c5w1-gru-alice-betty", deep_linking: bool = False,
               roles: list[str] | None = None, lineitem: str | None = None,
               claims: dict[str, Any] | None = None, sign_with: Key | None = None,
               kid: str | None = None, drop: tuple[str, ...] = ()) -> None:
        """Prepare the id_token that the login with ``lti_message_hint=hint`` gets;
        ``claims`` override, ``drop`` removes, ``sign_with``/``kid`` forge the signature."""
        now = int(time.time())
        c: dict[str, Any] = {
            "iss": self.issuer, "aud": self.client_id, "sub": sub, "name": name,
            "iat": now, "exp": now + 300, LTI + "deployment_id": self.deployment,
            LTI + "version": "1.3.0", LTI + "roles": roles or [LEARNER],
            LTI + "target_link_uri": self.tool_url + "/lti/launch",
            LTI + "context": {"id": "course-1", "title": "Sequence Models"}}
        if deep_linking:
            c[LTI + "message_type"] = "LtiDeepLinkingRequest"
            c[LTI + "roles"] = roles or [INSTRUCTOR]
            c[DL + "deep_linking_settings"] = {
                "deep_link_return_url": self.url + "/deep-link-return",
                "accept_types": ["ltiResourceLink"], "accept_multiple": True,
                "data": "opaque-" + hint}
        else:
            c[LTI + "message_type"] = "LtiResourceLinkRequest"
            c[LTI + "resource_link"] = {"id": "link-" + hint}
            if question is not None:
                c[LTI + "custom"] = {"question": question}
            c[AGS] = {"scope": [SCORE_SCOPE],
                      "lineitem": lineitem or f"{self.url}/lineitems/{hint}"}
        c.update(claims or {})
        for k in drop:
            c.pop(k, None)
        self.launches[hint] = {"claims": c, "key": sign_with or self.key,
                               "kid": kid or (sign_with or self.key).kid}

    def _build(self) -> FastAPI:
        app = FastAPI()

        @app.get("/jwks")
        def jwks() -> JSONResponse:
            self.jwks_fetches += 1
            return JSONResponse({"keys": [self.key.jwk()]})

        @app.get("/auth")
        def auth(request: Request) -> Response:
            q = request.query_params
            want = {"scope": "openid", "response_type": "id_token",
                    "response_mode": "form_post", "prompt": "none",
                    "client_id": self.client_id, "redirect_uri": self.tool_url + "/lti/launch"}
            for k, v in want.items():
                if q.get(k) != v:
                    self.refusals.append(f"auth: {k}={q.get(k)!r}")
                    return JSONResponse({"error": "invalid_request", "what": k}, 400)
            if not q.get("state") or not q.get("nonce") or not q.get("login_hint"):
                return JSONResponse({"error": "invalid_request"}, 400)
            spec = self.launches[q.get("lti_message_hint", "")]
            claims = {"nonce": q["nonce"], **spec["claims"]}
            token = spec["key"].sign(claims, spec["kid"])
            return HTMLResponse(
                f'<form method="post" action="{q["redirect_uri"]}">'
                f'<input type="hidden" name="id_token" value="{token}">'
                f'<input type="hidden" name="state" value="{q["state"]}"></form>'
                '<script>document.forms[0].submit()</script>')

        def tool_jwks() -> dict[str, Any]:
            return dict(httpx.get(self.tool_url + "/lti/jwks", timeout=5).json())

        @app.post("/token")
        async def token(request: Request) -> Response:
            if self.down:
                return Response("down", 503)
            f = await form(request)
            try:
                assert f.get("grant_type") == "client_credentials", "grant_type"
                assert f.get("client_assertion_type") == \
                    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", "assertion type"
                assert SCORE_SCOPE in str(f.get("scope", "")).split(), "scope"
                c = verify(str(f["client_assertion"]), tool_jwks())
                assert c.get("iss") == self.client_id and c.get("sub") == self.client_id, \
                    "iss/sub"
                aud = c.get("aud")
                assert self.url + "/token" in (aud if isinstance(aud, list) else [aud]), "aud"
                assert c["exp"] > time.time() and c["iat"] <= time.time() + 5, "exp/iat"
                assert c["jti"] not in self.jtis, "jti reused"
                self.jtis.add(c["jti"])
            except (AssertionError, ValueError, KeyError, Exception) as e:
                self.refusals.append(f"token: {e}")
                return JSONResponse({"error": "invalid_client", "detail": str(e)}, 401)
            value = secrets.token_urlsafe(16)
            self.tokens.add(value)
            return JSONResponse({"access_token": value, "token_type": "Bearer",
                                 "expires_in": 3600, "scope": SCORE_SCOPE})

        @app.post("/lineitems/{item}/scores")
        async def scores(item: str, request: Request) -> Response:
            if self.score_delay:
                await asyncio.sleep(self.score_delay)
            if self.down:
                return Response("down", 503)
            auth = request.headers.get("authorization", "")
            if not auth.startswith("Bearer ") or auth[7:] not in self.tokens:
                return JSONResponse({"error": "unauthorized"}, 401)
            if request.headers.get("content-type") != SCORE_TYPE:
                self.refusals.append(f"scores: content type {request.headers.get('content-type')}")
                return JSONResponse({"error": "content type"}, 415)
            body = json.loads(await request.body())
            need = {"userId", "scoreGiven", "scoreMaximum", "activityProgress",
                    "gradingProgress", "timestamp"}
            if not need <= set(body) or body["activityProgress"] != "Completed" \
                    or body["gradingProgress"] != "FullyGraded":
                self.refusals.append(f"scores: fields {sorted(body)}")
                return JSONResponse({"error": "fields"}, 400)
            self.scores.append({"item": item, "query": request.url.query, **body})
            return Response(status_code=204)

        @app.post("/deep-link-return")
        async def returned(request: Request) -> Response:
            f = await form(request)
            try:
                c = verify(str(f["JWT"]), tool_jwks())
                assert c["iss"] == self.client_id, "iss"
                assert c["aud"] == self.issuer or self.issuer in c["aud"], "aud"
                assert c[LTI + "message_type"] == "LtiDeepLinkingResponse", "message type"
                assert c[LTI + "version"] == "1.3.0", "version"
                assert c[LTI + "deployment_id"] == self.deployment, "deployment"
                assert c.get("nonce") and c["exp"] > time.time(), "nonce/exp"
            except (AssertionError, ValueError, KeyError, Exception) as e:
                self.refusals.append(f"deep-link-return: {e}")
                return JSONResponse({"error": str(e)}, 400)
            self.returns.append(c)
            return HTMLResponse("<h1>Added to the course</h1>")

        return app


def running() -> Iterator[Emulator]:
    """A started emulator, stopped after (a test module makes it a fixture:
    ``platform = pytest.fixture(scope="module", name="platform")(running)``)."""
    p = Emulator()
    p.start()
    yield p
    p.stop()
