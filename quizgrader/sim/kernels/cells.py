"""One step of one cell, compiled: the forward step and the tangent J ← A<t> J, per seed.

The same equations as :mod:`quizgrader.sim.cells` (see their docstrings), written as loops
over the n units of one cell, for :mod:`.loop`. Elementwise expressions follow the numpy
cells' order, but the compiler may fuse a multiply and an add (one rounding instead of two),
libm's exp and tanh are not numpy's, and the sums of the matrix products run in another
order: the results agree to rounding (about 1e-14), not to the bit.

Arguments of every ``*_step``: Wh (B·n, n), WT = Whᵀ (n, B·n) (so that the products with
the state run along contiguous rows), Wx (B·n, m), bh (n,), px = Wx x<t> + b (B·n,),
sh the gate shifts (G,), fon / fval which gates are fixed and to what, opt (RNN: 0 tanh,
1 relu, 2 linear; GRU: 0 reset before, 1 after), st the state (d,) updated in place, J the
tangent (d, k) read, Jn the next tangent (d, k) written, first (t = 1: the x-columns of Jn
are set to ∂s<1>/∂x<1>), buf scratch of :func:`scratch` floats, M (3n, n) and P (2n, k)
scratch matrices. The matrix products go to BLAS (np.dot), the rest runs in loops.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit


def scratch(n: int, k: int) -> int:
    """Scratch floats (the vector buffer ``buf``) a step needs at hidden n, k columns."""
    return 13 * n + k


@njit(cache=True, nogil=True, fastmath={"contract"})
def sigmoid_slope(z):
    """σ(z), σ'(z) as :func:`quizgrader.sim.gates.sigmoid_slope`."""
    e = math.exp(-abs(z))
    inv = 1.0 / (1.0 + e)
    return (inv if z >= 0 else e * inv), e * inv * inv


@njit(cache=True, nogil=True, fastmath={"contract"})
def times(WT, v, r0, r1, out):
    """out = (WTᵀ v)[r0:r1], as a sum of rows of WT (contiguous, so vectorised)."""
    out[:] = 0.0
    for i in range(v.shape[0]):
        a = v[i]
        for j in range(r0, r1):
            out[j - r0] += WT[i, j] * a


@njit(cache=True, nogil=True, fastmath={"contract"})
def gate_block(p, sh, fon, fval, n, g, dg):
    """g, dg = σ(p + shift) per gate block, a fixed gate its constant with slope 0."""
    for gi in range(fon.shape[0]):
        for j in range(n):
            r = gi * n + j
            if fon[gi]:
                g[r] = fval[gi]
                dg[r] = 0.0
            else:
                g[r], dg[r] = sigmoid_slope(p[r] + sh[gi])


@njit(cache=True, nogil=True, fastmath={"contract"})
def rnn_step(Wh, WT, Wx, bh, px, sh, fon, fval, opt, st, J, Jn, first, buf, M, P):
    n, k = Wh.shape[1], J.shape[1]
    pre, slope = buf[:n], buf[n:2 * n]
    times(WT, st, 0, n, pre)
    for j in range(n):
        pre[j] += px[j]
    for j in range(n):
        z = pre[j]
        if opt == 0:
            c = math.tanh(z)
            st[j] = c
            slope[j] = 1.0 - c * c
        elif opt == 1:                    # relu: NaN stays NaN, as np.maximum / np.heaviside
            st[j] = z if (z > 0.0 or z != z) else 0.0
            slope[j] = 1.0 if z > 0.0 else (0.0 if z <= 0.0 else z)
        else:
            st[j] = z
            slope[j] = 1.0
    np.dot(Wh, J, Jn)                     # Jn = diag(φ') (Wh J)
    for j in range(n):
        for c in range(k):
            Jn[j, c] *= slope[j]
        if first:
            for i in range(k - n):
                Jn[j, n + i] = slope[j] * Wx[j, i]


