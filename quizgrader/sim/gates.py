"""Gates of each cell and how a scenario drives them.

A gate g is, at every step t, in one of three modes:

- *free*:  g = σ(pre)                          (computed from its weights),
- *held*:  g = σ(pre ± log((1-ε)/ε))           (computed, pushed to ≈ε or ≈1-ε),
           g = σ(pre + log(v/(1-v)))            (held at v, any v in (0, 1): the lab),
- *fixed*: g = const                            (removed from the cell, dg/dpre = 0).

A :class:`Drive` gathers the modes of all gates of one cell over T steps: the fixed
constants, and a shift array ``shift`` of shape (T, G) added to the pre-activations.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Mapping

import numpy as np

from ..errors import ConfigError

#: Gate names per cell, in the course's notation, in the order of their weight blocks.
GATES: dict[str, tuple[str, ...]] = {
    "rnn": (),
    "gru": ("update", "reset"),
    "lstm": ("update", "forget", "output"),
    "janet": ("forget",),
    "mgu": ("forget",),
    "indrnn": (),
}
#: The cells, the one list every other module reads.
CELLS: tuple[str, ...] = tuple(GATES)


def sigmoid_slope(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """σ(z) and σ'(z) = σ(z)(1 - σ(z)), accurate to the last bit at both ends.

    With e = exp(-|z|) ≤ 1 nothing overflows: σ = 1/(1+e) for z ≥ 0 and e/(1+e) for z < 0,
    and σ' = e/(1+e)² either way (no cancellation in 1 - σ).
    """
    e = np.exp(-np.abs(z))
    inv = 1.0 / (1.0 + e)
    return np.where(z >= 0, inv, e * inv), e * inv * inv


def sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z) = 1 / (1 + exp(-z)), see :func:`sigmoid_slope`."""
    return sigmoid_slope(z)[0]


def holdable(value: float) -> bool:
    """A value a gate can be held at: 0 or 1 (held near ε or 1-ε) or any v in (0, 1)."""
    return value in (0, 1) or 0.0 < value < 1.0


def hold_shift(value: float, epsilon: float) -> float:
    """The pre-activation shift that holds a gate near ε (value 0) or 1-ε (value 1), or at
    v for any other v in (0, 1): logit(v) = log(v/(1-v)) (σ(0 + logit(v)) = v). A v of ε or
    1-ε is the ≈ 0 / ≈ 1 hold itself, to the last bit (1 - 0.999 is not 0.001 in floats)."""
    low, high = value == 0 or math.isclose(value, epsilon, rel_tol=1e-12), \
        value == 1 or math.isclose(value, 1.0 - epsilon, rel_tol=1e-12)
    if low or high:
        logit = math.log((1.0 - epsilon) / epsilon)
        return logit if high else -logit
    return math.log(value / (1.0 - value))


@dataclass(frozen=True)
class Hold:
    """Hold ``gate`` ≈ ``value`` (0 or 1: ≈ ε or 1-ε; any other v in (0, 1): at v) at steps
    ``start`` .. ``stop`` (1-based, inclusive; ``stop=None`` means to the end)."""

    gate: str
    value: float
    start: int = 1
    stop: int | None = None

    @property
    def always(self) -> bool:
        """True if the hold covers every step."""
        return (self.start, self.stop) == (1, None)


@dataclass(frozen=True)
class Drive:
    """The gate modes of one cell over T steps.

    fixed : tuple of (float | None), one per gate of the cell (None: not fixed)
    shift : ndarray, shape (T, G): the pre-activation shift of each gate at each step
    """

    fixed: tuple[float | None, ...]
    shift: np.ndarray = field(repr=False)

    @property
    def steps(self) -> int:
        """T, the number of steps the drive covers."""
        return self.shift.shape[0]


def check_gates(cell: str, gates: Mapping[str, object] | list[str], what: str,
                argument: str | None = None) -> None:
    """Raise ConfigError (for ``argument``) for a gate name the cell does not have."""
    if cell not in GATES:
        raise ConfigError(f"unknown cell {cell!r} (choose from {', '.join(CELLS)})")
    for gate in gates:
        if gate not in GATES[cell]:
            have = ", ".join(GATES[cell]) or "none"
            raise ConfigError(f"{what}: the {cell} cell has no gate {gate!r} (its gates: {have})",
                              argument)


def make_drive(cell: str, fixed: Mapping[str, float] | tuple[tuple[str, float], ...],
               holds: tuple[Hold, ...],
               steps: int, epsilon: float) -> Drive:
    """Build the Drive of ``cell`` for ``steps`` steps from fixed gates and holds.

    ``fixed`` is a mapping gate -> constant, or the equivalent (gate, constant) pairs."""
    fixed = dict(fixed)
    check_gates(cell, fixed, "fixed")
    check_gates(cell, [h.gate for h in holds], "hold")
    if not 0.0 < epsilon < 0.5:
        raise ConfigError(f"epsilon must be in (0, 0.5), got {epsilon}")
    for gate, value in fixed.items():
        if not (isinstance(value, (int, float)) and 0.0 <= float(value) <= 1.0):
            raise ConfigError(f"fixed {gate}={value}: a fixed gate must be a number in [0, 1]")
    names = GATES[cell]
    shift = np.zeros((steps, len(names)))
    for h in holds:
        if not holdable(h.value):
            raise ConfigError(f"hold {h.gate}={h.value}: a held gate is 0 or 1 (held near ε or "
                              f"1-ε) or a value in (0, 1)")
        if h.gate in fixed:
            raise ConfigError(f"hold {h.gate}: the gate is fixed, so it cannot be held")
        if h.start < 1 or (h.stop is not None and h.stop < h.start):
            raise ConfigError(f"hold {h.gate}: empty step range {h.start}..{h.stop}")
        stop = steps if h.stop is None else min(h.stop, steps)    # past the horizon: no step
        shift[h.start - 1:stop, names.index(h.gate)] = hold_shift(h.value, epsilon)
    return Drive(tuple(float(fixed[g]) if g in fixed else None for g in names), shift)


def stack(drives: "list[Drive]") -> Drive:
    """K drives of the same cell with the same fixed gates as one, with shift (T, K, G)."""
    fixed = {d.fixed for d in drives}
    if len(fixed) != 1:
        raise ValueError("only drives with the same fixed gates can run together")
    return Drive(drives[0].fixed, np.stack([d.shift for d in drives], axis=1))


def check_holds(holds: tuple[Hold, ...], steps: int) -> None:
    """Holds that can all happen within ``steps`` steps and never ask one gate for both
    values at one step, else :class:`ConfigError`."""
    for h in holds:
        if h.start < 1 or (h.stop is not None and h.stop < h.start):
            raise ConfigError(f"hold {h.gate}={h.value}@{h.start}:{h.stop or ''}: the steps run "
                              f"from 1 and stop after they start")
        if h.start > steps:
            raise ConfigError(f"hold {h.gate}={h.value}@{h.start}: the simulation has only "
                              f"{steps} steps", "steps")
    for i, a in enumerate(holds):
        for b in holds[i + 1:]:
            if a.gate != b.gate or a.value == b.value:
                continue
            end_a, end_b = a.stop or steps, b.stop or steps
            if a.start <= end_b and b.start <= end_a:
                at = max(a.start, b.start)
                raise ConfigError(f"holds {a.gate}={a.value} and {b.gate}={b.value} both "
                                  f"cover step {at}: a gate cannot be held at two values at "
                                  f"once")
