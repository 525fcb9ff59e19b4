"""Using both cores robustly: BLAS pinned to one thread, independent jobs in processes.

The per-step products are small batched matrix products; OpenBLAS's threads gain nothing on
them and collapse when the machine is busy (measured: LSTM hidden 64 × 100 steps took 5.5 to
20.7 s with 2 BLAS threads under load, 0.45 s with one). So every simulation runs with BLAS
on one thread, whether in this process or in a worker, and the parallelism comes from
processes running independent jobs, or, for one simulation of large cells, threads each
running some of its seeds (each seed is its own cell, simulated alone); a compiled simulation
in a worker also takes the cores of workers that have run out of jobs. The numbers are then
bit-identical whatever the number of workers or threads.

Stopping: the workers ignore Ctrl-C (a terminal sends SIGINT to the whole process group) and
leave it to the parent; when the parent's wait is interrupted (KeyboardInterrupt, or the
SystemExit of a SIGTERM handler), it cancels the jobs not started, sends the workers SIGTERM,
which unwinds their job (their temporary files are removed) and ends them, and kills with
SIGKILL those still in compiled code after :data:`STOP_GRACE` seconds: no worker outlives the
call.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from multiprocessing.sharedctypes import Synchronized
from typing import Callable, Iterator, Sequence, TypeVar

from threadpoolctl import ThreadpoolController, threadpool_limits

T = TypeVar("T")
R = TypeVar("R")


def default_workers() -> int:
    """``$QUIZGRADER_WORKERS`` if set, else the cores this process may use."""
    env = os.environ.get("QUIZGRADER_WORKERS", "").strip()
    if env.isdigit() and int(env) >= 1:
        return int(env)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:                                   # pragma: no cover (macOS)
        return os.cpu_count() or 1


class _Blas:
    """The thread pools of the loaded BLAS and OpenMP libraries, found once: finding them
    reads the process's memory map, some 0.7 ms, which every simulation paid twice."""
    controller: ThreadpoolController | None = None
    depth = 0                                  # nested single_blas blocks (one thread enters)


def refresh_blas() -> None:
    """Find the thread pools again, after a library that brings its own BLAS was loaded
    (numba's, through scipy). Inside a :func:`single_blas` block, the libraries new since
    the block began are set to one thread at once, and stay so (only the compiled kernels
    call them)."""
    old, _Blas.controller = _Blas.controller, ThreadpoolController()
    if old is not None and _Blas.depth:
        known = {c.filepath for c in old.lib_controllers}
        for c in _Blas.controller.lib_controllers:
            if c.filepath not in known:
                c.set_num_threads(1)


@contextmanager
def single_blas() -> Iterator[None]:
    """BLAS (and OpenMP) on one thread inside the block (a block inside another is free)."""
    if _Blas.depth:
        _Blas.depth += 1
        try:
            yield
        finally:
            _Blas.depth -= 1
        return
    if _Blas.controller is None:
        _Blas.controller = ThreadpoolController()
    with _Blas.controller.limit(limits=1):
        _Blas.depth = 1
        try:
            yield
        finally:
            _Blas.depth = 0


_IN_WORKER = False
#: Hidden sizes from which one simulation's seeds are split over threads: the products are
#: then big enough to run outside the GIL (measured: 1.7-2.1x at hidden 64 on 2 cores, and
#: slower than one thread at 32 and below).
SPLIT_FROM = 48


def seed_threads(hidden: int, seeds: int) -> int:
    """Threads to split one simulation's seeds over: none inside a worker process (the
    workers already use the cores), none for small cells."""
    if _IN_WORKER or hidden < SPLIT_FROM or seeds < 2:
        return 1
    return min(default_workers(), seeds)


#: Multiply-adds of one compiled simulation from which its cells are split over threads
#: (about 10 ms of work: a thread costs some 0.1 ms to start).
KERNEL_SPLIT_FROM = 20_000_000
#: In a worker: how many of the pool's jobs are not finished yet, and the pool's size. Fewer
#: unfinished jobs than workers means idle workers for good (none is left to start), whose
#: cores a compiled simulation (which runs outside the GIL) then takes: typically while the
#: last, costliest question finishes alone.
_UNFINISHED: Synchronized[int] | None = None
_POOL = 1


