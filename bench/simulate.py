"""Benchmark: the full Jacobian ∂c<T>/∂c<0> of 32 random cells, quizgrader against JAX and
torch.func, each on one core.

For the course's GRU (reset before) and the LSTM, hidden 16 and 64, T = 100 and 1000, every
contender gets the same weights, inputs and initial states, and its Jacobians are compared
with ours:

- **JAX** (the ``bench`` extra): the same forward-mode tangent products, hand-written, in
  ``lax.scan`` over time, ``vmap`` over the seeds, ``jit``, float64, with the tangent rescaled
  by a power of two at every step as ours is (long horizons would underflow otherwise);
- **torch.func**: ``vmap(jacrev(c_T))``, reverse mode through an eager loop;
- **quizgrader numpy** (the reference backend) and **quizgrader numba** (the ``fast`` extra),
  asked for the same result as the others: the last tangent, no spectral norms.

A second table sets the per-step spectral norms (gain and reach at every step, as ``simulate``
records them) against the products that produce them: norms / products = (time with the
norms − time without) / time without, on each backend, with how the compiled norms were
settled (power iteration, Gram matrix, LAPACK eigenvalues: :mod:`quizgrader.sim.kernels.norms`).
``python bench/simulate.py --norms`` prints that table alone.

The process is pinned to one core (and XLA, torch and BLAS to one thread) before anything is
timed. The rounds are interleaved (round r runs every contender once, in turn) and each row
reports min / median / max of the steady state; the first call of each contender (its
tracing and compilation, or numba's cache load) is reported apart, as is the import of each
library in a fresh interpreter. GFLOP/s count 4n³ flops per step and cell for both cells (the
GRU's Wc_h R and A J, the LSTM's [K_h; ko Wo_h] Ja), against the machine's float64 matmul
peak measured in the same run on one core and on two.

Run:  pip install -e '.[bench]' && python bench/simulate.py
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false "
                                   "intra_op_parallelism_threads=1")

import numpy as np  # noqa: E402
from peaks import matmul_gflops, seconds  # noqa: E402  (bench/peaks.py)

from quizgrader.sim.gates import make_drive  # noqa: E402
from quizgrader.sim.kernels import backend  # noqa: E402
from quizgrader.sim.model import Model, Settings  # noqa: E402
from quizgrader.sim.parallel import single_blas  # noqa: E402
from quizgrader.sim.propagate import propagate  # noqa: E402
from quizgrader.sim.simulate import random_setup  # noqa: E402

SEEDS = 32
ROUNDS = {100: 5, 1000: 3}
ROWS = [(cell, n, T) for cell in ("gru", "lstm") for n in (16, 64) for T in (100, 1000)]


def import_seconds(module: str) -> float:
    """Seconds to import ``module`` in a fresh interpreter (best of 3)."""
    code = f"import time; t = time.perf_counter(); import {module}; " \
           f"print(time.perf_counter() - t)"
    return min(float(subprocess.run([sys.executable, "-c", code], capture_output=True,
                                    text=True, check=True).stdout) for _ in range(3))


# --- the contenders ------------------------------------------------------------------------

def T_of(x: np.ndarray) -> int:
    """The number of steps of inputs x : (T, S, m)."""
    return int(x.shape[0])


def jax_contender(cell: str, n: int, w, state0, x):
    """J = ∂c<T>/∂c<0> per seed, in JAX: the tangent products of quizgrader.sim.cells."""
    import jax
    import jax.numpy as jnp
    from jax import lax
    jax.config.update("jax_enable_x64", True)

    every = 4 if T_of(x) % 4 == 0 else 1         # rescale every 4 steps, as ours does

    def rescale(J, e):
        top = jnp.max(jnp.abs(J))
        k = jnp.where((top > 0) & jnp.isfinite(top), jnp.frexp(top)[1], 0)
        return jnp.ldexp(J, -k), e + k

    def gru_step(c, J, p, Wh, eye):
        ph = Wh[:2 * n] @ c
        gu = jax.nn.sigmoid(p[:n] + ph[:n])
        gr = jax.nn.sigmoid(p[n:2 * n] + ph[n:])
        ct = jnp.tanh(p[2 * n:] + Wh[2 * n:] @ (gr * c))
        alpha = (ct - c) * gu * (1 - gu)
        beta = gu * (1 - ct * ct)
        R = (c * gr * (1 - gr))[:, None] * Wh[n:2 * n] + jnp.diag(gr)
        A = (beta[:, None] * Wh[2 * n:]) @ R + alpha[:, None] * Wh[:n] + eye * (1 - gu)
        return gu * ct + (1 - gu) * c, A @ J

    def gru(Wh, Wx, b, c0, xs):
        px = (xs @ Wx.T + b).reshape(-1, every, 3 * n)            # (T / every, every, 3n)
        eye = jnp.eye(n)

        def chunk(carry, ps):
            c, J, e = carry
            for i in range(every):
                c, J = gru_step(c, J, ps[i], Wh, eye)
            J, e = rescale(J, e)
            return (c, J, e), None

        (_, J, e), _ = lax.scan(chunk, (c0, eye, jnp.int64(0)), px)
        return J, e

    def lstm_step(c, a, J, p, Wh):
        q = Wh @ a + p
        gu, gf, go = (jax.nn.sigmoid(q[i * n:(i + 1) * n]) for i in range(3))
        ct = jnp.tanh(q[3 * n:])
        cn = gu * ct + gf * c
        tc = jnp.tanh(cn)
        K = ((ct * gu * (1 - gu))[:, None] * Wh[:n] + (c * gf * (1 - gf))[:, None]
             * Wh[n:2 * n] + (gu * (1 - ct * ct))[:, None] * Wh[3 * n:])
        M = jnp.concatenate([K, (tc * go * (1 - go))[:, None] * Wh[2 * n:3 * n]])
        P = M @ J[n:]
        jc = gf[:, None] * J[:n] + P[:n]
        ja = (go * (1 - tc * tc))[:, None] * jc + P[n:]
        return cn, go * tc, jnp.concatenate([jc, ja])

    def lstm(Wh, Wx, b, s0, xs):
        px = (xs @ Wx.T + b).reshape(-1, every, 4 * n)
        J0 = jnp.concatenate([jnp.eye(n), jnp.zeros((n, n))])      # ∂(c, a)/∂c<0>

        def chunk(carry, ps):
            c, a, J, e = carry
            for i in range(every):
                c, a, J = lstm_step(c, a, J, ps[i], Wh)
            J, e = rescale(J, e)
            return (c, a, J, e), None

        (_, _, J, e), _ = lax.scan(chunk, (s0[:n], s0[n:], J0, jnp.int64(0)), px)
        return J[:n], e

    f = jax.jit(jax.vmap(gru if cell == "gru" else lstm))
    args = [jnp.asarray(a) for a in (w.Wh, w.Wx, w.b, state0,
                                     np.ascontiguousarray(x.transpose(1, 0, 2)))]

    def run():
        J, e = f(*args)
        J.block_until_ready()
        return np.ldexp(np.asarray(J), np.asarray(e)[:, None, None])
    return run


def torch_contender(cell: str, n: int, w, state0, x):
    """J per seed by torch.func: vmap(jacrev(c_T)) through the course's equations."""
    import torch
    from torch.func import jacrev, vmap
    torch.set_default_dtype(torch.float64)

    def gru(c0, Wh, Wx, b, xs):
        c = c0
        for t in range(xs.shape[0]):
            px = Wx @ xs[t] + b
            ph = Wh[:2 * n] @ c
            gu = torch.sigmoid(px[:n] + ph[:n])
            gr = torch.sigmoid(px[n:2 * n] + ph[n:])
            ct = torch.tanh(px[2 * n:] + Wh[2 * n:] @ (gr * c))
            c = gu * ct + (1 - gu) * c
        return c

    def lstm(c0, a0, Wh, Wx, b, xs):
        c, a = c0, a0
        for t in range(xs.shape[0]):
            p = Wh @ a + Wx @ xs[t] + b
            gu, gf, go = (torch.sigmoid(p[i * n:(i + 1) * n]) for i in range(3))
            c = gu * torch.tanh(p[3 * n:]) + gf * c
            a = go * torch.tanh(c)
        return c

    tw = [torch.tensor(a) for a in (w.Wh, w.Wx, w.b)]
    xs = torch.tensor(np.ascontiguousarray(x.transpose(1, 0, 2)))
    s0 = torch.tensor(state0)
    if cell == "gru":
        return lambda: vmap(jacrev(gru))(s0, *tw, xs).numpy()
    return lambda: vmap(jacrev(lstm))(s0[:, :n], s0[:, n:], *tw, xs).numpy()


