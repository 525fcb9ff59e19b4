"""The compiled spectral norms of the tangent snapshots, one matrix at a time in the processor's
cache, each recorded step starting from the last one's top right singular vector.

A simulation takes the norm of its tangent at every recorded step, and the tangent changes
little from one step to the next: J<t> = A<t> J<t-1>, whose top right singular vector settles
as t grows. So rather than the eigenvalues of every Gram matrix (numpy's batched ``eigvalsh``,
the reference :func:`quizgrader.sim.norms.spectral_norm`, 5 to 10 times the products that
produce the tangents), a few power iterations on G = MᵀM (M divided by its largest entry, G
positive semi-definite with top eigenvalue λ₁ = ‖M‖₂²) start from the last vector, and a value
is kept only where a bound proves it. After a sweep, with unit x, ρ = xᵀGx, residual
ρ_r = ‖Gx − ρx‖ and an upper bound c on every eigenvalue of G in the complement of x:
where ρ > c,

    ρ ≤ ‖Gx‖² / ρ ≤ λ₁ ≤ ρ + ρ_r² / (ρ − c)

(G in the basis [x, x⊥] is [[ρ, bᵀ], [b, C]] with ‖b‖ = ρ_r and λ₁(C) ≤ c; the lower bounds
are Rayleigh quotients). λ̂ = ‖Gx‖² / ρ is kept once ρ_r² / (ρ − c) ≤ :data:`TOL` · ρ, so
√λ̂ is within TOL / 2 of ‖M‖₂ (plus the rounding of the sums, some 1e-15). Three stages, each
for the matrices the one before left:

1. :data:`SWEEPS` sweeps on G = MᵀM, applied as two products with M, with c = tr C =
   ‖M‖_F² − ρ (proves a top value that outweighs the others together: most steps after the
   first few, where the products have spread the singular values);
2. the smaller Gram matrix (MᵀM or MMᵀ), formed, :data:`GRAM_SWEEPS` sweeps with
   c = ‖C‖_F = (‖G‖_F² − ρ² − 2ρ_r²)^½ (a top value that outweighs them in squares);
3. the largest eigenvalue of that Gram matrix from LAPACK (``eigvalsh``), as the reference:
   the first steps, or a spectrum without one dominant value (a copying cell's J = I).

The constants are read here, not imported: numba's cache of this file would not see a change
made elsewhere.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

#: Relative bound on λ₁ − λ̂ proved before λ̂ is kept (‖M‖₂ then within 5e-14 relative).
TOL = 1e-13
#: Power iterations on M, then on its Gram matrix, before a matrix moves to the next stage.
SWEEPS = 20
GRAM_SWEEPS = 16


@njit(cache=True, nogil=True, error_model="numpy", fastmath={"reassoc", "contract"})
def _gram_top(N: np.ndarray, v: np.ndarray, G: np.ndarray, x: np.ndarray, y: np.ndarray,
              stages: np.ndarray) -> float:
    """λ₁ of the smaller Gram matrix of N (r, k) (stages 2 and 3), from the right vector v
    (k,), which is overwritten by the improved right vector."""
    r, k = N.shape
    left = r <= k
    s = r if left else k
    for i in range(s):
        for j in range(i + 1):
            acc = 0.0
            if left:
                for q in range(k):
                    acc += N[i, q] * N[j, q]
            else:
                for q in range(r):
                    acc += N[q, i] * N[q, j]
            G[i, j] = acc
            G[j, i] = acc
    frob2 = 0.0
    for i in range(s):
        for j in range(s):
            frob2 += G[i, j] * G[i, j]
    if left:                                   # u = N v
        for i in range(r):
            acc = 0.0
            for q in range(k):
                acc += N[i, q] * v[q]
            x[i] = acc
    else:
        for i in range(k):
            x[i] = v[i]
    size = 0.0
    for i in range(s):
        size += x[i] * x[i]
    size = math.sqrt(size)
    for i in range(s):
        x[i] = x[i] / size if size > 0 else 1.0 / math.sqrt(s)
    lam = -1.0
    for _ in range(GRAM_SWEEPS):
        for i in range(s):
            acc = 0.0
            for j in range(s):
                acc += G[i, j] * x[j]
            y[i] = acc
        rho = 0.0
        yy = 0.0
        for i in range(s):
            rho += x[i] * y[i]
            yy += y[i] * y[i]
        if not rho > 0:
            break
        res2 = 0.0
        for i in range(s):
            d = y[i] - rho * x[i]
            res2 += d * d
        c = math.sqrt(max(frob2 - rho * rho - 2 * res2, 0.0) + 1e-14 * frob2)
        scale = 1.0 / math.sqrt(yy)
        for i in range(s):
            x[i] = y[i] * scale
        gap = rho - c
        if gap > 0 and res2 <= TOL * rho * gap:
            lam = yy / rho
            break
    if lam < 0:
        lam = max(np.linalg.eigvalsh(G)[-1], 0.0)
        stages[3] += 1
    else:
        stages[2] += 1
    if left:                                   # the right vector: Nᵀu, normalised
        size = 0.0
        for q in range(k):
            acc = 0.0
            for i in range(r):
                acc += N[i, q] * x[i]
            v[q] = acc
            size += acc * acc
        size = math.sqrt(size)
        if size > 0:
            for q in range(k):
                v[q] /= size
    else:
        for q in range(k):
            v[q] = x[q]
    return lam


@njit(cache=True, nogil=True, error_model="numpy", fastmath={"reassoc", "contract"})
def top_singular(snap: np.ndarray, rows: np.ndarray, c0: int, c1: int, u0: int, u1: int,
                 v: np.ndarray, out: np.ndarray, stages: np.ndarray) -> None:
    """out[i, u] = ‖snap[rows[i], u, :, c0:c1]‖₂ for the snapshots snap (R, U, r, K), the
    recorded steps ``rows`` of the units u0 .. u1 - 1 in order; v (U, c1 - c0) holds each
    unit's starting vector (zero: the all-ones direction), and each step starts from the last
    one's top right singular vector, which v receives. stages[i] counts the matrices settled
    at stage i (0: zero matrices)."""
    r, k = snap.shape[2], c1 - c0
    N = np.empty((r, k))
    w = np.empty(r)
    g = np.empty(k)
    s = min(r, k)
    G = np.empty((s, s))
    x = np.empty(s)
    y = np.empty(s)
    for i in range(len(rows)):
        for u in range(u0, u1):
            out[i, u] = _top(snap[rows[i], u, :, c0:c1], v[u], N, w, g, G, x, y, stages)


@njit(cache=True, nogil=True, error_model="numpy", fastmath={"reassoc", "contract"})
def _top(Mb: np.ndarray, vb: np.ndarray, N: np.ndarray, w: np.ndarray, g: np.ndarray,
         G: np.ndarray, x: np.ndarray, y: np.ndarray, stages: np.ndarray) -> float:
    """‖Mb‖₂ from the vector vb (k,), which receives the top right singular vector."""
    r, k = Mb.shape
    top = 0.0
    finite = True
    for i in range(r):
        for j in range(k):
            a = abs(Mb[i, j])
            if not a <= np.inf:            # NaN
                finite = False
            elif a > top:
                top = a
    if not finite or top == np.inf:
        return np.inf
    if top == 0:
        stages[0] += 1
        return 0.0
    trace = 0.0
    for i in range(r):
        for j in range(k):
            e = Mb[i, j] / top
            N[i, j] = e
            trace += e * e
    size = 0.0
    for j in range(k):
        size += vb[j] * vb[j]
    size = math.sqrt(size)
    if size > 0 and size < np.inf:
        for j in range(k):
            vb[j] /= size
    else:
        for j in range(k):
            vb[j] = 1.0 / math.sqrt(k)
    lam = -1.0
    for _ in range(SWEEPS):
        rho = 0.0
        for i in range(r):
            acc = 0.0
            for j in range(k):
                acc += N[i, j] * vb[j]
            w[i] = acc
            rho += acc * acc
        if not rho > 0:
            break
        for j in range(k):
            g[j] = 0.0
        for i in range(r):
            wi = w[i]
            for j in range(k):
                g[j] += N[i, j] * wi
        gg = 0.0
        res2 = 0.0
        for j in range(k):
            gg += g[j] * g[j]
            d = g[j] - rho * vb[j]
            res2 += d * d
        scale = 1.0 / math.sqrt(gg)
        for j in range(k):
            vb[j] = g[j] * scale
        gap = rho - (trace - rho)
        if gap > 0 and res2 <= TOL * rho * gap:
            lam = gg / rho
            break
    if lam < 0:
        lam = _gram_top(N, vb, G, x, y, stages)
    else:
        stages[1] += 1
    return math.sqrt(lam) * top
