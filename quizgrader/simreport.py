"""Readable and JSON reports of one simulation (``quizgrader simulate``)."""
from __future__ import annotations

import json

from .simulate import Curves


def checkpoints(T: int) -> list[int]:
    """A few timesteps to show: 1, 2, 5, 10, 20, 50, ... below T, and T itself."""
    ts, base = [], 1
    while base < T:
        ts.extend(t for t in (base, 2 * base, 5 * base) if t < T)
        base *= 10
    return sorted(set(ts)) + [T]


def fmt(v: float) -> str:
    """A number for people: 3 significant digits, scientific when small or large."""
    if v != v or v in (float("inf"), float("-inf")):
        return "inf" if v != v or v > 0 else "-inf"
    if v == 0:
        return "0"
    if 1e-3 <= abs(v) < 1e4:
        return f"{v:#.3g}".rstrip(".")       # keeps trailing zeros: 1.00, 0.660
    return f"{v:.2e}"


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
    def num(v: float) -> float | None:  # JSON has no inf: a blown-up value is null
        return float(v) if v == v and abs(v) != float("inf") else None
    return json.dumps({"cell": cell, "steps": c.steps,
                       "gain": [num(v) for v in c.gain], "reach": [num(v) for v in c.reach],
                       "behaviour": c.behaviour}, indent=2) + "\n"