def ours(kernel: str, model: Model, w, state0, x, drive, gain_at):
    """quizgrader's ∂c<T>/∂c<0> on ``kernel`` (numpy or numba)."""
    def run():
        os.environ["QUIZGRADER_KERNEL"] = kernel
        with single_blas():
            return propagate(model, w, state0, x, drive, reach=False, gain_at=gain_at)[2]
    return run


# --- the table -----------------------------------------------------------------------------

def rel_diff(J: np.ndarray, ref: np.ndarray) -> float:
    """Largest difference relative to each seed's largest entry."""
    scale = np.abs(ref).max(axis=(-2, -1), keepdims=True)
    ok = np.isfinite(scale) & (scale > 0)
    return float(np.max(np.where(ok, np.abs(J - ref) / np.where(ok, scale, 1), 0.0)))


def row(cell: str, n: int, T: int, names: list[str], peak1: float) -> dict:
    model, settings = Model(cell), Settings(hidden=n, seeds=SEEDS)
    w, state0, x = random_setup(model, settings, T)
    drive = make_drive(cell, {}, (), T, settings.epsilon)
    no_gain = np.zeros(T, dtype=bool)             # no norms: J<T> only, as the others
    make = {"numpy": lambda: ours("numpy", model, w, state0, x, drive, no_gain),
            "numba": lambda: ours("numba", model, w, state0, x, drive, no_gain),
            "jax": lambda: jax_contender(cell, n, w, state0, x),
            "torch": lambda: torch_contender(cell, n, w, state0, x)}
    fns, first, results = {}, {}, {}
    for name in names:
        t0 = time.perf_counter()
        fns[name] = make[name]()
        results[name] = fns[name]()
        first[name] = time.perf_counter() - t0
    times: dict[str, list[float]] = {name: [] for name in names}
    for _ in range(ROUNDS[T]):
        for name in names:                        # interleaved: each once per round
            times[name].append(seconds(fns[name]))
    ref = results["numpy"]
    flops = SEEDS * T * 4 * n ** 3
    return {name: {"first": first[name], "min": min(times[name]),
                   "median": statistics.median(times[name]), "max": max(times[name]),
                   "gflops": flops / statistics.median(times[name]) / 1e9,
                   "of_peak": flops / statistics.median(times[name]) / 1e9 / peak1,
                   "diff": rel_diff(results[name], ref)} for name in names}


