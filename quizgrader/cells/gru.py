"""GRU in the course's notation (Γu = 1 overwrites the memory, Γu = 0 keeps it).

reset "before" (course, Cho 2014):  c̃ = tanh(Wc[Γr * c<t-1>, x<t>] + bc)
reset "after"  (PyTorch, cuDNN):    c̃ = tanh(Wc_x x<t> + bc + Γr * (Wc_h c<t-1> + bh))
both:  Γu = σ(Wu[c<t-1>, x<t>] + bu),  Γr = σ(Wr[c<t-1>, x<t>] + br),
       c<t> = Γu * c̃ + (1 - Γu) * c<t-1>
Weight blocks: rows [0:n] Γu, [n:2n] Γr, [2n:3n] c̃.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .weights import Weights, gate


class Cache(NamedTuple):
    c_prev: np.ndarray   # c<t-1>, (S, n)
    gu: np.ndarray       # Γu, (S, n)
    dgu: np.ndarray      # dΓu/dpre (0 when fixed)
    gr: np.ndarray       # Γr
    dgr: np.ndarray      # dΓr/dpre
    ct: np.ndarray       # c̃<t>
    hn: np.ndarray       # "after": Wc_h c<t-1> + bh; "before": unused zeros
    after: bool


def step(w: Weights, c: np.ndarray, x: np.ndarray, fixed: tuple, shift: np.ndarray,
         reset: str = "before") -> tuple[np.ndarray, Cache]:
    """c : (S, n), x : (S, m) -> c<t> : (S, n)."""
    n = c.shape[1]
    after = reset == "after"
    px = (w.Wx @ x[..., None])[..., 0] + w.b                     # (S, 3n)
    ph = (w.Wh[:, : (3 if after else 2) * n] @ c[..., None])[..., 0]
    gu, dgu = gate(px[:, :n] + ph[:, :n], fixed[0], shift[0])
    gr, dgr = gate(px[:, n:2 * n] + ph[:, n:2 * n], fixed[1], shift[1])
    if after:
        hn = ph[:, 2 * n:] + w.bh
        ct = np.tanh(px[:, 2 * n:] + gr * hn)
    else:
        hn = np.zeros_like(c)
        ct = np.tanh(px[:, 2 * n:] + (w.Wh[:, 2 * n:] @ (gr * c)[..., None])[..., 0])
    c_new = gu * ct + (1.0 - gu) * c
    return c_new, Cache(c, gu, dgu, gr, dgr, ct, hn, after)


def jvp(w: Weights, cache: Cache, dc: np.ndarray, dx: np.ndarray | None) -> np.ndarray:
    """dc<t> from dc<t-1> : (S, n, k) and dx<t> : (S, m, k) (or None)."""
    n = dc.shape[1]
    c, gu, dgu, gr, dgr, ct, hn, after = cache
    rows = 3 * n if after else 2 * n
    dp = w.Wh[:, :rows] @ dc                                      # (S, rows, k)
    if dx is not None:
        dp_x = w.Wx @ dx                                         # (S, 3n, k)
        dp[:, : 2 * n] += dp_x[:, : 2 * n]
    dgu_t = dgu[..., None] * dp[:, :n]                            # dΓu
    dgr_t = dgr[..., None] * dp[:, n:2 * n]                       # dΓr
    if after:
        dpc = dgr_t * hn[..., None] + gr[..., None] * dp[:, 2 * n:]
    else:
        dpc = w.Wh[:, 2 * n:] @ (gr[..., None] * dc + c[..., None] * dgr_t)
    if dx is not None:
        dpc += dp_x[:, 2 * n:]
    dct = (1.0 - ct * ct)[..., None] * dpc                        # dc̃
    return (gu[..., None] * dct + (ct - c)[..., None] * dgu_t
            + (1.0 - gu)[..., None] * dc)


def output(c: np.ndarray) -> np.ndarray:
    return c
