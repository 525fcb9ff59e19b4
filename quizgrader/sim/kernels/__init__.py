"""The compiled backend of the Jacobian products (numba, the optional extra ``fast``).

At small hidden sizes a numpy step is some 35 calls on tiny arrays, and their overhead, not
the arithmetic, is the time (measured: 3-5 % of the matmul peak at hidden 16). Here one
compiled loop runs each (scenario, seed) cell for all its steps with its state and tangent in
the processor's cache. The numpy path stays the reference: the two agree to rounding (tests:
≤ 1e-12 relative on every cell and gate setting, same verdicts on the bank), and any cell
implementation other than the course's (``Simulator(equations=...)``) runs on it.

``$QUIZGRADER_KERNEL`` chooses: ``auto`` (the default: compiled when numba is installed),
``numpy`` or ``numba`` (an error if numba is missing). :func:`backend` names the one in use;
the simulation cache's fingerprint includes it, since the last bits of a number depend on it.
"""
from __future__ import annotations

import importlib.metadata
import importlib.util
import os
from functools import cache

from ...errors import ConfigError

CHOICES = ("auto", "numpy", "numba")


@cache
def _numba_version() -> str | None:
    """numba's version if it is installed, read from its metadata: importing numba takes
    a third of a second, which a run answered from the cache should not pay."""
    if importlib.util.find_spec("numba") is None or importlib.util.find_spec("scipy") is None:
        return None                   # numba's np.dot calls the BLAS that scipy ships
    try:
        return importlib.metadata.version("numba")
    except importlib.metadata.PackageNotFoundError:      # pragma: no cover (odd installs)
        return "unknown"


def backend() -> str:
    """``"numba <version>"`` or ``"numpy"``: what computes the Jacobian products here."""
    choice = os.environ.get("QUIZGRADER_KERNEL", "auto").strip().lower() or "auto"
    if choice not in CHOICES:
        raise ConfigError(f"QUIZGRADER_KERNEL={choice!r}: choose auto, numpy or numba",
                          "QUIZGRADER_KERNEL")
    if choice == "numpy":
        return "numpy"
    version = _numba_version()
    if version is None:
        if choice == "numba":
            raise ConfigError("QUIZGRADER_KERNEL=numba, but numba (with scipy) is not "
                              "installed: pip install 'quizgrader[fast]'", "QUIZGRADER_KERNEL")
        return "numpy"
    return f"numba {version}"


def compiled() -> bool:
    """True if the compiled kernels are in use (:func:`backend`)."""
    return backend() != "numpy"


__all__ = ["CHOICES", "backend", "compiled"]
