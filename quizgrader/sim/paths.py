"""The two paths a gradient takes through one step, read off the cell's own equations.

    ∂c<t>/∂c<t−1> = diag(keep) + (the path through what the step writes)

*keep* is the copy path: how much of c<t−1> a step carries over as it is (the GRU's 1 − Γu,
the LSTM's and JANET's Γf, the MGU's 1 − Γf, 0 for the RNN). *reads* says whether the rest
of the Jacobian acts on the memory at all: whether what a step writes depends on c<t−1> (not
when nothing is written, or the candidate does not read the memory, as a GRU's with Γr = 0,
or an LSTM's with Γo = 0).

Both are measured, not looked up: every gate is fixed at a constant (so the gates' slopes
drop out) and the cell's ``step`` and ``jacobians`` are run on a few random cells:

- keep  : the diagonal of ∂c<t>/∂c<t−1> with the recurrent weights Wh at zero;
- reads : ‖∂c<t+1>/∂c<t−1> − diag(keep)²‖ > 0 over two steps with random Wh (two, so that
          the LSTM's path c<t−1> → a<t−1> → c<t> is seen too).

So a cell whose equations change (a test hands the simulator a mutated cell) changes what
the explanations say about it. Descriptive only: no verdict reads these numbers.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from typing import Mapping

import numpy as np

from .cells import Equations, Weights
from .cells.weights import random_weights
from .gates import GATES
from .model import Model
from .simulate import initial_state

#: A free gate is probed at these values (its range's ends, and between).
FREE_VALUES = (0.0, 0.5, 1.0)
#: keep and the read path are 0 or 1 below this (the probe's own rounding noise is ~1e-16).
TOL = 1e-9
_SEEDS, _HIDDEN, _INPUTS = 3, 3, 2


@dataclass(frozen=True)
class Paths:
    """One step's two gradient paths at fixed gate values.

    keep  : the copy path, mean over the units of diag(∂c<t>/∂c<t−1>) with Wh = 0 (0 to 1)
    reads : what a step writes depends on c<t−1>
    """

    keep: float
    reads: bool

    @property
    def copies(self) -> bool:
        """A step carries the memory over whole (keep = 1)."""
        return abs(self.keep - 1.0) < TOL

    @property
    def overwrites(self) -> bool:
        """A step carries nothing over as it is (keep = 0)."""
        return abs(self.keep) < TOL


def _cells(model: Model) -> tuple[Weights, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    w = random_weights(rng, model.cell, _SEEDS, _HIDDEN, _INPUTS, 1.0, model.u_range)
    state0 = initial_state(rng, model.cell, _SEEDS, _HIDDEN)
    x = rng.standard_normal((2, _SEEDS, _INPUTS))
    return w, state0, x


def _memory(eq: Equations, d: int) -> np.ndarray:
    """The indices of the memory c within a state of size d."""
    return eq.output(np.arange(d, dtype=float)).astype(int)


def paths(model: Model, values: Mapping[str, float],
          equations: Mapping[str, Equations] | None = None) -> Paths:
    """The paths of ``model``'s cell with its gates at ``values`` (every gate of the cell;
    fixed at those constants, whatever the model fixes)."""
    eq, step = model.equations(equations), model.stepper(equations)
    fixed = tuple(float(values[g]) for g in GATES[model.cell])
    shift = np.zeros(len(fixed))
    w, s, x = _cells(model)
    m = _memory(eq, s.shape[-1])
    still = replace(w, Wh=np.zeros_like(w.Wh))
    _, cache = step(still, s, eq.inputs(still, x)[0], fixed, shift)
    A0, _ = eq.jacobians(still, cache, fixed, False)
    keep = float(np.mean(np.diagonal(A0[..., m[:, None], m[None, :]], axis1=-2, axis2=-1)))
    px = eq.inputs(w, x)
    s1, c1 = step(w, s, px[0], fixed, shift)
    _, c2 = step(w, s1, px[1], fixed, shift)
    A1, _ = eq.jacobians(w, c1, fixed, False)
    A2, _ = eq.jacobians(w, c2, fixed, False)
    two = (A2 @ A1)[..., m[:, None], m[None, :]]
    rest = two - keep * keep * np.eye(len(m))
    return Paths(keep, bool(np.max(np.abs(rest)) > TOL))


def keep_depends_on(model: Model, values: Mapping[str, float | None],
                    equations: Mapping[str, Equations] | None = None) -> tuple[str, ...]:
    """The gates whose value changes ``keep`` while the others stay at ``values`` (a gate
    that is None or absent is free: probed at each of :data:`FREE_VALUES`), in the cell's
    gate order."""
    gates = GATES[model.cell]
    choices = {h: (FREE_VALUES if values.get(h) is None else (float(values[h] or 0.0),))
               for h in gates}
    out = []
    for g in gates:
        rest = [h for h in gates if h != g]
        for combo in itertools.product(*(choices[h] for h in rest)):
            at = dict(zip(rest, combo, strict=True))
            lo = paths(model, {**at, g: 0.0}, equations).keep
            hi = paths(model, {**at, g: 1.0}, equations).keep
            if abs(hi - lo) > TOL:
                out.append(g)
                break
    return tuple(out)
