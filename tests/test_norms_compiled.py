"""The compiled per-step spectral norms (power iteration from the last step's vector, proved
by a bound, else the Gram matrix's eigenvalues) against numpy's eigvalsh to 1e-10 relative."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from quizgrader.sim.norms import spectral_norm

pytest.importorskip("numba")
from quizgrader.sim.kernels.norms import top_singular  # noqa: E402  (needs numba)


def compiled_norms(M: np.ndarray, v: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """‖M[t, u]‖₂ for M (R, U, r, k), each unit's steps in order, and the stage counts."""
    R, U, r, k = M.shape
    v = np.zeros((U, k)) if v is None else v
    out, stages = np.empty((R, U)), np.zeros(4, dtype=np.int64)
    top_singular(M, np.arange(R), 0, k, 0, U, v, out, stages)
    return out, stages


def assert_close(got: np.ndarray, want: np.ndarray) -> None:
    ok = np.isfinite(want) & (want > 0)
    np.testing.assert_array_equal(got[~ok], want[~ok])
    np.testing.assert_allclose(got[ok], want[ok], rtol=1e-10, atol=0)


@st.composite
def spectra(draw):
    """Matrices U diag(σ) Vᵀ with a chosen spectrum: one dominant value, a flat one, a near
    tie at the top, repeated values, rank-deficient, at any power-of-two scale."""
    r, k = draw(st.integers(1, 12)), draw(st.integers(1, 12))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    s = min(r, k)
    kind = draw(st.sampled_from(["dominant", "flat", "tie", "equal", "rank1", "random"]))
    sigma = {"dominant": np.r_[1.0, 0.3 * rng.random(s - 1)],
             "flat": 1.0 - 0.05 * rng.random(s),
             "tie": np.r_[1.0, 1.0 - 1e-6, 0.5 * rng.random(max(s - 2, 0))][:s],
             "equal": np.ones(s),
             "rank1": np.r_[1.0, np.zeros(s - 1)],
             "random": rng.random(s)}[kind]
    U = np.linalg.qr(rng.standard_normal((r, r)))[0][:, :s]
    V = np.linalg.qr(rng.standard_normal((k, k)))[0][:, :s]
    scale = 2.0 ** draw(st.integers(-300, 300))
    return (U * sigma) @ V.T * scale


@settings(max_examples=200, deadline=None)
@given(spectra(), st.sampled_from(["none", "random", "exact", "orthogonal"]))
def test_one_norm_is_eigvalshs_to_1e_10_from_any_start(M, start):
    """Whatever the start (none, random, the answer itself, or orthogonal to it: the bound
    must then refuse the wrong value and move on)."""
    r, k = M.shape
    v = np.zeros((1, k))
    if start == "random":
        v[0] = np.random.default_rng(1).standard_normal(k)
    elif start in ("exact", "orthogonal"):
        Vt = np.linalg.svd(M)[2]
        v[0] = Vt[0] if start == "exact" or k == 1 else Vt[1]
    got, _ = compiled_norms(M[None, None], v)
    assert_close(got[0], spectral_norm(M[None])[0:1])


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 16), st.integers(1, 6), st.integers(1, 60), st.floats(0.3, 3.0),
       st.integers(0, 2**32 - 1))
def test_products_over_time_match_eigvalsh_at_every_step(n, k, T, gain, seed):
    """J<t> = A<t> J<t-1> for random A<t> (3 units): the case the warm start is for."""
    rng = np.random.default_rng(seed)
    J = np.broadcast_to(np.eye(n, k), (3, n, k)).copy()
    steps = []
    for _ in range(T):
        J = gain / np.sqrt(n) * rng.standard_normal((3, n, n)) @ J
        J /= 2.0 ** np.frexp(np.abs(J).max(axis=(1, 2)))[1][:, None, None]
        steps.append(J)
    M = np.stack(steps)
    got, stages = compiled_norms(M)
    assert_close(got, spectral_norm(M))
    assert stages.sum() == M.shape[0] * M.shape[1]


def test_nan_inf_and_zero_matrices_give_inf_and_zero():
    M = np.ones((1, 4, 3, 2))
    M[0, 0, 1, 1] = np.nan
    M[0, 1, 0, 0] = np.inf
    M[0, 2] = 0.0
    got, stages = compiled_norms(M)
    np.testing.assert_array_equal(got[0, :3], [np.inf, np.inf, 0.0])
    assert got[0, 3] == pytest.approx(np.sqrt(6.0), rel=1e-14)
    assert stages[0] == 1


def test_a_long_simulation_mostly_needs_no_eigenvalues():
    """The point of it: after the first steps the bound settles most norms without LAPACK."""
    rng = np.random.default_rng(0)
    J, steps = np.eye(8)[None].repeat(4, 0), []
    for _ in range(200):
        J = 1.2 / np.sqrt(8) * rng.standard_normal((4, 8, 8)) @ J
        J /= 2.0 ** np.frexp(np.abs(J).max(axis=(1, 2)))[1][:, None, None]
        steps.append(J)
    _, stages = compiled_norms(np.stack(steps))
    assert stages[1] > 0.9 * stages.sum()