@njit(cache=True, nogil=True, fastmath={"contract"})
def gru_step(Wh, WT, Wx, bh, px, sh, fon, fval, opt, st, J, Jn, first, buf, M, P):
    n, m, k = Wh.shape[1], Wx.shape[1], J.shape[1]
    after = opt == 1
    ph, g, dg = buf[:3 * n], buf[3 * n:5 * n], buf[5 * n:7 * n]
    c, ct, hn, rc = buf[7 * n:8 * n], buf[8 * n:9 * n], buf[9 * n:10 * n], buf[10 * n:11 * n]
    brow = buf[12 * n:12 * n + k]
    A, R, BW = M[:n], M[n:2 * n], M[2 * n:3 * n]
    times(WT, st, 0, (3 if after else 2) * n, ph[:(3 if after else 2) * n])
    for j in range(2 * n):
        ph[j] = px[j] + ph[j]
    gate_block(ph, sh, fon, fval, n, g, dg)
    for j in range(n):
        c[j] = st[j]
        rc[j] = g[n + j] * st[j]
    if not after:
        times(WT, rc, 2 * n, 3 * n, hn)                 # Wc_h (Γr c), kept in hn's place
    for j in range(n):
        if after:
            hn[j] = ph[2 * n + j] + bh[j]
            ct[j] = math.tanh(px[2 * n + j] + g[n + j] * hn[j])
        else:
            ct[j] = math.tanh(px[2 * n + j] + hn[j])
    for j in range(n):
        st[j] = (ct[j] - c[j]) * g[j] + c[j]          # Γu c̃ + (1 - Γu) c
    ufree, rfree = not fon[0], not fon[1]
    if rfree and not after:                            # R = diag(c Γr') Wr_h + diag(Γr)
        for i in range(n):
            for l in range(n):
                R[i, l] = (c[i] * dg[n + i]) * Wh[n + i, l]
            R[i, i] += g[n + i]
    if rfree and not after:                            # A = diag(β) Wc_h R + ...
        for j in range(n):
            beta = g[j] * (1.0 - ct[j] * ct[j])
            for i in range(n):
                BW[j, i] = beta * Wh[2 * n + j, i]
        np.dot(BW, R, A)
    for j in range(n):
        alpha = (ct[j] - c[j]) * dg[j]
        beta = g[j] * (1.0 - ct[j] * ct[j])
        for i in range(n):
            if after:
                a = (beta * g[n + j]) * Wh[2 * n + j, i]
                if rfree:
                    a += (beta * (hn[j] * dg[n + j])) * Wh[n + j, i]
            elif rfree:
                a = A[j, i]
            else:
                a = beta * Wh[2 * n + j, i] * g[n + i]
            if ufree:
                a += alpha * Wh[j, i]
            A[j, i] = a
        A[j, j] += 1.0 - g[j]
    np.dot(A, J, Jn)
    if not first or k == n:
        return
    for j in range(n):                                 # row j of B = ∂c<t>/∂x<t>
        alpha = (ct[j] - c[j]) * dg[j]
        beta = g[j] * (1.0 - ct[j] * ct[j])
        brow[:m] = 0.0
        if rfree and not after:                        # (β Wc_h) diag(c Γr') Wr_x
            for i in range(n):
                a, ci = beta * Wh[2 * n + j, i], c[i] * dg[n + i]
                for l in range(m):
                    brow[l] += a * (ci * Wx[n + i, l])
        for l in range(m):
            if after:
                b = beta * Wx[2 * n + j, l]
                if rfree:
                    b += (beta * (hn[j] * dg[n + j])) * Wx[n + j, l]
            else:
                b = brow[l] + beta * Wx[2 * n + j, l]
            if ufree:
                b += alpha * Wx[j, l]
            Jn[j, n + l] = b


@njit(cache=True, nogil=True, fastmath={"contract"})
def lstm_step(Wh, WT, Wx, bh, px, sh, fon, fval, opt, st, J, Jn, first, buf, M, P):
    n, k = Wh.shape[1], J.shape[1]
    p, g, dg = buf[:4 * n], buf[4 * n:7 * n], buf[7 * n:10 * n]
    c, ct, tc = buf[10 * n:11 * n], buf[11 * n:12 * n], buf[12 * n:13 * n]
    times(WT, st[n:], 0, 4 * n, p)
    for j in range(4 * n):
        p[j] += px[j]
    gate_block(p, sh, fon, fval, n, g, dg)
    for j in range(n):
        c[j] = st[j]
        ct[j] = math.tanh(p[3 * n + j])
        cn = g[j] * ct[j] + g[n + j] * c[j]
        tc[j] = math.tanh(cn)
        st[j] = cn
        st[n + j] = g[2 * n + j] * tc[j]
    ufree, ffree, ofree = not fon[0], not fon[1], not fon[2]
    for j in range(n):          # M = [K_h; diag(tc Γo') Wo_h], P = M Ja
        beta = g[j] * (1.0 - ct[j] * ct[j])
        alpha = ct[j] * dg[j]
        gamma = c[j] * dg[n + j]
        ko = tc[j] * dg[2 * n + j]
        for i in range(n):
            a = beta * Wh[3 * n + j, i]
            if ufree:
                a += alpha * Wh[j, i]
            if ffree:
                a += gamma * Wh[n + j, i]
            M[j, i] = a
            M[n + j, i] = ko * Wh[2 * n + j, i]
    rows = 2 * n if ofree else n
    np.dot(M[:rows], J[n:], P[:rows])
    for j in range(n):          # Jc' = Γf Jc + K_h Ja,  Ja' = q Jc' + diag(tc Γo') Wo_h Ja
        beta = g[j] * (1.0 - ct[j] * ct[j])
        alpha = ct[j] * dg[j]
        gamma = c[j] * dg[n + j]
        ko = tc[j] * dg[2 * n + j]
        q = g[2 * n + j] * (1.0 - tc[j] * tc[j])
        gf = g[n + j]
        for cc in range(k):
            jc = gf * J[j, cc] + P[j, cc]
            Jn[j, cc] = jc
            Jn[n + j, cc] = q * jc + P[n + j, cc] if ofree else q * jc
        if first:                                      # rows j, n + j of B = ∂s<t>/∂x<t>
            for l in range(k - n):
                b = beta * Wx[3 * n + j, l]
                if ufree:
                    b += alpha * Wx[j, l]
                if ffree:
                    b += gamma * Wx[n + j, l]
                Jn[j, n + l] = b
                low = q * b
                if ofree:
                    low += ko * Wx[2 * n + j, l]
                Jn[n + j, n + l] = low


@njit(cache=True, nogil=True, fastmath={"contract"})
def cell_step(cell, Wh, WT, Wx, bh, px, sh, fon, fval, opt, st, J, Jn, first, buf, M, P):
    """Dispatch on ``cell``: 0 RNN, 1 GRU, 2 LSTM."""
    if cell == 0:
        rnn_step(Wh, WT, Wx, bh, px, sh, fon, fval, opt, st, J, Jn, first, buf, M, P)
    elif cell == 1:
        gru_step(Wh, WT, Wx, bh, px, sh, fon, fval, opt, st, J, Jn, first, buf, M, P)
    else:
        lstm_step(Wh, WT, Wx, bh, px, sh, fon, fval, opt, st, J, Jn, first, buf, M, P)


__all__ = ["cell_step", "scratch"]