def main() -> None:
    if "--norms" in sys.argv:       # the norms table alone
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
        names = ["numba", "numpy"] if backend() != "numpy" else ["numpy"]
        norms_table(names)
        return
    peak2, peak1 = matmul_gflops(2), matmul_gflops(1)
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})    # one core from here on
    names = ["numpy"]
    if backend() != "numpy":
        names.append("numba")
    for lib in ("jax", "torch"):
        try:
            __import__(lib)
            names.append(lib)
        except ImportError:
            print(f"({lib} is not installed: pip install -e '.[bench]')")
    if "torch" in names:
        import torch
        torch.set_num_threads(1)
    imports = {"numba": import_seconds("numba"), "jax": import_seconds("jax"),
               "torch": import_seconds("torch")}
    print(f"float64 matmul 1024³: {peak1:.1f} GFLOP/s on one core, {peak2:.1f} on two; "
          f"everything below runs on one core; {SEEDS} seeds; backend {backend()}")
    print("imports in a fresh interpreter: " + ", ".join(
        f"{k} {v:.2f} s" for k, v in imports.items() if k in names))
    print("\nsteady state, median ms (min–max) · GFLOP/s (% of the one-core peak); first call "
          "in brackets; ratio = contender / numba\n")
    head = "| cell | n | T |" + "".join(f" {k} |" for k in names) + \
        "".join(f" {k}/numba |" for k in names if k not in ("numba",)) + " max rel diff |"
    print(head + "\n" + "|---" * (head.count("|") - 1) + "|")
    for cell, n, T in ROWS:
        r = row(cell, n, T, names, peak1)
        cells = [f"{v['median'] * 1e3:.1f} ({v['min'] * 1e3:.1f}–{v['max'] * 1e3:.1f}) · "
                 f"{v['gflops']:.1f} ({100 * v['of_peak']:.0f}%) [{v['first'] * 1e3:.0f}]"
                 for v in r.values()]
        base = r.get("numba", r["numpy"])["median"]
        ratios = [f"{r[k]['median'] / base:.2f}×" for k in names if k != "numba"]
        diff = max(v["diff"] for v in r.values())
        print(f"| {cell} | {n} | {T} | " + " | ".join(cells + ratios) + f" | {diff:.0e} |",
              flush=True)
    norms_table(names)


