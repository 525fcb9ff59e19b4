"""Gate names and settings in words: the one spelling every output uses.

A gate is written with the course's symbol (Γu, Γr, Γf, Γo); a held gate as ``Γu ≈ 0``, a
fixed one as ``Γu = 1``, a hold limited in time as ``Γu ≈ 1 at t = 1`` / ``Γu ≈ 0 for t ≥ 2``.
"""
from __future__ import annotations

import math
from typing import Iterable, Mapping

from ..sim import Hold, Scenario

SYMBOL: Mapping[str, str] = {"update": "Γu", "reset": "Γr", "forget": "Γf", "output": "Γo"}


def symbol(gate: str) -> str:
    """The course's symbol of a gate ('Γu' for update)."""
    return SYMBOL.get(gate, gate)


def approx(gate: str, value: float) -> str:
    """A held gate: 'Γu ≈ 0' (held at ε or 1 − ε), 'Γu held at 0.9' (at any other value)."""
    if value in (0, 1):
        return f"{symbol(gate)} ≈ {int(value)}"
    return f"{symbol(gate)} held at {value:g}"


def held_label(text: str, value: float, epsilon: float) -> str:
    """A hold's value as a slider says it: '0.001 (≈ 0)' where it is the explanations'
    held gate (ε or 1 − ε), ``text`` elsewhere."""
    if math.isclose(value, epsilon, rel_tol=1e-12):
        return f"{text} (≈ 0)"
    if math.isclose(value, 1.0 - epsilon, rel_tol=1e-12):
        return f"{text} (≈ 1)"
    return text


def equals(gate: str, value: float) -> str:
    """A fixed gate: 'Γu = 1'."""
    return f"{symbol(gate)} = {value:g}"


def approx_all(pairs: Iterable[tuple[str, float]]) -> str:
    """'Γf ≈ 1, Γu ≈ 0'."""
    return ", ".join(approx(g, v) for g, v in pairs)


def equals_all(fixed: Mapping[str, float]) -> str:
    """'Γr = 1 and Γu = 0'."""
    return " and ".join(equals(g, v) for g, v in fixed.items())


def hold(h: Hold) -> str:
    """A hold with its steps: 'Γu ≈ 1 at t = 1', 'Γu ≈ 0 for t ≥ 2', 'Γu ≈ 0'."""
    where = "" if h.always else (
        f" at t = {h.start}" if h.stop == h.start
        else f" for t ≥ {h.start}" if h.stop is None
        else f" for t = {h.start}..{h.stop}")
    return approx(h.gate, h.value) + where


def scenario(holds: Scenario, free: Iterable[str] = ()) -> str:
    """A scenario: 'Γu ≈ 1 at t = 1, Γu ≈ 0 for t ≥ 2', or 'all gates free'. With ``free``
    (the gates the model does not fix), the gates left free are named too: 'Γu ≈ 0, Γo free'."""
    held = {h.gate for h in holds}
    loose = [g for g in free if g not in held]
    if not holds and not loose:
        return "all gates free"
    if not holds and free and len(loose) == len(list(free)) > 1:
        return "all gates free"
    return ", ".join([hold(h) for h in holds] + [f"{symbol(g)} free" for g in loose])
