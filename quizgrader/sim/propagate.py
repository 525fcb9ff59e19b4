"""Forward-mode Jacobian products over time: the exact ∂c<t>/∂c<0> and ∂c<t>/∂x<1>.

    J<t> = ∂state<t>/∂(state<0>, x<1>) = A<t> J<t-1>,   A<t> = ∂state<t>/∂state<t-1>,

with J<1> = [A<1> | ∂state<1>/∂x<1>]. Columns [0:n] are the c<0> block (gain), the other m
columns the x<1> block (reach). Each block is rescaled by an exact power of two whenever its
size leaves [2^-256, 2^256], so long horizons neither underflow into denormals nor overflow.

Several gate scenarios of the same cells run together: a drive whose shift has shape
(T, K, G) adds a leading axis of K scenarios to every state and Jacobian, so one Python loop
over t serves them all (the weights broadcast over it).
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Mapping

import numpy as np

from .budget import scenario_seconds
from .cells import EQUATIONS, Equations, Weights
from .gates import Drive
from .kernels import compiled, load_propagate
from .model import Model
from .norms import BIG, scaled_norm
from .parallel import seed_threads, single_blas


def steps_mask(T: int, stride: int = 1, at: tuple[int, ...] = ()) -> np.ndarray:
    """Which steps t = 1..T to record: t = 1 and T always, every ``stride``-th step (0: none
    more), and the steps ``at``; a boolean array of shape (T,)."""
    mask = np.zeros(T, dtype=bool)
    if stride:
        mask[stride - 1::stride] = True
    mask[[0, T - 1]] = True
    for t in at:
        if 1 <= t <= T:
            mask[t - 1] = True
    return mask


def _rescale(J: np.ndarray, cols: slice, exps: np.ndarray) -> None:
    """Divide J[..., cols] by a power of two where its size left [2^-256, 2^256]."""
    top = np.max(np.abs(J[..., cols]), axis=(-2, -1))
    need = np.isfinite(top) & (top > 0) & ((top > BIG) | (top < 1.0 / BIG))
    if need.any():
        e = np.where(need, np.frexp(np.where(need, top, 1.0))[1], 0)
        J[..., cols] = np.ldexp(J[..., cols], -e[..., None, None])  # exact, even from denormals
        exps += e


def propagate(model: Model, w: Weights, state0: np.ndarray, x: np.ndarray, drive: Drive,
              reach: bool = True, gain_at: np.ndarray | None = None,
              reach_at: np.ndarray | None = None,
              equations: Mapping[str, Equations] | None = None
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`propagate_seeds`, compiled (:mod:`.kernels`) for the course's cells when numba
    is installed and the simulation is large enough (see there); otherwise with the seeds
    split over threads for large cells (see :func:`.parallel.seed_threads`): each seed is
    simulated alone, so the bits are the same."""
    T = x.shape[0]
    if model.equations(equations) is EQUATIONS[model.cell] and compiled(
            scenario_seconds(model.cell, T, w.hidden, w.inputs, w.seeds)):
        gain_at = np.ones(T, dtype=bool) if gain_at is None else gain_at
        run = load_propagate()
        return run(model, w, state0, x, drive, reach, gain_at,
                   gain_at if reach_at is None else reach_at)
    S = state0.shape[0]
    threads = seed_threads(w.hidden, S)
    if threads == 1:
        return propagate_seeds(model, w, state0, x, drive, reach, gain_at, reach_at, equations)
    cuts = np.linspace(0, S, threads + 1).astype(int)

    def part(k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        a, b = cuts[k], cuts[k + 1]
        sub = Weights(w.Wh[a:b], w.Wx[a:b], w.b[a:b], w.bh[a:b])
        return propagate_seeds(model, sub, state0[a:b], x[:, a:b], drive, reach, gain_at,
                               reach_at, equations)

    with ThreadPoolExecutor(threads) as pool, single_blas():
        parts = list(pool.map(part, range(threads)))
    return (np.concatenate([p[0] for p in parts], axis=-1),
            np.concatenate([p[1] for p in parts], axis=-1),
            np.concatenate([p[2] for p in parts], axis=-3))


def propagate_tracks(model: Model, w: Weights, state0: np.ndarray, x: np.ndarray,
                     drive: Drive, tracks: list[tuple[np.ndarray, np.ndarray]]
                     ) -> list[tuple[np.ndarray, np.ndarray]]:
    """gain and reach (T, [K,] S) recorded on each (gain_at, reach_at) mask pair of
    ``tracks``, from one propagation: each pair's numbers are bit for bit those of a
    :func:`propagate` with that pair alone (compiled, each track's norms start from its own
    steps, :func:`.kernels.driver.propagate_tracks`; on numpy a norm depends on its step
    only), at the price of one propagation and the union of the tracks' norms."""
    T = x.shape[0]
    if model.equations() is EQUATIONS[model.cell] and compiled(
            scenario_seconds(model.cell, T, w.hidden, w.inputs, w.seeds)):
        load_propagate()                               # compiles or loads, else ConfigError
        from .kernels.driver import propagate_tracks as run
        return run(model, w, state0, x, drive, True, tracks)[0]
    gain_at = np.logical_or.reduce([g for g, _ in tracks])
    reach_at = np.logical_or.reduce([r for _, r in tracks])
    g, r, _ = propagate(model, w, state0, x, drive, gain_at=gain_at, reach_at=reach_at)
    lead = (slice(None),) + (None,) * (g.ndim - 1)
    return [(np.where(ga[lead], g, np.nan), np.where(ra[lead], r, np.nan))
            for ga, ra in tracks]


def propagate_seeds(model: Model, w: Weights, state0: np.ndarray, x: np.ndarray, drive: Drive,
                    reach: bool = True, gain_at: np.ndarray | None = None,
                    reach_at: np.ndarray | None = None,
                    equations: Mapping[str, Equations] | None = None
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run S cells for T steps and carry the exact Jacobians.

    w : Weights of S cells; state0 : (S, d) (d = n, or 2n for the LSTM [c | a]);
    x : (T, S, m); drive : the gate modes over T steps, shift (T, G), or (T, K, G) for K
    scenarios at once (then every result has a leading axis K).
    ``gain_at`` / ``reach_at``: boolean masks (T,) of the steps to record (default: every
    step; reach by default where gain is). Returns (gain, reach, J): gain and reach of shape
    (T, [K,] S) per seed, NaN at the steps not recorded, and the last Jacobian ∂c<T>/∂c<0> of
    shape ([K,] S, n, n). ``equations`` replaces the course's cell implementations.

    A seed whose state or Jacobian stops being finite (overflow, inf − inf) has gain and reach
    +inf from that step on: it explodes. An overflow can thus never pass for a vanishing
    gradient, whatever the cell then makes of the NaNs.
    """
    eq = model.equations(equations)
    step = model.stepper(equations)
    S, d = state0.shape
    n, m, T = w.hidden, w.inputs, x.shape[0]
    lead = drive.shift.shape[1:-1]                       # () or (K,)
    gain_at = np.ones(T, dtype=bool) if gain_at is None else gain_at
    reach_at = gain_at if reach_at is None else reach_at
    k = n + (m if reach else 0)
    c_cols, x_cols, c_rows = slice(0, n), slice(n, k), slice(0, n)
    c_exp = np.zeros((*lead, S), dtype=np.int64)
    x_exp = np.zeros((*lead, S), dtype=np.int64)
    gain = np.full((T, *lead, S), np.nan)
    rch = np.full((T, *lead, S), np.nan)
    blown = np.zeros((*lead, S), dtype=bool)   # seeds whose numbers stopped being finite
    px = eq.inputs(w, x)                       # (T, S, B·n), shared by every scenario
    state = np.broadcast_to(state0, (*lead, S, d))
    fixed = drive.fixed
    with np.errstate(all="ignore"):
        for t in range(T):
            state, cache = step(w, state, px[t], fixed, drive.shift[t])
            blown |= ~np.isfinite(state).all(axis=-1)
            if t == 0:          # J<1> = [∂s<1>/∂c<0> | ∂s<1>/∂x<1>]  (a<0> held fixed)
                A, B = eq.jacobians(w, cache, fixed, reach)
                J = np.concatenate([A[..., :n], B], axis=-1) if reach else A[..., :n].copy()
            else:
                J = eq.tangent(w, cache, fixed, J)
            if t % 4 == 3 or t == T - 1:  # |growth| per step ≤ 2^57 before this matters
                _rescale(J, c_cols, c_exp)
                if reach:
                    _rescale(J, x_cols, x_exp)
            if gain_at[t]:
                gain[t] = np.where(blown, np.inf, scaled_norm(J[..., c_rows, c_cols], c_exp))
            if reach and reach_at[t]:
                rch[t] = np.where(blown, np.inf, scaled_norm(J[..., c_rows, x_cols], x_exp))
        return gain, rch, J[..., c_rows, c_cols] * np.ldexp(1.0, c_exp)[..., None, None]
