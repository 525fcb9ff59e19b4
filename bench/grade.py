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


#: Bad rows of every kind the grader must keep and flag (one physical line each, so that the
#: count of rows in is the count of lines); the formula learner id (hostile, but a valid row,
#: written neutralised) is the last, and the only one not flagged.
GARBAGE = [b'ann,c5w1-gru-alice-betty,"C', b"ann,c5w1-gru-alice-betty,C\"x",
           b"ann,c5w1-gru-alice-betty", b"ann,c5w1-gru-alice-betty,C,extra", b"",
           b"b\xe9a,c5w1-gru-alice-betty,C", b"ann,nope,C", b"ann,c5w1-gru-alice-betty,Z",
           b"ann,c5w1-gru-alice-betty,A;C", b"nul\x00,c5w1-gru-alice-betty,C",
           b'ann,c5w1-gru-alice-betty,"' + b"x" * 200_000 + b'"', b"z" * 1_100_000,
           b"=cmd|' /C calc'!A0,c5w1-gru-alice-betty,C"]


def make(path: Path, rows: int, garbage: float = 0.0) -> list[int]:
    """A responses file of ``rows`` rows, a share ``garbage`` of them bad; returns the
    indices of the bad rows."""
    rnd = random.Random(0)
    qs = list(ANSWERS)
    bad: list[int] = []
    with path.open("wb") as f:
        f.write(b"learner,question,answer\n")
        for i in range(rows):
            if garbage and rnd.random() < garbage:
                line = GARBAGE[len(bad) % len(GARBAGE)]
                bad.append(i)
            else:
                q = qs[i % len(qs)]
                line = f"learner{i // 5:06d},{q},{rnd.choice(ANSWERS[q])}".encode()
            f.write(line + b"\n")
    return bad


def timed(cmd: list[str]) -> tuple[float, float]:
    out = subprocess.run([sys.executable, "-c", CHILD, *cmd], capture_output=True, text=True,
                         check=True).stdout.split()
    return float(out[0]), float(out[1])


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        src, out, floor_out = Path(tmp, "r.csv"), Path(tmp, "g.csv"), Path(tmp, "f.csv")
        make(src, rows)
        floor_code = ("import csv,sys\ncsv.field_size_limit(1 << 30)\n"
                      "w=csv.writer(open(sys.argv[2],'w',newline='',"
                      "errors='surrogateescape'))\n"
                      "w.writerows(csv.reader(open(sys.argv[1],newline='',"
                      "errors='surrogateescape')))")
        floor, floor_mem = timed([sys.executable, "-c", floor_code, str(src), str(floor_out)])
        os.environ["QUIZGRADER_CACHE_DIR"] = str(Path(tmp, "cache"))
        cmd = [sys.executable, "-m", "quizgrader.cli", "grade", "questions/",
               "--responses", str(src), "--out", str(out)]
        cold, cold_mem = timed(cmd)
        warm, mem = timed(cmd)
        stats, stats_mem = timed([sys.executable, "-m", "quizgrader.cli", "stats", str(out)])
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
        print(f"stats of the grades   {stats:7.2f} s   peak {stats_mem:6.0f} MB   "
              f"{stats / floor:5.2f}× floor  ({rows // 5:,} learners)")
        bad = make(src, rows, garbage=0.01)
        floor, _ = timed([sys.executable, "-c", floor_code, str(src), str(floor_out)])
        os.environ["QUIZGRADER_CACHE_DIR"] = str(Path(tmp, "cache"))
        mixed, mixed_mem = timed(cmd)
        with out.open(encoding="utf-8", newline="") as f:
            graded = list(csv.reader(f))
        to_flag = [i for k, i in enumerate(bad) if k % len(GARBAGE) != len(GARBAGE) - 1]
        flagged = sum(graded[i + 1][5].startswith("error:") for i in to_flag)
        print(f"with {len(bad):,} bad rows of {len(GARBAGE)} kinds mixed in: {len(graded) - 1:,}"
              f" rows out of {rows:,}; {flagged:,} of the {len(to_flag):,} that must be "
              f"flagged are")
        lines_code = ("import sys\nw=open(sys.argv[2],'w',errors='surrogateescape')\n"
                      "w.writelines(open(sys.argv[1],errors='surrogateescape'))")
        lines_floor, _ = timed([sys.executable, "-c", lines_code, str(src), str(floor_out)])
        print(f"  ({os.path.getsize(src) / 1e6:.0f} MB: the over-long lines and fields are big)")
        print(f"  csv reader+writer   {floor:7.2f} s   (a stray quote makes the csv module read "
              f"on into huge fields)")
        print(f"  line reader+writer  {lines_floor:7.2f} s")
        print(f"  grade, warm cache   {mixed:7.2f} s   peak {mixed_mem:6.0f} MB   "
              f"{mixed / floor:5.2f}× the csv pass, {mixed / lines_floor:5.2f}× the line pass "
              f"(target < 3×)")


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
