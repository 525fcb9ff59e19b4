"""GRU in the course's notation (Γu = 1 overwrites the memory, Γu = 0 keeps it).

reset "before" (course, Cho 2014):  c̃ = tanh(Wc[Γr * c<t-1>, x<t>] + bc)
reset "after"  (PyTorch, cuDNN):    c̃ = tanh(Wc_x x<t> + bc + Γr * (Wc_h c<t-1> + bh))
both:  Γu = σ(Wu[c<t-1>, x<t>] + bu),  Γr = σ(Wr[c<t-1>, x<t>] + br),
       c<t> = Γu * c̃ + (1 - Γu) * c<t-1>
Weight blocks: rows [0:n] Γu, [n:2n] Γr, [2n:3n] c̃.

Jacobian, with α = (c̃ - c<t-1>) Γu',  β = Γu (1 - c̃²)  (Γ' = dΓ/dpre, 0 for a fixed gate):

    before: ∂c<t>/∂c<t-1> = diag(1 - Γu) + diag(α) Wu_h + diag(β) Wc_h (diag(Γr) + diag(c Γr') Wr_h)
    after:  ∂c<t>/∂c<t-1> = diag(1 - Γu) + diag(α) Wu_h + diag(β hn Γr') Wr_h + diag(β Γr) Wc_h
with hn = Wc_h c<t-1> + bh; ∂c<t>/∂x<t> likewise with the input blocks (and no diag terms).

Shapes: S cells, hidden n, inputs m; every state array may carry extra leading axes (several
gate scenarios of the same cells), which the weights broadcast over.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .weights import Fixed, Weights, gates, project


class Cache(NamedTuple):
    """What the GRU's step keeps for its Jacobians (gates, candidate, slopes)."""
    c_prev: np.ndarray   # c<t-1>, (..., S, n)
    gu: np.ndarray       # Γu, (..., S, n)
    dgu: np.ndarray      # dΓu/dpre (0 when fixed)
    gr: np.ndarray       # Γr
    dgr: np.ndarray      # dΓr/dpre
    ct: np.ndarray       # c̃<t>
    hn: np.ndarray       # "after": Wc_h c<t-1> + bh; "before": None
    after: bool


inputs = project


def step(w: Weights, c: np.ndarray, px: np.ndarray, fixed: Fixed, shift: np.ndarray,
         reset: str = "before") -> tuple[np.ndarray, Cache]:
    """c : (..., S, n), px = Wx x<t> + b : (S, 3n), shift : (..., 2) -> c<t> : (..., S, n)."""
    n = c.shape[-1]
    after = reset == "after"
    ph = (w.Wh[:, : (3 if after else 2) * n] @ c[..., None])[..., 0]
    g, dg = gates(px[:, :2 * n] + ph[..., :2 * n], fixed, shift)
    gu, gr, dgu, dgr = g[..., :n], g[..., n:], dg[..., :n], dg[..., n:]
    if after:
        hn = ph[..., 2 * n:] + w.bh
        ct = np.tanh(px[:, 2 * n:] + gr * hn)
    else:
        hn = None
        ct = np.tanh(px[:, 2 * n:] + (w.Wh[:, 2 * n:] @ (gr * c)[..., None])[..., 0])
    c_new = ct - c
    c_new *= gu
    c_new += c                                                    # Γu c̃ + (1 - Γu) c
    return c_new, Cache(c, gu, dgu, gr, dgr, ct, hn, after)


def jacobians(w: Weights, cache: Cache, fixed: Fixed, inputs: bool
              ) -> tuple[np.ndarray, np.ndarray | None]:
    """A = ∂c<t>/∂c<t-1> : (..., S, n, n) and, if ``inputs``, B = ∂c<t>/∂x<t> : (..., S, n, m)."""
    c, gu, dgu, gr, dgr, ct, hn, after = cache
    n = c.shape[-1]
    alpha = ((ct - c) * dgu)[..., None]
    beta = (gu * (1.0 - ct * ct))[..., None]
    reset_free = fixed[1] is None
    idx = np.arange(n)

    def block(W: np.ndarray, recurrent: bool) -> np.ndarray:
        """The Wh (recurrent) or Wx part of the Jacobian."""
        Wu, Wr, Wc = W[:, :n], W[:, n:2 * n], W[:, 2 * n:]
        if after:
            out = (beta * gr[..., None]) * Wc if recurrent else beta * Wc
            if reset_free:
                out += (beta * (hn * dgr)[..., None]) * Wr
        else:
            if reset_free:
                R = (c * dgr)[..., None] * Wr                     # diag(c Γr') Wr
                if recurrent:
                    R[..., idx, idx] += gr
                out = (beta * w.Wh[:, 2 * n:]) @ R
            elif recurrent:
                out = beta * w.Wh[:, 2 * n:] * gr[..., None, :]   # diag(β) Wc_h diag(Γr)
            else:
                out = np.zeros((*c.shape[:-1], n, W.shape[-1]))
            if not recurrent:
                out += beta * Wc
        if fixed[0] is None:
            out += alpha * Wu
        return out

    A = block(w.Wh, True)
    A[..., idx, idx] += 1.0 - gu
    return A, (block(w.Wx, False) if inputs else None)


def tangent(w: Weights, cache: Cache, fixed: Fixed, J: np.ndarray) -> np.ndarray:
    """∂c<t>/∂c<t-1> · J for J = ∂c<t-1>/∂(c<0>, x<1>) : (..., S, n, k) (the dense product:
    fewer flops than a structured one for the GRU)."""
    return jacobians(w, cache, fixed, False)[0] @ J


def output(c: np.ndarray) -> np.ndarray:
    """The memory c<t> of a state (the GRU's state is c)."""
    return c
