"""Benchmark: the full Jacobian ∂c<T>/∂c<0> of 32 random cells, quizgrader vs torch.func.

For GRU (course's reset-before) and LSTM, hidden 16 and 64, T = 100 and 1000, both tools get
the same weights, inputs and initial states; the Jacobians are compared, then timed (best of
a few runs). quizgrader runs as it does everywhere, with BLAS on one thread, on both of its
backends: the numpy reference (from hidden 48 its seeds split over the cores' threads) and the
compiled kernels of the ``fast`` extra (numba; its cells split over threads when the work is
large); torch uses its default threads. The float64
matmul throughput numpy reaches on this machine (a 1024³ product) is measured in the same
run, on one thread and on all, and each row says how much of the all-thread peak quizgrader's
Jacobian products use (4n³ flops per step and cell for both cells: the GRU's Wc_h R and A J,
the LSTM's structured [K_h; ko Wo_h] Ja).

Run:  python bench/simulate.py            (needs torch:  pip install torch==2.13.0)
"""
from __future__ import annotations

import os
import sys
import time

import numpy as np

from quizgrader.sim.gates import make_drive
from quizgrader.sim.kernels import backend
from quizgrader.sim.model import Model, Settings
from quizgrader.sim.parallel import single_blas
from quizgrader.sim.propagate import propagate, steps_mask
from quizgrader.sim.simulate import random_setup

try:
    import torch
    from torch.func import jacrev, vmap
except ImportError:  # pragma: no cover
    sys.exit("bench/simulate.py needs torch: pip install torch==2.13.0")

torch.set_default_dtype(torch.float64)
SEEDS = 32


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def matmul_gflops() -> float:
    a = np.random.default_rng(0).standard_normal((1024, 1024))
    a @ a
    return 2 * 1024 ** 3 / best(lambda: a @ a, 5) / 1e9


def torch_cT(cell: str, n: int):
    """c<T> as a function of c<0> for one cell, in torch (the course's equations)."""
    def gru(c0, Wh, Wx, b, x):
        c = c0
        for t in range(x.shape[0]):
            px = Wx @ x[t] + b
            ph = Wh[: 2 * n] @ c
            gu = torch.sigmoid(px[:n] + ph[:n])
            gr = torch.sigmoid(px[n:2 * n] + ph[n:])
            ct = torch.tanh(px[2 * n:] + Wh[2 * n:] @ (gr * c))
            c = gu * ct + (1 - gu) * c
        return c

    def lstm(c0, a0, Wh, Wx, b, x):
        c, a = c0, a0
        for t in range(x.shape[0]):
            p = Wh @ a + Wx @ x[t] + b
            gu, gf, go = (torch.sigmoid(p[i * n:(i + 1) * n]) for i in range(3))
            c = gu * torch.tanh(p[3 * n:]) + gf * c
            a = go * torch.tanh(c)
        return c
    return gru if cell == "gru" else lstm


def ours(kernel: str, model: Model, w, state0, x, drive, ends):
    """quizgrader's ∂c<T>/∂c<0> on ``kernel`` (numpy or numba), as a timed closure."""
    def run():
        os.environ["QUIZGRADER_KERNEL"] = kernel
        with single_blas():
            return propagate(model, w, state0, x, drive, reach=False, gain_at=ends)[2]
    return run


def row(cell: str, n: int, T: int, peak: float, kernels: list[str]) -> str:
    """One table row; ``peak``: the all-thread matmul GFLOP/s."""
    model, settings = Model(cell), Settings(hidden=n, seeds=SEEDS)
    w, state0, x = random_setup(model, settings, T)
    drive = make_drive(cell, {}, (), T, settings.epsilon)
    ends = steps_mask(T, 0)
    tw = [torch.tensor(a) for a in (w.Wh, w.Wx, w.b)]
    xs = torch.tensor(np.ascontiguousarray(x.transpose(1, 0, 2)))     # (S, T, m)
    s0 = torch.tensor(state0)
    f = torch_cT(cell, n)
    if cell == "gru":
        theirs = lambda: vmap(jacrev(f))(s0, *tw, xs)  # noqa: E731
    else:
        theirs = lambda: vmap(jacrev(f))(s0[:, :n], s0[:, n:], *tw, xs)  # noqa: E731
    J_torch = theirs().numpy()
    repeat = 3 if T <= 100 else 1
    t_torch = best(theirs, repeat)
    cells = []
    for kernel in kernels:
        fn = ours(kernel, model, w, state0, x, drive, ends)
        J = fn()
        err = np.max(np.abs(J - J_torch) / (np.abs(J_torch) + 1e-300 + np.abs(J_torch).max()))
        t = best(fn, repeat)
        gflops = SEEDS * T * 4 * n ** 3 / t / 1e9
        cells.append(f"{t * 1e3:8.1f} | {t_torch / t:5.1f}× | {100 * gflops / peak:5.1f}% | "
                     f"{err:.0e}")
    return f"| {cell} | {n} | {T} | {t_torch * 1e3:8.1f} | " + " | ".join(cells) + " |"


def main() -> None:
    peak = matmul_gflops()
    with single_blas():
        one = matmul_gflops()
    os.environ["QUIZGRADER_KERNEL"] = "auto"
    kernels = ["numpy"] + (["numba"] if backend() != "numpy" else [])
    print(f"numpy float64 matmul (1024³): {one:.1f} GFLOP/s on one thread, {peak:.1f} on all; "
          f"torch {torch.__version__}, threads {torch.get_num_threads()}; {SEEDS} seeds; "
          f"compiled backend: {backend()}\n")
    head = "| cell | hidden | T | torch.func ms |"
    rule = "|---|---|---|---|"
    for k in kernels:
        head += f" {k} ms | torch/{k} | of peak | max rel diff |"
        rule += "---|---|---|---|"
    print(head + "\n" + rule)
    for cell in ("gru", "lstm"):
        for n in (16, 64):
            for T in (100, 1000):
                print(row(cell, n, T, peak, kernels), flush=True)


if __name__ == "__main__":
    main()
