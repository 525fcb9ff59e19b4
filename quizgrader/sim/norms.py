"""Spectral norms of tangent blocks kept as (mantissa matrix, power-of-two exponent) pairs."""
from __future__ import annotations

import numpy as np

#: A tangent block is rescaled by a power of two once its largest entry leaves
#: [1/BIG, BIG]: its per-step growth is at most 2^57, so 4 steps between checks cannot overflow.
BIG = 2.0 ** 256


def spectral_norm(M: np.ndarray) -> np.ndarray:
    """‖M[s]‖₂ for M of shape (..., r, k), via the largest eigenvalue of the smaller Gram
    matrix.

    Each matrix is first divided by its largest entry, so the squares neither underflow nor
    overflow. Non-finite matrices give inf.
    """
    lead = M.shape[:-2]
    M = M.reshape(-1, *M.shape[-2:])
    return _spectral_norm(M).reshape(lead)


def _spectral_norm(M: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        top = np.max(np.abs(M), axis=(1, 2))
        ok = np.isfinite(top) & (top > 0)
        safe = np.where(ok, top, 1.0)[:, None, None]
        N = M / safe
        G = N @ N.transpose(0, 2, 1) if M.shape[1] <= M.shape[2] else N.transpose(0, 2, 1) @ N
        G = np.where(ok[:, None, None], G, 0.0)
        lam = np.linalg.eigvalsh(G)[:, -1]
        out = np.sqrt(np.maximum(lam, 0.0)) * top
    out[~np.isfinite(top)] = np.inf
    out[top == 0] = 0.0
    return out


def scaled_norm(J: np.ndarray, exps: np.ndarray) -> np.ndarray:
    """‖J‖₂ · 2^exps for J (..., r, k) and integer exps (...)."""
    with np.errstate(over="ignore", under="ignore"):
        return np.ldexp(spectral_norm(J), exps)
