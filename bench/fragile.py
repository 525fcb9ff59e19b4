"""How many options of generated questions are fragile (semantics v4, issue 36).

The questions are bench/verify.py's (``question(i, random.Random(seed))``: rnn, gru and lstm
cells, hidden 8-32, horizons 50-2000, 4 options of every claim kind), or with ``--all-cells``
:func:`question_v12`'s (every cell and init of format v1.2: the ReLU and IndRNN cells whose
cells die, orthogonal and identity starts, chrono and gate biases), verified in this process
on one simulator (one core, no disk cache). Prints the options with a claim, how many
are fragile, and, where the code has semantics v4, why: the threshold inside the median's
95 % interval (straddles), or the margin below fragile_below (v2's rule), per cell.

Before/after: run it on this checkout and on an export of the commit before v4 with the same
arguments (the counts of both are in the commit that added this file):

    python bench/fragile.py --n 300 [--all-cells]
    git archive 785e4f0 | tar -x -C /tmp/base && PYTHONPATH=/tmp/base python bench/fragile.py
"""
from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections import Counter
from pathlib import Path

import yaml
from verify import question  # bench/verify.py

GATES = {"rnn": [], "gru": ["update", "reset"], "lstm": ["update", "forget", "output"],
         "janet": ["forget"], "mgu": ["forget"], "indrnn": []}


def model_v12(cell: str, rnd: random.Random) -> dict:
    """A model of ``cell`` with a random format-v1.2 initialisation."""
    spec: dict = {"cell": cell}
    init: dict = {}
    if cell == "rnn":
        spec["activation"] = rnd.choice(["tanh", "relu", "relu"])
        init["recurrent"] = rnd.choice(["gaussian", "orthogonal", "identity"])
        init["scale"] = rnd.choice([0.5, 1.0, 1.2, 1.48, 2.0, 3.0])
    elif cell == "indrnn":
        spec["activation"] = rnd.choice(["relu", "tanh"])
        lo = round(rnd.uniform(-1.0, 1.0), 2)
        init["recurrent_range"] = [lo, round(lo + rnd.uniform(0.0, 1.5), 2)]
    elif cell in ("lstm", "janet") and rnd.random() < 0.5:
        init["chrono"] = rnd.choice([10, 19, 82, 100, 1000])   # whole: the code before v4 too
    elif GATES[cell] and rnd.random() < 0.3:
        init["bias"] = {rnd.choice(GATES[cell]): rnd.choice([-2.0, 1.0, 3.0])}
    if cell in ("gru", "mgu", "janet") and rnd.random() < 0.3:
        init["scale"] = rnd.choice([0.5, 2.0, 3.0])
    if rnd.random() < 0.25 and cell not in ("rnn", "indrnn"):
        spec["fixed"] = {rnd.choice(GATES[cell]): rnd.choice([0.0, 1.0, 0.5])}
    if init:
        spec["init"] = init
    return spec


