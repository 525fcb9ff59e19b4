"""The compiled kernels: one step of one cell (the forward step and the tangent J ← A<t> J,
per seed) and the time loop that runs them.

The same equations as :mod:`quizgrader.sim.cells` (see their docstrings), written as loops
over the n units of one cell. Elementwise expressions follow the numpy
cells' order, but the compiler may fuse a multiply and an add (one rounding instead of two),
exp and tanh are this file's polynomials (within 2 and 6 ulp of numpy's; written here, branch
free, so that the loops over units vectorise, which libm's calls do not), and the sums of the
matrix products run in another order: the results agree to rounding (about 1e-14), not to the
bit.

Arguments of every ``*_step``: Wh (B·n, n), WT = Whᵀ (n, B·n) (so that the products with
the state run along contiguous rows), Wx (B·n, m), bh (n,), px = Wx x<t> + b (B·n,),
sh the gate shifts (G,), fon / fval which gates are fixed and to what, opt (RNN and IndRNN:
0 tanh, 1 relu, 2 linear; GRU: 0 reset before, 1 after), st the state (d,) updated in place, J the
tangent (d, k) read, Jn the next tangent (d, k) written, first (t = 1: the x-columns of Jn
are set to ∂s<1>/∂x<1>), buf scratch of :func:`scratch` floats, M (3n, n) and P (2n, k)
scratch matrices. The matrix products go to BLAS (np.dot), the rest runs in loops.

:func:`run` is the time loop of :func:`quizgrader.sim.propagate.propagate_seeds`, one cell
at a time: its state and tangent stay in the processor's cache for all T steps, and nothing is
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
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

from ..norms import BIG

#: JANET's β, as :data:`quizgrader.sim.cells.janet.BETA` (a test checks): a constant read
#: here, not imported, since numba's cache of this file would not see a change made there.
JANET_BETA = 1.0


#: The compiled step functions and their helpers: inlined into :func:`run` (numba's IR, before
#: LLVM sees it), so that their array arguments cost no reference counting per call. Inlined
#: code is compiled with the options of the function it lands in: :func:`run` has these too.
#: ``error_model="numpy"``: a division does not test its divisor for zero (no division here
#: can meet one), a test that would keep the loop around it from vectorising.
step = njit(cache=True, nogil=True, fastmath={"contract"}, inline="always", error_model="numpy")


@intrinsic
def borrowed(typingctx, a):
    """A view of the array ``a`` that is not reference counted (its meminfo is null).

    Every view made in the time loop (a seed's weights, a step's inputs, the scratch split
    into vectors) would otherwise count its owner up and down, an atomic operation on one
    shared cache line: at hidden 8 that was half the time of a step. A borrowed array and
    its views must not outlive the array they were made from; :func:`run` keeps its owners
    alive to its end."""
    def codegen(context, builder, signature, args):
        arrty = signature.args[0]
        ary = context.make_array(arrty)(context, builder, args[0])
        out = context.make_array(arrty)(context, builder)
        for field in ("nitems", "itemsize", "data", "shape", "strides"):
            setattr(out, field, getattr(ary, field))
        out.meminfo = cgutils.get_null_value(out.meminfo.type)
        out.parent = cgutils.get_null_value(out.parent.type)
        return out._getvalue()
    return a(a), codegen


@intrinsic
def as_float(typingctx, i):
    """The float64 whose bits are the int64 ``i``."""
    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], context.get_value_type(types.float64))
    return types.float64(types.int64), codegen


@intrinsic
def as_int(typingctx, x):
    """The int64 whose bits are the float64 ``x``."""
    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], context.get_value_type(types.int64))
    return types.int64(types.float64), codegen


LOG2E = 1.4426950408889634
#: ln 2 in two parts: LN2_HI has 32 significant bits, so k·LN2_HI is exact for |k| < 2^20
LN2_HI = 0.6931471803691238
LN2_LO = 1.9082149292705877e-10
#: 1.5·2^52: x + SHIFTER rounds x to an integer, held in the low bits of the sum
SHIFTER = 6755399441055744.0


@step
def exp_neg(x):
    """e^x for x ≤ 0, within 2 ulp; 0 below -708 (where e^x < 2^-1021), NaN for NaN.

    x = k ln 2 + r with |r| ≤ ln 2 / 2 (Cody and Waite's two-part ln 2), e^r by its Taylor
    polynomial to r^13 (the next term is below 2^-57 of it), 2^k by writing its exponent bits.
    No branch and no call, so a loop over units vectorises."""
    xc = -708.0 if x < -708.0 else x            # (a NaN stays)
    t = xc * LOG2E + SHIFTER
    kf = t - SHIFTER                             # round(x / ln 2), exactly
    r = (xc - kf * LN2_HI) - kf * LN2_LO
    p = 1.0 / 6227020800.0
    p = p * r + 1.0 / 479001600.0
    p = p * r + 1.0 / 39916800.0
    p = p * r + 1.0 / 3628800.0
    p = p * r + 1.0 / 362880.0
    p = p * r + 1.0 / 40320.0
    p = p * r + 1.0 / 5040.0
    p = p * r + 1.0 / 720.0
    p = p * r + 1.0 / 120.0
    p = p * r + 1.0 / 24.0
    p = p * r + 1.0 / 6.0
    p = p * r + 0.5
    p = p * r + 1.0
    p = p * r + 1.0
    two_k = as_float((as_int(t) - as_int(SHIFTER) + 1023) << 52)
    return 0.0 if x < -708.0 else p * two_k


@step
def tanh(z):
    """tanh z within 6 ulp, branch free: (1 - e^-2|z|) / (1 + e^-2|z|) with z's sign, and
    its Taylor series to z^11 where |z| < 0.05 (the quotient loses digits to the cancellation
    in 1 - e^-2|z| there; the series' next term is below 2^-52 of the sum)."""
    a = abs(z)
    e = exp_neg(-2.0 * a)
    quotient = (1.0 - e) / (1.0 + e)
    a2 = a * a
    series = a + a * a2 * (-1.0 / 3.0 + a2 * (2.0 / 15.0 + a2 * (
        -17.0 / 315.0 + a2 * (62.0 / 2835.0 + a2 * (-1382.0 / 155925.0)))))
    return math.copysign(series if a < 0.05 else quotient, z)


def scratch(n: int, k: int) -> int:
    """Scratch floats (the vector buffer ``buf``) a step needs at hidden n, k columns."""
    return 13 * n + k


@step
def sigmoid_slope(z):
    """σ(z), σ'(z) as :func:`quizgrader.sim.gates.sigmoid_slope`."""
    e = exp_neg(-abs(z))
    inv = 1.0 / (1.0 + e)
    return (inv if z >= 0 else e * inv), e * inv * inv


@step
def times(WT, v, r0, r1, out):
    """out = (WTᵀ v)[r0:r1], as a sum of rows of WT (contiguous, so vectorised; the loop
    runs over out's own indices: indexed as out[j - r0] it took 2.5x as long at r0 > 0)."""
    out[:] = 0.0
    for i in range(v.shape[0]):
        a = v[i]
        for j in range(r1 - r0):
            out[j] += WT[i, r0 + j] * a


@step
def gate_block(p, sh, fon, fval, n, g, dg):
    """g, dg = σ(p + shift) per gate block, a fixed gate its constant with slope 0."""
    for gi in range(fon.shape[0]):
        r0 = gi * n
        if fon[gi]:
            for j in range(n):
                g[r0 + j] = fval[gi]
                dg[r0 + j] = 0.0
        else:
            shift = sh[gi]
            for j in range(n):
                g[r0 + j], dg[r0 + j] = sigmoid_slope(p[r0 + j] + shift)


@step
def rnn_step(Wh, WT, Wx, bh, px, sh, fon, fval, opt, st, J, Jn, first, buf, M, P):
    n, k = Wh.shape[1], J.shape[1]
    pre, slope = buf[:n], buf[n:2 * n]
    times(WT, st, 0, n, pre)
    for j in range(n):
        pre[j] += px[j]
    for j in range(n):
        z = pre[j]
        if opt == 0:
            c = tanh(z)
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


@step
def reset_product(Wh, r0, w0, c, gr, dgr, gu, ct, R, BW, A):
    """A = diag(β) Wc_h (diag(Γr) + diag(c Γr') Wr_h), β = Γu (1 - c̃²), for a candidate that
    reads Γr * c<t-1> (the course's GRU; the MGU, whose Γf is both gates): Wr_h is
    Wh[r0:r0 + n], Wc_h Wh[w0:w0 + n]; gr, dgr, gu the gates (n,)."""
    n = c.shape[0]
    for i in range(n):                                 # R = diag(c Γr') Wr_h + diag(Γr)
        for l in range(n):
            R[i, l] = (c[i] * dgr[i]) * Wh[r0 + i, l]
        R[i, i] += gr[i]
    for j in range(n):
        beta = gu[j] * (1.0 - ct[j] * ct[j])
        for i in range(n):
            BW[j, i] = beta * Wh[w0 + j, i]
    np.dot(BW, R, A)


@step
def reset_input_row(Wh, Wx, r0, w0, j, beta, c, dgr, brow):
    """brow = row j of (β Wc_h) diag(c Γr') Wr_x, the input part of :func:`reset_product`."""
    brow[:] = 0.0
    for i in range(c.shape[0]):
        a, ci = beta * Wh[w0 + j, i], c[i] * dgr[i]
        for l in range(brow.shape[0]):
            brow[l] += a * (ci * Wx[r0 + i, l])


@step
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
    if after:                                          # (branches outside the loops, so
        for j in range(n):                             # that each loop vectorises)
            hn[j] = ph[2 * n + j] + bh[j]
            ct[j] = tanh(px[2 * n + j] + g[n + j] * hn[j])
    else:
        times(WT, rc, 2 * n, 3 * n, hn)                 # Wc_h (Γr c), kept in hn's place
        for j in range(n):
            ct[j] = tanh(px[2 * n + j] + hn[j])
    for j in range(n):
        st[j] = (ct[j] - c[j]) * g[j] + c[j]          # Γu c̃ + (1 - Γu) c
    ufree, rfree = not fon[0], not fon[1]
    if rfree and not after:                            # A = diag(β) Wc_h R + ...
        reset_product(Wh, n, 2 * n, c, g[n:2 * n], dg[n:2 * n], g[:n], ct, R, BW, A)
    for j in range(n):
        alpha = (ct[j] - c[j]) * dg[j] if ufree else 0.0
        beta = g[j] * (1.0 - ct[j] * ct[j])
        if after:
            bc, br = beta * g[n + j], (beta * (hn[j] * dg[n + j]) if rfree else 0.0)
            for i in range(n):
                A[j, i] = (bc * Wh[2 * n + j, i] + br * Wh[n + j, i]) + alpha * Wh[j, i]
        elif rfree:
            for i in range(n):
                A[j, i] += alpha * Wh[j, i]
        else:
            for i in range(n):
                A[j, i] = beta * Wh[2 * n + j, i] * g[n + i] + alpha * Wh[j, i]
        A[j, j] += 1.0 - g[j]
    np.dot(A, J, Jn)
    if not first or k == n:
        return
    for j in range(n):                                 # row j of B = ∂c<t>/∂x<t>
        alpha = (ct[j] - c[j]) * dg[j]
        beta = g[j] * (1.0 - ct[j] * ct[j])
        if rfree and not after:                        # (β Wc_h) diag(c Γr') Wr_x
            reset_input_row(Wh, Wx, n, 2 * n, j, beta, c, dg[n:2 * n], brow[:m])
        for l in range(m):
            if after:
                b = beta * Wx[2 * n + j, l]
                if rfree:
                    b += (beta * (hn[j] * dg[n + j])) * Wx[n + j, l]
            else:
                b = (brow[l] if rfree else 0.0) + beta * Wx[2 * n + j, l]
            if ufree:
                b += alpha * Wx[j, l]
            Jn[j, n + l] = b


@step
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
        ct[j] = tanh(p[3 * n + j])
        cn = g[j] * ct[j] + g[n + j] * c[j]
        tc[j] = tanh(cn)
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


@step
def janet_step(Wh, WT, Wx, bh, px, sh, fon, fval, opt, st, J, Jn, first, buf, M, P):
    n, k = Wh.shape[1], J.shape[1]
    p, g, dg = buf[:2 * n], buf[2 * n:3 * n], buf[3 * n:4 * n]
    c, ct, gi, dgi = buf[4 * n:5 * n], buf[5 * n:6 * n], buf[6 * n:7 * n], buf[7 * n:8 * n]
    A = M[:n]
    times(WT, st, 0, 2 * n, p)
    for j in range(2 * n):
        p[j] += px[j]
    gate_block(p, sh, fon, fval, n, g, dg)
    ffree = not fon[0]
    tied = fon[0] or sh[0] != 0.0            # held or fixed: i = 1 - Γf
    for j in range(n):
        c[j] = st[j]
        if tied:
            gi[j] = 1.0 - g[j]
            dgi[j] = -dg[j]
        else:
            h, dh = sigmoid_slope(p[j] - JANET_BETA)
            gi[j] = 1.0 - h
            dgi[j] = -dh
        ct[j] = tanh(p[n + j])
        st[j] = g[j] * c[j] + gi[j] * ct[j]
    for j in range(n):                       # A = diag(Γf) + diag(a1) Wf_h + diag(β) Wc_h
        a1 = c[j] * dg[j] + ct[j] * dgi[j]
        beta = gi[j] * (1.0 - ct[j] * ct[j])
        for i in range(n):
            a = beta * Wh[n + j, i]
            if ffree:
                a += a1 * Wh[j, i]
            A[j, i] = a
        A[j, j] += g[j]
    np.dot(A, J, Jn)
    if not first or k == n:
        return
    for j in range(n):
        a1 = c[j] * dg[j] + ct[j] * dgi[j]
        beta = gi[j] * (1.0 - ct[j] * ct[j])
        for l in range(k - n):
            b = beta * Wx[n + j, l]
            if ffree:
                b += a1 * Wx[j, l]
            Jn[j, n + l] = b


@step
def mgu_step(Wh, WT, Wx, bh, px, sh, fon, fval, opt, st, J, Jn, first, buf, M, P):
    n, m, k = Wh.shape[1], Wx.shape[1], J.shape[1]
    ph, g, dg = buf[:n], buf[n:2 * n], buf[2 * n:3 * n]
    c, ct, hn, rc = buf[3 * n:4 * n], buf[4 * n:5 * n], buf[5 * n:6 * n], buf[6 * n:7 * n]
    brow = buf[12 * n:12 * n + k]
    A, R, BW = M[:n], M[n:2 * n], M[2 * n:3 * n]
    times(WT, st, 0, n, ph)
    for j in range(n):
        ph[j] = px[j] + ph[j]
    gate_block(ph, sh, fon, fval, n, g, dg)
    for j in range(n):
        c[j] = st[j]
        rc[j] = g[j] * st[j]
    times(WT, rc, n, 2 * n, hn)                        # Wc_h (Γf c)
    for j in range(n):
        ct[j] = tanh(px[n + j] + hn[j])
    for j in range(n):
        st[j] = (ct[j] - c[j]) * g[j] + c[j]          # Γf c̃ + (1 - Γf) c
    ffree = not fon[0]
    if ffree:                                          # A = diag(β) Wc_h (diag(Γf) + …)
        reset_product(Wh, 0, n, c, g[:n], dg[:n], g[:n], ct, R, BW, A)
    for j in range(n):
        alpha = (ct[j] - c[j]) * dg[j]
        beta = g[j] * (1.0 - ct[j] * ct[j])
        for i in range(n):
            if ffree:
                A[j, i] += alpha * Wh[j, i]
            else:
                A[j, i] = beta * Wh[n + j, i] * g[i]
        A[j, j] += 1.0 - g[j]
    np.dot(A, J, Jn)
    if not first or k == n:
        return
    for j in range(n):                                 # row j of B = ∂c<t>/∂x<t>
        alpha = (ct[j] - c[j]) * dg[j]
        beta = g[j] * (1.0 - ct[j] * ct[j])
        if ffree:                                      # (β Wc_h) diag(c Γf') Wf_x
            reset_input_row(Wh, Wx, 0, n, j, beta, c, dg[:n], brow[:m])
        for l in range(m):
            b = beta * Wx[n + j, l] + (brow[l] if ffree else 0.0)
            if ffree:
                b += alpha * Wx[j, l]
            Jn[j, n + l] = b


@step
def indrnn_step(Wh, WT, Wx, bh, px, sh, fon, fval, opt, st, J, Jn, first, buf, M, P):
    n, k = Wh.shape[1], J.shape[1]
    for j in range(n):
        u = Wh[j, j]
        z = u * st[j] + px[j]
        if opt == 0:
            a = tanh(z)
            st[j] = a
            slope = 1.0 - a * a
        else:                             # relu: NaN stays NaN, as np.maximum / np.heaviside
            st[j] = z if (z > 0.0 or z != z) else 0.0
            slope = 1.0 if z > 0.0 else (0.0 if z <= 0.0 else z)
        du = u * slope
        for cc in range(k):
            Jn[j, cc] = du * J[j, cc]
        if first:
            for i in range(k - n):
                Jn[j, n + i] = slope * Wx[j, i]


@step
def cell_step(cell, Wh, WT, Wx, bh, px, sh, fon, fval, opt, st, J, Jn, first, buf, M, P):
    """Dispatch on ``cell``: 0 RNN, 1 GRU, 2 LSTM, 3 JANET, 4 MGU, 5 IndRNN."""
    if cell == 0:
        rnn_step(Wh, WT, Wx, bh, px, sh, fon, fval, opt, st, J, Jn, first, buf, M, P)
    elif cell == 1:
        gru_step(Wh, WT, Wx, bh, px, sh, fon, fval, opt, st, J, Jn, first, buf, M, P)
    elif cell == 2:
        lstm_step(Wh, WT, Wx, bh, px, sh, fon, fval, opt, st, J, Jn, first, buf, M, P)
    elif cell == 3:
        janet_step(Wh, WT, Wx, bh, px, sh, fon, fval, opt, st, J, Jn, first, buf, M, P)
    elif cell == 4:
        mgu_step(Wh, WT, Wx, bh, px, sh, fon, fval, opt, st, J, Jn, first, buf, M, P)
    else:
        indrnn_step(Wh, WT, Wx, bh, px, sh, fon, fval, opt, st, J, Jn, first, buf, M, P)



# The time loop (below) lives in this file with the cells it calls: numba keys a cached
# function by the file that defines it, so a loop in a module of its own would keep running
# the machine code of cells edited since it was cached.

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
    if -1000 < e < 1000:                     # 2^-e is a normal number: one exact product
        scale = math.ldexp(1.0, -e)          # (correctly rounded, as ldexp), no libm call
        for r in range(J.shape[0]):          # per entry
            for c in range(c0, c1):
                J[r, c] *= scale
        return e
    for r in range(J.shape[0]):
        for c in range(c0, c1):
            J[r, c] = math.ldexp(J[r, c], -e)
    return e


@njit(cache=True, nogil=True, fastmath={"contract"}, error_model="numpy")     # as `step`
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
    owned = (np.empty(nbuf), np.empty(d), np.empty((d, k)), np.empty((d, k)),
             np.empty((n, Wh.shape[1])), np.empty((3 * n, n)), np.empty((2 * n, k)))
    buf, st, WT = borrowed(owned[0]), borrowed(owned[1]), borrowed(owned[4])
    Ja, Jb, M, P = borrowed(owned[2]), borrowed(owned[3]), borrowed(owned[5]), borrowed(owned[6])
    Wh, Wx, bh, px = borrowed(Wh), borrowed(Wx), borrowed(bh), borrowed(px)
    shift, fon, fval, slot = borrowed(shift), borrowed(fon), borrowed(fval), borrowed(slot)
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
    owned[0][0] = 0.0                        # the owners of the borrowed scratch live to here


__all__ = ["cell_step", "run", "scratch"]
