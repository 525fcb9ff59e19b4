"""Running the compiled loop (:func:`.cells.run`) with the inputs and results of
:func:`quizgrader.sim.propagate.propagate_seeds`.

The steps are run in chunks, so that the tangent snapshots at the recorded steps take at most
:data:`SNAPSHOT_BYTES` at a time and no call into compiled code runs longer than about 10 ms
(signals wait for the call to return); the units (scenario, seed) are split over threads when the
work is large enough to pay for them (each unit is simulated alone, so the bits do not depend
on the split).
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Iterator

import numpy as np

from ..cells.weights import Weights, project_cells
from ..gates import Drive
from ..model import Model
from ..parallel import kernel_threads, refresh_blas, single_blas
from .cells import run, scratch
from .norms import top_singular

#: Memory for the tangent snapshots of one chunk of steps.
SNAPSHOT_BYTES = 32 << 20
#: Multiply-adds of one call into compiled code (some 10 ms): a signal (Ctrl-C, SIGTERM) is
#: handled between calls, never inside one.
CALL_WORK = 50_000_000
_CELLS = {"rnn": 0, "gru": 1, "lstm": 2, "janet": 3, "mgu": 4, "indrnn": 5}
_OPTIONS = {"tanh": 0, "relu": 1, "linear": 2, "before": 0, "after": 1}


def _own(a: np.ndarray) -> np.ndarray:
    """A writable C-ordered float64 copy: one array type, so one compiled signature."""
    return np.array(a, dtype=np.float64, order="C")


def _option(model: Model) -> int:
    if model.cell in ("rnn", "indrnn"):
        return _OPTIONS[model.activation]
    return _OPTIONS[model.reset] if model.cell == "gru" else 0


_LOADED = False


def load() -> None:
    """Load the compiled loop (from numba's cache, or compile it: some 30 s the first time)
    by running it on a one-unit, one-step problem. Its BLAS is then loaded, so that
    :func:`~quizgrader.sim.parallel.single_blas` pins it to one thread like numpy's."""
    global _LOADED
    if not _LOADED:
        _LOADED = True
        w = Weights(np.zeros((1, 4, 1)), np.zeros((1, 4, 1)), np.zeros((1, 4)), np.zeros((1, 1)))
        one = np.ones(1, dtype=bool)
        propagate_compiled(Model("lstm"), w, np.zeros((1, 2)), np.zeros((1, 1, 1)),
                           Drive((None, None, None), np.zeros((1, 3))), True, one, one)
        refresh_blas()


def _spans(rows: np.ndarray, T: int, per_chunk: int, max_steps: int
           ) -> Iterator[tuple[int, int, np.ndarray]]:
    """Steps t0 .. t1 - 1 of each call and the recorded steps ``rows`` among them: at most
    ``per_chunk`` recorded steps and ``max_steps`` steps a call, covering 0 .. T - 1."""
    t0, i = 0, 0
    while t0 < T:
        t1 = min(T, t0 + max_steps)
        j = int(np.searchsorted(rows, t1))
        if j - i > per_chunk:
            j = i + per_chunk
            t1 = int(rows[j - 1]) + 1
        yield t0, t1, rows[i:j]
        t0, i = t1, j


#: How many norms each stage of :func:`.norms.top_singular` settled (0: zero matrices) since
#: the process started: the benchmark prints them.
STAGES = np.zeros(4, dtype=np.int64)


def _norms(pool: ThreadPoolExecutor, threads: int, cuts: np.ndarray, snap: np.ndarray,
           rows: np.ndarray, cols: slice, exps: np.ndarray, v: np.ndarray) -> np.ndarray:
    """‖snap[rows][..., cols]‖₂ · 2^exps for the tangent snapshots (R, K, S, r, k) of a chunk's
    recorded steps, each unit's steps in order from its vector in v (K·S, k), which
    receives the last ones (:func:`.norms.top_singular`); the units split over threads as
    the products are."""
    R, K, S, r, k = snap.shape
    flat = snap.reshape(R, K * S, r, k)
    out = np.empty((len(rows), K * S))
    stages = np.zeros((threads, 4), dtype=np.int64)

    def part(i: int) -> None:
        top_singular(flat, rows, cols.start, cols.stop, cuts[i], cuts[i + 1], v, out,
                     stages[i])

    if threads > 1:
        list(pool.map(part, range(threads)))
    else:
        part(0)
    STAGES[:] += stages.sum(axis=0)
    with np.errstate(over="ignore", under="ignore"):
        return np.ldexp(out.reshape(len(rows), K, S), exps)


def propagate_compiled(model: Model, w: Weights, state0: np.ndarray, x: np.ndarray,
                       drive: Drive, reach: bool, gain_at: np.ndarray, reach_at: np.ndarray
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`~quizgrader.sim.propagate.propagate_seeds` for the course's cells, compiled:
    same arguments (masks given), same results to rounding."""
    tracks, last = propagate_tracks(model, w, state0, x, drive, reach, [(gain_at, reach_at)])
    return tracks[0][0], tracks[0][1], last


Masks = tuple[np.ndarray, np.ndarray]


def propagate_tracks(model: Model, w: Weights, state0: np.ndarray, x: np.ndarray,
                     drive: Drive, reach: bool, tracks: list[Masks]
                     ) -> tuple[list[tuple[np.ndarray, np.ndarray]], np.ndarray]:
    """:func:`propagate_compiled` recording several (gain_at, reach_at) mask pairs from one
    propagation: each track's norms start from its own previous recorded step, so each
    track's (gain, reach) has the very bits of a :func:`propagate_compiled` call with its
    masks alone (the tangents do not depend on the masks). Returns the tracks' (gain,
    reach) and the last Jacobian."""
    S, d = state0.shape
    n, m, T = w.hidden, w.inputs, x.shape[0]
    lead = drive.shift.shape[1:-1]
    K = int(np.prod(lead, dtype=int))
    shift = _own(drive.shift.reshape(T, K, -1).transpose(1, 0, 2))      # (K, T, G)
    k = n + (m if reach else 0)
    Wh, Wx, bh = (_own(a) for a in (w.Wh, w.Wx, w.bh))
    px = np.require(project_cells(w, x), np.float64, ("C", "W"))    # (S, T, B·n)
    fon = np.array([f is not None for f in drive.fixed], dtype=bool)
    fval = np.array([0.0 if f is None else f for f in drive.fixed], dtype=float)
    state = _own(np.broadcast_to(state0, (K, S, d)))
    J = np.zeros((K, S, d, k))
    J[:, :, np.arange(n), np.arange(n)] = 1.0          # J<0> = ∂(c<0>, x<1>)/∂c<0>
    cexp = np.zeros((K, S), dtype=np.int64)
    xexp = np.zeros((K, S), dtype=np.int64)
    blown = np.zeros((K, S), dtype=bool)
    out = [(np.full((T, K, S), np.nan), np.full((T, K, S), np.nan)) for _ in tracks]
    load()
    recorded = np.zeros(T, dtype=bool)
    for gain_at, reach_at in tracks:
        recorded |= gain_at | (reach_at if reach else False)
    rows = np.flatnonzero(recorded)
    threads = kernel_threads(K * S, T * K * S * n * n * k)
    cuts = np.linspace(0, K * S, threads + 1).astype(int)
    spans = _spans(rows, T, max(1, SNAPSHOT_BYTES // (K * S * n * k * 8)),
                   max(1, CALL_WORK // (K * S * n * n * k)))
    # each track's units' top right singular vectors of their last recorded gain and reach
    # blocks: where the track's next norms start
    vs = [(np.zeros((K * S, n)), np.zeros((K * S, m))) for _ in tracks]
    with single_blas(), ThreadPoolExecutor(threads) as pool:
        for t0, t1, rs in spans:
            slot = np.full(T, -1, dtype=np.int64)
            slot[rs] = np.arange(len(rs))
            snap = np.empty((len(rs), K, S, n, k))
            snap_c = np.zeros((len(rs), K, S), dtype=np.int64)
            snap_x = np.zeros((len(rs), K, S), dtype=np.int64)
            snap_blown = np.zeros((len(rs), K, S), dtype=bool)

            def part(i: int, t0: int = t0, t1: int = t1) -> None:
                run(_CELLS[model.cell], _option(model), Wh, Wx, bh, px, shift, fon, fval, T,
                    t0, t1, cuts[i], cuts[i + 1], slot, state, J, cexp, xexp, blown,
                    snap, snap_c, snap_x, snap_blown, scratch(n, k))

            if threads > 1:
                list(pool.map(part, range(threads)))
            else:
                part(0)
            for (gain_at, reach_at), (gain, rch), (vg, vr) in zip(tracks, out, vs,
                                                                   strict=True):
                g, r = gain_at[rs], reach_at[rs] & reach
                if g.any():
                    gain[rs[g]] = np.where(snap_blown[g], np.inf, _norms(
                        pool, threads, cuts, snap, np.flatnonzero(g), slice(0, n),
                        snap_c[g], vg))
                if r.any():
                    rch[rs[r]] = np.where(snap_blown[r], np.inf, _norms(
                        pool, threads, cuts, snap, np.flatnonzero(r), slice(n, k),
                        snap_x[r], vr))
    with np.errstate(over="ignore", invalid="ignore"):
        last = J[..., :n, :n] * np.ldexp(1.0, cexp)[..., None, None]
    shape = (T, *lead, S)
    return ([(gain.reshape(shape), rch.reshape(shape)) for gain, rch in out],
            last.reshape(*lead, S, n, n))
