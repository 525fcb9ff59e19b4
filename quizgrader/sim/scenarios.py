"""Scenarios: which free gates are held ≈0 / ≈1 at which steps.

A scenario is a tuple of :class:`~.gates.Hold`; the verifier's delivery check tries every
scenario :func:`all_scenarios` lists.
"""
from __future__ import annotations

import itertools

from .gates import GATES, Hold
from .model import Model

Scenario = tuple[Hold, ...]


def free_gates(model: Model) -> tuple[str, ...]:
    """The gates of the model's cell that it does not fix, in weight-block order."""
    fixed = model.fixed_gates
    return tuple(g for g in GATES[model.cell] if g not in fixed)


def write_then_hold(model: Model) -> Scenario | None:
    """Write at step 1, then keep: GRU Γu≈1 then ≈0; LSTM (Γu≈1, Γf≈0) then (Γu≈0, Γf≈1).
    None if a gate it needs is fixed (or the cell has no gates)."""
    need = {"gru": {"update": (1, 0)}, "lstm": {"update": (1, 0), "forget": (0, 1)}}.get(
        model.cell)
    if not need or any(g not in free_gates(model) for g in need):
        return None
    return tuple(h for g, (first, after) in need.items()
                 for h in (Hold(g, first, 1, 1), Hold(g, after, 2)))


def all_scenarios(model: Model) -> list[Scenario]:
    """Each free gate held ≈0, ≈1 or left free (in that order), then write-then-hold."""
    gates = free_gates(model)
    out: list[Scenario] = []
    for values in itertools.product((0, 1, None), repeat=len(gates)):
        out.append(tuple(Hold(g, v) for g, v in zip(gates, values) if v is not None))
    wth = write_then_hold(model)
    if wth is not None:
        out.append(wth)
    return out
