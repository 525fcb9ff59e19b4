"""Soak: the plain API beside LTI launches, some against a hostile platform.

A real `quizgrader serve` on 127.0.0.1 (temporary SQLite file) is an LTI tool for two
platforms: the tests' platform emulator (tests/ltiplatform.py; its scores endpoint answers in
SCORE_DELAY s) and a hostile one whose JWKS trickles a byte every 0.5 s (tests/hostile.py).
Two phases of DURATION seconds each:

1. baseline: PLAIN threads post attempts to `POST /api/attempts` and read `/api/questions`;
2. hostile: the same plain traffic, plus LTI threads that walk login -> launch -> answer on
   the good platform, plus HOSTILE threads that post launches the tool can only check with
   the hostile JWKS, and launches naming a key the good platform does not have (each would
   refetch its JWKS).

Then the outbox is given up to 60 s to drain, and the checks: every acknowledged plain attempt
is stored once, every acknowledged LTI answer's score reached the platform exactly once, no
request got a 500, the good platform's JWKS was fetched a bounded number of times. Printed: the
plain API's latency percentiles in each phase and their ratio, and the status counts.

Everything stays on 127.0.0.1; every loop is bounded by the phase's duration.

Run:  pip install -e ".[serve,lti,test]" && python bench/soak_service.py [DURATION] [PLAIN]
      [LTI] [HOSTILE]
"""
from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from hostile import Hostile  # noqa: E402
from ltiplatform import LEARNER, LTI, Emulator, Key, form_fields  # noqa: E402
from servicekit import QS, TOKEN, start  # noqa: E402

GRU = "c5w1-gru-alice-betty"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SCORE_DELAY = 0.2
#: Seconds a hostile thread waits between launches: a crowd that stalls, not a flood (a flood
#: of any request shares the one process's CPU; rate limits per client are a proxy's job).
THINK = 0.25
BAD_ISSUER = "https://hostile.example"


