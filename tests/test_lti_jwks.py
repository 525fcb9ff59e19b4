"""A platform's JWKS server gone bad cannot stall the LTI tool: hostile servers of the tests'
own on 127.0.0.1 (tests/hostile.py) against the tool's key cache, then against a real
``quizgrader serve`` whose plain API must keep answering while launches wait on them."""
from __future__ import annotations

import shutil
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import GRU_ID, QS

pytest.importorskip("fastapi")
pytest.importorskip("joserfc")
httpx = pytest.importorskip("httpx")

from hostile import Hostile  # noqa: E402
from ltiplatform import LEARNER, LTI, Key  # noqa: E402
from servicekit import start  # noqa: E402

from quizgrader.service.lti.jose import LtiRefused  # noqa: E402
from quizgrader.service.lti.platformkeys import PlatformKeys  # noqa: E402

KEY = Key("k1")
JWKS = {"keys": [KEY.jwk()]}


@pytest.fixture()
def servers():
    made: list[Hostile] = []

    def make(**kw) -> Hostile:
        made.append(Hostile(**kw))
        return made[-1]
    yield make
    for h in made:
        h.close()


def refused(keys: PlatformKeys, url: str, kid: str | None = "k1") -> tuple[LtiRefused, float]:
    t = time.monotonic()
    with pytest.raises(LtiRefused) as e:
        keys.key(url, kid)
    return e.value, time.monotonic() - t


def test_a_trickling_jwks_ends_at_the_overall_deadline(servers):
    h = servers(mode="trickle", every=0.2, max_seconds=20)
    e, took = refused(PlatformKeys(deadline=1.0, step=1.0), h.url)
    assert e.status == 504 and "did not arrive within 1 s" in e.message
    assert took < 2.0, took                 # a timeout per read would wait the 20 s out


@pytest.mark.parametrize("declare", [False, True])
def test_a_huge_jwks_is_cut_at_the_cap_while_streaming(servers, declare):
    h = servers(mode="huge", size=200 * 2**20, declare=declare)
    e, took = refused(PlatformKeys(), h.url)
    assert e.status == 502 and "over 256 kB" in e.message
    time.sleep(0.2)
    assert h.sent < 16 * 2**20 and took < 2.0, (h.sent, took)   # not the 200 MB


def test_launches_waiting_for_one_platform_share_its_fetch(servers):
    h = servers(mode="slow", body=JWKS, delay=0.8)
    keys = PlatformKeys()
    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(lambda _: keys.key(h.url, "k1"), range(8)))
    assert all(k["kid"] == "k1" for k in got) and h.requests == 1


def test_too_many_waiters_for_one_platform_are_a_quick_503(servers):
    h = servers(mode="slow", body=JWKS, delay=1.5)
    keys = PlatformKeys(max_waiters=2)
    out: list[object] = []

    def one() -> None:
        try:
            out.append(keys.key(h.url, "k1")["kid"])
        except LtiRefused as e:
            out.append(e.status)
    threads = [threading.Thread(target=one) for _ in range(6)]
    for t in threads:
        t.start()
        time.sleep(0.05)
    for t in threads:
        t.join(10)
    assert sorted(map(str, out)) == ["503"] * 3 + ["k1"] * 3 and h.requests == 1


def test_unknown_kids_refetch_at_most_once_per_interval(servers):
    h = servers(mode="slow", body=JWKS, delay=0.3)
    keys = PlatformKeys(refetch_every=1.5)
    assert keys.key(h.url, "k1")["kid"] == "k1"
    assert refused(keys, h.url, "rotated-1")[0].status == 401    # fetched again at once?
    assert h.requests == 1                                       # no: fetched 0.3 s ago
    time.sleep(1.6)
    e, _ = refused(keys, h.url, "rotated-2")                     # now once
    assert e.status == 401 and "does not hold" in e.message and h.requests == 2
    times = [refused(keys, h.url, f"made-up-{i}")[1] for i in range(30)]
    assert h.requests == 2 and max(times) < 0.05, max(times)     # refused at once
    assert keys.key(h.url, "k1")["kid"] == "k1" and h.requests == 2


def test_a_failed_fetch_is_not_repeated_at_once(servers):
    h = servers(mode="error")
    keys = PlatformKeys(refetch_every=10)
    first, _ = refused(keys, h.url)
    second, took = refused(keys, h.url)
    assert first.status == second.status == 502 and "answered 500" in second.message
    assert h.requests == 1 and took < 0.05


def test_one_platform_never_waits_for_another(servers):
    bad = servers(mode="trickle", every=0.2, max_seconds=10)
    good = servers(mode="slow", body=JWKS)
    keys = PlatformKeys(deadline=3.0, step=1.0)
    stuck = threading.Thread(target=lambda: refused(keys, bad.url))
    stuck.start()
    time.sleep(0.3)
    t = time.monotonic()
    assert keys.key(good.url, "k1")["kid"] == "k1"
    assert time.monotonic() - t < 1.0                  # one lock for all would wait ~3 s
    stuck.join(10)


# --- a real service: hostile launches beside the plain API ------------------------------------



TRICKLING, SLOW = "https://lms.example.edu", "https://slow.example.edu"


def config(issuer: str, jwks_url: str) -> str:
    return (f'[[platform]]\nissuer = "{issuer}"\nclient_id = "c1"\ndeployment_ids = ["d1"]\n'
            f'auth_url = "{issuer}/auth"\ntoken_url = "{issuer}/token"\n'
            f'jwks_url = "{jwks_url}"\n')