def question_v12(i: int, rnd: random.Random) -> dict:
    """One generated question over every cell of format v1.2: 4 options over 2 models of
    one cell; a cell without free gates gets ``if: free`` and bare claims."""
    cell = rnd.choice(["rnn", "rnn", "indrnn", "gru", "lstm", "janet", "mgu"])
    models = {name: model_v12(cell, rnd) for name in ("m1", "m2")}
    options = []
    for k, oid in enumerate("ABCD"):
        name = rnd.choice(list(models))
        claim: dict = {"model": name,
                       "gradient": rnd.choice(["preserved", "vanishes", "explodes"])}
        free = [g for g in GATES[cell] if g not in models[name].get("fixed", {})]
        if free and k < 3:
            chosen = rnd.sample(free, rnd.randint(1, min(2, len(free))))
            claim["when" if k % 2 == 0 else "if"] = {g: rnd.randint(0, 1) for g in chosen}
        elif k < 2:
            claim["if"] = "free"
        options.append({"id": oid, "text": f"Option {oid}.", "claim": claim})
    return {"id": f"gen-{i:03d}", "title": f"Generated question {i}", "stem": "Which hold?",
            "select": "many", "horizon": rnd.choice([50, 100, 200, 500, 1000]),
            "simulation": {"hidden": rnd.choice([8, 16, 32])}, "models": models,
            "options": options}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=300, help="questions to generate")
    ap.add_argument("--seed", type=int, default=0, help="the generator's seed")
    ap.add_argument("--list", action="store_true", help="print each fragile option")
    ap.add_argument("--flips", type=int, default=0, metavar="K",
                    help="also verify with the seeds seed+1 .. seed+K and count the options "
                         "whose verdict flips, flagged fragile or not")
    ap.add_argument("--ranks", metavar="L,U", default="",
                    help="an experiment: the interval's ranks for 32 seeds instead of the "
                         "binomial's 11,22 (9,24: a 95 %% prediction interval for another "
                         "seed set's median)")
    ap.add_argument("--all-cells", action="store_true",
                    help="generate over every cell and init of format v1.2")
    a = ap.parse_args()
    import quizgrader
    from quizgrader.jobs.verifying import load_within_limits as load
    from quizgrader.sim import Simulator
    from quizgrader.verify import verify_question
    from quizgrader.verify.robust import varied
    if a.ranks:
        from quizgrader.sim import spread
        ranks = tuple(int(r) for r in a.ranks.split(","))
        binomial = spread.median_ranks
        spread.median_ranks = lambda n: ranks if n == 32 else binomial(n)  # type: ignore
    rnd, t0 = random.Random(a.seed), time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(a.n):
            Path(tmp, f"gen-{i:03d}.yaml").write_text(
                yaml.safe_dump((question_v12 if a.all_cells else question)(i, rnd),
                               sort_keys=False), encoding="utf-8")
        bank = load([Path(tmp)])
        questions = [q for _, q in bank.questions]
        if bank.problems:
            print(f"{len(bank.problems)} of {a.n} left out (too large or invalid), e.g. "
                  f"{bank.problems[0]}")
    sim = Simulator()
    claims, why, cells, flips = 0, Counter[str](), Counter[str](), Counter[bool]()
    for q in questions:
        qv = verify_question(q, sim=sim)
        others = [verify_question(varied(q, q.simulation.seed + k, q.simulation.hidden),
                                  sim=sim) for k in range(1, a.flips + 1)]
        for i, v in enumerate(qv.options):
            if v.option.claim is None:
                continue
            claims += 1
            flipped = [k + 1 for k, o in enumerate(others) if o.options[i].correct != v.correct]
            if flipped:
                flips[v.fragile] += 1
                if a.list and not v.fragile:
                    m = v.margin
                    what = "no margin" if m is None else (
                        f"{m.quantity} {m.value:.3g} against {m.threshold:g}, "
                        f"{m.decades:.2f} decades, interval {getattr(m, 'interval', None)}")
                    print(f"  unflagged flip: {q.id} {v.option.id} ({v.decided_by}, seed + "
                          f"{flipped}): {what}; there: "
                          f"{[others[k - 1].options[i].decided_by for k in flipped]}")
            if not v.fragile or v.margin is None:
                continue
            m = v.margin
            straddles = getattr(m, "straddles", False)
            near = m.decades < q.simulation.fragile_below
            why["straddles only" if straddles and not near else
                "straddles and near" if straddles else "near only (v2's rule)"] += 1
            cells[q.models[v.option.claim.model].cell] += 1
            if a.list:
                print(f"  {q.id} {v.option.id}: {v.decided_by}, {m.quantity} {m.value:.3g} "
                      f"against {m.threshold:g}, {m.decades:.2f} decades, interval "
                      f"{getattr(m, 'interval', None)}")
    fragile = sum(why.values())
    print(f"code: {Path(quizgrader.__file__).parent.parent}"
          + (f"; ranks {a.ranks} for 32 seeds (experiment)" if a.ranks else ""))
    kind = "v1.2 questions (--all-cells)" if a.all_cells else "questions"
    print(f"{a.n} {kind} (seed {a.seed}), {claims} options with a claim: {fragile} fragile "
          f"({100 * fragile / max(claims, 1):.1f} %); {sim.runs} simulations, "
          f"{time.perf_counter() - t0:.0f} s")
    for k, n in sorted(why.items()):
        print(f"  {k:24s} {n:4d}")
    print("  by cell: " + ", ".join(f"{c} {n}" for c, n in sorted(cells.items())))
    if a.flips:
        print(f"verdicts that flip under {a.flips} other seed sets (simulation.seed + 1 .. "
              f"+ {a.flips}): "
              f"{sum(flips.values())}, {flips[True]} of them flagged fragile, "
              f"{flips[False]} not")


if __name__ == "__main__":
    main()
