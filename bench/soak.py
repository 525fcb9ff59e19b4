"""Soak: the service under mixed good and hostile traffic, stalled connections and a SIGKILL.

A real `quizgrader serve` on 127.0.0.1 with a temporary SQLite file. For DURATION seconds,
CLIENTS threads send a mix of good attempts (70 %) and hostile requests (deep JSON, lone
surrogates and direction-changing learner ids, bad %-escapes, oversized and non-JSON bodies,
unknown questions, wrong tokens), while another thread keeps STALLED connections open that
send half a request and stop. Then the server is killed with SIGKILL while the clients are
still posting, restarted on the same database, and every acknowledged attempt must be there
exactly once with its score. Reported: status counts (no 500 allowed), latency percentiles
of the good requests, and how the stalled connections were closed.

Everything stays on loopback and every loop is bounded by the duration.

Run:  pip install -e ".[serve,test]" && python bench/soak.py [DURATION] [CLIENTS] [STALLED]
"""
from __future__ import annotations

import json
import random
import signal
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from servicekit import TOKEN, start  # noqa: E402

QUESTIONS = {"c5w1-gru-alice-betty": ["A", "B", "C", "D"], "lstm-long-memory": ["A;D", "A"],
             "rnn-vanish-explode": ["A;B", "E"], "lstm-if-gates": ["A;B", "C"]}


def hostile(rng: random.Random) -> tuple[str, str, bytes, dict[str, str]]:
    """(method, path, body, headers) of one hostile request."""
    j = {"Content-Type": "application/json"}
    kind = rng.randrange(9)
    if kind == 0:
        return "POST", "/api/attempts", b"[" * 20000 + b"]" * 20000, j
    if kind == 1:
        return "POST", "/api/attempts", json.dumps(
            {"learner": "x\ud800", "question": "c5w1-gru-alice-betty", "answer": ["C"]}
        ).encode(), j
    if kind == 2:
        return "POST", "/api/attempts", json.dumps(
            {"learner": "ad\u202emin", "question": "c5w1-gru-alice-betty", "answer": ["C"]}
        ).encode(), j
    if kind == 3:
        return "POST", "/q/c5w1-gru-alice-betty", b"learner=ann%FF&answer=C", \
            {"Content-Type": "application/x-www-form-urlencoded"}
    if kind == 4:
        return "POST", "/api/attempts", b"x" * 70_000, j
    if kind == 5:
        return "POST", "/api/attempts", b"{not json", j
    if kind == 6:
        return "POST", "/api/attempts", json.dumps(
            {"learner": "ann", "question": "no-such-question", "answer": ["C"]}).encode(), j
    if kind == 7:
        return "GET", "/api/attempts", b"", {"Authorization": "Bearer wrong-token-0000"}
    return "GET", "/api/grades.csv", b"", {"Authorization": f"bearer {TOKEN}"}


class Load:
    def __init__(self, url: str, clients: int, seed: int = 0):
        self.url, self.clients = url, clients
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.status: Counter[str] = Counter()
        self.good_ms: list[float] = []
        self.acked: dict[int, tuple[str, str, tuple[str, ...], float]] = {}
        self.errors: Counter[str] = Counter()
        self.n = 0

    def client(self, k: int) -> None:
        rng = random.Random(k)
        with httpx.Client(timeout=30) as c:
            while not self.stop.is_set():
                with self.lock:
                    self.n += 1
                    n = self.n
                try:
                    if rng.random() < 0.7:
                        q = rng.choice(list(QUESTIONS))
                        a = rng.choice(QUESTIONS[q]).split(";")
                        learner = f"s{k}-{n}"
                        t0 = time.perf_counter()
                        r = c.post(self.url + "/api/attempts",
                                   json={"learner": learner, "question": q, "answer": a})
                        dt = 1000 * (time.perf_counter() - t0)
                        with self.lock:
                            self.status[f"good {r.status_code}"] += 1
                            if r.status_code == 200:
                                self.good_ms.append(dt)
                                self.acked[r.json()["attempt"]] = (learner, q, tuple(a),
                                                                   r.json()["score"])
                    else:
                        method, path, body, headers = hostile(rng)
                        r = c.request(method, self.url + path, content=body or None,
                                      headers=headers)
                        with self.lock:
                            self.status[f"hostile {r.status_code}"] += 1
                except httpx.HTTPError as e:
                    with self.lock:
                        self.errors[type(e).__name__] += 1
                    if self.stop.is_set():
                        return
                    time.sleep(0.05)


