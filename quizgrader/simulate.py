"""Gradient-flow simulation: gain(t) = median ‖∂c<t>/∂c<0>‖₂ and reach(t) = median ‖∂c<t>/∂x<1>‖₂.

The exact Jacobians are carried forward with the state (forward-mode Jacobian products):

    J<t> = ∂state<t>/∂(state<0>, x<1>) = A<t> J<t-1>,   A<t> = ∂state<t>/∂state<t-1>,

with J<1> = [A<1> | ∂state<1>/∂x<1>]. Columns [0:n] are the c<0> block (gain), the other m
columns the x<1> block (reach). Each block is rescaled by an exact power of two whenever its
size leaves [2^-256, 2^256], so long horizons neither underflow into denormals nor overflow.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Callable, Literal

import numpy as np

from . import cells
from .cells.weights import BLOCKS, Weights, random_weights
from .errors import ConfigError
from .gates import Drive, Hold, make_drive

Behaviour = Literal["preserved", "vanishes", "explodes"]
_BIG = 2.0 ** 256


@dataclass(frozen=True)
class Model:
    """One cell configuration: kind, fixed gates, options and initial scales.

    ``fixed`` may be given as a mapping gate -> constant; it is stored as sorted pairs so that
    a Model is hashable (it keys the simulation cache).
    """

    cell: str
    fixed: tuple[tuple[str, float], ...] = ()
    activation: str = "tanh"
    reset: str = "before"
    scale: float = 1.0
    input_scale: float = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "fixed", tuple(sorted(dict(self.fixed).items())))
        if self.cell not in BLOCKS:
            raise ConfigError(f"unknown cell {self.cell!r} (choose from rnn, gru, lstm)")
        if self.activation not in ("tanh", "relu", "linear"):
            raise ConfigError(f"unknown activation {self.activation!r} (tanh, relu or linear)")
        if self.activation != "tanh" and self.cell != "rnn":
            raise ConfigError(f"activation applies to the rnn cell only, not {self.cell}")
        if self.reset not in ("before", "after"):
            raise ConfigError(f"unknown reset {self.reset!r} (before or after)")
        if self.reset != "before" and self.cell != "gru":
            raise ConfigError(f"reset applies to the gru cell only, not {self.cell}")
        for name in ("scale", "input_scale"):
            value = getattr(self, name)
            if not (np.isfinite(value) and value >= 0):
                raise ConfigError(f"{name} must be a finite number ≥ 0, got {value}")

    def stepper(self) -> tuple[Callable, Callable, Callable]:
        """(step, jacobians, output) of this cell with its options bound."""
        mod = cells.module(self.cell)
        step = mod.step
        if self.cell == "rnn":
            step = partial(step, activation=self.activation)
        elif self.cell == "gru":
            step = partial(step, reset=self.reset)
        return step, mod.jacobians, mod.output


@dataclass(frozen=True)
class Settings:
    """Simulation settings (the question format's ``simulation`` mapping)."""

    hidden: int = 16
    inputs: int = 8
    seeds: int = 32
    seed: int = 0
    epsilon: float = 0.001
    vanish_below: float = 0.01
    explode_above: float = 100.0

    def __post_init__(self) -> None:
        for name in ("hidden", "inputs", "seeds"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be ≥ 1, got {getattr(self, name)}")
        if self.seed < 0:
            raise ConfigError(f"seed must be ≥ 0, got {self.seed}")
        if not 0.0 < self.epsilon < 0.5:
            raise ConfigError(f"epsilon must be in (0, 0.5), got {self.epsilon}")
        if not 0.0 < self.vanish_below < self.explode_above:
            raise ConfigError("need 0 < vanish_below < explode_above")


@dataclass(frozen=True)
class Curves:
    """gain and reach at t = 1..T, and the behaviour over the horizon T.

    gain  : ndarray (T,)  median over seeds of ‖∂c<t>/∂c<0>‖₂
    reach : ndarray (T,)  median over seeds of ‖∂c<t>/∂x<1>‖₂
    """

    gain: np.ndarray
    reach: np.ndarray
    behaviour: Behaviour

    @property
    def steps(self) -> int:
        return len(self.gain)

    @property
    def factor(self) -> float:
        """The per-step factor gain(T)^(1/T)."""
        g = float(self.gain[-1])
        return g ** (1.0 / self.steps) if np.isfinite(g) else float("inf")


def classify(gain: float, settings: Settings) -> Behaviour:
    """vanishes below ``vanish_below``, explodes above ``explode_above`` or if not finite."""
    if not np.isfinite(gain) or gain > settings.explode_above:
        return "explodes"
    return "vanishes" if gain < settings.vanish_below else "preserved"


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
              reach: bool = True, stride: int = 1, reach_stride: int | None = None
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run S cells for T steps and carry the exact Jacobians.

    w : Weights of S cells; state0 : (S, d) (d = n, or 2n for the LSTM [c | a]);
    x : (T, S, m); drive : the gate modes over T steps.
    Returns (gain, reach, J): gain and reach of shape (T, S) (per seed; the rows of t = 1, T
    and every ``stride``-th step are filled, the others are NaN; ``stride`` 0: t = 1 and T only;
    reach at every ``reach_stride``-th step, by default the same), and the last Jacobian
    ∂c<T>/∂c<0> of shape (S, n, n). A blown-up (non-finite) Jacobian has norm inf.
    """
    step, jacobians, _ = model.stepper()
    r_stride = stride if reach_stride is None else reach_stride
    S, d = state0.shape
    n, m, T = w.hidden, w.inputs, x.shape[0]
    k = n + (m if reach else 0)
    c_cols, x_cols, c_rows = slice(0, n), slice(n, k), slice(0, n)
    c_exp = np.zeros(S, dtype=np.int64)
    x_exp = np.zeros(S, dtype=np.int64)
    gain = np.full((T, S), np.nan)
    rch = np.full((T, S), np.nan)
    state = state0
    with np.errstate(all="ignore"):
        for t in range(T):
            state, cache = step(w, state, x[t], drive.fixed, drive.shift[t])
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
                gain[t] = _norm(J, c_rows, c_cols, c_exp)
            if reach and (ends or (r_stride and (t + 1) % r_stride == 0)):
                rch[t] = _norm(J, c_rows, x_cols, x_exp)
        return gain, rch, J[:, c_rows, c_cols] * np.ldexp(1.0, c_exp)[:, None, None]


def median(per_seed: np.ndarray) -> np.ndarray:
    """Median over seeds (last axis); rows that were not computed (NaN) stay NaN."""
    return np.median(per_seed, axis=-1)


def initial_state(rng: np.random.Generator, cell: str, seeds: int, hidden: int) -> np.ndarray:
    """c<0> ~ N(0, 0.25) (and a<0> ~ N(0, 0.25) for the LSTM), shape (S, d)."""
    d = 2 * hidden if cell == "lstm" else hidden
    return 0.5 * rng.standard_normal((seeds, d))


def random_setup(model: Model, settings: Settings, steps: int
                 ) -> tuple[Weights, np.ndarray, np.ndarray]:
    """The seeded random weights, initial state and inputs of a simulation.

    The same (model.cell, scales, settings, steps) always give the same arrays, so every
    scenario of a model is simulated on the same cells.
    """
    rng = np.random.default_rng(settings.seed)
    w = random_weights(rng, model.cell, settings.seeds, settings.hidden, settings.inputs,
                       model.scale)
    state0 = initial_state(rng, model.cell, settings.seeds, settings.hidden)
    x = model.input_scale * rng.standard_normal((steps, settings.seeds, settings.inputs))
    return w, state0, x


def curves(model: Model, w: Weights, state0: np.ndarray, x: np.ndarray, holds: tuple[Hold, ...],
           settings: Settings, stride: int = 1, reach_stride: int | None = None) -> Curves:
    """gain(t), reach(t) and behaviour of given cells under the holds (only at t = 1 and
    t = T and every ``stride``-th step, see :func:`propagate`: the other entries are NaN)."""
    drive = make_drive(model.cell, model.fixed, holds, x.shape[0], settings.epsilon)
    g, r, _ = propagate(model, w, state0, x, drive, stride=stride, reach_stride=reach_stride)
    gain, reach = median(g), median(r)
    return Curves(gain, reach, classify(float(gain[-1]), settings))


def simulate(model: Model, holds: tuple[Hold, ...] = (), steps: int = 100,
             settings: Settings = Settings()) -> Curves:
    """Simulate ``settings.seeds`` random cells of ``model`` for ``steps`` steps."""
    if steps < 1:
        raise ConfigError(f"steps must be ≥ 1, got {steps}")
    w, state0, x = random_setup(model, settings, steps)
    return curves(model, w, state0, x, holds, settings)


def file_setup(model: Model, loaded, steps: int | None, settings: Settings
               ) -> tuple[Weights, np.ndarray, np.ndarray]:
    """Weights, initial state and inputs of one cell read from a PyTorch file
    (:func:`quizgrader.torch_weights.load`). The file's ``x``, ``h0`` and ``c0`` are used when
    present; what is missing is drawn as for random cells (seeded by ``settings.seed``)."""
    w = loaded.weights
    rng = np.random.default_rng(settings.seed)
    if loaded.x is not None:
        if steps is not None and steps != loaded.x.shape[0]:
            raise ConfigError(f"--steps {steps} differs from the file's x, which has "
                              f"{loaded.x.shape[0]} steps")
        x = loaded.x[:, None, :]
    else:
        if steps is None:
            steps = 100
        if steps < 1:
            raise ConfigError(f"steps must be ≥ 1, got {steps}")
        x = model.input_scale * rng.standard_normal((steps, 1, w.inputs))
    state0 = initial_state(rng, model.cell, 1, w.hidden)
    if model.cell == "lstm":
        if loaded.c0 is not None:
            state0[0, : w.hidden] = loaded.c0
        if loaded.h0 is not None:
            state0[0, w.hidden:] = loaded.h0
    elif loaded.h0 is not None:
        state0[0] = loaded.h0
    return w, state0, x
