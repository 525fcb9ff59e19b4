"""The initialisations of format v1.2 on top of the gaussian cells of
:func:`~.cells.weights.random_weights`:

- ``recurrent: orthogonal``: each hidden×hidden block Wh_g = scale × Q, Q Haar-random
  orthogonal (the Q of a gaussian matrix's QR, its columns' signs fixed by R's diagonal;
  Mezzadri 2007); ``identity``: Wh_g = scale × I. With either, the input blocks are drawn
  again from N(0, 1/inputs), so ``scale`` sets only the recurrent spectrum (Saxe et al. 2013;
  IRNN, Le et al. 2015);
- ``chrono: T_max`` (Tallec & Ollivier 2018; T_max a real number ≥ 2): b_f ~ log U(1,
  T_max − 1) per unit and, for the LSTM, b_u = −b_f (a JANET's forget bias is added to b_f);
- ``bias: {gate: b}``: b added to that gate's pre-activation at every step.

The extra numbers come from a generator of their own, seeded by (seed, :data:`STREAM`), so a
model's state c<0> and inputs x<t> are those of the same model with the default init: the
two are compared on the same sequences.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from .cells.weights import Weights
from .gates import GATES
from .model import Model

#: The second word of the seed of the initialisation's generator.
STREAM = 0x1A17


def haar(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Haar-random orthogonal matrices of shape (..., n, n)."""
    q, r = np.linalg.qr(rng.standard_normal(shape))
    d = np.sign(np.diagonal(r, axis1=-2, axis2=-1))
    d[d == 0] = 1.0
    return q * d[..., None, :]


def chrono_bias(rng: np.random.Generator, T_max: float, shape: tuple[int, ...]) -> np.ndarray:
    """b_f ~ log U(1, T_max − 1), one per unit."""
    return np.log(rng.uniform(1.0, T_max - 1.0, shape))


def customised(model: Model) -> bool:
    """True when the model asks for more than the gaussian cells."""
    return model.recurrent != "gaussian" or bool(model.bias) or model.chrono is not None


def add_bias(w: Weights, model: Model) -> Weights:
    """``w`` (weights from a file, say) with ``model.bias`` added to its gates' biases."""
    if not model.bias:
        return w
    n, names, b = w.hidden, GATES[model.cell], w.b.copy()
    for gate, value in model.bias:
        i = names.index(gate)
        b[:, i * n:(i + 1) * n] += value
    return replace(w, b=b)


def gate_biases(w: Weights, cell: str) -> dict[str, float]:
    """The mean bias of each gate over its units and cells (a PyTorch file's two biases are
    summed when it is loaded: a forget bias of 1 in both is 2)."""
    n = w.hidden
    return {g: float(w.b[:, i * n:(i + 1) * n].mean()) for i, g in enumerate(GATES[cell])}


def initialise(w: Weights, model: Model, seed: int) -> Weights:
    """The weights ``w`` of S gaussian cells with ``model``'s v1.2 init options applied
    (``w`` itself when it has none). Wh (S, B·n, n), Wx (S, B·n, m), b (S, B·n)."""
    if not customised(model):
        return w
    rng = np.random.default_rng([seed, STREAM])
    S, rows, n = w.Wh.shape
    m = w.inputs
    Wh, Wx, b = w.Wh, w.Wx, w.b.copy()
    if model.recurrent != "gaussian":
        B = rows // n
        if model.recurrent == "orthogonal":
            blocks = model.scale * haar(rng, (S, B, n, n))
        else:
            blocks = np.broadcast_to(model.scale * np.eye(n), (S, B, n, n))
        Wh = np.ascontiguousarray(blocks.reshape(S, rows, n))
        Wx = rng.standard_normal((S, rows, m)) / np.sqrt(m)
    names = GATES[model.cell]

    def block(gate: str) -> slice:
        i = names.index(gate)
        return slice(i * n, (i + 1) * n)

    if model.chrono is not None:
        bf = chrono_bias(rng, model.chrono, (S, n))
        b[:, block("forget")] = bf
        if model.cell == "lstm":
            b[:, block("update")] = -bf
    return add_bias(replace(w, Wh=Wh, Wx=Wx, b=b), model)
