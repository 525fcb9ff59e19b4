"""Readable and JSON reports of one simulation (``quizgrader simulate``)."""
from __future__ import annotations

import json

from ...sim import GATES, Curves, Hold, Model
from .. import gates
from ..cells import name as cell_name
from ..numbers import fmt, json_number


def checkpoints(T: int) -> list[int]:
    """A few timesteps to show: 1, 2, 5, 10, 20, 50, ... below T, and T itself."""
    ts: list[int] = []
    base = 1
    while base < T:
        ts.extend(t for t in (base, 2 * base, 5 * base) if t < T)
        base *= 10
    return sorted(set(ts)) + [T]


def text(title: str, c: Curves) -> str:
    """A table of gain and reach at a few timesteps, the per-step factor and the behaviour."""
    lines = [title, "", f"{'t':>6}  {'gain ‖∂c<t>/∂c<0>‖':>20}  {'reach ‖∂c<t>/∂x<1>‖':>20}"]
    for t in checkpoints(c.steps):
        lines.append(f"{t:>6}  {fmt(float(c.gain[t - 1])):>20}  {fmt(float(c.reach[t - 1])):>20}")
    lines += ["", f"per-step factor gain(T)^(1/T) = {fmt(c.factor)}  (T = {c.steps})",
              f"behaviour over {c.steps} steps: {c.behaviour}"]
    return "\n".join(lines) + "\n"


def to_json(cell: str, c: Curves) -> str:
    """The ``simulate --json`` contract: cell, steps, gain, reach, behaviour."""
    return json.dumps({"cell": cell, "steps": c.steps,  # a blown-up value (inf) is null
                       "gain": [json_number(float(v)) for v in c.gain],
                       "reach": [json_number(float(v)) for v in c.reach],
                       "behaviour": c.behaviour}, indent=2) + "\n"


def title(model: Model, holds: tuple[Hold, ...], source: str, init: str = "") -> str:
    """'GRU Γr = 1, Γu ≈ 0: 32 random cells, hidden 16, ...' (``init``: how the weights were
    drawn, when not the default)."""
    parts = [gates.equals(g, v) for g, v in model.fixed] + [gates.hold(h) for h in holds]
    free = "(all gates free)" if GATES[model.cell] else "(no gates)"
    return f"{cell_name(model.cell)} " + (", ".join(parts) if parts else free) \
        + (f", {init}" if init else "") + f": {source}"


def random_source(seeds: int, hidden: int, inputs: int, seed: int) -> str:
    return f"{seeds} random cells, hidden {hidden}, inputs {inputs}, seed {seed}"


def file_source(path: str, biases: dict[str, float] | None = None) -> str:
    """'cell.npz (1 cell; gate biases, bias_ih + bias_hh, mean over units: Γf 2)'."""
    if not biases:
        return f"{path} (1 cell)"
    words = ", ".join(f"{gates.symbol(g)} {b:.3g}" for g, b in biases.items())
    return f"{path} (1 cell; gate biases, bias_ih + bias_hh, mean over units: {words})"
