"""PyTorch autograd as an independent oracle for the exact Jacobians.

nn.GRU / nn.LSTM check the PyTorch-layout loader and the reset-after GRU; a small hand-written
torch cell checks the course's reset-before GRU and every gate mode (free, fixed, held, scheduled).
"""
from __future__ import annotations

import numpy as np
import pytest
from cellcases import KERNELS, kernel

from quizgrader.sim.gates import Hold, make_drive, sigmoid
from quizgrader.sim.model import Model, Settings
from quizgrader.sim.propagate import propagate
from quizgrader.sim.simulate import random_setup
from quizgrader.sim.torch_weights import load

torch = pytest.importorskip("torch")
torch.set_default_dtype(torch.float64)


def torch_layer(cell: str, H: int, I: int, seed: int):
    """A PyTorch layer with random float64 weights (biases non-zero)."""
    torch.manual_seed(seed)
    layer = (torch.nn.GRU if cell == "gru" else torch.nn.LSTM)(I, H).double()
    with torch.no_grad():
        for p in layer.parameters():
            p.uniform_(-0.8, 0.8)
    return layer


def save_npz(tmp_path, layer, x, h0, c0=None):
    arrays = {k: v.detach().numpy() for k, v in layer.state_dict().items()}
    arrays.update(x=x, h0=h0)
    if c0 is not None:
        arrays["c0"] = c0
    path = tmp_path / "layer.npz"
    np.savez(path, **arrays)
    return path


@pytest.mark.parametrize("kern", KERNELS)
@pytest.mark.parametrize("cell", ["gru", "lstm"])
@pytest.mark.parametrize("H,I,T", [(1, 1, 1), (3, 2, 5), (7, 4, 30)])
def test_pytorch_layers_give_the_same_jacobians(tmp_path, cell, H, I, T, kern):
    rng = np.random.default_rng(H * 100 + T)
    layer = torch_layer(cell, H, I, seed=T)
    x, h0, c0 = rng.standard_normal((T, I)), 0.5 * rng.standard_normal(H), \
        0.5 * rng.standard_normal(H)
    path = save_npz(tmp_path, layer, x, h0, c0 if cell == "lstm" else None)
    xt, h0t, c0t = (torch.tensor(v) for v in (x, h0, c0))

    def c_T(c_init, x1):
        xs = torch.cat([x1[None], xt[1:]])[:, None, :]
        if cell == "gru":
            return layer(xs, c_init[None, None])[1][0, 0]
        return layer(xs, (h0t[None, None], c_init[None, None]))[1][1][0, 0]

    start = h0t if cell == "gru" else c0t
    J_c, J_x = torch.autograd.functional.jacobian(c_T, (start, xt[0]))
    loaded = load(path, cell)
    model = Model(cell, reset="after" if cell == "gru" else "before")
    state0 = np.concatenate([c0, h0])[None] if cell == "lstm" else h0[None]
    drive = make_drive(cell, {}, (), T, 0.001)
    with kernel(kern):
        gain, reach, J = propagate(model, loaded.weights, state0, loaded.x[:, None, :], drive)
    np.testing.assert_allclose(J[0], J_c.numpy(), rtol=1e-10, atol=1e-12)
    assert gain[-1, 0] == pytest.approx(np.linalg.norm(J_c.numpy(), 2), rel=1e-10)
    assert reach[-1, 0] == pytest.approx(np.linalg.norm(J_x.numpy(), 2), rel=1e-10, abs=1e-14)


def gate_t(pre, fixed, shift):
    """The torch twin of quizgrader.sim.cells.weights.gate."""
    return torch.full_like(pre, fixed) if fixed is not None else torch.sigmoid(pre + shift)


def torch_gru_before(Wh, Wx, b, c, x, fixed, shift):
    """The course's GRU, written independently: c̃ = tanh(Wc[Γr*c, x] + bc)."""
    n = c.shape[0]
    gu = gate_t(Wh[:n] @ c + Wx[:n] @ x + b[:n], fixed[0], shift[0])
    gr = gate_t(Wh[n:2 * n] @ c + Wx[n:2 * n] @ x + b[n:2 * n], fixed[1], shift[1])
    ct = torch.tanh(Wh[2 * n:] @ (gr * c) + Wx[2 * n:] @ x + b[2 * n:])
    return gu * ct + (1 - gu) * c


def torch_lstm(Wh, Wx, b, s, x, fixed, shift):
    n = s.shape[0] // 2
    c, a = s[:n], s[n:]
    p = Wh @ a + Wx @ x + b
    gu, gf, go = (gate_t(p[i * n:(i + 1) * n], fixed[i], shift[i]) for i in range(3))
    c_new = gu * torch.tanh(p[3 * n:]) + gf * c
    return torch.cat([c_new, go * torch.tanh(c_new)])


def torch_janet(Wh, Wx, b, c, x, fixed, shift):
    """JANET (β = 1), written independently: a held or fixed Γf ties i = 1 − Γf."""
    n = c.shape[0]
    s = Wh[:n] @ c + Wx[:n] @ x + b[:n]
    gf = gate_t(s, fixed[0], shift[0])
    tied = fixed[0] is not None or shift[0] != 0.0
    i = 1 - gf if tied else 1 - torch.sigmoid(s - 1.0)
    return gf * c + i * torch.tanh(Wh[n:] @ c + Wx[n:] @ x + b[n:])


def torch_mgu(Wh, Wx, b, c, x, fixed, shift):
    """MGU: one gate f for the GRU's update and reset, f ≈ 0 keeps c."""
    n = c.shape[0]
    f = gate_t(Wh[:n] @ c + Wx[:n] @ x + b[:n], fixed[0], shift[0])
    ct = torch.tanh(Wh[n:] @ (f * c) + Wx[n:] @ x + b[n:])
    return (1 - f) * c + f * ct


