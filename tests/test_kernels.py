"""The compiled kernels (numba) against the numpy reference, and how the backend is chosen."""
from __future__ import annotations

import numpy as np
import pytest
from cellcases import kernel
from hypothesis import given, strategies as st

from quizgrader.errors import ConfigError
from quizgrader.sim import kernels
from quizgrader.sim.cells.weights import Weights, random_weights
from quizgrader.sim.gates import CELLS, GATES, Hold, make_drive, stack
from quizgrader.sim.model import CELL_ACTIVATIONS, Model
from quizgrader.sim.propagate import propagate_seeds, steps_mask
from quizgrader.sim.simulate import initial_state

pytest.importorskip("numba")
from quizgrader.sim.kernels import cells, driver  # noqa: E402  (needs numba)


@st.composite
def runs(draw):
    """A model in any gate setting, K stacked scenarios, sizes up to hidden 12 and 40 steps;
    weights at scale ≤ 1 so that no run is chaotic (there, any two summation orders part)."""
    cell = draw(st.sampled_from(CELLS))
    n, m, S, T = (draw(st.integers(1, 12)), draw(st.integers(1, 6)), draw(st.integers(1, 4)),
                  draw(st.integers(1, 40)))
    fixed = {g: draw(st.floats(0.0, 1.0)) for g in GATES[cell] if draw(st.booleans())}
    free = [g for g in GATES[cell] if g not in fixed]
    scenarios = [()] + [(Hold(g, draw(st.integers(0, 1)), draw(st.integers(1, T))),)
                        for g in free if draw(st.booleans())]
    activation = draw(st.sampled_from(CELL_ACTIVATIONS.get(cell, ("tanh",))))
    reset = draw(st.sampled_from(["before", "after"])) if cell == "gru" else "before"
    scale = draw(st.floats(0.1, 1.0))
    model = Model(cell, fixed, activation, reset, scale)
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    w = random_weights(rng, cell, S, n, m, scale, u_range=(-1.0, 1.0))
    w = Weights(w.Wh, w.Wx, 0.3 * rng.standard_normal(w.b.shape),
                0.3 * rng.standard_normal(w.bh.shape))
    drive = stack([make_drive(cell, fixed, h, T, 0.01) for h in scenarios])
    mask = steps_mask(T, draw(st.integers(0, 5)))
    return model, w, initial_state(rng, cell, S, n), rng.standard_normal((T, S, m)), drive, mask


def close(a: np.ndarray, b: np.ndarray, rtol: float = 1e-12) -> None:
    """Equal to ``rtol`` relative where finite, and the same NaN and inf entries."""
    np.testing.assert_array_equal(np.isnan(a), np.isnan(b))
    np.testing.assert_array_equal(np.isinf(a), np.isinf(b))
    ok = np.isfinite(a)
    np.testing.assert_allclose(a[ok], b[ok], rtol=rtol, atol=0)


@given(runs(), st.booleans())
def test_the_compiled_kernels_equal_the_numpy_reference(case, reach):
    model, w, state0, x, drive, mask = case
    want = propagate_seeds(model, w, state0, x, drive, reach, mask, mask)
    got = driver.propagate_compiled(model, w, state0, x, drive, reach, mask, mask)
    for a, b in zip(want[:2], got[:2]):            # gain, reach: norms, entry by entry
        assert a.shape == b.shape
        close(a, b)
    J, J_got = want[2], got[2]                     # ∂c<T>/∂c<0>: relative to each matrix
    assert J.shape == J_got.shape
    scale = np.abs(J).max(axis=(-2, -1), keepdims=True)
    ok = np.isfinite(scale) & (scale > 0)
    assert np.all(np.where(ok, np.abs(J - J_got) <= 1e-12 * scale, True))


def ulps(got: np.ndarray, want: np.ndarray) -> np.ndarray:
    """|got - want| in units of the last place of want."""
    return np.abs(got - want) / np.spacing(np.abs(want))


@np.vectorize
def _exp_neg(x: float) -> float:
    return float(cells.exp_neg(x))


@np.vectorize
def _tanh(z: float) -> float:
    return float(cells.tanh(z))


def test_the_kernels_exp_is_within_2_ulp_of_numpys_and_keeps_nan():
    rng = np.random.default_rng(3)
    x = -np.concatenate([rng.exponential(40.0, 20_000), rng.uniform(0, 708, 5000),
                         10.0 ** rng.uniform(-300, 0, 5000), [0.0, 708.0, 707.99]])
    assert ulps(_exp_neg(x), np.exp(x)).max() <= 2
    assert _exp_neg(-0.0) == 1.0 and _exp_neg(-709.0) == 0.0 and _exp_neg(-np.inf) == 0.0
    assert np.isnan(cells.exp_neg(np.nan))


