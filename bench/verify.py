"""Benchmark: `quizgrader verify` wall time, against figures measured in the same run.

- the import floor of a Python CLI with the same libraries
  (`python -c "import numpy, pydantic, yaml, click"`);
- the shipped bank, cold (`--no-cache`: every simulation runs) and warm (the simulation cache
  filled by a first run), and `--robust` cold against plain cold;
- a generated bank of 50 questions (mixed cells, hidden 8-32, horizons 50-2000, every claim
  kind), cold and warm, on all cores and on one (QUIZGRADER_WORKERS=1), checking that both
  print the same bytes, and cold on the numpy backend alone (QUIZGRADER_KERNEL=numpy).

Each bank's arithmetic is counted too (the flops of every simulation its verification runs,
:func:`quizgrader.sim.budget.step_flops`), and its physical limit printed beside its time: those
flops at the float64 matmul peak of all cores, measured in the same run.

Run:  python bench/verify.py            (targets: shipped bank cold <= 5x the floor,
                                          robust <= 3x plain, 50 questions cold <= 8 s,
                                          50 questions cold <= 3x their physical limit)
"""
from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from peaks import matmul_gflops  # bench/peaks.py

ROOT = Path(__file__).resolve().parent.parent
GATES = {"gru": ["update", "reset"], "lstm": ["update", "forget", "output"]}


def question(i: int, rnd: random.Random) -> dict:
    """One generated question: 4 options over 2 models, claims of every kind."""
    cell = rnd.choice(["rnn", "gru", "gru", "lstm", "lstm"])
    hidden = rnd.choice([8, 16, 32])
    horizon = rnd.choice([50, 100, 200, 500, 1000, 2000])
    models: dict = {}
    for name in ("m1", "m2"):
        spec: dict = {"cell": cell}
        if cell == "rnn":
            spec.update(activation=rnd.choice(["tanh", "relu"]),
                        init={"scale": rnd.choice([1.0, 2.0, 3.0])})
        elif rnd.random() < 0.5:
            spec["fixed"] = {rnd.choice(GATES[cell]): rnd.choice([0.0, 1.0, 0.5])}
        models[name] = spec
    options = []
    for k, oid in enumerate("ABCD"):
        name = rnd.choice(list(models))
        claim: dict = {"model": name,
                       "gradient": rnd.choice(["preserved", "vanishes", "explodes"])}
        free = [g for g in GATES.get(cell, []) if g not in models[name].get("fixed", {})]
        if free and k < 3:
            chosen = rnd.sample(free, rnd.randint(1, min(2, len(free))))
            claim["when" if k % 2 == 0 else "if"] = {g: rnd.randint(0, 1) for g in chosen}
        options.append({"id": oid, "text": f"Option {oid}.", "claim": claim})
    return {"id": f"gen-{i:02d}", "title": f"Generated question {i}", "stem": "Which hold?",
            "select": "many", "horizon": horizon, "simulation": {"hidden": hidden},
            "models": models, "options": options}


def make_bank(folder: Path, n: int = 50) -> None:
    rnd = random.Random(0)
    for i in range(n):
        (folder / f"gen-{i:02d}.yaml").write_text(
            yaml.safe_dump(question(i, rnd), sort_keys=False), encoding="utf-8")


def counted_flops(folder: Path) -> float:
    """The arithmetic of verifying every question (and variant) under ``folder``, cold."""
    from quizgrader.jobs.verifying import load_within_limits as load
    from quizgrader.sim import Simulator
    from quizgrader.verify import verify_question
    sim = Simulator()
    for _, q in load([folder]).questions:
        verify_question(q, sim=sim)
    return sim.flops


def limit(flops: float, peak: float) -> str:
    """'12.3 GFLOP, limit 0.09 s'."""
    return f"{flops / 1e9:.1f} GFLOP, physical limit {flops / peak / 1e9:.2f} s"


def timed(cmd: list[str], env: dict | None = None, repeat: int = 1) -> tuple[float, bytes]:
    best, out = float("inf"), b""
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = subprocess.run(cmd, cwd=ROOT, env={**os.environ, **(env or {})},
                             capture_output=True).stdout
        best = min(best, time.perf_counter() - t0)
    return best, out


def main() -> None:
    py = sys.executable
    floor, _ = timed([py, "-c", "import numpy, pydantic, yaml, click"], repeat=5)
    verify = [py, "-m", "quizgrader.cli", "verify"]
    from quizgrader.sim.kernels import backend
    peak = matmul_gflops()                 # every core
    print(f"import floor                        {floor:7.3f} s   (cores: {os.cpu_count()}; "
          f"backend: {backend()}; matmul peak {peak:.0f} GFLOP/s on all cores)")
    shipped = counted_flops(ROOT / "questions")
    cold, _ = timed(verify + ["questions/", "--no-cache"])
    robust, _ = timed(verify + ["questions/", "--no-cache", "--robust"])
    with tempfile.TemporaryDirectory() as cache:
        env = {"QUIZGRADER_CACHE_DIR": cache}
        timed(verify + ["questions/"], env)
        warm, _ = timed(verify + ["questions/"], env, repeat=3)
    print(f"shipped bank, cold                  {cold:7.3f} s   {cold / floor:5.1f}x floor "
          f"(target <= 5x); {limit(shipped, peak)}, {cold / (shipped / peak / 1e9):.0f}x it")
    print(f"shipped bank, warm                  {warm:7.3f} s   {warm / floor:5.1f}x floor")
    print(f"shipped bank, --robust cold         {robust:7.3f} s   {robust / cold:5.1f}x plain "
          f"cold (target <= 3x)")
    with tempfile.TemporaryDirectory() as tmp:
        bank = Path(tmp, "bank")
        bank.mkdir()
        make_bank(bank)
        gen = verify + [str(bank)]
        flops50 = counted_flops(bank)
        cold50, out_all = timed(gen + ["--no-cache"])
        one50, out_one = timed(gen + ["--no-cache"], {"QUIZGRADER_WORKERS": "1"})
        ref50, _ = timed(gen + ["--no-cache"], {"QUIZGRADER_KERNEL": "numpy"})
        env = {"QUIZGRADER_CACHE_DIR": str(Path(tmp, "cache"))}
        timed(gen, env)
        warm50, _ = timed(gen, env)
    print(f"50 generated questions, cold        {cold50:7.3f} s   (target <= 8 s); "
          f"{limit(flops50, peak)}, {cold50 / (flops50 / peak / 1e9):.1f}x it (target <= 3x)")
    print(f"50 generated questions, 1 worker    {one50:7.3f} s   {one50 / cold50:5.2f}x the "
          f"parallel run; same bytes: {out_all == out_one}")
    print(f"50 generated questions, numpy only  {ref50:7.3f} s   {ref50 / cold50:5.2f}x the "
          f"run above (the reference backend)")
    print(f"50 generated questions, warm        {warm50:7.3f} s   {warm50 / floor:5.1f}x floor")


if __name__ == "__main__":
    main()
