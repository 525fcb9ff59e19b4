"""``quizgrader simulate`` from the command line: output, JSON contract, errors."""
from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from quizgrader.cli import main


def run(*args):
    return CliRunner().invoke(main, ["simulate", *args])


def test_betty_keeping_memory_is_preserved_and_overwriting_vanishes():
    keep = run("--cell", "gru", "--fix", "reset=1", "--hold", "update=0", "--steps", "100")
    assert keep.exit_code == 0, keep.output
    assert "behaviour over 100 steps: preserved" in keep.output
    assert "per-step factor" in keep.output
    over = run("--cell", "gru", "--fix", "reset=1", "--hold", "update=1", "--steps", "100")
    assert over.exit_code == 0 and "behaviour over 100 steps: vanishes" in over.output


def test_json_contract():
    r = run("--cell", "lstm", "--hold", "forget=1", "--hold", "update=0", "--steps", "30", "--json")
    assert r.exit_code == 0
    data = json.loads(r.output)
    assert set(data) >= {"cell", "steps", "gain", "reach", "behaviour"}
    assert data["cell"] == "lstm" and data["steps"] == 30
    assert len(data["gain"]) == 30 and len(data["reach"]) == 30
    assert data["behaviour"] == "preserved"


def test_exploding_json_uses_null_not_infinity():
    r = run("--cell", "rnn", "--activation", "linear", "--scale", "40", "--steps", "300",
            "--seeds", "3", "--json")
    data = json.loads(r.output)
    assert data["behaviour"] == "explodes" and data["gain"][-1] is None


def test_scheduled_hold_write_then_keep():
    r = run("--cell", "gru", "--fix", "reset=1", "--hold", "update=1@1", "--hold", "update=0@2:",
            "--json")
    assert r.exit_code == 0 and json.loads(r.output)["behaviour"] == "preserved"
    assert json.loads(r.output)["reach"][-1] > 0.1


def test_output_is_deterministic():
    args = ("--cell", "gru", "--hold", "update=0", "--json")
    assert run(*args).output == run(*args).output


@pytest.mark.parametrize("args,message", [
    (["--cell", "gru", "--hold", "forget=1"],
     "error: hold: the gru cell has no gate 'forget' (its gates: update, reset)\n"),
    (["--cell", "gru", "--fix", "reset=1.5"],
     "error: fixed reset=1.5: a fixed gate must be a number in [0, 1]\n"),
    (["--cell", "gru", "--hold", "update=1.5"],
     "error: --hold update=1.5: a held gate is 0, 1 or a value in (0, 1) (use --fix for a "
     "constant)\n"),
    (["--cell", "rnn", "--fix", "update=1"],
     "error: fixed: the rnn cell has no gate 'update' (its gates: none)\n"),
    (["--cell", "gru", "--fix", "reset"],
     "error: 'reset': expected GATE=VALUE, e.g. update=0 or update=1@1\n"),
    (["--cell", "gru", "--activation", "relu"],
     "error: --activation relu applies to rnn cells (tanh, relu, linear) and indrnn cells "
     "(relu, tanh) only, not gru\n"),
    (["--cell", "gru", "--steps", "0"], "error: --steps must be ≥ 1, got 0\n"),
])
def test_bad_settings_give_one_line_and_exit_1(args, message):
    r = run(*args)
    assert r.exit_code == 1
    assert r.output == message


def write_gru(path, H=4, I=3, T=None, **extra):
    rng = np.random.default_rng(0)
    arrays = dict(weight_ih_l0=rng.standard_normal((3 * H, I)),
                  weight_hh_l0=rng.standard_normal((3 * H, H)),
                  bias_ih_l0=rng.standard_normal(3 * H), bias_hh_l0=rng.standard_normal(3 * H))
    if T:
        arrays["x"] = rng.standard_normal((T, I))
    arrays.update(extra)
    np.savez(path, **arrays)
    return str(path)


