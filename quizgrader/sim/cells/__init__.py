"""Batched RNN, GRU, LSTM, JANET, MGU and IndRNN cells in the course's notation, with exact
Jacobians.

Every cell module offers the same functions, for S cells at once (:class:`Equations`):

- ``inputs(w, x) -> px``: the input part Wx x<t> + b of every step's pre-activations,
  x (T, S, m) -> (T, S, B·n), computed once for all steps;
- ``step(w, state, px<t>, fixed, shift) -> (state, cache)``: one forward step;
- ``jacobians(w, cache, fixed, inputs) -> (A, B)``: the exact Jacobians
  A = ∂state<t>/∂state<t-1> (S, d, d) and, when ``inputs``, B = ∂state<t>/∂x<t> (S, d, m);
- ``tangent(w, cache, fixed, J) -> A J``: the same Jacobian applied to a tangent J, in
  whatever way is cheapest for the cell;
- ``output(state) -> c``: the memory c<t> whose gradient the quiz talks about.

States may carry extra leading axes (several gate scenarios of the same S cells at once).

Another implementation of the same protocol (a mutated cell in a test, say) can be handed to
:class:`~quizgrader.sim.simulator.Simulator` in place of these.
"""
from __future__ import annotations

from types import MappingProxyType
from typing import Any, Callable, Mapping, Protocol

import numpy as np

from . import gru, indrnn, janet, lstm, mgu, rnn
from .weights import Fixed, Weights


class Equations(Protocol):
    """What a cell implementation provides (a module or any object with these functions)."""

    def inputs(self, w: Weights, x: np.ndarray) -> np.ndarray: ...

    #: step(w, state, px, fixed, shift, **cell_options) -> (state, cache); each cell has its
    #: own options (the RNN's activation, the GRU's reset), so only the result is typed
    step: Callable[..., tuple[np.ndarray, Any]]

    def jacobians(self, w: Weights, cache: Any, fixed: Fixed, inputs: bool
                  ) -> tuple[np.ndarray, np.ndarray | None]: ...

    def tangent(self, w: Weights, cache: Any, fixed: Fixed, J: np.ndarray) -> np.ndarray: ...

    def output(self, state: np.ndarray) -> np.ndarray: ...


#: The course's cells, by name (read-only).
EQUATIONS: Mapping[str, Equations] = MappingProxyType(
    {"rnn": rnn, "gru": gru, "lstm": lstm, "janet": janet, "mgu": mgu, "indrnn": indrnn})


__all__ = ["EQUATIONS", "Equations", "Weights", "gru", "indrnn", "janet", "lstm", "mgu", "rnn"]