def torch_indrnn(activation):
    def step(Wh, Wx, b, c, x, fixed, shift):
        pre = torch.diagonal(Wh) * c + Wx @ x + b
        return torch.relu(pre) if activation == "relu" else torch.tanh(pre)
    return step


def torch_rnn(Wh, Wx, b, c, x, fixed, shift):
    return torch.tanh(Wh @ c + Wx @ x + b)


CASES = [
    ("gru", {}, ()),
    ("gru", {"reset": 1.0}, (Hold("update", 0),)),
    ("gru", {"reset": 1.0}, (Hold("update", 1),)),
    ("gru", {"update": 1.0}, (Hold("reset", 0),)),
    ("gru", {"update": 0.0}, ()),
    ("gru", {"update": 0.3, "reset": 0.7}, ()),
    ("gru", {}, (Hold("update", 1, 1, 1), Hold("update", 0, 2))),
    ("lstm", {}, ()),
    ("lstm", {}, (Hold("forget", 1), Hold("update", 0))),
    ("lstm", {"output": 1.0}, (Hold("update", 1, 1, 1), Hold("forget", 0, 1, 1),
                                Hold("update", 0, 2), Hold("forget", 1, 2))),
    ("janet", {}, ()),
    ("janet", {}, (Hold("forget", 1),)),
    ("janet", {}, (Hold("forget", 0, 1, 1), Hold("forget", 1, 2))),
    ("janet", {"forget": 0.9}, ()),
    ("mgu", {}, ()),
    ("mgu", {}, (Hold("forget", 0),)),
    ("mgu", {}, (Hold("forget", 1, 1, 1), Hold("forget", 0, 2))),
    ("mgu", {"forget": 0.3}, ()),
    ("indrnn", {}, ()),
]
#: The v1.2 initialisations, each on a cell it applies to (they change the weights only).
INITS = [
    (Model("lstm", chrono=20, scale=1.5), ()),
    (Model("lstm", bias={"forget": 1.0, "output": -0.5}, scale=1.5), ()),
    (Model("janet", chrono=50, scale=1.5), ()),
    (Model("janet", bias={"forget": 2.0}, scale=1.5), (Hold("forget", 1, 3),)),
    (Model("rnn", recurrent="orthogonal", scale=1.2), ()),
    (Model("gru", recurrent="identity", scale=0.9), ()),
    (Model("mgu", recurrent="orthogonal", scale=1.5, bias={"forget": -1.0}), ()),
    (Model("indrnn", recurrent_range=(0.5, 1.2), scale=1.5), ()),
    (Model("indrnn", activation="tanh", recurrent_range=(-1.0, 1.0), scale=1.5), ()),
]
STEPS = {"gru": torch_gru_before, "lstm": torch_lstm, "janet": torch_janet, "mgu": torch_mgu,
         "rnn": torch_rnn}


@pytest.mark.parametrize("kern", KERNELS)
@pytest.mark.parametrize("cell,fixed,holds", CASES)
def test_hand_written_torch_cells_agree_in_every_gate_mode(cell, fixed, holds, kern):
    check_against_torch(Model(cell, fixed, scale=1.5), holds, kern)


@pytest.mark.parametrize("kern", KERNELS)
@pytest.mark.parametrize("model,holds", INITS, ids=lambda v: repr(v)[:60])
def test_every_initialisation_agrees_with_torch(model, holds, kern):
    check_against_torch(model, holds, kern)


def check_against_torch(model, holds, kern):
    """∂c<T>/∂c<0> and ∂c<T>/∂x<1> of ``model`` (its weights from random_setup, so with its
    init options) against autograd through the torch twin of its cell, seed by seed."""
    T, settings = 12, Settings(hidden=5, inputs=3, seeds=3, seed=7, epsilon=0.01)
    cell, fixed = model.cell, model.fixed_gates
    w, state0, x = random_setup(model, settings, T)
    drive = make_drive(cell, fixed, holds, T, settings.epsilon)
    with kernel(kern):
        gain, reach, J = propagate(model, w, state0, x, drive)
    step = torch_indrnn(model.activation) if cell == "indrnn" else STEPS[cell]
    n = settings.hidden
    for s in range(settings.seeds):
        Wh, Wx, b = (torch.tensor(a[s]) for a in (w.Wh, w.Wx, w.b))
        xs = torch.tensor(x[:, s])

        def c_T(c0, x1):
            st = torch.cat([c0, torch.tensor(state0[s, n:])])
            for t in range(T):
                st = step(Wh, Wx, b, st, x1 if t == 0 else xs[t], drive.fixed,
                          drive.shift[t].tolist())
            return st[:n]

        J_c, J_x = torch.autograd.functional.jacobian(
            c_T, (torch.tensor(state0[s, :n]), xs[0]))
        np.testing.assert_allclose(J[s], J_c.numpy(), rtol=1e-10, atol=1e-13)
        assert gain[-1, s] == pytest.approx(np.linalg.norm(J_c.numpy(), 2), rel=1e-9, abs=1e-15)
        assert reach[-1, s] == pytest.approx(np.linalg.norm(J_x.numpy(), 2), rel=1e-9, abs=1e-15)


def test_torch_sigmoid_matches_ours():
    z = np.linspace(-40, 40, 101)
    np.testing.assert_allclose(sigmoid(z), torch.sigmoid(torch.tensor(z)).numpy(), rtol=1e-14)
