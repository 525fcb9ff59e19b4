"""Benchmark: `quizgrader verify questions/` wall time against the import floor of a Python CLI
with the same libraries (`python -c "import numpy, pydantic, yaml, click"`), in one run.
Timed cold (`--no-cache`: every simulation runs) and warm (the simulation cache filled by a
first run, in a temporary folder).

Run:  python bench/verify.py
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def best(cmd: list[str], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, check=False, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    floor = best([sys.executable, "-c", "import numpy, pydantic, yaml, click"])
    cmd = [sys.executable, "-m", "quizgrader.cli", "verify", "questions/"]
    cold = best(cmd + ["--no-cache"], 3)
    with tempfile.TemporaryDirectory() as cache:
        os.environ["QUIZGRADER_CACHE_DIR"] = cache
        best(cmd, 1)                                   # fills the cache
        warm = best(cmd, 3)
    print(f"import floor               {floor:7.3f} s")
    print(f"verify questions/, cold    {cold:7.3f} s   {cold / floor:5.1f}× floor")
    print(f"verify questions/, warm    {warm:7.3f} s   {warm / floor:5.1f}× floor  (target ≤ 3×)")


if __name__ == "__main__":
    main()
