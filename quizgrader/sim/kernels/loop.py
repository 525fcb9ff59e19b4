"""The compiled time loop of :func:`quizgrader.sim.propagate.propagate_seeds`, one cell at a
time: its state and tangent stay in the processor's cache for all T steps, and nothing is
allocated per step.

For the units u0 .. u1 of the K × S (scenario, seed) grid and the steps t0 .. t1 - 1, as the
numpy loop: step, mark a seed blown once its state stops being finite, advance the tangent,
rescale each column block by an exact power of two every 4 steps (and at t = T), and at the
steps with ``slot[t] ≥ 0`` copy the c-rows of the tangent and the exponents into the
snapshot arrays, whose spectral norms the caller takes (one batched eigvalsh).
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from ..norms import BIG
from .cells import cell_step


@njit(cache=True, nogil=True)
def rescale(J, c0, c1):
    """Divide J[:, c0:c1] by 2^e where its largest entry left [2^-256, 2^256]; returns e."""
    top = 0.0
    for r in range(J.shape[0]):
        for c in range(c0, c1):
            v = abs(J[r, c])
            if not v <= top:                 # a NaN wins, as with np.max
                top = v
    if not (math.isfinite(top) and top > 0.0 and (top > BIG or top < 1.0 / BIG)):
        return 0
    e = math.frexp(top)[1]
    for r in range(J.shape[0]):
        for c in range(c0, c1):
            J[r, c] = math.ldexp(J[r, c], -e)
    return e


@njit(cache=True, nogil=True)
def run(cell, opt, Wh, Wx, bh, px, shift, fon, fval, T, t0, t1, u0, u1, slot,
        state, J, cexp, xexp, blown, snap, snap_c, snap_x, snap_blown, nbuf):
    """Advance units u0 .. u1 (u = k·S + s) over steps t0 .. t1 - 1, in place.

    Wh (S, B·n, n), Wx (S, B·n, m), bh (S, n), px (S, T, B·n) and shift (K, T, G) (a cell's
    steps contiguous), fon (G,) bool, fval (G,), slot (T,) int; state (K, S, d),
    J (K, S, d, k), cexp / xexp (K, S) int, blown (K, S) bool; snap (R, K, S, n, k),
    snap_c / snap_x (R, K, S), snap_blown (R, K, S).
    """
    K, S, d = state.shape
    k, n = J.shape[3], Wh.shape[2]
    buf = np.empty(nbuf)
    st = np.empty(d)
    Ja = np.empty((d, k))
    Jb = np.empty((d, k))
    WT = np.empty((n, Wh.shape[1]))
    M = np.empty((3 * n, n))
    P = np.empty((2 * n, k))
    for u in range(u0, u1):
        ki, s = u // S, u % S
        WT[:, :] = Wh[s].T
        st[:] = state[ki, s]
        Ja[:, :] = J[ki, s]
        ce, xe, bl = cexp[ki, s], xexp[ki, s], blown[ki, s]
        for t in range(t0, t1):
            cell_step(cell, Wh[s], WT, Wx[s], bh[s], px[s, t], shift[ki, t], fon, fval, opt,
                      st, Ja, Jb, t == 0, buf, M, P)
            Ja, Jb = Jb, Ja
            if not bl:
                for i in range(d):
                    if not math.isfinite(st[i]):
                        bl = True
                        break
            if t % 4 == 3 or t == T - 1:     # |growth| per step ≤ 2^57 before this matters
                ce += rescale(Ja, 0, n)
                if k > n:
                    xe += rescale(Ja, n, k)
            r = slot[t]
            if r >= 0:
                snap[r, ki, s] = Ja[:n]
                snap_c[r, ki, s], snap_x[r, ki, s], snap_blown[r, ki, s] = ce, xe, bl
        state[ki, s] = st
        J[ki, s] = Ja
        cexp[ki, s], xexp[ki, s], blown[ki, s] = ce, xe, bl