def norms_table(names: list[str]) -> None:
    """The table of norms / products."""
    print("\nper-step spectral norms against the Jacobian products that produce them (gain and "
          "reach at every step, as `simulate` records them); median of 5, one core:\n")
    print("| cell | n | T | backend | products ms | with norms ms | norms / products | "
          "settled by power · Gram · eigvalsh |\n|---|---|---|---|---|---|---|---|")
    for cell, n, T in ROWS:
        for kern in names[:2]:
            before = stage_counts()
            prod, full = norm_costs(kern, cell, n, T)
            counts = stage_counts() - before
            how = " · ".join(f"{c / max(counts.sum(), 1):.1%}" for c in counts[1:]) \
                if counts.sum() else "eigvalsh"
            print(f"| {cell} | {n} | {T} | {kern} | {prod * 1e3:.1f} | {full * 1e3:.1f} | "
                  f"{(full - prod) / prod:.2f} | {how} |", flush=True)


def stage_counts() -> np.ndarray:
    """The compiled norms settled so far by each stage (zero matrices, power iteration, Gram
    matrix, eigvalsh)."""
    try:
        from quizgrader.sim.kernels import driver
    except ImportError:
        return np.zeros(4, dtype=np.int64)
    return driver.STAGES.copy()


def norm_costs(kernel: str, cell: str, n: int, T: int) -> tuple[float, float]:
    """Median seconds of the products alone (no step recorded) and of the products with the
    gain and reach norms at every step, on ``kernel``, interleaved."""
    model, settings = Model(cell), Settings(hidden=n, seeds=SEEDS)
    w, state0, x = random_setup(model, settings, T)
    drive = make_drive(cell, {}, (), T, settings.epsilon)
    os.environ["QUIZGRADER_KERNEL"] = kernel
    masks = np.zeros(T, dtype=bool), np.ones(T, dtype=bool)
    times: list[list[float]] = [[], []]
    with single_blas():
        for mask in masks:
            propagate(model, w, state0, x, drive, True, mask, mask)       # warm-up
        for _ in range(5):
            for i, mask in enumerate(masks):
                times[i].append(seconds(lambda mask=mask: propagate(
                    model, w, state0, x, drive, True, mask, mask)))
    return statistics.median(times[0]), statistics.median(times[1])

if __name__ == "__main__":
    main()
