"""Verifying a whole bank, in several processes: one job per question and, with ``robust``,
per variation; each worker keeps one simulator (and its caches) for all its jobs."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from ..question.schema import Question
from ..sim import Simulator
from ..sim.diskcache import DiskCache
from ..sim.simulator import cached_first
from .checks import verify_question
from .results import QuestionVerdict
from .robust import variations, varied, with_robustness

Job = tuple[str, Question, Path | None]
_SIMULATORS: dict[Path | None, Simulator] = {}


def _simulator(store: Path | None) -> Simulator:
    """This process's simulator for the disk cache at ``store`` (None: no disk cache)."""
    if store not in _SIMULATORS:
        _SIMULATORS[store] = Simulator(DiskCache(store) if store is not None else None)
    return _SIMULATORS[store]


def _verify(job: Job) -> QuestionVerdict:
    path, q, store = job
    return verify_question(q, path, _simulator(store))


def cost(q: Question) -> float:
    """A rough cost of verifying ``q``, to start the longest jobs first."""
    s = q.simulation
    return q.horizon * s.seeds * s.hidden ** 2 * max(1, len(q.options))


def verify_bank(questions: list[tuple[str, Question]], store: Path | None, workers: int,
                robust: bool = False, progress: Callable[[int, int], None] | None = None
                ) -> list[QuestionVerdict]:
    """Every question verified (and with ``robust`` every variation), on ``workers``
    processes; the verdicts do not depend on the number of workers. ``progress(done,
    total)`` is called as jobs end."""
    jobs: list[Job] = []
    for path, q in questions:
        qs = [q] + ([varied(q, seed, hidden) for seed, hidden in variations(q)[1:]]
                    if robust else [])
        jobs += [(path, v, store) for v in qs]
    _SIMULATORS.clear()        # a fresh run sees the disk cache, not an earlier run's memory
    count = [0]

    def tick(n: int) -> None:
        count[0] += n
        if progress is not None:
            progress(count[0], len(jobs))

    # what the disk cache holds whole is verified here (a warm run starts no process)
    reader = Simulator(DiskCache(store), offline=True) if store is not None else None
    verdicts = cached_first(
        len(jobs), (lambda i: verify_question(jobs[i][1], jobs[i][0], reader))
        if reader is not None and workers > 1 else None,
        _verify, jobs.__getitem__, lambda i: cost(jobs[i][1]), workers, tick)
    if not robust:
        return verdicts
    n = len(variations(questions[0][1])) if questions else 0
    return [with_robustness(verdicts[i * n], verdicts[i * n:(i + 1) * n])
            for i in range(len(questions))]