def test_weights_file_runs_one_cell_with_its_inputs(tmp_path):
    path = write_gru(tmp_path / "w.npz", T=25, h0=np.zeros(4))
    r = run("--cell", "gru", "--weights", path, "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["steps"] == 25
    r = run("--cell", "gru", "--weights", path)
    assert "w.npz (1 cell; gate biases, bias_ih + bias_hh" in r.output


@pytest.mark.parametrize("make,message", [
    (lambda p: p.write_bytes(b"not a zip"), "not a readable .npz file"),
    (lambda p: np.savez(p, weight_ih_l0=np.zeros((12, 3))), "missing weight_hh_l0, bias_ih_l0"),
    (lambda p: write_gru(p, extra=np.zeros(2)), "unexpected array(s) extra"),
    (lambda p: np.savez(p, weight_ih_l0=np.zeros((12, 3)), weight_hh_l0=np.zeros((12, 5)),
                        bias_ih_l0=np.zeros(12), bias_hh_l0=np.zeros(12)),
     "weight_hh_l0 has shape (12, 5), expected (3·H, H) for a GRU"),
    (lambda p: write_gru(p, h0=np.zeros(5)), "h0 has shape (5,), expected (4,)"),
    (lambda p: write_gru(p, x=np.zeros((5, 2))), "x has shape (5, 2), expected (T, 3)"),
    (lambda p: write_gru(p, h0=np.array([np.nan, 0, 0, 0])), "h0 holds NaN or infinite values"),
])
def test_bad_weights_files_give_one_line(tmp_path, make, message):
    path = tmp_path / "bad.npz"
    make(path)
    r = run("--cell", "gru", "--weights", str(path))
    assert r.exit_code == 1
    assert r.output.startswith(f"error: {path}: ") and message in r.output
    assert r.output.count("\n") == 1 and "Traceback" not in r.output


def test_lstm_weights_need_four_blocks(tmp_path):
    path = write_gru(tmp_path / "g.npz")
    r = run("--cell", "lstm", "--weights", path)
    assert r.exit_code == 1 and "expected (4·H, H) for a LSTM" in r.output


def test_v12_init_flags_reach_the_simulation():
    """--bias, --chrono, --recurrent, --recurrent-range and the new cells, as the help shows."""
    run = CliRunner().invoke
    out = run(main, ["simulate", "--cell", "lstm", "--chrono", "100", "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["behaviour"] == "preserved"
    plain = json.loads(run(main, ["simulate", "--cell", "lstm", "--json"]).output)
    bias1 = json.loads(run(main, ["simulate", "--cell", "lstm", "--bias", "forget=1",
                                  "--json"]).output)
    assert bias1["gain"][-1] > 1e6 * plain["gain"][-1]
    band = json.loads(run(main, ["simulate", "--cell", "indrnn", "--recurrent-range",
                                 "0.99:0.99", "--input-scale", "0", "--json"]).output)
    assert band["gain"][-1] == pytest.approx(0.99 ** 100, rel=1e-9)
    text = run(main, ["simulate", "--cell", "rnn", "--recurrent", "orthogonal", "--scale",
                      "1.5", "--steps", "50"]).output
    assert "RNN (no gates), recurrent weights 1.5 × an orthogonal matrix" in text
    assert "vanishes" in text
    for cell in ("janet", "mgu"):
        assert run(main, ["simulate", "--cell", cell, "--hold", "forget=1"]).exit_code == 0


@pytest.mark.parametrize("args,message", [
    (["--cell", "lstm", "--bias", "forget=x"],
     "error: --bias 'forget=x': expected GATE=NUMBER, e.g. forget=1\n"),
    (["--cell", "gru", "--bias", "forget=1"],
     "error: bias: the gru cell has no gate 'forget' (its gates: update, reset) (--bias)\n"),
    (["--cell", "mgu", "--recurrent-range", "1:2"],
     "error: --recurrent-range applies to indrnn cells only, not mgu\n"),
    (["--cell", "indrnn", "--recurrent-range", "1"],
     "error: --recurrent-range '1': expected LO:HI, e.g. 0.9:1.0\n"),
])
def test_bad_init_flags_give_one_line(args, message):
    out = CliRunner().invoke(main, ["simulate", *args])
    assert out.exit_code == 1 and out.output == message


def test_pytorch_biases_add_up_and_bias_adds_to_them(tmp_path):
    """PyTorch's bias_ih and bias_hh are summed: a forget bias of 1 in both is 2; --bias adds
    to that."""
    H, I = 3, 2
    rng = np.random.default_rng(0)
    b = np.zeros(4 * H)
    b[H:2 * H] = 1.0                                   # PyTorch i, f, g, o: the f block
    path = tmp_path / "lstm.npz"
    np.savez(path, weight_ih_l0=0.3 * rng.standard_normal((4 * H, I)),
             weight_hh_l0=0.3 * rng.standard_normal((4 * H, H)), bias_ih_l0=b, bias_hh_l0=b)
    r = CliRunner().invoke(main, ["simulate", "--cell", "lstm", "--weights", str(path),
                                  "--steps", "5"])
    assert r.exit_code == 0 and "Γu 0, Γf 2, Γo 0" in r.output, r.output
    r = CliRunner().invoke(main, ["simulate", "--cell", "lstm", "--weights", str(path),
                                  "--steps", "5", "--bias", "forget=-2"])
    assert "Γf 0," in r.output, r.output
    r = CliRunner().invoke(main, ["simulate", "--cell", "lstm", "--weights", str(path),
                                  "--chrono", "10"])
    assert r.exit_code == 1 and "only bias can be added" in r.output
