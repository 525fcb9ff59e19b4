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
from ..sim.parallel import run_jobs, single_blas
from ..sim.simulator import CacheMiss
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
    done: dict[int, tuple[QuestionVerdict, Grid]] = {}
    if store is not None:
        sim, reader = Simulator(store, offline=True), LabSimulator(store, offline=True)
        with single_blas():
            for i, (path, q) in enumerate(questions):
                try:
                    done[i] = _both(q, path, sim, reader)
                except CacheMiss:
                    pass
    rest = [i for i in range(len(questions)) if i not in done]
    root = store.root if store is not None else None
    jobs = [(questions[i][0], questions[i][1], root) for i in rest]
    costs = [verify_cost(q) + grid_cost(q) for _, q, _ in jobs]
    done.update(zip(rest, run_jobs(_job, jobs, workers, costs), strict=True))
    pairs = [done[i] for i in range(len(questions))]
    return [v for v, _ in pairs], [g for _, g in pairs]
