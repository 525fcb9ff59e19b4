"""JANET (van der Westhuizen & Lasenby 2018, "just another network", β = 1): an LSTM with the
forget gate only, its input gate tied to it:

s = Wf[c<t-1>, x<t>] + bf,  Γf = σ(s),  i = 1 - σ(s - β),  c̃ = tanh(Wc[c<t-1>, x<t>] + bc)
c<t> = Γf * c<t-1> + i * c̃
Weight blocks: rows [0:n] Γf, [n:2n] c̃.

A held or fixed Γf replaces σ(s) and σ(s - β) alike (i = 1 - Γf): the quiz's "Γf ≈ 1" then
means "keep, and write nothing". Jacobian, with Γ' = dΓf/ds and i' = -dσ(s - β)/ds (both 0
for a fixed gate; i' = -Γ' when held):

    ∂c<t>/∂c<t-1> = diag(Γf) + diag(c<t-1> Γ' + c̃ i') Wf_h + diag(i (1 - c̃²)) Wc_h
and ∂c<t>/∂x<t> likewise with the input blocks (no diagonal term).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..gates import sigmoid_slope
from .weights import Fixed, Weights, gates, project

#: The offset between JANET's forget and input gates.
BETA = 1.0


class Cache(NamedTuple):
    """What the JANET step keeps for its Jacobians."""
    c_prev: np.ndarray   # c<t-1>, (..., S, n)
    gf: np.ndarray       # Γf
    dgf: np.ndarray      # dΓf/ds
    gi: np.ndarray       # i = 1 - σ(s - β) (or 1 - Γf)
    dgi: np.ndarray      # di/ds
    ct: np.ndarray       # c̃<t>


inputs = project


def input_gate(s: np.ndarray, gf: np.ndarray, dgf: np.ndarray, fixed: Fixed,
               shift: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """i = 1 - σ(s - β) and di/ds where Γf is free; 1 - Γf and -dΓf/ds where it is held
    (shift ≠ 0) or fixed. shift : (..., 1), s : (..., S, n)."""
    if fixed[0] is not None:
        return 1.0 - gf, np.zeros_like(gf)
    h, dh = sigmoid_slope(s - BETA)
    held = (np.asarray(shift)[..., 0] != 0.0)[..., None, None]
    return np.where(held, 1.0 - gf, 1.0 - h), np.where(held, -dgf, -dh)


def step(w: Weights, c: np.ndarray, px: np.ndarray, fixed: Fixed, shift: np.ndarray
         ) -> tuple[np.ndarray, Cache]:
    """c : (..., S, n), px = Wx x<t> + b : (S, 2n), shift : (..., 1) -> c<t> : (..., S, n)."""
    n = c.shape[-1]
    p = (w.Wh @ c[..., None])[..., 0] + px                           # (..., S, 2n)
    s = p[..., :n]
    gf, dgf = gates(s, fixed, shift)
    gi, dgi = input_gate(s, gf, dgf, fixed, shift)
    ct = np.tanh(p[..., n:])
    return gf * c + gi * ct, Cache(c, gf, dgf, gi, dgi, ct)


def jacobians(w: Weights, cache: Cache, fixed: Fixed, inputs: bool
              ) -> tuple[np.ndarray, np.ndarray | None]:
    """A = ∂c<t>/∂c<t-1> : (..., S, n, n) and, if ``inputs``, B = ∂c<t>/∂x<t> : (..., S, n, m)."""
    c, gf, dgf, gi, dgi, ct = cache
    n = c.shape[-1]
    beta = (gi * (1.0 - ct * ct))[..., None]

    def block(W: np.ndarray) -> np.ndarray:
        out = beta * W[:, n:]
        if fixed[0] is None:
            out = out + (c * dgf + ct * dgi)[..., None] * W[:, :n]
        return out

    A = block(w.Wh)
    idx = np.arange(n)
    A[..., idx, idx] += gf
    return A, (block(w.Wx) if inputs else None)


def tangent(w: Weights, cache: Cache, fixed: Fixed, J: np.ndarray) -> np.ndarray:
    """∂c<t>/∂c<t-1> · J (the dense product)."""
    return jacobians(w, cache, fixed, False)[0] @ J


def output(c: np.ndarray) -> np.ndarray:
    """The memory c<t> of a state (JANET's state is c)."""
    return c
