"""MGU, the minimal gated unit (Zhou et al. 2016): a GRU whose one gate Γf does the work of
both Γu and Γr:

Γf = σ(Wf[c<t-1>, x<t>] + bf),  c̃ = tanh(Wc[Γf * c<t-1>, x<t>] + bc)
c<t> = (1 - Γf) * c<t-1> + Γf * c̃      (Γf ≈ 0 keeps the memory, like the course's Γu)
Weight blocks: rows [0:n] Γf, [n:2n] c̃.

Jacobian, with α = (c̃ - c<t-1>) Γf', β = Γf (1 - c̃²) (Γf' = dΓf/dpre, 0 when fixed):

    ∂c<t>/∂c<t-1> = diag(1 - Γf) + diag(α) Wf_h + diag(β) Wc_h (diag(Γf) + diag(c Γf') Wf_h)
    ∂c<t>/∂x<t>   = diag(α) Wf_x + diag(β) (Wc_x + Wc_h diag(c Γf') Wf_x)
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .weights import Fixed, Weights, gates, project


class Cache(NamedTuple):
    """What the MGU step keeps for its Jacobians."""
    c_prev: np.ndarray   # c<t-1>, (..., S, n)
    gf: np.ndarray       # Γf
    dgf: np.ndarray      # dΓf/dpre
    ct: np.ndarray       # c̃<t>


inputs = project


def step(w: Weights, c: np.ndarray, px: np.ndarray, fixed: Fixed, shift: np.ndarray
         ) -> tuple[np.ndarray, Cache]:
    """c : (..., S, n), px = Wx x<t> + b : (S, 2n), shift : (..., 1) -> c<t> : (..., S, n)."""
    n = c.shape[-1]
    gf, dgf = gates((w.Wh[:, :n] @ c[..., None])[..., 0] + px[:, :n], fixed, shift)
    ct = np.tanh(px[:, n:] + (w.Wh[:, n:] @ (gf * c)[..., None])[..., 0])
    c_new = ct - c
    c_new *= gf
    c_new += c                                                    # Γf c̃ + (1 - Γf) c
    return c_new, Cache(c, gf, dgf, ct)


def jacobians(w: Weights, cache: Cache, fixed: Fixed, inputs: bool
              ) -> tuple[np.ndarray, np.ndarray | None]:
    """A = ∂c<t>/∂c<t-1> : (..., S, n, n) and, if ``inputs``, B = ∂c<t>/∂x<t> : (..., S, n, m)."""
    c, gf, dgf, ct = cache
    n = c.shape[-1]
    alpha = ((ct - c) * dgf)[..., None]
    beta = (gf * (1.0 - ct * ct))[..., None]
    Wc_h = beta * w.Wh[:, n:]                                     # diag(β) Wc_h
    free = fixed[0] is None
    idx = np.arange(n)
    if free:
        R = (c * dgf)[..., None] * w.Wh[:, :n]                    # diag(c Γf') Wf_h
        R[..., idx, idx] += gf
        A = Wc_h @ R + alpha * w.Wh[:, :n]
    else:
        A = Wc_h * gf[..., None, :]
    A[..., idx, idx] += 1.0 - gf
    if not inputs:
        return A, None
    B = beta * w.Wx[:, n:]
    if free:
        B = B + Wc_h @ ((c * dgf)[..., None] * w.Wx[:, :n]) + alpha * w.Wx[:, :n]
    return A, B


def tangent(w: Weights, cache: Cache, fixed: Fixed, J: np.ndarray) -> np.ndarray:
    """∂c<t>/∂c<t-1> · J (the dense product)."""
    return jacobians(w, cache, fixed, False)[0] @ J


def output(c: np.ndarray) -> np.ndarray:
    """The memory c<t> of a state (the MGU's state is c)."""
    return c
