"""What is simulated: a :class:`Model` (cell, fixed gates, init), the :class:`Settings` of a
simulation, and its result, :class:`Curves`, with the behaviour it implies."""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial
from typing import Any, Callable, Literal, Mapping

import numpy as np

from ..errors import ConfigError
from .cells import EQUATIONS, Equations
from .gates import CELLS, check_gates

Behaviour = Literal["preserved", "vanishes", "explodes"]
BEHAVIOURS: tuple[Behaviour, ...] = ("preserved", "vanishes", "explodes")
ACTIVATIONS = ("tanh", "relu", "linear")
#: The activations each cell without gates takes (the first is its default).
CELL_ACTIVATIONS: dict[str, tuple[str, ...]] = {"rnn": ACTIVATIONS, "indrnn": ("relu", "tanh")}
RESETS = ("before", "after")
#: How the recurrent (hidden×hidden) blocks are drawn (format v1.2 ``init.recurrent``).
RECURRENTS = ("gaussian", "orthogonal", "identity")
#: The cells whose forget-gate bias chrono initialisation sets.
CHRONO_CELLS = ("lstm", "janet")
#: The largest |bias| and |u| a model may take (beyond, σ and the products saturate to
#: exact 0 and 1 anyway).
MAX_BIAS = 100.0
MAX_U = 10.0
#: Timesteps simulated when nothing says otherwise (the question format's ``horizon``).
DEFAULT_STEPS = 100


FixedGates = tuple[tuple[str, float], ...]


def pairs(fixed: Mapping[str, float] | FixedGates) -> FixedGates:
    """Fixed gates as sorted (gate, constant) pairs, the form a :class:`Model` keeps."""
    items = fixed.items() if isinstance(fixed, Mapping) else fixed
    return tuple(sorted((str(g), float(v)) for g, v in items))


