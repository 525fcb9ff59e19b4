"""Benchmark: grade 1,000,000 response rows; the floor is a plain csv.reader + csv.writer pass
over the same file, measured in the same run. Peak memory of the grading process is read
with resource.getrusage in a child process.

Grading is timed twice, with a fresh simulation cache: "cold" simulates the bank first (as the
first run on a machine does), "warm" reuses the simulations stored by an earlier `verify` or
`grade` (the usual case: authors verify the bank before a class is graded).

A second part measures what a small job pays: the import floor of a Python CLI with the same
libraries, a one-row class and `grade --answer` against it (medians of 5, warm cache), and a
template-heavy class (every row answers a template, graded against the learner's variant)
against a plain one of as many rows, per row (whole runs, and beyond the one-row run).

Run:  python bench/grade.py [ROWS]        (both parts)
      python bench/grade.py --startup [ROWS]   (the second part alone; ROWS default 300,000)
"""
from __future__ import annotations

import csv
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
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


TEMPLATES = ["c5w1-gru-template", "lstm-gate-template"]


def seconds(cmd: list[str]) -> float:
    """Wall seconds of ``cmd`` (output discarded)."""
    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - t0


def class_file(path: Path, rows: int, questions: list[str]) -> None:
    """``rows`` rows answering ``questions`` in turn, 5 rows a learner."""
    rnd = random.Random(1)
    with path.open("w", encoding="utf-8") as f:
        f.write("learner,question,answer\n")
        for i in range(rows):
            f.write(f"learner{i // 5:06d},{questions[i % len(questions)]},"
                    f"{rnd.choice('ABCD')}\n")


def startup(rows: int) -> None:
    """The one-row class, ``grade --answer`` and the template-heavy class (see the top)."""
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["QUIZGRADER_CACHE_DIR"] = str(Path(tmp, "cache"))
        subprocess.run([py, "-m", "quizgrader.cli", "verify", "questions/"],
                       capture_output=True, check=False)              # the cache, warm
        one, plain, tmpl, out = (Path(tmp, f) for f in ("one.csv", "plain.csv", "tmpl.csv",
                                                          "out.csv"))
        class_file(one, 1, ["c5w1-gru-alice-betty"])
        class_file(plain, rows, list(ANSWERS))
        class_file(tmpl, rows, TEMPLATES)
        grade = [py, "-m", "quizgrader.cli", "grade", "questions/", "--out", str(out),
                 "--responses"]
        answer = [py, "-m", "quizgrader.cli", "grade", "questions/c5w1-gru-alice-betty.yaml",
                  "--answer", "C"]
        floor_cmd = [py, "-c", "import numpy, pydantic, yaml, click"]
        t: dict[str, list[float]] = {k: [] for k in ("floor", "one", "answer", "r_one",
                                                     "r_answer", "plain", "tmpl", "r_tmpl",
                                                     "r_margin")}
        for i in range(7):          # interleaved rounds: each ratio within one round
            for k, cmd in (("floor", floor_cmd), ("one", grade + [str(one)]),
                           ("answer", answer)):
                t[k].append(seconds(cmd))
            t["r_one"].append(t["one"][-1] / t["floor"][-1])
            t["r_answer"].append(t["answer"][-1] / t["floor"][-1])
            if i < 3:
                t["plain"].append(seconds(grade + [str(plain)]))
                t["tmpl"].append(seconds(grade + [str(tmpl)]))
                t["r_tmpl"].append(t["tmpl"][-1] / t["plain"][-1])
                t["r_margin"].append((t["tmpl"][-1] - t["one"][-1]) /
                                     (t["plain"][-1] - t["one"][-1]))
    floor, t_one, t_answer, per_plain, per_tmpl = (statistics.median(t[k]) for k in (
        "floor", "one", "answer", "plain", "tmpl"))
    print(f"import floor          {floor:7.3f} s   (python -c 'import numpy, pydantic, yaml, "
          f"click'); medians over interleaved rounds, ratios within a round")
    print(f"grade, one-row class  {t_one:7.3f} s   {statistics.median(t['r_one']):5.2f}× floor"
          f"  (target ≤ 3×)")
    print(f"grade --answer        {t_answer:7.3f} s   {statistics.median(t['r_answer']):5.2f}× "
          f"floor  (target ≤ 3×)")
    print(f"{rows:,} plain rows    {per_plain:7.3f} s   {per_plain / rows * 1e6:6.2f} µs a row")
    print(f"{rows:,} template rows {per_tmpl:7.3f} s   {per_tmpl / rows * 1e6:6.2f} µs a row, "
          f"{statistics.median(t['r_tmpl']):5.2f}× plain rows  (target ≤ 1.5×); beyond the "
          f"one-row run {statistics.median(t['r_margin']):5.2f}×")


if __name__ == "__main__":
    os.chdir(ROOT)
    if "--startup" in sys.argv:
        args = [a for a in sys.argv[1:] if a != "--startup"]
        startup(int(args[0]) if args else 300_000)
    else:
        main()
        print()
        startup(300_000)