class Tally:
    """Counts and latencies from many threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.status: Counter[str] = Counter()
        self.plain_ms: list[float] = []
        self.plain_ok: list[str] = []            # learners whose attempt was acknowledged
        self.lti_ok: list[str] = []              # hints whose answer was acknowledged

    def count(self, what: str) -> None:
        with self.lock:
            self.status[what] += 1


def plain(tool: str, tag: str, end: float, t: Tally) -> None:
    n = 0
    with httpx.Client(timeout=30) as c:
        while time.monotonic() < end:
            learner = f"{tag}-{n}"
            n += 1
            start_ = time.perf_counter()
            try:
                r = c.post(tool + "/api/attempts",
                           json={"learner": learner, "question": GRU, "answer": ["C"]})
                q = c.get(tool + "/api/questions")
            except httpx.HTTPError as e:
                t.count(f"plain {type(e).__name__}")
                continue
            ms = 1000 * (time.perf_counter() - start_)
            with t.lock:
                t.plain_ms.append(ms)
                t.status[f"plain {r.status_code}/{q.status_code}"] += 1
                if r.status_code == 200:
                    t.plain_ok.append(learner)


def lti(tool: str, platform: Emulator, tag: str, end: float, t: Tally) -> None:
    n = 0
    while time.monotonic() < end:
        hint = f"{tag}-{n}"
        n += 1
        platform.launch(hint, sub=hint, question=GRU)
        try:
            with httpx.Client(follow_redirects=False, timeout=30) as c:
                r = c.get(tool + "/lti/login", params={
                    "iss": platform.issuer, "login_hint": "u", "client_id": platform.client_id,
                    "target_link_uri": tool + "/lti/launch", "lti_message_hint": hint})
                if r.status_code != 302:
                    t.count(f"lti login {r.status_code}")
                    continue
                _, fields = form_fields(c.get(r.headers["location"]).text)
                page = c.post(tool + "/lti/launch", data=fields)
                if page.status_code != 200:
                    t.count(f"lti launch {page.status_code}")
                    time.sleep(0.2)
                    continue
                _, fields = form_fields(page.text)
                a = c.post(tool + "/lti/answer", data={**fields, "answer": ["C"]})
        except httpx.HTTPError as e:
            t.count(f"lti {type(e).__name__}")
            continue
        t.count(f"lti answer {a.status_code}")
        if a.status_code == 200:
            with t.lock:
                t.lti_ok.append(hint)


FORGER = Key("forger")                 # one key: making one per launch would load this client


def forged(c: httpx.Client, tool: str, issuer: str, client_id: str, deployment: str,
           kid: str) -> dict[str, str] | int:
    """A login's state and a token signed with a key the tool must look up (or the login's
    status when it was refused)."""
    r = c.get(tool + "/lti/login", params={
        "iss": issuer, "client_id": client_id, "login_hint": "u",
        "target_link_uri": tool + "/lti/launch"})
    if r.status_code != 302:
        return r.status_code
    state = parse_qs(urlsplit(r.headers["location"]).query)["state"][0]
    now = int(time.time())
    token = FORGER.sign({"iss": issuer, "aud": client_id, "sub": "x", "iat": now,
                         "exp": now + 600, "nonce": "n", LTI + "deployment_id": deployment,
                         LTI + "version": "1.3.0", LTI + "roles": [LEARNER]}, kid)
    return {"state": state, "id_token": token}


def hostile(tool: str, platform: Emulator, i: int, end: float, t: Tally) -> None:
    """Launches the tool cannot check without a hostile JWKS, or naming a made-up key: one
    login, then its state again and again (a refused launch does not spend it)."""
    n = 0
    form: dict[str, str] | int = 0
    with httpx.Client(timeout=30) as c:
        while time.monotonic() < end:
            n += 1
            try:
                if isinstance(form, int):
                    form = forged(c, tool, platform.issuer, platform.client_id,
                                  platform.deployment, "k") if i % 2 else \
                        forged(c, tool, BAD_ISSUER, "c2", "d2", "k")
                if isinstance(form, int):
                    t.count(f"hostile login {form}")
                    time.sleep(THINK)
                    continue
                if i % 2:                      # a key the good platform does not have
                    form["id_token"] = FORGER.sign({"iss": platform.issuer, "aud": "x"},
                                                   f"made-up-{i}-{n}")
                r = c.post(tool + "/lti/launch", data=form)
                t.count(f"hostile {r.status_code}")
            except httpx.HTTPError as e:
                t.count(f"hostile {type(e).__name__}")
            time.sleep(THINK)


def pct(xs: list[float], q: int) -> float:
    return statistics.quantiles(xs, n=100)[q - 1] if len(xs) > 1 else float("nan")


def phase(name: str, tool: str, platform: Emulator, duration: float, n_plain: int,
          n_lti: int, n_hostile: int) -> Tally:
    t = Tally()
    end = time.monotonic() + duration
    threads = [threading.Thread(target=plain, args=(tool, f"{name}-p{i}", end, t))
               for i in range(n_plain)]
    threads += [threading.Thread(target=lti, args=(tool, platform, f"{name}-l{i}", end, t))
                for i in range(n_lti)]
    threads += [threading.Thread(target=hostile, args=(tool, platform, i, end, t))
                for i in range(n_hostile)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(duration + 60)
    return t


def main() -> int:
    duration = float(sys.argv[1]) if len(sys.argv) > 1 else 20.0
    n_plain = int(sys.argv[2]) if len(sys.argv) > 2 else 4
    n_lti = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    n_hostile = int(sys.argv[4]) if len(sys.argv) > 4 else 24
    tmp = Path(tempfile.mkdtemp(prefix="quizgrader-soak-lti-"))
    platform = Emulator(score_delay=SCORE_DELAY)
    platform.start()
    trickle = Hostile(mode="trickle", every=0.5, max_seconds=duration + 30)
    bank = tmp / "bank"
    bank.mkdir()
    shutil.copy(Path(QS) / f"{GRU}.yaml", bank)
    (tmp / "platforms.toml").write_text(
        platform.config() + "\n" + f'[[platform]]\nissuer = "{BAD_ISSUER}"\nclient_id = "c2"\n'
        f'deployment_ids = ["d2"]\nauth_url = "{BAD_ISSUER}/auth"\n'
        f'token_url = "{BAD_ISSUER}/token"\njwks_url = "{trickle.url}"\n', encoding="utf-8")
    server = start(tmp / "attempts.db", tmp / "cache", bank=str(bank),
                   extra=("--lti-config", str(tmp / "platforms.toml")))
    platform.tool_url = server.url
    problems: list[str] = []
    try:
        base = phase("base", server.url, platform, duration, n_plain, 0, 0)
        fetches = platform.jwks_fetches
        loud = phase("loud", server.url, platform, duration, n_plain, n_lti, n_hostile)
        fetched = platform.jwks_fetches - fetches
        calm = phase("calm", server.url, platform, duration, n_plain, n_lti, 0)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if len({s["item"] for s in platform.scores}) >= len(loud.lti_ok + calm.lti_ok):
                break
            time.sleep(0.2)
        time.sleep(1.0)                          # would a score be sent twice?
        try:
            stored = Counter(a["learner"] for a in httpx.get(
                server.url + "/api/attempts", headers=AUTH, timeout=120).json())
            health = httpx.get(server.url + "/healthz", timeout=10).json()
        except httpx.HTTPError as e:
            stored, health = Counter(), {"error": type(e).__name__}
            problems.append(f"the service did not answer after the soak ({health})")
    finally:
        try:
            server.stop()
        except subprocess.TimeoutExpired:
            problems.append("the service did not stop within 60 s of SIGTERM: killed")
            server.proc.kill()
            server.proc.wait(10)
        trickle.close()
        platform.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    acked = base.plain_ok + loud.plain_ok + calm.plain_ok
    lost = [a for a in acked if stored[a] != 1]
    if lost:
        problems.append(f"{len(lost)} acknowledged plain attempts not stored once")
    scores = Counter(s["item"] for s in platform.scores)
    twice = [h for h, n in scores.items() if n > 1]
    missing = [h for h in loud.lti_ok + calm.lti_ok if scores[h] != 1]
    if twice:
        problems.append(f"{len(twice)} scores sent more than once")
    if missing:
        problems.append(f"{len(missing)} acknowledged LTI answers without exactly one score")
    fivexx = {k: v for t in (base, loud, calm) for k, v in t.status.items()
              if " 500" in k or "/500" in k}
    if fivexx:
        problems.append(f"500s: {fivexx}")
    if not loud.lti_ok:
        problems.append("no LTI answer went through beside the hostile launches")
    b95, l95 = pct(base.plain_ms, 95), pct(loud.plain_ms, 95)
    print(f"{duration:g} s per phase, {n_plain} plain, {n_lti} LTI, {n_hostile} hostile threads")
    print(f"{'phase':<10}{'plain requests':>16}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}")
    for name, t in (("plain", base), ("hostile", loud), ("LTI only", calm)):
        print(f"{name:<10}{len(t.plain_ms):>16}{pct(t.plain_ms, 50):>10.1f}"
              f"{pct(t.plain_ms, 95):>10.1f}{pct(t.plain_ms, 99):>10.1f}")
    print(f"plain p95 hostile / plain only: {l95 / b95:.2f}; LTI only / plain only: "
          f"{pct(calm.plain_ms, 95) / b95:.2f}")
    print(f"LTI answers acknowledged: {len(loud.lti_ok)} beside the hostile launches, "
          f"{len(calm.lti_ok)} without; scores at the platform: "
          f"{sum(scores.values())} for {len(scores)} answers")
    print(f"good platform's JWKS fetched {fetched} times in the hostile phase; "
          f"hostile JWKS requests: {trickle.requests}; /healthz after: {health}")
    print("statuses:", dict(sorted((base.status + loud.status + calm.status).items())))
    for p in problems:
        print("PROBLEM:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
