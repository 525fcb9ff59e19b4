"""The exact tangent maps against centred finite differences, for every cell and gate mode."""
from __future__ import annotations

import numpy as np
from cellcases import KERNELS, configs, denormal_forget_case, drive_of, forward, kernel, run_states
from hypothesis import assume, example, given

from quizgrader.sim.propagate import propagate

H = 1e-6


def numeric_jacobian(f, v: np.ndarray) -> np.ndarray:
    """∂f/∂v by centred differences; v : (S, d), f(v) : (S, r) -> (S, r, d)."""
    cols = []
    for j in range(v.shape[1]):
        e = np.zeros_like(v)
        e[:, j] = H
        cols.append((f(v + e) - f(v - e)) / (2 * H))
    return np.stack(cols, axis=2)


def relu_near_kink(model, w, state0, x, drive) -> bool:
    """True if a ReLU pre-activation is within reach of the finite-difference step."""
    if model.cell not in ("rnn", "indrnn") or model.activation != "relu":
        return False
    s = state0
    for t in range(x.shape[0]):
        pre = (w.Wh @ s[..., None] + w.Wx @ x[t][..., None])[..., 0] + w.b
        if np.min(np.abs(pre)) < 1e-4:
            return True
        s = np.maximum(pre, 0)
    return False


@given(configs())
def test_one_step_jacobians_match_centred_differences(case):
    model, holds, w, state0, x = case
    drive = drive_of(model, holds, x.shape[0])
    assume(not relu_near_kink(model, w, state0, x[:1], drive))
    _, cache = forward(model, w, state0, x[0], drive.fixed, drive.shift[0])
    A, B = model.equations().jacobians(w, cache, drive.fixed, True)
    A_fd = numeric_jacobian(
        lambda s: forward(model, w, s, x[0], drive.fixed, drive.shift[0])[0], state0)
    B_fd = numeric_jacobian(
        lambda v: forward(model, w, state0, v, drive.fixed, drive.shift[0])[0], x[0])
    np.testing.assert_allclose(A, A_fd, rtol=1e-6, atol=1e-7,
                               err_msg=f"∂state/∂state of {model} holds={holds}")
    np.testing.assert_allclose(B, B_fd, rtol=1e-6, atol=1e-7,
                               err_msg=f"∂state/∂x of {model} holds={holds}")


@given(configs())
@example(case=denormal_forget_case())
def test_scheduled_multi_step_jacobian_matches_centred_differences(case):
    """∂c<T>/∂c<0> from propagate (scheduled holds over T steps) against differences."""
    model, holds, w, state0, x = case
    drive = drive_of(model, holds, x.shape[0])
    assume(not relu_near_kink(model, w, state0, x, drive))
    n = w.hidden

    def c_T(c0):
        s = state0.copy()
        s[:, :n] = c0
        return run_states(model, w, s, x, drive)[:, :n]

    J_fd = numeric_jacobian(c_T, state0[:, :n])
    for name in KERNELS:                 # the numpy reference and the compiled kernels
        with kernel(name):
            _, _, J = propagate(model, w, state0, x, drive, reach=False)
        np.testing.assert_allclose(J, J_fd, rtol=1e-5, atol=1e-7,
                                   err_msg=f"{name}: {model} holds={holds}")


@given(configs())
def test_the_tangent_step_equals_the_jacobian_times_the_tangent(case):
    """Each cell's cheap tangent step (the LSTM's structured one) is A<t> J exactly."""
    model, holds, w, state0, x = case
    drive = drive_of(model, holds, x.shape[0])
    _, cache = forward(model, w, state0, x[0], drive.fixed, drive.shift[0])
    eq = model.equations()
    A, _ = eq.jacobians(w, cache, drive.fixed, False)
    J = np.random.default_rng(0).standard_normal((*A.shape[:-1], 3))
    np.testing.assert_allclose(eq.tangent(w, cache, drive.fixed, J), A @ J, rtol=1e-12,
                               atol=1e-14)


@given(configs())
def test_scenarios_simulated_together_equal_each_simulated_alone(case):
    """Stacking scenarios on a leading axis changes no bit of any result."""
    from quizgrader.sim.gates import stack
    from quizgrader.sim.scenarios import all_scenarios
    model, _, w, state0, x = case
    drives = [drive_of(model, h, x.shape[0]) for h in all_scenarios(model)]
    for name in KERNELS:
        with kernel(name):
            gain, reach, J = propagate(model, w, state0, x, stack(drives))
            for k, d in enumerate(drives):
                gain_k, reach_k, J_k = propagate(model, w, state0, x, d)
                np.testing.assert_array_equal(gain[:, k], gain_k)
                np.testing.assert_array_equal(reach[:, k], reach_k)
                np.testing.assert_array_equal(J[k], J_k)
