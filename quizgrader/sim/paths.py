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
from functools import lru_cache
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

    keep   : the copy path, mean over the units of diag(∂c<t>/∂c<t−1>) with Wh = 0 (0 to 1)
    reads  : what a step writes depends on c<t−1>
    writes : a step writes its input into the memory at all (∂c<t>/∂x<t> ≠ 0)
    shows  : the rest of the state, the cell's output (the LSTM's a<t> = Γo tanh(c<t>)),
             depends on the memory; always where the state is the memory alone
    """

    keep: float
    reads: bool
    writes: bool = True
    shows: bool = True

    @property
    def copies(self) -> bool:
        """A step carries the memory over whole (keep = 1)."""
        return abs(self.keep - 1.0) < TOL

    @property
    def overwrites(self) -> bool:
        """A step carries nothing over as it is (keep = 0)."""
        return abs(self.keep) < TOL


@lru_cache(maxsize=64)
def _cells(model: Model) -> tuple[Weights, np.ndarray, np.ndarray]:
    """The probe's few random cells, state and inputs (drawn once per model; read-only, as
    every probe of the model shares them)."""
    rng = np.random.default_rng(0)
    w = random_weights(rng, model.cell, _SEEDS, _HIDDEN, _INPUTS, 1.0, model.u_range)
    state0 = initial_state(rng, model.cell, _SEEDS, _HIDDEN)
    x = rng.standard_normal((2, _SEEDS, _INPUTS))
    for a in (w.Wh, w.Wx, w.b, w.bh, state0, x):
        a.setflags(write=False)
    return w, state0, x


def _memory(eq: Equations, d: int) -> np.ndarray:
    """The indices of the memory c within a state of size d."""
    return eq.output(np.arange(d, dtype=float)).astype(int)


def _at(model: Model, values: Mapping[str, float]) -> tuple[float, ...]:
    """Every gate of the cell at its value, in the cell's gate order."""
    return tuple(float(values[g]) for g in GATES[model.cell])


def _keep(model: Model, fixed: tuple[float, ...],
          equations: Mapping[str, Equations] | None) -> float:
    """keep: the mean diagonal of ∂c<t>/∂c<t−1> with Wh = 0 and the gates at ``fixed``."""
    eq, step = model.equations(equations), model.stepper(equations)
    w, s, x = _cells(model)
    m = _memory(eq, s.shape[-1])
    still = replace(w, Wh=np.zeros_like(w.Wh))
    _, cache = step(still, s, eq.inputs(still, x)[0], fixed, np.zeros(len(fixed)))
    A0, _ = eq.jacobians(still, cache, fixed, False)
    return float(np.mean(np.diagonal(A0[..., m[:, None], m[None, :]], axis1=-2, axis2=-1)))


def _copying(model: Model, fixed: tuple[float, ...],
             equations: Mapping[str, Equations] | None) -> tuple[float, ...] | None:
    """The gates at ``fixed`` but for one gate set to 0 or 1 so that a step copies the
    memory whole (keep = 1); None when no single gate does (a cell without gates)."""
    for i in range(len(fixed)):
        for v in (0.0, 1.0):
            trial = fixed[:i] + (v,) + fixed[i + 1:]
            if abs(_keep(model, trial, equations) - 1.0) < TOL:
                return trial
    return None


def paths(model: Model, values: Mapping[str, float],
          equations: Mapping[str, Equations] | None = None) -> Paths:
    """The paths of ``model``'s cell with its gates at ``values`` (every gate of the cell;
    fixed at those constants, whatever the model fixes).

    reads: the step's Jacobian on the memory, less its copy path, is not zero. A state may
    hold more than c (the LSTM's a<t−1> = Γo tanh(c<t−1>)), so the step is measured after a
    step that copies c and derives the rest of the state from it (∂s<t−1>/∂c<t−2> then says
    how the rest follows c): the product's block on c is keep plus every path through what
    the step writes. A cell that cannot copy (no gates) has the memory as its whole state,
    and its one step is measured alone."""
    eq, step = model.equations(equations), model.stepper(equations)
    fixed = _at(model, values)
    shift = np.zeros(len(fixed))
    keep = _keep(model, fixed, equations)
    w, s, x = _cells(model)
    m = _memory(eq, s.shape[-1])
    px = eq.inputs(w, x)
    first = _copying(model, fixed, equations)
    out = np.setdiff1d(np.arange(s.shape[-1]), m)       # the rest of the state: the output
    shows = True
    if first is None:
        _, c1 = step(w, s, px[0], fixed, shift)
        A, _ = eq.jacobians(w, c1, fixed, False)
        block = A[..., m[:, None], m[None, :]]
    else:
        s1, c1 = step(w, s, px[0], first, shift)
        _, c2 = step(w, s1, px[1], fixed, shift)
        A1, _ = eq.jacobians(w, c1, first, False)
        A2, _ = eq.jacobians(w, c2, fixed, False)
        block = (A2 @ A1)[..., m[:, None], m[None, :]]
        # after a copying step (c<t> = c<t−1> + what is written): the output's rows on c<t−1>
        shows = not len(out) or bool(np.max(np.abs(A1[..., out[:, None], m[None, :]])) > TOL)
    rest = block - keep * np.eye(len(m))
    _, c0 = step(w, s, px[0], fixed, shift)
    _, B = eq.jacobians(w, c0, fixed, True)
    writes = B is not None and bool(np.max(np.abs(B[..., m, :])) > TOL)
    return Paths(keep, bool(np.max(np.abs(rest)) > TOL), writes, shows)


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
            lo = _keep(model, _at(model, {**at, g: 0.0}), equations)
            hi = _keep(model, _at(model, {**at, g: 1.0}), equations)
            if abs(hi - lo) > TOL:
                out.append(g)
                break
    return tuple(out)
