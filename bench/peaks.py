"""What the benchmarks measure against: the wall time of one call, and the machine's float64
matmul throughput, measured in the same run as the figures it is set beside."""
from __future__ import annotations

import time
from typing import Callable

import numpy as np
from threadpoolctl import threadpool_limits


def seconds(fn: Callable[[], object]) -> float:
    """Wall seconds of one call of ``fn``."""
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def matmul_gflops(threads: int | None = None) -> float:
    """float64 GFLOP/s of a 1024³ product on ``threads`` BLAS threads (None: BLAS's own
    choice, every core), best of 5."""
    a = np.random.default_rng(0).standard_normal((1024, 1024))
    with threadpool_limits(limits=threads):
        a @ a
        best = min(seconds(lambda: a @ a) for _ in range(5))
    return 2 * 1024 ** 3 / best / 1e9
