"""Plain RNN: c<t> = φ(Wh c<t-1> + Wx x<t> + b), φ = tanh, relu or linear.

Jacobians: ∂c<t>/∂c<t-1> = diag(φ'(pre)) Wh,  ∂c<t>/∂x<t> = diag(φ'(pre)) Wx.
Shapes as in :mod:`.gru` (extra leading axes allowed on the state).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .weights import Fixed, Weights, project


class Cache(NamedTuple):
    """What the RNN's step keeps for its Jacobians (the activation's slope)."""
    slope: np.ndarray  # φ'(pre), shape (..., S, n)


inputs = project


def activate(pre: np.ndarray, activation: str) -> tuple[np.ndarray, np.ndarray]:
    """φ(pre) and φ'(pre)."""
    if activation == "tanh":
        c = np.tanh(pre)
        return c, 1.0 - c * c
    if activation == "relu":       # heaviside(NaN) is NaN: an overflow never reads as slope 0
        return np.maximum(pre, 0.0), np.heaviside(pre, 0.0)
    return pre.copy(), np.ones_like(pre)


def step(w: Weights, c: np.ndarray, px: np.ndarray, fixed: Fixed, shift: np.ndarray,
         activation: str = "tanh") -> tuple[np.ndarray, Cache]:
    """c : (..., S, n), px = Wx x<t> + b : (S, n) -> c<t> : (..., S, n). No gates."""
    pre = (w.Wh @ c[..., None])[..., 0] + px
    c_new, slope = activate(pre, activation)
    return c_new, Cache(slope)


def jacobians(w: Weights, cache: Cache, fixed: Fixed, inputs: bool
              ) -> tuple[np.ndarray, np.ndarray | None]:
    """A = ∂c<t>/∂c<t-1> : (..., S, n, n) and, if ``inputs``, B = ∂c<t>/∂x<t> : (..., S, n, m)."""
    s = cache.slope[..., None]
    return s * w.Wh, (s * w.Wx if inputs else None)


def tangent(w: Weights, cache: Cache, fixed: Fixed, J: np.ndarray) -> np.ndarray:
    """∂c<t>/∂c<t-1> · J = diag(φ') (Wh J), without forming the Jacobian."""
    out = w.Wh @ J
    out *= cache.slope[..., None]
    return out


def output(c: np.ndarray) -> np.ndarray:
    """The memory c<t> of a state (the RNN's state is c)."""
    return c
