"""The v1.2 initialisations (sim/init.py): what each draws, and what it leaves alone."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, strategies as st

from quizgrader.errors import ConfigError
from quizgrader.sim import Model, Settings
from quizgrader.sim.cells import janet
from quizgrader.sim.simulate import random_setup

SET = Settings(hidden=6, inputs=3, seeds=4, seed=3)


@given(st.sampled_from(["rnn", "gru", "lstm", "janet", "mgu"]), st.floats(0.1, 3.0),
       st.integers(1, 8), st.integers(0, 1000))
def test_orthogonal_blocks_are_orthogonal_times_scale(cell, scale, n, seed):
    s = Settings(hidden=n, inputs=2, seeds=2, seed=seed)
    w, _, _ = random_setup(Model(cell, scale=scale, recurrent="orthogonal"), s, 3)
    for block in np.split(w.Wh, w.Wh.shape[1] // n, axis=1):
        gram = np.swapaxes(block, -1, -2) @ block
        np.testing.assert_allclose(gram, np.broadcast_to(scale ** 2 * np.eye(n), gram.shape),
                                   atol=1e-12 * scale ** 2)


def test_identity_and_the_input_blocks_of_either():
    w, _, _ = random_setup(Model("gru", scale=0.7, recurrent="identity"),
                           Settings(hidden=50, inputs=400, seeds=2), 2)
    for block in np.split(w.Wh, 3, axis=1):
        np.testing.assert_array_equal(block, np.broadcast_to(0.7 * np.eye(50), block.shape))
    assert np.std(w.Wx) == pytest.approx(1 / math.sqrt(400), rel=0.02)   # N(0, 1/inputs)


def test_haar_matrices_have_no_preferred_direction():
    """The sign fix makes Q Haar-distributed: its entries have mean 0 (a QR without it puts
    a positive diagonal on R and a biased diagonal on Q)."""
    w, _, _ = random_setup(Model("rnn", recurrent="orthogonal"),
                           Settings(hidden=4, inputs=1, seeds=1000), 1)
    diag = np.diagonal(w.Wh, axis1=-2, axis2=-1)
    assert abs(diag.mean()) < 0.05


def test_chrono_draws_log_uniform_forget_biases_and_the_opposite_update_bias():
    w, _, _ = random_setup(Model("lstm", chrono=100), Settings(hidden=200, seeds=20), 2)
    n = 200
    bu, bf, bo, bc = (w.b[:, i * n:(i + 1) * n] for i in range(4))
    assert bf.min() >= 0.0 and bf.max() <= math.log(99)
    # log U(1, 99): P(b_f ≤ log 50) = 49/98
    assert np.mean(bf <= math.log(50)) == pytest.approx(0.5, abs=0.03)
    np.testing.assert_array_equal(bu, -bf)
    assert not bo.any() and not bc.any()
    wj, _, _ = random_setup(Model("janet", chrono=10), SET, 2)
    bf_j = wj.b[:, :6]
    assert bf_j.min() >= 0.0 and bf_j.max() <= math.log(9) and not wj.b[:, 6:].any()


def test_a_bias_is_added_to_its_gate_only():
    w, _, _ = random_setup(Model("lstm", bias={"forget": 1.0, "output": -2.0}), SET, 2)
    n = 6
    assert (w.b[:, n:2 * n] == 1.0).all() and (w.b[:, 2 * n:3 * n] == -2.0).all()
    assert not w.b[:, :n].any() and not w.b[:, 3 * n:].any()


@pytest.mark.parametrize("model", [Model("lstm", chrono=30), Model("rnn", recurrent="orthogonal"),
                                   Model("gru", bias={"update": -3.0}),
                                   Model("gru", recurrent="identity")])
def test_an_init_changes_the_weights_but_not_the_state_or_the_inputs(model):
    base = Model(model.cell)
    w0, s0, x0 = random_setup(base, SET, 5)
    w1, s1, x1 = random_setup(model, SET, 5)
    np.testing.assert_array_equal(s0, s1)
    np.testing.assert_array_equal(x0, x1)
    assert not (np.array_equal(w0.Wh, w1.Wh) and np.array_equal(w0.b, w1.b))


def test_the_same_seed_gives_the_same_init_and_another_seed_another():
    m = Model("lstm", chrono=100)
    a, b = random_setup(m, SET, 2)[0], random_setup(m, SET, 2)[0]
    c = random_setup(m, Settings(hidden=6, inputs=3, seeds=4, seed=4), 2)[0]
    np.testing.assert_array_equal(a.b, b.b)
    assert not np.array_equal(a.b, c.b)


def test_indrnn_recurrent_weights_are_one_uniform_number_per_unit():
    w, _, _ = random_setup(Model("indrnn", recurrent_range=(0.9, 1.1)),
                           Settings(hidden=100, seeds=3), 2)
    u = np.diagonal(w.Wh, axis1=-2, axis2=-1)
    assert u.min() >= 0.9 and u.max() <= 1.1 and u.std() > 0.05
    assert not (w.Wh - u[..., None] * np.eye(100)).any()          # only the diagonal


@pytest.mark.parametrize("kwargs,message", [
    ({"cell": "rnn", "chrono": 100}, "applies to lstm and janet"),
    ({"cell": "lstm", "chrono": 1}, "from 2 to"),
    ({"cell": "lstm", "chrono": 100, "bias": {"update": 1.0}}, "not both"),
    ({"cell": "gru", "bias": {"forget": 1.0}}, "no gate 'forget'"),
    ({"cell": "lstm", "bias": {"forget": math.inf}}, "finite"),
    ({"cell": "rnn", "recurrent": "unitary"}, "unknown recurrent"),
    ({"cell": "indrnn", "recurrent": "orthogonal"}, "recurrent_range"),
    ({"cell": "gru", "recurrent_range": (0.0, 1.0)}, "indrnn cells only"),
    ({"cell": "indrnn", "recurrent_range": (1.0, 0.5)}, "lo ≤ hi"),
    ({"cell": "gru", "activation": "relu"}, "applies to rnn cells"),
    ({"cell": "indrnn", "activation": "linear"}, "applies to rnn cells"),
])
def test_init_options_where_their_cell_lacks_them_are_one_line_errors(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        Model(**kwargs)


def test_cell_defaults():
    assert Model("indrnn").activation == "relu" and Model("rnn").activation == "tanh"
    assert Model("indrnn").u_range == (0.0, 1.0)


def test_the_compiled_janet_uses_the_same_beta():
    pytest.importorskip("numba")
    from quizgrader.sim.kernels import cells as kernel_cells
    assert kernel_cells.JANET_BETA == janet.BETA
