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


#: Write at step 1, then keep: each gate's value at t = 1 and for t ≥ 2.
WRITE_THEN_HOLD: dict[str, dict[str, tuple[int, int]]] = {
    "gru": {"update": (1, 0)},
    "lstm": {"update": (1, 0), "forget": (0, 1)},
    "mgu": {"forget": (1, 0)},
    "janet": {"forget": (0, 1)},
}


def write_then_hold(model: Model) -> Scenario | None:
    """Write at step 1, then keep: GRU Γu≈1 then ≈0; LSTM (Γu≈1, Γf≈0) then (Γu≈0, Γf≈1);
    MGU Γf≈1 then ≈0; JANET Γf≈0 then ≈1 (semantics v3; the RNN and IndRNN have none),
    with whichever of those gates the model leaves free (semantics v3). None if it fixes
    them all (or the cell has none)."""
    free = free_gates(model)
    need = {g: v for g, v in WRITE_THEN_HOLD.get(model.cell, {}).items() if g in free}
    if not need:
        return None
    return tuple(h for g, (first, after) in need.items()
                 for h in (Hold(g, first, 1, 1), Hold(g, after, 2)))


def all_scenarios(model: Model) -> list[Scenario]:
    """Write-then-hold first (where the model has it: it usually carries an input furthest),
    then each free gate held ≈0, ≈1 or left free (in that order)."""
    gates = free_gates(model)
    wth = write_then_hold(model)
    out: list[Scenario] = [wth] if wth is not None else []
    for values in itertools.product((0, 1, None), repeat=len(gates)):
        out.append(tuple(Hold(g, v) for g, v in zip(gates, values, strict=True)
                         if v is not None))
    return out