def test_the_kernels_tanh_is_within_6_ulp_of_numpys_on_both_sides_of_the_series_switch():
    rng = np.random.default_rng(4)
    z = np.concatenate([rng.normal(0, 3, 20_000), rng.uniform(-0.06, 0.06, 10_000),
                        10.0 ** rng.uniform(-300, 1.5, 5000) * rng.choice([-1, 1], 5000),
                        [0.05, -0.05, np.nextafter(0.05, 0), 19.0, -19.0, 400.0]])
    assert ulps(_tanh(z), np.tanh(z)).max() <= 6
    assert _tanh(np.inf) == 1.0 and _tanh(-np.inf) == -1.0 and np.isnan(cells.tanh(np.nan))
    assert np.signbit(_tanh(-0.0)) and _tanh(0.0) == 0.0


def test_long_runs_agree_to_rounding_whether_they_explode_or_vanish():
    T = 3000
    for model, scale in ((Model("rnn", activation="linear", scale=30.0), 30.0),
                         (Model("gru", {"update": 0.5}), 1.0)):
        rng = np.random.default_rng(1)
        w = random_weights(rng, model.cell, 3, 6, 2, scale)
        state0, x = initial_state(rng, model.cell, 3, 6), rng.standard_normal((T, 3, 2))
        drive = make_drive(model.cell, model.fixed, (), T, 0.01)
        mask = steps_mask(T, 100)
        want = propagate_seeds(model, w, state0, x, drive, True, mask, mask)
        got = driver.propagate_compiled(model, w, state0, x, drive, True, mask, mask)
        close(want[0], got[0], 1e-9)               # 3000 steps of rounding, not 1e-12
        close(want[1], got[1], 1e-9)
        if model.cell == "rnn":                    # the state overflows: blown, gain +inf
            assert np.isinf(got[0][-1]).all()
        else:                      # far below 1e-200, still carried (exponent kept aside)
            assert (got[0][999] > 0).all() and (got[0][999] < 1e-130).all()


def test_threads_and_chunks_change_no_bit(monkeypatch):
    model = Model("lstm", {"output": 1.0})
    rng = np.random.default_rng(2)
    w = random_weights(rng, "lstm", 5, 7, 3, 1.0)
    state0, x = initial_state(rng, "lstm", 5, 7), rng.standard_normal((60, 5, 3))
    drive = stack([make_drive("lstm", model.fixed, h, 60, 0.01)
                   for h in [(), (Hold("forget", 1),), (Hold("update", 0, 5, 9),)]])
    mask = np.ones(60, dtype=bool)
    one = driver.propagate_compiled(model, w, state0, x, drive, True, mask, mask)
    monkeypatch.setattr(driver, "kernel_threads", lambda units, work: 2)
    monkeypatch.setattr(driver, "SNAPSHOT_BYTES", 1)          # one recorded step per chunk
    split = driver.propagate_compiled(model, w, state0, x, drive, True, mask, mask)
    monkeypatch.setattr(driver, "CALL_WORK", 1)               # and one step per call
    sparse = steps_mask(60, 7)
    steps = driver.propagate_compiled(model, w, state0, x, drive, True, sparse, sparse)
    for a, b, c in zip(one, split, steps):
        np.testing.assert_array_equal(a, b)
        if a.ndim == 3:     # a norm starts from the last recorded step's vector: to rounding
            close(np.where(sparse[:, None, None], a, np.nan), c)
        else:
            np.testing.assert_array_equal(a, c)


def test_the_backend_is_chosen_by_the_environment_and_the_size(monkeypatch):
    big, small = kernels.COMPILE_FROM, kernels.COMPILE_FROM / 2
    with kernel("numpy"):
        assert kernels.backend() == "numpy" and not kernels.compiled(big)
    with kernel("numba"):
        assert kernels.backend().startswith("numba ") and kernels.compiled(small)
    with kernel("auto"):
        assert kernels.backend().startswith("auto: numba ")
        assert kernels.compiled(big) and not kernels.compiled(small)
    with kernel("fortran"), pytest.raises(ConfigError, match="auto, numpy or numba"):
        kernels.backend()
    monkeypatch.setattr(kernels, "_numba_version", lambda: None)
    with kernel("auto"):
        assert kernels.backend() == "numpy" and not kernels.compiled(big)
    with kernel("numba"), pytest.raises(ConfigError, match="is not installed"):
        kernels.backend()