def stalled(url: str, count: int, stop: threading.Event, closed: Counter[str]) -> None:
    """Keep ``count`` connections open that send half a request and stop; count how each one
    ended (closed by the server, or still open when the run ended)."""
    host, port = url.removeprefix("http://").split(":")
    socks: list[tuple[socket.socket, float]] = []
    while not stop.is_set():
        while len(socks) < count and not stop.is_set():
            try:
                s = socket.create_connection((host, int(port)), timeout=5)
                s.sendall(b"POST /api/attempts HTTP/1.1\r\nHost: x\r\nContent-Le")
                s.setblocking(False)
                socks.append((s, time.monotonic()))
            except OSError:
                closed["refused"] += 1
                break
        keep = []
        for s, t0 in socks:
            try:
                data = s.recv(100)
                if data == b"":
                    closed["closed by the server"] += 1
                    closed.setdefault("max seconds open", 0)
                    closed["max seconds open"] = max(closed["max seconds open"],
                                                     int(time.monotonic() - t0))
                    s.close()
                    continue
            except BlockingIOError:
                pass
            except OSError:
                closed["reset"] += 1
                s.close()
                continue
            keep.append((s, t0))
        socks = keep
        stop.wait(0.5)
    closed["open at the end"] += len(socks)
    for s, _ in socks:
        s.close()


def pct(xs: list[float], p: float) -> float:
    return statistics.quantiles(xs, n=100)[p - 1] if len(xs) > 1 else float("nan")


def main() -> None:
    duration = float(sys.argv[1]) if len(sys.argv) > 1 else 300.0
    clients = int(sys.argv[2]) if len(sys.argv) > 2 else 16
    stalls = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    tmp = Path(tempfile.mkdtemp(prefix="quizgrader-soak-"))
    db = tmp / "attempts.db"
    server = start(db, tmp / "cache")
    print(f"soak: {duration:g} s, {clients} clients, {stalls} stalled connections, {server.url}")
    load = Load(server.url, clients)
    stop_stall, closed = threading.Event(), Counter()
    threads = [threading.Thread(target=load.client, args=(k,)) for k in range(clients)]
    staller = threading.Thread(target=stalled, args=(server.url, stalls, stop_stall, closed))
    staller.start()
    for t in threads:
        t.start()
    t_end = time.monotonic() + duration
    while time.monotonic() < t_end:
        time.sleep(1)
    before_kill = sum(load.status.values())
    server.proc.send_signal(signal.SIGKILL)          # while the clients are still posting
    server.proc.wait()
    time.sleep(0.5)
    load.stop.set()
    stop_stall.set()
    for t in (*threads, staller):
        t.join(timeout=60)
    after = start(db, tmp / "cache")
    try:
        r = httpx.get(after.url + "/api/attempts", headers={"Authorization": f"Bearer {TOKEN}"},
                      timeout=120)
        stored = r.json()
    finally:
        after.stop()
    by_id = Counter(a["attempt"] for a in stored)
    rows = {a["attempt"]: a for a in stored}
    missing = [i for i in load.acked if i not in rows]
    doubled = [i for i, n in by_id.items() if n > 1]
    wrong = [i for i, (learner, q, ans, score) in load.acked.items()
             if i in rows and (rows[i]["learner"], rows[i]["question"], tuple(rows[i]["answer"]),
                               rows[i]["score"]) != (learner, q, ans, score)]
    five = {k: v for k, v in load.status.items() if k.endswith(" 500")}
    print(f"requests answered: {before_kill} ({sum(load.status.values())} in all)")
    for k, v in sorted(load.status.items()):
        print(f"  {k}: {v}")
    print(f"client-side errors (the SIGKILL, then the restart): {dict(load.errors)}")
    g = load.good_ms
    print(f"good attempts acknowledged: {len(load.acked)}; latency ms p50 {pct(g, 50):.1f}, "
          f"p95 {pct(g, 95):.1f}, p99 {pct(g, 99):.1f}, max {max(g):.1f}")
    print(f"stalled connections: {dict(closed)}")
    print(f"after SIGKILL and restart: {len(stored)} stored, {len(missing)} acknowledged "
          f"but missing, {len(doubled)} stored twice, {len(wrong)} with other contents")
    ok = not five and not missing and not doubled and not wrong
    print("OK" if ok else f"FAILED: 500s {five}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