@pytest.fixture(scope="module")
def tool(tmp_path_factory):
    """A real service, LTI tool of two platforms: one whose JWKS trickles a byte every
    0.5 s, one whose JWKS (holding KEY) takes 1.5 s to answer."""
    folder = tmp_path_factory.mktemp("hostile-tool")
    bank = folder / "bank"
    bank.mkdir()
    shutil.copy(Path(QS) / f"{GRU_ID}.yaml", bank)
    trickle = Hostile(mode="trickle", every=0.5, max_seconds=60)
    slow = Hostile(mode="slow", body=JWKS, delay=1.5)
    (folder / "platforms.toml").write_text(config(TRICKLING, trickle.url) + "\n"
                                           + config(SLOW, slow.url), encoding="utf-8")
    server = start(folder / "attempts.db", folder / "cache", bank=str(bank),
                   extra=("--lti-config", str(folder / "platforms.toml")))
    server.jwks = {TRICKLING: trickle, SLOW: slow}  # type: ignore[attr-defined]
    yield server
    server.stop()
    trickle.close()
    slow.close()


def forged_launch(tool_url: str, issuer: str, kid: str = "k1") -> dict[str, str]:
    """A login's state and an id_token (with the login's nonce, for question GRU) signed by
    KEY and naming ``kid``: the tool must look the key up in the platform's JWKS."""
    r = httpx.get(tool_url + "/lti/login", params={
        "iss": issuer, "client_id": "c1", "login_hint": "u",
        "target_link_uri": tool_url + "/lti/launch"})
    assert r.status_code == 302, r.text
    query = parse_qs(urlsplit(r.headers["location"]).query)
    now = int(time.time())
    token = KEY.sign({"iss": issuer, "aud": "c1", "sub": "x", "iat": now, "exp": now + 300,
                      "nonce": query["nonce"][0], LTI + "deployment_id": "d1",
                      LTI + "version": "1.3.0", LTI + "roles": [LEARNER],
                      LTI + "message_type": "LtiResourceLinkRequest",
                      LTI + "custom": {"question": GRU_ID}}, kid)
    return {"state": query["state"][0], "id_token": token}


def test_launches_stuck_on_a_hostile_jwks_leave_the_plain_api_answering(tool):
    h = tool.jwks[TRICKLING]
    form = forged_launch(tool.url, TRICKLING)
    launches: list[tuple[int, float]] = []

    def launch() -> None:
        t = time.monotonic()
        try:
            code = httpx.post(tool.url + "/lti/launch", data=form, timeout=60).status_code
        except httpx.HTTPError:
            code = 0
        launches.append((code, time.monotonic() - t))
    crowd = [threading.Thread(target=launch) for _ in range(60)]
    for t in crowd:
        t.start()
    time.sleep(0.5)
    plain, health = [], []
    with httpx.Client(timeout=30) as c:
        for i in range(20):
            t0 = time.monotonic()
            r = c.post(tool.url + "/api/attempts",
                       json={"learner": f"p{i}", "question": GRU_ID, "answer": ["C"]})
            assert r.status_code == 200, r.text
            assert c.get(tool.url + "/api/questions").status_code == 200
            plain.append(time.monotonic() - t0)
        health.append(c.get(tool.url + "/healthz"))
    for t in crowd:
        t.join(60)
    codes = sorted({code for code, _ in launches})
    assert len(launches) == 60 and set(codes) <= {503, 504}, codes
    assert max(s for _, s in launches) < 12, max(s for _, s in launches)
    assert statistics.quantiles(plain, n=20)[-1] < 2.0, plain       # p95
    assert health[0].status_code == 200 and health[0].json()["lti"]["slots"] == 16
    assert h.requests <= 3                          # one fetch in flight, then refetch limit


def test_made_up_kids_against_a_slow_jwks_do_not_delay_a_real_launch(tool):
    h = tool.jwks[SLOW]
    first = httpx.post(tool.url + "/lti/launch", data=forged_launch(tool.url, SLOW))
    assert first.status_code == 200, first.text         # KEY fetched (1.5 s) and cached
    time.sleep(5.1)                                     # past the refetch interval
    forms = [forged_launch(tool.url, SLOW, kid=f"made-up-{i}") for i in range(40)]
    real = forged_launch(tool.url, SLOW)
    codes: list[int] = []
    crowd = [threading.Thread(target=lambda f=f: codes.append(
        httpx.post(tool.url + "/lti/launch", data=f, timeout=60).status_code)) for f in forms]
    for t in crowd:
        t.start()
    time.sleep(0.2)
    t0 = time.monotonic()
    r = httpx.post(tool.url + "/lti/launch", data=real, timeout=60)
    took = time.monotonic() - t0
    for t in crowd:
        t.join(60)
    assert r.status_code == 200 and took < 3.0, (r.status_code, took)  # one lock: > 10 s
    assert set(codes) <= {401, 503} and len(codes) == 40, sorted(set(codes))
    assert h.requests == 2                              # the first fetch and one refetch


def test_healthz_says_so_when_every_worker_thread_is_taken(tmp_path):
    import asyncio

    from starlette.concurrency import run_in_threadpool

    from quizgrader.service import db
    from quizgrader.service.health import HealthCheck

    engine = db.connect(f"sqlite:///{tmp_path / 'h.db'}")
    release = threading.Event()

    async def crowd() -> tuple[bool, bool, float]:
        health = HealthCheck(engine)
        assert await health.workers()
        held = [asyncio.ensure_future(run_in_threadpool(release.wait, 20)) for _ in range(40)]
        await asyncio.sleep(0.2)
        t = time.monotonic()
        free = await health.workers()
        took = time.monotonic() - t
        release.set()
        await asyncio.gather(*held)
        return free, await health.workers(), took

    try:
        busy, after, took = asyncio.run(crowd())
    finally:
        release.set()
        engine.dispose()
    assert (busy, after) == (False, True) and took < 2.0
