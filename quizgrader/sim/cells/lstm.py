"""LSTM in the course's notation (PyTorch's i, f, o are Γu, Γf, Γo):

c̃<t> = tanh(Wc[a<t-1>, x<t>] + bc),  Γ· = σ(W·[a<t-1>, x<t>] + b·) for Γu, Γf, Γo
c<t> = Γu * c̃<t> + Γf * c<t-1>,      a<t> = Γo * tanh(c<t>)
The state is the pair (c, a), stacked as one array of shape (S, 2n): [c | a].
Weight blocks: rows [0:n] Γu, [n:2n] Γf, [2n:3n] Γo, [3n:4n] c̃.

Jacobian (Γ' = dΓ/dpre, 0 for a fixed gate), with K = diag(c̃ Γu') Wu + diag(c Γf') Wf
+ diag(Γu (1 - c̃²)) Wc (the a-columns of ∂c<t>) and q = Γo (1 - tanh²c<t>):

    ∂c<t>/∂c<t-1> = diag(Γf)        ∂c<t>/∂a<t-1> = K_h
    ∂a<t>/∂c<t-1> = diag(q Γf)      ∂a<t>/∂a<t-1> = diag(q) K_h + diag(tanh(c<t>) Γo') Wo_h
and ∂/∂x<t> with the input blocks K_x, Wo_x.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .weights import Weights, gate


class Cache(NamedTuple):
    c_prev: np.ndarray   # c<t-1>, (S, n)
    gu: np.ndarray       # Γu and its slope
    dgu: np.ndarray
    gf: np.ndarray       # Γf
    dgf: np.ndarray
    go: np.ndarray       # Γo
    dgo: np.ndarray
    ct: np.ndarray       # c̃<t>
    tc: np.ndarray       # tanh(c<t>)


def step(w: Weights, s: np.ndarray, x: np.ndarray, fixed: tuple, shift: np.ndarray
         ) -> tuple[np.ndarray, Cache]:
    """s = [c | a] : (S, 2n), x : (S, m) -> s<t> : (S, 2n)."""
    n = s.shape[1] // 2
    c, a = s[:, :n], s[:, n:]
    p = (w.Wh @ a[..., None] + w.Wx @ x[..., None])[..., 0] + w.b  # (S, 4n)
    gu, dgu = gate(p[:, :n], fixed[0], shift[0])
    gf, dgf = gate(p[:, n:2 * n], fixed[1], shift[1])
    go, dgo = gate(p[:, 2 * n:3 * n], fixed[2], shift[2])
    ct = np.tanh(p[:, 3 * n:])
    c_new = gu * ct + gf * c
    tc = np.tanh(c_new)
    return (np.concatenate([c_new, go * tc], axis=1),
            Cache(c, gu, dgu, gf, dgf, go, dgo, ct, tc))


def jacobians(w: Weights, cache: Cache, fixed: tuple, inputs: bool
              ) -> tuple[np.ndarray, np.ndarray | None]:
    """A = ∂s<t>/∂s<t-1> : (S, 2n, 2n) and, if ``inputs``, B = ∂s<t>/∂x<t> : (S, 2n, m)."""
    c, gu, dgu, gf, dgf, go, dgo, ct, tc = cache
    S, n = c.shape
    q = (go * (1.0 - tc * tc))[..., None]
    ku, kf, kc, ko = ((ct * dgu)[..., None], (c * dgf)[..., None],
                      (gu * (1.0 - ct * ct))[..., None], (tc * dgo)[..., None])

    def block(W: np.ndarray) -> np.ndarray:
        out = np.empty((S, 2 * n, W.shape[2]))
        K = np.multiply(kc, W[:, 3 * n:], out=out[:, :n])
        if fixed[0] is None:
            K += ku * W[:, :n]
        if fixed[1] is None:
            K += kf * W[:, n:2 * n]
        np.multiply(q, K, out=out[:, n:])
        if fixed[2] is None:
            out[:, n:] += ko * W[:, 2 * n:3 * n]
        return out

    A = np.zeros((S, 2 * n, 2 * n))
    A[:, :, n:] = block(w.Wh)
    idx = np.arange(n)
    A[:, idx, idx] = gf
    A[:, n + idx, idx] = q[..., 0] * gf
    return A, (block(w.Wx) if inputs else None)


def output(s: np.ndarray) -> np.ndarray:
    return s[:, : s.shape[1] // 2]
