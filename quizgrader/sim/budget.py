"""What a simulation will cost, estimated before it starts, so that oversized work is refused
instead of running for hours or exhausting memory.

The estimate counts the flops of one step (forward and Jacobian product) for every cell of a
run, at a conservative rate measured on a 2-core machine with BLAS on one thread, plus a fixed
cost per step; memory counts the arrays a run keeps (inputs projected for every step, the
stacked Jacobians and their temporaries, the recorded curves).
"""
from __future__ import annotations

from dataclasses import dataclass

from .gates import GATES
from .model import Settings

#: Flops per second of the small batched products, and seconds per step of Python overhead.
RATE = 8e9
STEP = 1.5e-4


@dataclass(frozen=True)
class Estimate:
    """The work a simulation asks for: seconds and bytes."""
    seconds: float
    bytes: float

    def __add__(self, other: Estimate) -> Estimate:
        return Estimate(self.seconds + other.seconds, max(self.bytes, other.bytes))


@dataclass(frozen=True)
class Limits:
    """The most one command may do without being asked to do more."""

    seconds: float = 60.0
    bytes: float = 1e9


def step_flops(cell: str, n: int, m: int) -> int:
    """Flops of one step of one cell: forward and Jacobian product, k = n + m columns."""
    k = n + m
    if cell == "indrnn":                      # diagonal: elementwise products only
        return 6 * n + 2 * n * k
    return 2 * (len(GATES[cell]) + 1) * n * n + {
        "rnn": 2 * n * n * k, "gru": 2 * n ** 3 + 2 * n * n * k,
        "lstm": 4 * n * n * k + 6 * n * n, "janet": 2 * n * n * k + 4 * n * n,
        "mgu": 2 * n ** 3 + 2 * n * n * k}[cell]


def scenario_seconds(cell: str, steps: int, hidden: int, inputs: int, seeds: int) -> float:
    """The numpy estimate of one scenario of a simulation (what the compiled backend's
    ``auto`` rule reads: :mod:`.kernels`)."""
    return steps * (STEP + seeds * step_flops(cell, hidden, inputs) / RATE)


def estimate(cell: str, steps: int, settings: Settings, scenarios: int = 1) -> Estimate:
    """The cost of simulating ``scenarios`` scenarios of one model together for ``steps``
    (on numpy: the compiled backend only does better)."""
    n, m, S = settings.hidden, settings.inputs, settings.seeds
    blocks = len(GATES[cell]) + 1
    d = 2 * n if cell == "lstm" else n
    k = n + m
    seconds = steps * (STEP + scenarios * S * step_flops(cell, n, m) / RATE)
    floats = (steps * S * (blocks * n + m)                  # inputs, and their projections
              + 6 * scenarios * S * d * max(k, d)           # tangents, Jacobians, temporaries
              + S * blocks * n * k                          # weights
              + 2 * steps * scenarios * S)                  # recorded gain and reach per seed
    return Estimate(seconds, 8.0 * floats)


def describe(e: Estimate) -> str:
    """'about 2.3 hours and 840 GB'."""
    s = e.seconds
    when = (f"{s:.0f} s" if s < 120 else f"{s / 60:.0f} minutes" if s < 7200
            else f"{s / 3600:.1f} hours" if s < 172800 else f"{s / 86400:.0f} days")
    b = e.bytes
    size = (f"{b / 1e6:.0f} MB" if b < 1e9 else f"{b / 1e9:.1f} GB" if b < 1e12
            else f"{b / 1e12:.1f} TB")
    return f"about {when} and {size}"


def over(e: Estimate, limits: Limits) -> bool:
    """True if ``cost`` exceeds ``limits``."""
    return e.seconds > limits.seconds or e.bytes > limits.bytes
