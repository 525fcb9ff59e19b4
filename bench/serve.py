"""Benchmark: the grading service under load, against the floor of the same HTTP stack.

A real `quizgrader serve` process on 127.0.0.1 with a temporary SQLite file; 8 concurrent
clients post 2,000 attempts (mixed questions and answers). Checked: every attempt stored
exactly once, none lost, each score equal to `grade --answer`'s. Reported: throughput and
latency percentiles, and the same clients against /healthz (no grading, no database) as the
floor measured in the same run.

With no --db, the same load runs on a SQLite file and on a PostgreSQL server of its own
(Debian's postgresql, started in a temporary folder on 127.0.0.1), side by side.

Run:  pip install -e ".[serve,test]" && python bench/serve.py [ATTEMPTS] [CLIENTS] [--db URL]
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
import pgkit  # noqa: E402
from servicekit import QS, TOKEN, start  # noqa: E402

from quizgrader import api  # noqa: E402

ANSWERS = {"c5w1-gru-alice-betty": ["A", "B", "C", "D"], "lstm-long-memory": ["A;D", "A", "B"],
           "rnn-vanish-explode": ["A;B", "E", "A;C"], "lstm-if-gates": ["A;B", "C"]}


def run(url: str, jobs: list[tuple[str, str, str]], clients: int, path: str | None
        ) -> tuple[float, list[float], list[dict]]:
    """Post ``jobs`` (or GET ``path``) from ``clients`` threads; (seconds, latencies, bodies)."""
    latencies: list[float] = []
    bodies: list[dict] = []
    lock = threading.Lock()
    queue = list(enumerate(jobs))

    def client() -> None:
        with httpx.Client(timeout=60) as c:
            while True:
                with lock:
                    if not queue:
                        return
                    i, (learner, q, a) = queue.pop()
                t0 = time.perf_counter()
                if path:
                    r = c.get(url + path)
                else:
                    r = c.post(url + "/api/attempts", json={"learner": learner, "question": q,
                                                             "answer": a.split(";")})
                dt = time.perf_counter() - t0
                assert r.status_code == 200, r.text
                with lock:
                    latencies.append(dt)
                    if not path:
                        bodies.append({"i": i, **r.json()})

    t0 = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - t0, latencies, bodies


def p(latencies: list[float], q: float) -> float:
    return 1000 * statistics.quantiles(latencies, n=100)[int(q) - 1]


def one(label: str, url: str | None, jobs: list[tuple[str, str, str]], clients: int,
        expected: dict[tuple[str, str], float], tmp: str) -> None:
    """The load against one database, and its report lines."""
    n = len(jobs)
    server = start(Path(tmp, f"{label}.db"), Path(tmp, "cache"), url=url)
    try:
        run(server.url, jobs[:50], clients, None)              # warm up (plots, caches)
        floor, floor_lat, _ = run(server.url, jobs, clients, "/healthz")
        seconds, lat, bodies = run(server.url, jobs, clients, None)
        stored = httpx.get(server.url + "/api/attempts",
                           headers={"Authorization": f"Bearer {TOKEN}"}, timeout=120).json()
    finally:
        server.stop()
    ids = [b["attempt"] for b in bodies]
    mine = [a for a in stored if a["attempt"] in set(ids)]
    wrong = sum(b["score"] != expected[(jobs[b["i"]][1], jobs[b["i"]][2])] for b in bodies)
    print(f"[{label}] {n} attempts from {clients} clients: {len(set(ids))} acknowledged, "
          f"{len(mine)} stored (each once: "
          f"{len(mine) == len(set(a['attempt'] for a in mine)) == n}), {wrong} scores "
          f"differing from grade --answer")
    print(f"[{label}] POST /api/attempts  {n / seconds:7.0f} attempts/s   p50 {p(lat, 50):6.1f} "
          f"ms   p95 {p(lat, 95):6.1f} ms   p99 {p(lat, 99):6.1f} ms")
    print(f"[{label}] GET /healthz floor  {n / floor:7.0f} requests/s   p50 "
          f"{p(floor_lat, 50):6.1f} ms   p95 {p(floor_lat, 95):6.1f} ms   "
          f"({seconds / floor:.2f}× the floor's time)")


def main() -> None:
    args = sys.argv[1:]
    urls = [args[i + 1] for i, a in enumerate(args) if a == "--db" and i + 1 < len(args)]
    rest = [a for i, a in enumerate(args) if a != "--db" and (i == 0 or args[i - 1] != "--db")]
    n = int(rest[0]) if rest else 2000
    clients = int(rest[1]) if len(rest) > 1 else 8
    qs = list(ANSWERS)
    jobs = []
    for i in range(n):
        q = qs[i % len(qs)]
        jobs.append((f"learner{i:05d}", q, ANSWERS[q][(i // len(qs)) % len(ANSWERS[q])]))
    expected = {(q, a): api.grade_answer(f"{QS}/{q}.yaml", a).score
                for q, a in {(q, a) for _, q, a in jobs}}
    pg = None
    with tempfile.TemporaryDirectory() as tmp:
        try:
            targets: list[tuple[str, str | None]] = [(u.split(":", 1)[0], u) for u in urls]
            if not urls:                     # both databases, side by side in one run
                targets = [("sqlite", None)]
                pg = pgkit.start() if pgkit.binaries() is not None else None
                if pg is not None:
                    targets.append(("postgresql", pg.createdb("bench")))
                else:
                    print("(PostgreSQL is not installed: SQLite only)")
            for label, url in targets:
                one(label, url, jobs, clients, expected, tmp)
        finally:
            if pg is not None:
                pg.close()


if __name__ == "__main__":
    main()
