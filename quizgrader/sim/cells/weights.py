"""Batched cell weights, random initialisation, and the gate helper shared by the cells."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..gates import GATES, sigmoid_slope


def blocks(cell: str) -> int:
    """Number of weight blocks (gates + candidate), stacked in this order:
    rnn and indrnn [c̃], gru [Γu, Γr, c̃], lstm [Γu, Γf, Γo, c̃], janet and mgu [Γf, c̃]."""
    return len(GATES[cell]) + 1


#: The fixed value of each gate of a cell, in weight-block order (None: the gate is computed).
Fixed = tuple[float | None, ...]


@dataclass(frozen=True)
class Weights:
    """The weights of S cells of one kind, gate blocks stacked along the rows.

    Wh : ndarray, shape (S, B*n, n)   recurrent weights (act on c<t-1>, or a<t-1> for the LSTM)
    Wx : ndarray, shape (S, B*n, m)   input weights
    b  : ndarray, shape (S, B*n)      biases
    bh : ndarray, shape (S, n)        GRU ``reset: after`` only: the recurrent bias inside
                                      Γr * (Wh_c c<t-1> + bh) (PyTorch's b_hn); zeros otherwise
    """

    Wh: np.ndarray
    Wx: np.ndarray
    b: np.ndarray
    bh: np.ndarray

    @property
    def seeds(self) -> int:
        """S, the number of cells."""
        return self.Wh.shape[0]

    @property
    def hidden(self) -> int:
        """n, the hidden size."""
        return self.Wh.shape[2]

    @property
    def inputs(self) -> int:
        """m, the input size."""
        return self.Wx.shape[2]


def random_weights(rng: np.random.Generator, cell: str, seeds: int, hidden: int, inputs: int,
                   scale: float = 1.0, u_range: tuple[float, float] = (0.0, 1.0)) -> Weights:
    """S random cells: W = [Wh | Wx] ~ N(0, scale²/(hidden+inputs)), biases 0. The IndRNN's
    recurrent weights are one number per unit, Wh = diag(u), u ~ U(``u_range``), drawn after
    W from the same generator."""
    rows = blocks(cell) * hidden
    W = rng.standard_normal((seeds, rows, hidden + inputs)) * (scale / np.sqrt(hidden + inputs))
    if cell == "indrnn":
        u = rng.uniform(u_range[0], u_range[1], (seeds, hidden))
        W[:, :, :hidden] = 0.0
        W[:, np.arange(hidden), np.arange(hidden)] = u
    return Weights(Wh=np.ascontiguousarray(W[:, :, :hidden]),
                   Wx=np.ascontiguousarray(W[:, :, hidden:]),
                   b=np.zeros((seeds, rows)), bh=np.zeros((seeds, hidden)))


def project_cells(w: Weights, x: np.ndarray) -> np.ndarray:
    """The input part of every pre-activation, for all steps at once, cell-major:
    px<t> = Wx x<t> + b, x : (T, S, m) -> (S, T, B·n), C-contiguous. (Both factors are made
    contiguous first: numpy's batched product then runs one BLAS call per cell, twice as fast
    as on the transposed views, with the same bits.)"""
    xs = np.ascontiguousarray(x.transpose(1, 0, 2))
    px = np.matmul(xs, np.ascontiguousarray(w.Wx.transpose(0, 2, 1)))
    px += w.b[:, None, :]
    return px


def project(w: Weights, x: np.ndarray) -> np.ndarray:
    """:func:`project_cells`, step-major: (T, S, B·n)."""
    return np.ascontiguousarray(project_cells(w, x).transpose(1, 0, 2))


def gates(pre: np.ndarray, fixed: Fixed, shift: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All G gates at once: ``pre`` (..., S, G·n) holds their pre-activations side by side,
    ``shift`` (..., G) their shifts; returns the gates and their slopes, (..., S, G·n) each
    (a fixed gate is its constant, with slope 0). One call instead of G: what dominates a
    step at small hidden sizes is the number of numpy calls, not their size."""
    n = pre.shape[-1] // len(fixed)
    g, dg = sigmoid_slope(pre + np.repeat(shift, n, axis=-1)[..., None, :])
    for i, f in enumerate(fixed):
        if f is not None:
            g[..., i * n:(i + 1) * n] = f
            dg[..., i * n:(i + 1) * n] = 0.0
    return g, dg