def kernel_threads(units: int, work: int) -> int:
    """Threads to split a compiled simulation's ``units`` independent cells over, for
    ``work`` multiply-adds: none for small jobs; in a worker process, one plus the workers
    left without a job. (Each cell is simulated alone, so the bits never depend on it.)"""
    if work < KERNEL_SPLIT_FROM or units < 2:
        return 1
    if not _IN_WORKER:
        return min(default_workers(), units)
    idle = _POOL - _UNFINISHED.value if _UNFINISHED is not None else 0
    return min(1 + max(idle, 0), units)


#: Seconds a stopped worker has to unwind its job before it is killed.
STOP_GRACE = 2.0


class _Stopped(BaseException):
    """Raised in a worker by SIGTERM: unwinds its job (finally blocks run), then it exits."""


_IN_JOB = False
_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def _stop_worker(signum: int, frame: object) -> None:
    if _IN_JOB:
        raise _Stopped
    os._exit(128 + signum)                                 # idle: nothing to unwind


def _pinned(unfinished: Synchronized[int] | None = None, pool: int = 1) -> None:
    global _IN_WORKER, _UNFINISHED, _POOL
    _IN_WORKER, _UNFINISHED, _POOL = True, unfinished, pool
    signal.signal(signal.SIGINT, signal.SIG_IGN)          # the parent decides
    signal.signal(signal.SIGTERM, _stop_worker)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)   # blocked by the parent
    threadpool_limits(limits=1)


def _counted(fn: Callable[[T], R], job: T) -> R:
    """``fn(job)``, counted off the unfinished jobs when it ends; a worker told to stop
    exits once the job has unwound."""
    global _IN_JOB
    assert _UNFINISHED is not None
    try:
        _IN_JOB = True
        return fn(job)
    except _Stopped:
        os._exit(128 + signal.SIGTERM)
    finally:
        _IN_JOB = False
        with _UNFINISHED.get_lock():
            _UNFINISHED.value -= 1


def _stop(ex: ProcessPoolExecutor) -> None:
    """End ``ex``'s workers now (see the module docstring), ignoring a second Ctrl-C or
    SIGTERM meanwhile (it would leave workers behind)."""
    procs = list((getattr(ex, "_processes", None) or {}).values())
    manager = getattr(ex, "_executor_manager_thread", None)
    main = threading.current_thread() is threading.main_thread()
    old = [(s, signal.signal(s, signal.SIG_IGN)) for s in (signal.SIGINT, signal.SIGTERM)
           ] if main else []
    try:
        for p in procs:
            if p.is_alive():
                p.terminate()
        ex.shutdown(wait=False, cancel_futures=True)
        deadline = time.monotonic() + STOP_GRACE
        for p in procs:
            p.join(max(deadline - time.monotonic(), 0.0))
        for p in procs:
            if p.is_alive():
                p.kill()
            p.join()
        # the pool's thread ends once it sees its workers gone; waited for here, since at
        # exit Python 3.11 would wake it while it closes its pipe (EBADF, a traceback)
        if isinstance(manager, threading.Thread):
            manager.join(STOP_GRACE)
    finally:
        for s, handler in old:
            signal.signal(s, handler)


def run_jobs(fn: Callable[[T], R], jobs: Sequence[T], workers: int,
             cost: Sequence[float] | None = None,
             progress: Callable[[int], None] | None = None) -> list[R]:
    """``[fn(j) for j in jobs]``, in ``workers`` processes when there is more than one job
    (the costliest submitted first); results in the jobs' order. ``fn`` must be a module-level
    function. BLAS runs on one thread everywhere. ``progress(1)`` is called as each job ends."""
    tick = progress or (lambda n: None)
    if workers <= 1 or len(jobs) <= 1:
        out = []
        with single_blas():
            for j in jobs:
                out.append(fn(j))
                tick(1)
        return out
    order = sorted(range(len(jobs)), key=lambda i: -cost[i]) if cost else range(len(jobs))
    fork = multiprocessing.get_context("fork")
    pool = min(workers, len(jobs))
    unfinished = fork.Value("i", len(jobs))
    with single_blas():
        ex = ProcessPoolExecutor(pool, fork, _pinned, (unfinished, pool))
        try:
            # the workers are forked while Ctrl-C and SIGTERM wait (they start with the
            # signals blocked and unblock them once their own handlers are set)
            main = threading.current_thread() is threading.main_thread()
            if main:
                signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
            try:
                futures = {i: ex.submit(_counted, fn, jobs[i]) for i in order}
            finally:
                if main:
                    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)
            for _ in as_completed(futures.values()):
                tick(1)
            out = [futures[i].result() for i in range(len(jobs))]
        except BaseException:
            _stop(ex)
            raise
        ex.shutdown()
        return out
