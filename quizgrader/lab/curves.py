"""The lab's simulations: gain(t) = ‖∂c<t>/∂c<0>‖ and reach(t) = ‖∂c<t>/∂x<1>‖ of one
setting, on the question's own random cells (:func:`~quizgrader.sim.simulate.random_setup`
with its ``simulation`` settings), so a setting the verifier also ran gives its numbers.

Unlike the verifier's runs, both curves are recorded at every step (the service's API) or at
a few log-spaced steps (:func:`points`, the offline handout's); the settings of one model run
stacked in one simulation. Results are kept in memory and in the disk cache (their own
entries, keyed by the steps recorded).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from ..sim import Curves, Model, Scenario, Settings
from ..sim.diskcache import DiskCache
from ..sim.model import classify
from ..sim.simulate import curves_many, curves_tracks, random_setup
from ..sim.simulator import CacheMiss, SimKey, Simulator

#: Most steps an offline curve keeps (log-spaced, t = 1 and T included).
POINTS = 16


def points(steps: int, most: int = POINTS) -> tuple[int, ...]:
    """About ``most`` steps of 1..T, half log-spaced (the fast early fall) and half evenly
    spaced (the plot's axis is linear in t), with 1, T/10, T/2 and T (the table's)."""
    log = np.round(np.logspace(0.0, np.log10(steps), most // 2))
    even = np.round(np.linspace(1.0, steps, most - most // 2))
    raw = np.unique(np.concatenate([log, even]).astype(int))
    return tuple(sorted({int(t) for t in raw} | set(table_steps(steps))))


def table_steps(steps: int) -> tuple[int, ...]:
    """t = 1, T/10, T/2 and T (each at least 1, without repeats)."""
    return tuple(sorted({1, max(1, steps // 10), max(1, steps // 2), steps}))


@dataclass(frozen=True)
class LabKey:
    """One lab simulation: a model under a scenario for ``steps`` steps, recorded at ``at``
    (() : every step)."""

    model: Model
    holds: Scenario
    steps: int
    settings: Settings
    at: tuple[int, ...] = ()


class LabSimulator:
    """The lab's simulations, cached in memory and (with ``store``) on disk; ``runs`` counts
    the simulations actually run. Thread-safe (the service calls it from its thread pool)."""

    def __init__(self, store: DiskCache | None = None, offline: bool = False,
                 shared: Simulator | None = None) -> None:
        """``offline``: answer from the caches only, raising CacheMiss otherwise; ``shared``:
        a verifier's simulator that is given each run as its endpoints run
        (:meth:`~quizgrader.sim.simulator.Simulator.remember`), so verifying the question
        afterwards on it does not run again the scenarios the lab ran."""
        self.store = store
        self.offline = offline
        self.shared = shared
        self.runs = 0
        self._memo: dict[LabKey, Curves] = {}
        self._lock = threading.Lock()

    def run_many(self, model: Model, scenarios: list[Scenario], steps: int,
                 settings: Settings, at: tuple[int, ...] = ()) -> list[Curves]:
        """The curves of ``model`` under each scenario; those not cached run together."""
        keys = [LabKey(model, tuple(s), steps, settings, at) for s in scenarios]
        with self._lock:
            missing = []
            for key in keys:
                if key not in self._memo and not self._load(key) and key not in missing:
                    missing.append(key)
            if missing and self.offline:
                raise CacheMiss(missing[0])
            if missing:
                self.runs += len(missing)
                stride = 0 if at else 1
                setup = random_setup(model, settings, steps)
                holds = [k.holds for k in missing]
                if self.shared is None:
                    found = curves_many(model, *setup, holds, settings, stride=stride,
                                        reach_stride=stride, at=at)
                    ends: list[Curves | None] = [None] * len(found)
                else:       # the verifier's endpoints run too, from the same propagation
                    found, both = curves_tracks(model, *setup, holds, settings,
                                                [(stride, at), (0, ())])
                    ends = list(both)
                for key, c, end in zip(missing, found, ends, strict=True):
                    self._memo[key] = c
                    if self.store is not None:
                        self.store.put(("lab", key), c.gain, c.reach,
                                       (*c.gain_interval, *c.reach_interval))
                    if self.shared is not None and end is not None:
                        self.shared.remember(SimKey(model, key.holds, steps, settings), end)
            return [self._memo[k] for k in keys]

    def _load(self, key: LabKey) -> bool:
        """Put ``key``'s curves from the disk cache in memory; False when it has none."""
        found = self.store.get(("lab", key)) if self.store is not None else None
        if found is None or len(found[0]) != key.steps:
            return False
        gain, reach, spread = found
        self._memo[key] = Curves(gain, reach, classify(float(gain[-1]), key.settings),
                                 (float(spread[0]), float(spread[1])),
                                 (float(spread[2]), float(spread[3])))
        return True
