"""The compiled backend of the Jacobian products (numba, the optional extra ``fast``).

At small hidden sizes a numpy step is some 35 calls on tiny arrays, and their overhead, not
the arithmetic, is the time (measured: 3-5 % of the matmul peak at hidden 16). Here one
compiled loop runs each (scenario, seed) cell for all its steps with its state and tangent in
the processor's cache. The numpy path stays the reference: the two agree to rounding (tests:
≤ 1e-12 relative on every cell and gate setting, same verdicts on the bank), and any cell
implementation other than the course's (``Simulator(equations=...)``) runs on it.

``$QUIZGRADER_KERNEL`` chooses: ``numpy``; ``numba`` (every simulation compiled; an error if
numba is missing); or ``auto``, the default: a simulation is compiled when numba is installed
and the numpy estimate of one of its scenarios (:func:`.budget.scenario_seconds`) is at least
:data:`COMPILE_FROM`. Loading numba costs a process about a second, which small simulations
would not win back; the rule depends only on the simulation's own sizes, so a given
simulation always runs on the same backend. :func:`backend` names the policy in use; the
simulation cache's fingerprint includes it, since the last bits of a number depend on it.
"""
from __future__ import annotations

import importlib.metadata
import importlib.util
import os
from functools import cache
from typing import Callable

import numpy as np

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


#: Estimated numpy seconds per scenario from which ``auto`` compiles a simulation. The course's
#: 100-step RNN and GRU questions at hidden 16 stay below (32 seeds: 0.020 and 0.024 s), so
#: checking one of them does not wait for numba to load (some 0.7 s). An LSTM's (0.026 s)
#: compiles: its lab runs 27 settings a model, and its grid in the HTML handout cost twice
#: the CPU on numpy (measured on the bank: 15 s against 10 s for the whole build); checking
#: one LSTM question from no cache takes 1.3 s instead of 0.6. A 1000-step LSTM of 16 seeds
#: (0.2 s) or anything at hidden 32 compiles.
COMPILE_FROM = 0.025


def backend() -> str:
    """The policy in use: ``"numpy"``, ``"numba <version>"`` (always compiled) or
    ``"auto: numba <version> from <COMPILE_FROM> s"``."""
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
    return f"numba {version}" if choice == "numba" else \
        f"auto: numba {version} from {COMPILE_FROM} s"


def compiled(seconds: float) -> bool:
    """Whether a simulation whose scenarios are each estimated at ``seconds`` on numpy runs
    compiled under the policy in use (:func:`backend`)."""
    policy = backend()
    return policy.startswith("numba") or (policy.startswith("auto") and seconds >= COMPILE_FROM)


def load_propagate() -> Callable[..., tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """:func:`.driver.propagate_compiled`, imported (with numba) and loaded on first use.
    A numba that cannot load or compile (no writable cache folder, a broken install) is a
    one-line error that names the way around it, not a traceback, and never a silent switch
    of backend."""
    try:
        from .driver import load, propagate_compiled as run
        load()                                # compiles, or loads numba's cached code
    except Exception as e:                    # numba raises various errors here
        raise ConfigError(f"the compiled kernels could not be loaded ({type(e).__name__}: "
                          f"{e}); QUIZGRADER_KERNEL=numpy runs without them",
                          "QUIZGRADER_KERNEL") from e
    return run


__all__ = ["CHOICES", "COMPILE_FROM", "backend", "compiled", "load_propagate"]
