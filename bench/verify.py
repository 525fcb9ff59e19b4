"""Benchmark: `quizgrader verify questions/` wall time against the import floor of a Python CLI
with the same libraries (`python -c "import numpy, pydantic, yaml, click"`), in one run.

Run:  python bench/verify.py
"""
from __future__ import annotations

import subprocess
import sys
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
    verify = best([sys.executable, "-m", "quizgrader.cli", "verify", "questions/"], 3)
    print(f"import floor        {floor:7.3f} s")
    print(f"verify questions/   {verify:7.3f} s")
    print(f"ratio               {verify / floor:7.1f}×  (target ≤ 3×)")


if __name__ == "__main__":
    main()
