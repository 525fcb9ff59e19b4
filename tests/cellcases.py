"""Shared strategies and helpers for the cell tests: one cell configuration in every gate mode."""
from __future__ import annotations

import os
from contextlib import contextmanager
from importlib.util import find_spec
from typing import Iterator

import numpy as np
from hypothesis import strategies as st

from quizgrader.sim.cells.weights import Weights, random_weights
from quizgrader.sim.gates import CELLS, GATES, Hold, make_drive
from quizgrader.sim.model import CELL_ACTIVATIONS, Model
from quizgrader.sim.simulate import initial_state

MODES = st.sampled_from(["free", "fixed", "held0", "held1"])
#: The backends of the Jacobian products to check: the numpy reference, and the compiled
#: kernels where numba is installed (CI installs it).
KERNELS = ["numpy"] + (["numba"] if find_spec("numba") else [])


@contextmanager
def kernel(name: str) -> Iterator[None]:
    """Run the block with ``$QUIZGRADER_KERNEL`` set to ``name``."""
    old = os.environ.get("QUIZGRADER_KERNEL")
    os.environ["QUIZGRADER_KERNEL"] = name
    try:
        yield
    finally:
        if old is None:
            del os.environ["QUIZGRADER_KERNEL"]
        else:
            os.environ["QUIZGRADER_KERNEL"] = old


@st.composite
def configs(draw):
    """(model, holds, weights, state0, x) with random sizes, values and gate modes."""
    cell = draw(st.sampled_from(CELLS))
    n = draw(st.integers(1, 5))
    m = draw(st.integers(1, 4))
    S = draw(st.integers(1, 3))
    T = draw(st.integers(1, 4))
    seed = draw(st.integers(0, 2**32 - 1))
    scale = draw(st.floats(0.1, 3.0))
    fixed, holds = {}, []
    for g in GATES[cell]:
        mode = draw(MODES)
        if mode == "fixed":
            fixed[g] = draw(st.floats(0.0, 1.0))
        elif mode.startswith("held"):
            start = draw(st.integers(1, T))
            holds.append(Hold(g, int(mode[-1]), start, draw(st.none() | st.just(start))))
    activation = draw(st.sampled_from(CELL_ACTIVATIONS.get(cell, ("tanh",))))
    reset = draw(st.sampled_from(["before", "after"])) if cell == "gru" else "before"
    model = Model(cell, fixed, activation, reset, scale)
    rng = np.random.default_rng(seed)
    w = random_weights(rng, cell, S, n, m, scale, u_range=(-1.5, 1.5))
    w = Weights(w.Wh, w.Wx, 0.3 * rng.standard_normal(w.b.shape),
                0.3 * rng.standard_normal(w.bh.shape) if reset == "after" else w.bh)
    state0 = initial_state(rng, cell, S, n)
    x = rng.standard_normal((T, S, m))
    return model, tuple(holds), w, state0, x


def drive_of(model, holds, T, epsilon=0.05):
    return make_drive(model.cell, model.fixed, holds, T, epsilon)


def forward(model, w, state, x_t, fixed, shift):
    """One step of ``model`` from the raw input x<t> : (S, m): (state<t>, cache)."""
    px = model.equations().inputs(w, x_t[None])[0]
    return model.stepper()(w, state, px, fixed, shift)


def run_states(model, w, state0, x, drive):
    """Forward only: the state after T steps, shape (S, d)."""
    s = state0
    for t in range(x.shape[0]):
        s, _ = forward(model, w, s, x[t], drive.fixed, drive.shift[t])
    return s


def denormal_forget_case():
    """Regression: an LSTM with Γf fixed at a denormal number once overflowed the rescaling."""
    model = Model("lstm", {"forget": 2.2250738585e-313})
    rng = np.random.default_rng(0)
    w = random_weights(rng, "lstm", 1, 1, 1, 1.0)
    return model, (), w, initial_state(rng, "lstm", 1, 1), rng.standard_normal((3, 1, 1))
