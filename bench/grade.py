"""Benchmark: grade 1,000,000 response rows; the floor is a plain csv.reader + csv.writer pass
over the same file, measured in the same run. Peak memory of the grading process is read
with resource.getrusage in a child process.

Grading is timed twice, with a fresh simulation cache: "cold" simulates the bank first (as the
first run on a machine does), "warm" reuses the simulations stored by an earlier `verify` or
`grade` (the usual case: authors verify the bank before a class is graded).

Run:  python bench/grade.py [ROWS]
"""
from __future__ import annotations

import csv
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ANSWERS = {"c5w1-gru-alice-betty": ["A", "B", "C", "D", "c", "A;C", ""],
           "c5w1-gru-sarah-ashely": ["A", "C", "D"],
           "c5w1-gru-alice-betty-update0": ["B", "C"],
           "lstm-long-memory": ["A;D", "A", "B;C", "D"],
           "rnn-vanish-explode": ["A;B", "E", "A;C", "Z"]}

CHILD = """
import resource, subprocess, sys, time
t0 = time.perf_counter()
rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
dt = time.perf_counter() - t0
print(dt, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, rc)
"""


def make(path: Path, rows: int) -> None:
    rnd = random.Random(0)
    qs = list(ANSWERS)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["learner", "question", "answer"])
        for i in range(rows):
            q = qs[i % len(qs)]
            w.writerow([f"learner{i // 5:06d}", q, rnd.choice(ANSWERS[q])])


def timed(cmd: list[str]) -> tuple[float, float]:
    out = subprocess.run([sys.executable, "-c", CHILD, *cmd], capture_output=True, text=True,
                         check=True).stdout.split()
    return float(out[0]), float(out[1])


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        src, out, floor_out = Path(tmp, "r.csv"), Path(tmp, "g.csv"), Path(tmp, "f.csv")
        make(src, rows)
        floor_code = ("import csv,sys\nw=csv.writer(open(sys.argv[2],'w',newline=''))\n"
                      "w.writerows(csv.reader(open(sys.argv[1],newline='')))")
        floor, floor_mem = timed([sys.executable, "-c", floor_code, str(src), str(floor_out)])
        os.environ["QUIZGRADER_CACHE_DIR"] = str(Path(tmp, "cache"))
        cmd = [sys.executable, "-m", "quizgrader.cli", "grade", "questions/",
               "--responses", str(src), "--out", str(out)]
        cold, cold_mem = timed(cmd)
        warm, mem = timed(cmd)
        os.environ["QUIZGRADER_CACHE_DIR"] = "off"
        verify, _ = timed([sys.executable, "-m", "quizgrader.cli", "verify", "questions/"])
        print(f"rows                  {rows:,}  ({os.path.getsize(src) / 1e6:.0f} MB in, "
              f"{os.path.getsize(out) / 1e6:.0f} MB out)")
        print(f"csv reader+writer     {floor:7.2f} s   peak {floor_mem:6.0f} MB")
        print(f"grade, warm cache     {warm:7.2f} s   peak {mem:6.0f} MB   "
              f"{warm / floor:5.2f}× floor  (target ≤ 2×, memory < 200 MB)")
        print(f"grade, cold cache     {cold:7.2f} s   peak {cold_mem:6.0f} MB   "
              f"{cold / floor:5.2f}× floor")
        print(f"  verify, no cache    {verify:7.2f} s   (simulating the bank once)")


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
