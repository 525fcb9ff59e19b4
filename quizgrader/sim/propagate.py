"""Forward-mode Jacobian products over time: the exact ∂c<t>/∂c<0> and ∂c<t>/∂x<1>.

    J<t> = ∂state<t>/∂(state<0>, x<1>) = A<t> J<t-1>,   A<t> = ∂state<t>/∂state<t-1>,

with J<1> = [A<1> | ∂state<1>/∂x<1>]. Columns [0:n] are the c<0> block (gain), the other m
columns the x<1> block (reach). Each block is rescaled by an exact power of two whenever its
size leaves [2^-256, 2^256], so long horizons neither underflow into denormals nor overflow.
"""
from __future__ import annotations

from typing import Mapping

import numpy as np

from .cells import Equations, Weights
from .gates import Drive
from .model import Model

_BIG = 2.0 ** 256


def spectral_norm(M: np.ndarray) -> np.ndarray:
    """‖M[s]‖₂ for M of shape (S, r, k), via the largest eigenvalue of the smaller Gram matrix.

    Each matrix is first divided by its largest entry, so the squares neither underflow nor
    overflow. Non-finite matrices give inf.
    """
    with np.errstate(all="ignore"):
        top = np.max(np.abs(M), axis=(1, 2))
        ok = np.isfinite(top) & (top > 0)
        safe = np.where(ok, top, 1.0)[:, None, None]
        N = M / safe
        G = N @ N.transpose(0, 2, 1) if M.shape[1] <= M.shape[2] else N.transpose(0, 2, 1) @ N
        G = np.where(ok[:, None, None], G, 0.0)
        lam = np.linalg.eigvalsh(G)[:, -1]
        out = np.sqrt(np.maximum(lam, 0.0)) * top
    out[~np.isfinite(top)] = np.inf
    out[top == 0] = 0.0
    return out


def _rescale(J: np.ndarray, cols: slice, exps: np.ndarray) -> None:
    """Divide J[:, :, cols] by a power of two where its size left [2^-256, 2^256]."""
    top = np.max(np.abs(J[:, :, cols]), axis=(1, 2))
    need = np.isfinite(top) & (top > 0) & ((top > _BIG) | (top < 1.0 / _BIG))
    if need.any():
        e = np.where(need, np.frexp(np.where(need, top, 1.0))[1], 0)
        J[:, :, cols] = np.ldexp(J[:, :, cols], -e[:, None, None])  # exact, even from denormals
        exps += e


def _norm(J: np.ndarray, rows: slice, cols: slice, exps: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore", under="ignore"):
        return np.ldexp(spectral_norm(J[:, rows, cols]), exps)


def propagate(model: Model, w: Weights, state0: np.ndarray, x: np.ndarray, drive: Drive,
              reach: bool = True, stride: int = 1, reach_stride: int | None = None,
              equations: Mapping[str, Equations] | None = None
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run S cells for T steps and carry the exact Jacobians.

    w : Weights of S cells; state0 : (S, d) (d = n, or 2n for the LSTM [c | a]);
    x : (T, S, m); drive : the gate modes over T steps.
    Returns (gain, reach, J): gain and reach of shape (T, S) (per seed; the rows of t = 1, T
    and every ``stride``-th step are filled, the others are NaN; ``stride`` 0: t = 1 and T only;
    reach at every ``reach_stride``-th step, by default the same), and the last Jacobian
    ∂c<T>/∂c<0> of shape (S, n, n). ``equations`` replaces the course's cell implementations
    (see :mod:`.cells`).

    A seed whose state or Jacobian stops being finite (overflow, inf − inf) has gain and reach
    +inf from that step on: it explodes. An overflow can thus never pass for a vanishing
    gradient, whatever the cell then makes of the NaNs.
    """
    step, jacobians, _ = model.stepper(equations)
    r_stride = stride if reach_stride is None else reach_stride
    S, d = state0.shape
    n, m, T = w.hidden, w.inputs, x.shape[0]
    k = n + (m if reach else 0)
    c_cols, x_cols, c_rows = slice(0, n), slice(n, k), slice(0, n)
    c_exp = np.zeros(S, dtype=np.int64)
    x_exp = np.zeros(S, dtype=np.int64)
    gain = np.full((T, S), np.nan)
    rch = np.full((T, S), np.nan)
    blown = np.zeros(S, dtype=bool)          # seeds whose numbers stopped being finite
    state = state0
    with np.errstate(all="ignore"):
        for t in range(T):
            state, cache = step(w, state, x[t], drive.fixed, drive.shift[t])
            blown |= ~np.isfinite(state).all(axis=1)
            A, B = jacobians(w, cache, drive.fixed, t == 0 and reach)
            if t == 0:          # J<1> = [∂s<1>/∂c<0> | ∂s<1>/∂x<1>]  (a<0> held fixed)
                J = np.concatenate([A[:, :, :n], B], axis=2) if reach else A[:, :, :n].copy()
            else:
                J = A @ J
            if t % 4 == 3 or t == T - 1:  # |growth| per step ≤ 2^57 before this matters
                _rescale(J, c_cols, c_exp)
                if reach:
                    _rescale(J, x_cols, x_exp)
            ends = t == 0 or t == T - 1
            if ends or (stride and (t + 1) % stride == 0):
                gain[t] = np.where(blown, np.inf, _norm(J, c_rows, c_cols, c_exp))
            if reach and (ends or (r_stride and (t + 1) % r_stride == 0)):
                rch[t] = np.where(blown, np.inf, _norm(J, c_rows, x_cols, x_exp))
        return gain, rch, J[:, c_rows, c_cols] * np.ldexp(1.0, c_exp)[:, None, None]
