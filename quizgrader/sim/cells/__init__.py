"""Batched RNN, GRU and LSTM cells in the course's notation, with exact Jacobians.

Every cell module offers the same three functions, for S cells at once (:class:`Equations`):

- ``step(w, state, x, fixed, shift) -> (state, cache)``: one forward step;
- ``jacobians(w, cache, fixed, inputs) -> (A, B)``: the exact Jacobians
  A = ∂state<t>/∂state<t-1> (S, d, d) and, when ``inputs``, B = ∂state<t>/∂x<t> (S, d, m);
- ``output(state) -> c``: the memory c<t> whose gradient the quiz talks about.

Another implementation of the same protocol (a mutated cell in a test, say) can be handed to
:class:`~quizgrader.sim.simulator.Simulator` in place of these.
"""
from __future__ import annotations

from types import MappingProxyType
from typing import Any, Mapping, Protocol

import numpy as np

from . import gru, lstm, rnn
from .weights import Weights


class Equations(Protocol):
    """What a cell implementation provides (a module or any object with these functions)."""

    def step(self, w: Weights, state: np.ndarray, x: np.ndarray, fixed: tuple, shift: np.ndarray,
             **options: Any) -> tuple[np.ndarray, Any]: ...

    def jacobians(self, w: Weights, cache: Any, fixed: tuple, inputs: bool
                  ) -> tuple[np.ndarray, np.ndarray | None]: ...

    def output(self, state: np.ndarray) -> np.ndarray: ...


#: The course's cells, by name (read-only).
EQUATIONS: Mapping[str, Equations] = MappingProxyType({"rnn": rnn, "gru": gru, "lstm": lstm})


__all__ = ["EQUATIONS", "Equations", "Weights", "rnn", "gru", "lstm"]
