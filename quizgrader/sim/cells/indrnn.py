"""IndRNN, the independently recurrent network (Li et al. 2018): each unit feeds back only
itself, through one weight u:

c<t> = act(Wx x<t> + u * c<t-1> + b),   act = relu (default) or tanh
The recurrent weights are kept as the diagonal matrix Wh = diag(u) (one block, rows [0:n]).

The Jacobian is diagonal: ∂c<t>/∂c<t-1> = diag(u act'(pre)), so over T steps
∂c<T>/∂c<0> = diag(Π_t u act'(pre<t>)): with the unit active (act' = 1 for ReLU) its gain is
u^T, which u alone decides. ∂c<t>/∂x<t> = diag(act'(pre)) Wx.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .rnn import activate
from .weights import Fixed, Weights, project


class Cache(NamedTuple):
    """What the IndRNN's step keeps for its Jacobians."""
    du: np.ndarray     # u act'(pre), the diagonal of ∂c<t>/∂c<t-1>, (..., S, n)
    slope: np.ndarray  # act'(pre)


inputs = project


def recurrent(w: Weights) -> np.ndarray:
    """u, the diagonal of Wh : (S, n)."""
    return np.diagonal(w.Wh, axis1=-2, axis2=-1)


def step(w: Weights, c: np.ndarray, px: np.ndarray, fixed: Fixed, shift: np.ndarray,
         activation: str = "relu") -> tuple[np.ndarray, Cache]:
    """c : (..., S, n), px = Wx x<t> + b : (S, n) -> c<t> : (..., S, n). No gates."""
    u = recurrent(w)
    c_new, slope = activate(u * c + px, activation)
    return c_new, Cache(u * slope, slope)


def jacobians(w: Weights, cache: Cache, fixed: Fixed, inputs: bool
              ) -> tuple[np.ndarray, np.ndarray | None]:
    """A = ∂c<t>/∂c<t-1> : (..., S, n, n) (diagonal) and, if ``inputs``,
    B = ∂c<t>/∂x<t> : (..., S, n, m)."""
    n = cache.du.shape[-1]
    A = np.zeros((*cache.du.shape, n))
    idx = np.arange(n)
    A[..., idx, idx] = cache.du
    return A, (cache.slope[..., None] * w.Wx if inputs else None)


def tangent(w: Weights, cache: Cache, fixed: Fixed, J: np.ndarray) -> np.ndarray:
    """∂c<t>/∂c<t-1> · J = diag(u act') J: one multiply per entry."""
    return cache.du[..., None] * J


def output(c: np.ndarray) -> np.ndarray:
    """The memory c<t> of a state (the IndRNN's state is c)."""
    return c