def test_auto_compiles_a_long_simulation_and_leaves_a_short_one_to_numpy(monkeypatch):
    """Which path ran is seen from the compiled driver being called or not."""
    from quizgrader.sim import propagate as P
    calls = []
    real = driver.propagate_compiled
    monkeypatch.setattr(driver, "propagate_compiled", lambda *a: calls.append(1) or real(*a))
    model = Model("lstm")
    rng = np.random.default_rng(3)
    w = random_weights(rng, "lstm", 16, 16, 8, 1.0)
    state0 = initial_state(rng, "lstm", 16, 16)
    with kernel("auto"):
        for T, runs_compiled in ((1000, True), (20, False)):
            calls.clear()
            x = rng.standard_normal((T, 16, 8))
            P.propagate(model, w, state0, x, make_drive("lstm", {}, (), T, 0.01))
            assert bool(calls) == runs_compiled


def test_kernels_that_cannot_load_are_a_clear_error_not_a_switch(monkeypatch):
    def broken() -> None:
        raise RuntimeError("cannot cache function 'run': no locator available")
    monkeypatch.setattr(driver, "load", broken)
    with pytest.raises(ConfigError, match=r"could not be loaded \(RuntimeError: cannot cache "
                                          r".*QUIZGRADER_KERNEL=numpy runs without them"):
        kernels.load_propagate()


def test_a_bad_kernel_choice_is_one_line_and_exit_1():
    from click.testing import CliRunner

    from quizgrader.cli import main
    result = CliRunner().invoke(main, ["simulate", "--cell", "gru", "--steps", "5"],
                                env={"QUIZGRADER_KERNEL": "fortran"})
    assert result.exit_code == 1
    assert result.output.strip() == ("error: QUIZGRADER_KERNEL='fortran': choose auto, numpy "
                                     "or numba")


def _threads_now(_job: int) -> tuple[int, int]:
    from quizgrader.sim import parallel
    return parallel._UNFINISHED.value, parallel.kernel_threads(4, 10 ** 9)


def test_a_worker_takes_the_cores_of_workers_left_without_a_job(monkeypatch):
    from multiprocessing import Value

    from quizgrader.sim import parallel
    monkeypatch.setattr(parallel, "_IN_WORKER", True)
    monkeypatch.setattr(parallel, "_POOL", 2)
    monkeypatch.setattr(parallel, "_UNFINISHED", Value("i", 5))
    assert parallel.kernel_threads(16, 10 ** 9) == 1           # jobs wait for both workers
    parallel._UNFINISHED.value = 1
    assert parallel.kernel_threads(16, 10 ** 9) == 2           # the other has none left
    assert parallel.kernel_threads(16, 1000) == 1              # too small to split
    monkeypatch.undo()
    seen = parallel.run_jobs(_threads_now, [0, 1, 2, 3], workers=2)
    assert all(threads == (2 if unfinished < 2 else 1) for unfinished, threads in seen)
    assert max(u for u, _ in seen) == 4


def test_blas_loaded_inside_a_single_blas_block_runs_on_one_thread():
    """single_blas finds the BLAS libraries once; numba's, loaded inside a block, is set to
    one thread at once, and numpy's gets its threads back after the block."""
    import subprocess
    import sys
    code = """
import os
os.environ["QUIZGRADER_KERNEL"] = "numba"
from threadpoolctl import ThreadpoolController
from quizgrader.sim import Model, Settings, simulate
from quizgrader.sim.parallel import single_blas
before = {c.filepath: c.num_threads for c in ThreadpoolController().lib_controllers}
with single_blas():
    with single_blas():
        simulate(Model("gru"), (), 5, Settings(hidden=4, seeds=2))
    inside = {c.filepath: c.num_threads for c in ThreadpoolController().lib_controllers}
after = {c.filepath: c.num_threads for c in ThreadpoolController().lib_controllers}
assert len(inside) > len(before), (before, inside)
assert set(inside.values()) == {1}, inside
assert all(after[k] == v for k, v in before.items()), (before, after)
print("ok")
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**__import__("os").environ, "OPENBLAS_NUM_THREADS": "2"})
    assert out.stdout.strip() == "ok", out.stderr[-2000:]
