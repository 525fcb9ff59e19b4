"""Verifying a bank and computing its offline labs together, for the HTML handout: one job per
question runs the lab's grid first, on the simulator it then verifies the question with, so
the scenarios both need are propagated once (:class:`~.curves.LabSimulator`'s ``shared``).

What the disk cache holds whole (the verdict and the grid) is read here; the rest runs on the
process pool, the costliest questions first. The verdicts and grids are those of
:func:`~quizgrader.verify.batch.verify_bank` and :func:`~.offline.grids`, bit for bit.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ..question.schema import Question
from ..sim import Simulator
from ..sim.diskcache import DiskCache
from ..sim.simulator import cached_first
from ..verify import QuestionVerdict, verify_question
from ..verify.batch import cost as verify_cost
from .curves import LabSimulator
from .grid import models
from .offline import grid_cost, grid_data

Grid = dict[str, Any] | None
Job = tuple[str, Question, Path | None]


def _both(q: Question, path: str, sim: Simulator, lab: LabSimulator
          ) -> tuple[QuestionVerdict, Grid]:
    """The grid of ``q`` (None: no model with gates), then its verdict on ``sim``."""
    data = grid_data(q, lab) if models(q) else None
    return verify_question(q, path, sim), data


def _job(job: Job) -> tuple[QuestionVerdict, Grid]:
    path, q, root = job
    sim = Simulator(DiskCache(root) if root is not None else None)
    return _both(q, path, sim, LabSimulator(sim.store, shared=sim))


def verify_with_grids(questions: list[tuple[str, Question]], store: DiskCache | None,
                      workers: int) -> tuple[list[QuestionVerdict], list[Grid]]:
    """Each question's verdict and offline grid (None: it has no model with gates), on
    ``workers`` processes; neither depends on the number of workers or on the cache."""
    sim, reader = Simulator(store, offline=True), LabSimulator(store, offline=True)
    root = store.root if store is not None else None
    pairs = cached_first(
        len(questions), (lambda i: _both(questions[i][1], questions[i][0], sim, reader))
        if store is not None else None, _job, lambda i: (*questions[i], root),
        lambda i: verify_cost(questions[i][1]) + grid_cost(questions[i][1]), workers)
    return [v for v, _ in pairs], [g for _, g in pairs]
