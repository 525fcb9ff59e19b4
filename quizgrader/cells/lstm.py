"""LSTM in the course's notation (PyTorch's i, f, o are Γu, Γf, Γo):

c̃<t> = tanh(Wc[a<t-1>, x<t>] + bc),  Γ· = σ(W·[a<t-1>, x<t>] + b·) for Γu, Γf, Γo
c<t> = Γu * c̃<t> + Γf * c<t-1>,      a<t> = Γo * tanh(c<t>)
The state is the pair (c, a), stacked as one array of shape (S, 2n): [c | a].
Weight blocks: rows [0:n] Γu, [n:2n] Γf, [2n:3n] Γo, [3n:4n] c̃.
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


def jvp(w: Weights, cache: Cache, ds: np.ndarray, dx: np.ndarray | None) -> np.ndarray:
    """d[c|a]<t> : (S, 2n, k) from d[c|a]<t-1> : (S, 2n, k) and dx<t> : (S, m, k) or None."""
    n = ds.shape[1] // 2
    c, gu, dgu, gf, dgf, go, dgo, ct, tc = (v[..., None] if isinstance(v, np.ndarray) else v
                                            for v in cache)
    dp = w.Wh @ ds[:, n:]                                         # (S, 4n, k)
    if dx is not None:
        dp += w.Wx @ dx
    dc = (gu * (1.0 - ct * ct) * dp[:, 3 * n:] + ct * dgu * dp[:, :n]
          + gf * ds[:, :n] + c * dgf * dp[:, n:2 * n])
    da = tc * dgo * dp[:, 2 * n:3 * n] + go * (1.0 - tc * tc) * dc
    return np.concatenate([dc, da], axis=1)


def output(s: np.ndarray) -> np.ndarray:
    return s[:, : s.shape[1] // 2]
