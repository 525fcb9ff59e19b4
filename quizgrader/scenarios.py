"""Scenarios (which free gates are held ≈0/≈1 at which steps) and the simulation cache.

A scenario is a tuple of :class:`Hold`. The cache runs each (model, scenario, horizon,
settings) once per process; every option and question that needs it shares the result.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from .gates import GATES, Hold
from .simulate import Curves, Model, Settings, curves, random_setup

if TYPE_CHECKING:
    from .simcache import DiskCache

Scenario = tuple[Hold, ...]


@dataclass(frozen=True)
class SimKey:
    model: Model
    holds: Scenario
    steps: int
    settings: Settings


@dataclass(frozen=True)
class SetupKey:
    model: Model
    steps: int
    settings: Settings


#: Most points a full curve computes (each costs a spectral norm per seed).
CURVE_POINTS = 250


def plot_stride(steps: int) -> int:
    """The step between the points of a full curve of ``steps`` steps."""
    return max(1, -(-steps // CURVE_POINTS))


class Simulator:
    """Simulations with a typed cache (and optionally a :class:`~quizgrader.simcache.DiskCache`
    behind it); ``runs`` counts the simulations actually run. With ``always_full`` every run
    computes the full curve (for plots after verification: one run serves both)."""

    def __init__(self, store: DiskCache | None = None, always_full: bool = False) -> None:
        self.store = store
        self.always_full = always_full     # compute full curves even for endpoints requests
        self._curves: dict[SimKey, Curves] = {}
        self._endpoints: dict[SimKey, Curves] = {}
        self._setups: dict[SetupKey, tuple] = {}
        self.runs = 0

    def _setup(self, model: Model, steps: int, settings: Settings) -> tuple:
        # the random cells depend on the cell kind and scales, not on fixed gates or holds
        key = SetupKey(replace(model, fixed=()), steps, settings)
        if key not in self._setups:
            self._setups[key] = random_setup(model, settings, steps)
        return self._setups[key]

    def run(self, model: Model, holds: Scenario, steps: int, settings: Settings,
            full: bool = True) -> Curves:
        """gain/reach curves: with ``full`` at t = 1, T and every :func:`plot_stride`-th
        step (every step up to T = 250, about 250 points beyond), else at t = 1 and T only;
        reach at t = 1 and T only; the steps not computed are NaN."""
        key = SimKey(model, tuple(holds), steps, settings)
        full = full or self.always_full
        if key in self._curves:
            return self._curves[key]
        if not full and key in self._endpoints:
            return self._endpoints[key]
        result = self._load(key, full)
        if result is None:
            self.runs += 1
            result = curves(model, *self._setup(model, steps, settings), holds, settings,
                            stride=plot_stride(steps) if full else 0, reach_stride=0)
            if self.store is not None:
                self.store.put((key, full), result)
        (self._curves if full else self._endpoints)[key] = result
        return result

    def _load(self, key: SimKey, full: bool) -> Curves | None:
        if self.store is None:
            return None
        found = self.store.get((key, full))
        if found is None and not full:            # a full run has the endpoints too
            found = self.store.get((key, True))
        if found is not None and len(found.gain) != key.steps:
            return None
        return found


def free_gates(model: Model) -> tuple[str, ...]:
    fixed = dict(model.fixed)
    return tuple(g for g in GATES[model.cell] if g not in fixed)


def write_then_hold(model: Model) -> Scenario | None:
    """Write at step 1, then keep: GRU Γu≈1 then ≈0; LSTM (Γu≈1, Γf≈0) then (Γu≈0, Γf≈1).
    None if a gate it needs is fixed."""
    need = {"gru": {"update": (1, 0)}, "lstm": {"update": (1, 0), "forget": (0, 1)}}.get(
        model.cell)
    if not need or any(g not in free_gates(model) for g in need):
        return None
    return tuple(h for g, (first, after) in need.items()
                 for h in (Hold(g, first, 1, 1), Hold(g, after, 2)))


def all_scenarios(model: Model) -> list[Scenario]:
    """Each free gate held ≈0, ≈1 or left free (in that order), then write-then-hold."""
    gates = free_gates(model)
    out: list[Scenario] = []
    for values in itertools.product((0, 1, None), repeat=len(gates)):
        out.append(tuple(Hold(g, v) for g, v in zip(gates, values) if v is not None))
    wth = write_then_hold(model)
    if wth is not None:
        out.append(wth)
    return out


def describe(holds: Scenario) -> str:
    """'Γu≈0, Γr≈1' or 'all gates free'."""
    return ", ".join(h.describe() for h in holds) if holds else "all gates free"
