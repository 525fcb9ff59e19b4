"""LSTM in the course's notation (PyTorch's i, f, o are Γu, Γf, Γo):

c̃<t> = tanh(Wc[a<t-1>, x<t>] + bc),  Γ· = σ(W·[a<t-1>, x<t>] + b·) for Γu, Γf, Γo
c<t> = Γu * c̃<t> + Γf * c<t-1>,      a<t> = Γo * tanh(c<t>)
The state is the pair (c, a), stacked as one array of shape (..., S, 2n): [c | a].
Weight blocks: rows [0:n] Γu, [n:2n] Γf, [2n:3n] Γo, [3n:4n] c̃.

Jacobian (Γ' = dΓ/dpre, 0 for a fixed gate), with K = diag(c̃ Γu') Wu + diag(c Γf') Wf
+ diag(Γu (1 - c̃²)) Wc (the a-columns of ∂c<t>) and q = Γo (1 - tanh²c<t>):

    ∂c<t>/∂c<t-1> = diag(Γf)        ∂c<t>/∂a<t-1> = K_h
    ∂a<t>/∂c<t-1> = diag(q Γf)      ∂a<t>/∂a<t-1> = diag(q) K_h + diag(tanh(c<t>) Γo') Wo_h
and ∂/∂x<t> with the input blocks K_x, Wo_x.

So a tangent J = [Jc; Ja] advances without the dense 2n × 2n matrix, with one product
[K_h; diag(tanh(c<t>) Γo') Wo_h] Ja (half the flops):

    Jc' = Γf Jc + K_h Ja,    Ja' = q Jc' + diag(tanh(c<t>) Γo') Wo_h Ja.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .weights import Fixed, Weights, gates, project


class Cache(NamedTuple):
    """What the LSTM's step keeps for its Jacobians (gates, candidate, tanh(c), slopes)."""
    c_prev: np.ndarray   # c<t-1>, (..., S, n)
    gu: np.ndarray       # Γu and its slope
    dgu: np.ndarray
    gf: np.ndarray       # Γf
    dgf: np.ndarray
    go: np.ndarray       # Γo
    dgo: np.ndarray
    ct: np.ndarray       # c̃<t>
    tc: np.ndarray       # tanh(c<t>)


inputs = project


def step(w: Weights, s: np.ndarray, px: np.ndarray, fixed: Fixed, shift: np.ndarray
         ) -> tuple[np.ndarray, Cache]:
    """s = [c | a] : (..., S, 2n), px = Wx x<t> + b : (S, 4n), shift : (..., 3)
    -> s<t> : (..., S, 2n)."""
    n = s.shape[-1] // 2
    c, a = s[..., :n], s[..., n:]
    p = (w.Wh @ a[..., None])[..., 0] + px                           # (..., S, 4n)
    g, dg = gates(p[..., :3 * n], fixed, shift)
    gu, gf, go = g[..., :n], g[..., n:2 * n], g[..., 2 * n:]
    dgu, dgf, dgo = dg[..., :n], dg[..., n:2 * n], dg[..., 2 * n:]
    ct = np.tanh(p[..., 3 * n:])
    c_new = gu * ct + gf * c
    tc = np.tanh(c_new)
    return (np.concatenate([c_new, go * tc], axis=-1),
            Cache(c, gu, dgu, gf, dgf, go, dgo, ct, tc))


def _K(cache: Cache, fixed: Fixed, W: np.ndarray) -> np.ndarray:
    """K = diag(c̃ Γu') Wu + diag(c Γf') Wf + diag(Γu (1 - c̃²)) Wc for the blocks of W."""
    c, gu, dgu, gf, dgf, go, dgo, ct, tc = cache
    n = c.shape[-1]
    K = (gu * (1.0 - ct * ct))[..., None] * W[:, 3 * n:]
    if fixed[0] is None:
        K += (ct * dgu)[..., None] * W[:, :n]
    if fixed[1] is None:
        K += (c * dgf)[..., None] * W[:, n:2 * n]
    return K


def jacobians(w: Weights, cache: Cache, fixed: Fixed, inputs: bool
              ) -> tuple[np.ndarray, np.ndarray | None]:
    """A = ∂s<t>/∂s<t-1> : (..., S, 2n, 2n) and, if ``inputs``,
    B = ∂s<t>/∂x<t> : (..., S, 2n, m)."""
    c, gf, go, dgo, tc = cache.c_prev, cache.gf, cache.go, cache.dgo, cache.tc
    n = c.shape[-1]
    q = (go * (1.0 - tc * tc))[..., None]

    def block(W: np.ndarray) -> np.ndarray:
        K = _K(cache, fixed, W)
        low = q * K
        if fixed[2] is None:
            low += (tc * dgo)[..., None] * W[:, 2 * n:3 * n]
        return np.concatenate([K, low], axis=-2)

    A = np.zeros((*c.shape[:-1], 2 * n, 2 * n))
    A[..., n:] = block(w.Wh)
    idx = np.arange(n)
    A[..., idx, idx] = gf
    A[..., n + idx, idx] = q[..., 0] * gf
    return A, (block(w.Wx) if inputs else None)


def tangent(w: Weights, cache: Cache, fixed: Fixed, J: np.ndarray) -> np.ndarray:
    """∂s<t>/∂s<t-1> · J for J : (..., S, 2n, k), the structured way (module docstring)."""
    n = cache.c_prev.shape[-1]
    K = _K(cache, fixed, w.Wh)
    if fixed[2] is None:
        M = np.concatenate([K, (cache.tc * cache.dgo)[..., None] * w.Wh[:, 2 * n:3 * n]],
                           axis=-2)
    else:
        M = K
    P = M @ J[..., n:, :]                                    # [K_h Ja; ko Wo_h Ja]
    out = np.empty((*P.shape[:-2], 2 * n, J.shape[-1]))
    jc = out[..., :n, :]
    np.multiply(cache.gf[..., None], J[..., :n, :], out=jc)
    jc += P[..., :n, :]
    np.multiply((cache.go * (1.0 - cache.tc * cache.tc))[..., None], jc, out=out[..., n:, :])
    if fixed[2] is None:
        out[..., n:, :] += P[..., n:, :]
    return out


def output(s: np.ndarray) -> np.ndarray:
    """The memory c<t> of a state [c | a]."""
    return s[..., : s.shape[-1] // 2]
