"""Simulating one configuration: random cells, or one PyTorch layer's weights."""
from __future__ import annotations

import math
from pathlib import Path
from typing import Mapping, Sequence

from ..apitypes import Simulation
from ..errors import ConfigError
from ..sim import DEFAULT_STEPS, Hold, Model, Settings
from ..sim.budget import Limits, describe, estimate, over
from ..sim.gates import check_holds
from ..sim.init import add_bias, gate_biases as effective_biases
from ..sim.model import pairs
from ..sim.parallel import single_blas
from ..sim.simulate import check_steps, curves, file_setup, random_setup
from ..text.cells import init_words
from ..text.reports import simreport
from .verifying import allowed

PathLike = str | Path
#: The largest weight or input scale a simulation accepts (as a question's init does).
MAX_SCALE = 100.0


def simulate(cell: str, *, fixed: Mapping[str, float] | None = None,
             holds: Sequence[Hold] = (), steps: int | None = None, hidden: int = 16,
             inputs: int = 8, seeds: int = 32, seed: int = 0, scale: float = 1.0,
             input_scale: float = 1.0, epsilon: float = 0.001, activation: str | None = None,
             bias: Mapping[str, float] | None = None, chrono: float | None = None,
             recurrent: str = "gaussian", recurrent_range: tuple[float, float] | None = None,
             reset: str | None = None, weights: PathLike | None = None,
             at: Sequence[int] | None = None, allow_large: bool = False) -> Simulation:
    """gain(t) and reach(t) of one configuration: ``seeds`` random cells, or the one PyTorch
    layer in ``weights`` (then ``reset`` defaults to ``after``, PyTorch's GRU). Every step
    is recorded, or with ``at`` only t = 1, T and those steps (the others are NaN: a norm per
    seed and step is most of a short simulation's time). ``bias``, ``chrono``, ``recurrent``
    and ``recurrent_range`` are the format's ``init`` options; with ``weights`` only ``bias``
    applies, added to the file's (summed) biases."""
    for name, v in (("scale", scale), ("input_scale", input_scale)):
        if not (math.isfinite(v) and 0.0 <= v <= MAX_SCALE):
            raise ConfigError(f"{name} must be between 0 and {MAX_SCALE:g}, got {v:g} (larger "
                              f"values overflow the cell's arithmetic, which says nothing about "
                              f"its gradient)", name)
    if weights is None:
        T = check_steps(DEFAULT_STEPS if steps is None else steps)
        cost = estimate(cell, T, Settings(hidden=hidden, inputs=inputs, seeds=seeds))
        if over(cost, Limits()) and not allowed(allow_large):
            raise ConfigError(f"this simulation could take {describe(cost)} ({T} steps × "
                              f"{seeds} seeds, hidden {hidden}, inputs {inputs}; the limits "
                              f"are {Limits().seconds:g} s and {Limits().bytes / 1e9:g} GB): "
                              f"lower them, or allow large work", "allow_large")
    if weights is not None and cell == "gru" and reset == "before":
        raise ConfigError("a PyTorch GRU applies its reset gate after the recurrent product: "
                          "reset must be 'after'", "reset")
    if weights is not None and (chrono is not None or recurrent != "gaussian"
                                or recurrent_range is not None):
        raise ConfigError("chrono, recurrent and recurrent_range draw random weights; with "
                          "weights from a file, only bias can be added to them",
                          "chrono" if chrono is not None else "recurrent")
    model = Model(cell, pairs(fixed or {}), activation or "",
                  reset or ("after" if weights is not None and cell == "gru" else "before"),
                  scale, input_scale, pairs(bias or {}), chrono, recurrent, recurrent_range)
    settings = Settings(hidden=hidden, inputs=inputs, seeds=seeds, seed=seed, epsilon=epsilon)
    if weights is not None:
        from ..sim.torch_weights import load
        w, state0, x = file_setup(model, load(weights, cell), steps, settings)
        w = add_bias(w, model)
        source = simreport.file_source(str(weights), effective_biases(w, cell))
    else:
        w, state0, x = random_setup(model, settings, T)
        source = simreport.random_source(seeds, hidden, inputs, seed)
    check_holds(tuple(holds), x.shape[0])
    with single_blas():
        result = curves(model, w, state0, x, tuple(holds), settings,
                        stride=1 if at is None else 0, at=tuple(at or ()))
    init = "" if weights is not None else "; ".join(init_words(model))
    return Simulation(model, tuple(holds), result,
                      simreport.title(model, tuple(holds), source, init))
