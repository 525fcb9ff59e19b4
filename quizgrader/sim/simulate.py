"""Gradient-flow simulation of random (or loaded) cells: gain(t) = median ‖∂c<t>/∂c<0>‖₂ and
reach(t) = median ‖∂c<t>/∂x<1>‖₂ over seeds (the Jacobian products are in :mod:`.propagate`).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

import numpy as np

from ..errors import ConfigError
from .cells import Equations, Weights
from .cells.weights import random_weights
from .gates import Hold, make_drive, stack
from .init import initialise
from .model import DEFAULT_STEPS, Curves, Model, Settings, classify
from .propagate import propagate, propagate_tracks, steps_mask
from .scenarios import Scenario
from .spread import median_interval

if TYPE_CHECKING:
    from .torch_weights import Loaded


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

    The same (model.cell, init, settings, steps) always give the same arrays, so every
    scenario of a model is simulated on the same cells; a model's init options
    (:mod:`.init`) change its weights, never its c<0> or inputs.
    """
    rng = np.random.default_rng(settings.seed)
    w = random_weights(rng, model.cell, settings.seeds, settings.hidden, settings.inputs,
                       model.scale, model.u_range)
    w = initialise(w, model, settings.seed)
    state0 = initial_state(rng, model.cell, settings.seeds, settings.hidden)
    x = model.input_scale * rng.standard_normal((steps, settings.seeds, settings.inputs))
    return w, state0, x


def curves_many(model: Model, w: Weights, state0: np.ndarray, x: np.ndarray,
                scenarios: list[Scenario], settings: Settings, stride: int = 1,
                reach_stride: int | None = None, at: tuple[int, ...] = (),
                equations: Mapping[str, Equations] | None = None) -> list[Curves]:
    """gain(t), reach(t), behaviour and the 95 % intervals of gain(T) and reach(T) of the
    same cells under each scenario, simulated together. Recorded at t = 1, T, every
    ``stride``-th step (0: no more) and the steps ``at`` (reach every ``reach_stride``-th, by
    default the same); the other entries are NaN."""
    T = x.shape[0]
    drive = stack([make_drive(model.cell, model.fixed, holds, T, settings.epsilon)
                   for holds in scenarios])
    gain_at = steps_mask(T, stride, at)
    reach_at = gain_at if reach_stride is None else steps_mask(T, reach_stride, at)
    g, r, _ = propagate(model, w, state0, x, drive, gain_at=gain_at, reach_at=reach_at,
                        equations=equations)
    return _curves(g, r, settings, len(scenarios))


def curves_tracks(model: Model, w: Weights, state0: np.ndarray, x: np.ndarray,
                  scenarios: list[Scenario], settings: Settings,
                  tracks: list[tuple[int, tuple[int, ...]]]) -> list[list[Curves]]:
    """:func:`curves_many` for each (stride, at) of ``tracks`` (gain and reach both recorded
    there), from one propagation: each track's curves have the bits of a
    :func:`curves_many` call with ``stride=reach_stride=stride`` and that ``at`` alone."""
    T = x.shape[0]
    drive = stack([make_drive(model.cell, model.fixed, holds, T, settings.epsilon)
                   for holds in scenarios])
    masks = [(steps_mask(T, stride, at), steps_mask(T, stride, at)) for stride, at in tracks]
    return [_curves(g, r, settings, len(scenarios))
            for g, r in propagate_tracks(model, w, state0, x, drive, masks)]


def _curves(g: np.ndarray, r: np.ndarray, settings: Settings, scenarios: int) -> list[Curves]:
    """The curves of each scenario from the per-seed gain and reach (T, K, S)."""
    gain, reach = median(g), median(r)                  # (T, K)
    (glo, ghi), (rlo, rhi) = median_interval(g[-1]), median_interval(r[-1])   # (K,)
    return [Curves(gain[:, k], reach[:, k], classify(float(gain[-1, k]), settings),
                   (float(glo[k]), float(ghi[k])), (float(rlo[k]), float(rhi[k])))
            for k in range(scenarios)]


def curves(model: Model, w: Weights, state0: np.ndarray, x: np.ndarray, holds: tuple[Hold, ...],
           settings: Settings, stride: int = 1, reach_stride: int | None = None,
           at: tuple[int, ...] = (), equations: Mapping[str, Equations] | None = None
           ) -> Curves:
    """:func:`curves_many` of one scenario."""
    return curves_many(model, w, state0, x, [holds], settings, stride, reach_stride, at,
                       equations)[0]


def check_steps(steps: int) -> int:
    """``steps`` if it is a valid horizon, else ConfigError."""
    if steps < 1:
        raise ConfigError(f"steps must be ≥ 1, got {steps}", "steps")
    return steps


def simulate(model: Model, holds: tuple[Hold, ...] = (), steps: int = DEFAULT_STEPS,
             settings: Settings = Settings()) -> Curves:
    """Simulate ``settings.seeds`` random cells of ``model`` for ``steps`` steps."""
    check_steps(steps)
    w, state0, x = random_setup(model, settings, steps)
    return curves(model, w, state0, x, holds, settings)


def file_setup(model: Model, loaded: Loaded, steps: int | None, settings: Settings
               ) -> tuple[Weights, np.ndarray, np.ndarray]:
    """Weights, initial state and inputs of one cell read from a PyTorch file
    (:func:`.torch_weights.load`). The file's ``x``, ``h0`` and ``c0`` are used when
    present; what is missing is drawn as for random cells (seeded by ``settings.seed``)."""
    w = loaded.weights
    rng = np.random.default_rng(settings.seed)
    if loaded.x is not None:
        if steps is not None and steps != loaded.x.shape[0]:
            raise ConfigError(f"steps {steps} differs from the file's x, which has "
                              f"{loaded.x.shape[0]} steps", "steps")
        x = loaded.x[:, None, :]
    else:
        steps = check_steps(DEFAULT_STEPS if steps is None else steps)
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