@dataclass(frozen=True)
class Model:
    """One cell configuration: kind, fixed gates, options and initial scales.

    ``fixed`` may be given as a mapping gate -> constant; it is stored as sorted pairs so that
    a Model is hashable (it keys the simulation cache).
    """

    cell: str
    fixed: FixedGates = ()
    activation: str = ""          # "": the cell's default (tanh; relu for the IndRNN)
    reset: str = "before"
    scale: float = 1.0
    input_scale: float = 1.0
    bias: FixedGates = ()         # gate -> b added to its pre-activation (v1.2 init.bias)
    chrono: float | None = None   # T_max of chrono initialisation (lstm, janet; 19.0 is 19)
    recurrent: str = "gaussian"   # how the hidden×hidden blocks are drawn
    recurrent_range: tuple[float, float] | None = None    # indrnn: u ~ U(lo, hi)

    def __post_init__(self) -> None:
        object.__setattr__(self, "fixed", pairs(self.fixed))
        object.__setattr__(self, "bias", pairs(self.bias))
        if self.cell not in CELLS:
            raise ConfigError(f"unknown cell {self.cell!r} (choose from {', '.join(CELLS)})")
        allowed = CELL_ACTIVATIONS.get(self.cell, ("tanh",))
        if not self.activation:
            object.__setattr__(self, "activation", allowed[0])
        if self.activation not in ACTIVATIONS:
            raise ConfigError(f"unknown activation {self.activation!r} (tanh, relu or linear)")
        if self.activation not in allowed:
            raise ConfigError(f"activation {self.activation} applies to rnn cells (tanh, "
                              f"relu, linear) and indrnn cells (relu, tanh) only, not "
                              f"{self.cell}", "activation")
        self._check_init()
        if self.reset not in RESETS:
            raise ConfigError(f"unknown reset {self.reset!r} (before or after)")
        if self.reset != "before" and self.cell != "gru":
            raise ConfigError(f"reset applies to the gru cell only, not {self.cell}")
        for name in ("scale", "input_scale"):
            value = getattr(self, name)
            if not (np.isfinite(value) and value >= 0):
                raise ConfigError(f"{name} must be a finite number ≥ 0, got {value}", name)

    def _check_init(self) -> None:
        """The v1.2 initialisation options, each where its cell has it."""
        check_gates(self.cell, dict(self.bias), "bias", "bias")
        for gate, b in self.bias:
            if not (np.isfinite(b) and abs(b) <= MAX_BIAS):
                raise ConfigError(f"bias {gate}={b}: a bias is a finite number within "
                                  f"±{MAX_BIAS:g}", "bias")
        if self.chrono is not None:
            if self.cell not in CHRONO_CELLS:
                raise ConfigError(f"chrono initialisation sets a forget gate's bias: it "
                                  f"applies to lstm and janet cells, not {self.cell}", "chrono")
            if isinstance(self.chrono, bool) or not 2 <= self.chrono <= 1_000_000:
                raise ConfigError(f"chrono T_max must be a number from 2 to 1000000, "
                                  f"got {self.chrono}", "chrono")
            if float(self.chrono).is_integer():     # one model, one cache key, one text
                object.__setattr__(self, "chrono", int(self.chrono))
            # the LSTM's chrono sets b_u = −b_f: a bias on either would be ambiguous; JANET's
            # forget bias is added to the chrono draw, as any gate bias (semantics v4)
            set_by_chrono = {"forget", "update"} if self.cell == "lstm" else set()
            both = sorted(set_by_chrono & set(dict(self.bias)))
            if both:
                raise ConfigError(f"chrono initialisation sets the {' and '.join(both)} "
                                  f"bias; give it or bias {both[0]}, not both", "bias")
        if self.recurrent not in RECURRENTS:
            raise ConfigError(f"unknown recurrent init {self.recurrent!r} (gaussian, "
                              f"orthogonal or identity)", "recurrent")
        if self.recurrent != "gaussian" and self.cell == "indrnn":
            raise ConfigError("an indrnn cell's recurrent weights are one number per unit: "
                              "set them with recurrent_range, not recurrent", "recurrent")
        if self.recurrent_range is not None:
            if self.cell != "indrnn":
                raise ConfigError(f"recurrent_range applies to indrnn cells only, not "
                                  f"{self.cell}", "recurrent_range")
            lo, hi = (float(v) for v in self.recurrent_range)
            if not (np.isfinite(lo) and np.isfinite(hi) and -MAX_U <= lo <= hi <= MAX_U):
                raise ConfigError(f"recurrent_range [{lo:g}, {hi:g}]: need lo ≤ hi, both "
                                  f"within ±{MAX_U:g}", "recurrent_range")
            object.__setattr__(self, "recurrent_range", (lo, hi))

    @property
    def u_range(self) -> tuple[float, float]:
        """The IndRNN's range of recurrent weights u (default [0, 1])."""
        return self.recurrent_range or (0.0, 1.0)

    @property
    def gate_bias(self) -> dict[str, float]:
        """The ``bias`` pairs as a mapping gate -> b."""
        return dict(self.bias)

    @property
    def fixed_gates(self) -> dict[str, float]:
        """The fixed gates as a mapping gate -> constant."""
        return dict(self.fixed)

    def equations(self, equations: Mapping[str, Equations] | None = None) -> Equations:
        """This cell's implementation from ``equations`` (default: the course's cells)."""
        return (equations or EQUATIONS)[self.cell]

    def stepper(self, equations: Mapping[str, Equations] | None = None
                ) -> Callable[..., tuple[np.ndarray, Any]]:
        """The cell's ``step`` with this model's options (activation, reset) bound."""
        step = self.equations(equations).step
        if self.cell in CELL_ACTIVATIONS:
            return partial(step, activation=self.activation)
        if self.cell == "gru":
            return partial(step, reset=self.reset)
        return step


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
                raise ConfigError(f"{name} must be ≥ 1, got {getattr(self, name)}", name)
        if self.seed < 0:
            raise ConfigError(f"seed must be ≥ 0, got {self.seed}", "seed")
        if not 0.0 < self.epsilon < 0.5:
            raise ConfigError(f"epsilon must be in (0, 0.5), got {self.epsilon}", "epsilon")
        if not 0.0 < self.vanish_below < self.explode_above:
            raise ConfigError("need 0 < vanish_below < explode_above", "vanish_below")


@dataclass(frozen=True)
class Curves:
    """gain and reach at t = 1..T, and the behaviour over the horizon T.

    gain  : ndarray (T,)  median over seeds of ‖∂c<t>/∂c<0>‖₂
    reach : ndarray (T,)  median over seeds of ‖∂c<t>/∂x<1>‖₂
    gain_interval, reach_interval : (lo, hi), the 95 % interval of gain(T), reach(T) over the
            seeds (:func:`.spread.median_interval`; NaN when unknown)
    """

    gain: np.ndarray
    reach: np.ndarray
    behaviour: Behaviour
    gain_interval: tuple[float, float] = (math.nan, math.nan)
    reach_interval: tuple[float, float] = (math.nan, math.nan)

    @property
    def steps(self) -> int:
        """T, the number of steps."""
        return len(self.gain)

    @property
    def final(self) -> float:
        """gain(T)."""
        return float(self.gain[-1])

    @property
    def factor(self) -> float:
        """The per-step factor gain(T)^(1/T)."""
        g = self.final
        return g ** (1.0 / self.steps) if np.isfinite(g) else float("inf")


def classify(gain: float, settings: Settings) -> Behaviour:
    """vanishes below ``vanish_below``, explodes above ``explode_above`` or if not finite."""
    if not np.isfinite(gain) or gain > settings.explode_above:
        return "explodes"
    return "vanishes" if gain < settings.vanish_below else "preserved"
