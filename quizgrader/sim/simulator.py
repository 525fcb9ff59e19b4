"""The simulator the verifier, explanations and plots share: each (model, scenario, horizon,
settings) runs once per process, with a typed in-memory cache and, optionally, the disk cache
of :mod:`.diskcache` behind it.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Callable, Mapping, TypeVar

import numpy as np

from .budget import step_flops
from .cells import Equations, Weights
from .model import Curves, Model, Settings, classify
from .parallel import run_jobs, single_blas
from .scenarios import Scenario
from .simulate import curves_many, random_setup

R = TypeVar("R")
J = TypeVar("J")

if TYPE_CHECKING:
    from .diskcache import DiskCache


@dataclass(frozen=True)
class SimKey:
    """One simulation: a model under a scenario for ``steps`` steps with ``settings``."""

    model: Model
    holds: Scenario
    steps: int
    settings: Settings


@dataclass(frozen=True)
class SetupKey:
    """The random cells of a simulation (they do not depend on fixed gates or holds)."""

    model: Model
    steps: int
    settings: Settings


Setup = tuple[Weights, np.ndarray, np.ndarray]

#: Most points a full curve computes (each costs a spectral norm per seed).
CURVE_POINTS = 250


def plot_stride(steps: int) -> int:
    """The step between the points of a full curve of ``steps`` steps."""
    return max(1, -(-steps // CURVE_POINTS))


class CacheMiss(Exception):
    """An offline simulator was asked for a simulation its caches do not hold."""


def cached_first(count: int, cached: Callable[[int], R] | None, fn: Callable[[J], R],
                 job: Callable[[int], J], cost: Callable[[int], float], workers: int,
                 progress: Callable[[int], None] | None = None) -> list[R]:
    """``count`` results, in order: item i is ``cached(i)`` (read here, BLAS on one thread)
    unless that raises CacheMiss, else ``fn(job(i))`` on ``workers`` processes, the costliest
    first (:func:`~.parallel.run_jobs`); ``progress(1)`` as each item is done. A warm cache
    then starts no process at all."""
    done: dict[int, R] = {}
    if cached is not None:
        with single_blas():
            for i in range(count):
                try:
                    done[i] = cached(i)
                except CacheMiss:
                    continue
                if progress is not None:
                    progress(1)
    rest = [i for i in range(count) if i not in done]
    done.update(zip(rest, run_jobs(fn, [job(i) for i in rest], workers,
                                   [cost(i) for i in rest], progress), strict=True))
    return [done[i] for i in range(count)]


class Simulator:
    """Simulations with a typed cache (and optionally a :class:`~.diskcache.DiskCache` behind
    it); ``runs`` counts the simulations actually run, ``flops`` their arithmetic. With
    ``always_full`` every run computes the full curve (for plots after verification: one run
    serves both). ``equations`` replaces the course's cell implementations (then no disk
    cache may be used: its entries are keyed by the course's code)."""

    def __init__(self, store: DiskCache | None = None, always_full: bool = False,
                 equations: Mapping[str, Equations] | None = None,
                 offline: bool = False) -> None:
        """``offline``: answer from the caches only, raising :class:`CacheMiss` otherwise."""
        if equations is not None and store is not None:
            raise ValueError("a simulator with its own equations cannot use the disk cache")
        self.store = store
        self.always_full = always_full     # compute full curves even for endpoints requests
        self.equations = equations
        self.offline = offline
        self._curves: dict[SimKey, Curves] = {}
        self._endpoints: dict[SimKey, Curves] = {}
        self._setups: dict[SetupKey, Setup] = {}
        self.runs = 0
        self.flops = 0.0     # the arithmetic of the simulations run (:func:`.budget.step_flops`)

    def _setup(self, model: Model, steps: int, settings: Settings) -> Setup:
        key = SetupKey(replace(model, fixed=()), steps, settings)
        if key not in self._setups:
            self._setups[key] = random_setup(model, settings, steps)
        return self._setups[key]

    def run(self, model: Model, holds: Scenario, steps: int, settings: Settings,
            full: bool = True) -> Curves:
        """gain/reach curves: with ``full`` at t = 1, T and every :func:`plot_stride`-th
        step (every step up to T = 250, about 250 points beyond), else at t = 1 and T only;
        reach at t = 1 and T only; the steps not computed are NaN."""
        return self.run_many([(model, tuple(holds))], steps, settings, full)[0]

    def run_many(self, requests: list[tuple[Model, Scenario]], steps: int, settings: Settings,
                 full: bool = True) -> list[Curves]:
        """:meth:`run` for several (model, scenario) pairs: those not cached yet run together,
        one stacked simulation per model (they share its random cells)."""
        full = full or self.always_full
        keys = [SimKey(m, tuple(h), steps, settings) for m, h in requests]
        missing: dict[Model, list[SimKey]] = {}
        for key in keys:
            if self._cached(key, full) is None:
                found = self._load(key, full)
                if found is not None:
                    (self._curves if full else self._endpoints)[key] = found
                elif key not in missing.get(key.model, []):
                    missing.setdefault(key.model, []).append(key)
        if missing and self.offline:
            raise CacheMiss(next(iter(missing)))
        for model, group in missing.items():
            self.runs += len(group)
            self.flops += float(len(group) * steps * settings.seeds *
                                step_flops(model.cell, settings.hidden, settings.inputs))
            results = curves_many(model, *self._setup(model, steps, settings),
                                  [k.holds for k in group], settings,
                                  stride=plot_stride(steps) if full else 0, reach_stride=0,
                                  equations=self.equations)
            for key, result in zip(group, results, strict=True):
                if self.store is not None:
                    self.store.put((key, full), result.gain, result.reach,
                                   (*result.gain_interval, *result.reach_interval))
                (self._curves if full else self._endpoints)[key] = result
        out = [self._cached(key, full) for key in keys]
        return [c for c in out if c is not None]      # every key was just run or found

    def remember(self, key: SimKey, curves: Curves) -> None:
        """Take ``curves`` as ``key``'s endpoints run (kept, and stored, as :meth:`run_many`
        with ``full`` False would): curves computed elsewhere on this simulator's random
        cells with gain and reach recorded at t = 1 and T only, so with the bits of a run
        here (:func:`.simulate.curves_tracks`)."""
        if self._cached(key, False) is not None:
            return
        if self.store is not None:
            self.store.put((key, False), curves.gain, curves.reach,
                           (*curves.gain_interval, *curves.reach_interval))
        self._endpoints[key] = curves

    def _cached(self, key: SimKey, full: bool) -> Curves | None:
        found = self._curves.get(key)
        if found is None and not full:
            found = self._endpoints.get(key)
        return found

    def _load(self, key: SimKey, full: bool) -> Curves | None:
        """The curves stored on disk for ``key`` (behaviour derived again from the gain),
        with their intervals at T."""
        if self.store is None:
            return None
        found = self.store.get((key, full))
        if found is None and not full:            # a full run has the endpoints too
            found = self.store.get((key, True))
        if found is None or len(found[0]) != key.steps:
            return None
        gain, reach, spread = found
        return Curves(gain, reach, classify(float(gain[-1]), key.settings),
                      (float(spread[0]), float(spread[1])), (float(spread[2]), float(spread[3])))
