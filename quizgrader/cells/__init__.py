"""Batched RNN, GRU and LSTM cells in the course's notation, with exact tangent maps.

Every cell module offers the same three functions, for S cells at once:

- ``step(w, state, x, fixed, shift) -> (state, cache)``: one forward step;
- ``jacobians(w, cache, fixed, inputs) -> (A, B)``: the exact Jacobians
  A = ∂state<t>/∂state<t-1> (S, d, d) and, when ``inputs``, B = ∂state<t>/∂x<t> (S, d, m);
- ``output(state) -> c``: the memory c<t> whose gradient the quiz talks about.
"""
from __future__ import annotations

from types import ModuleType

from . import gru, lstm, rnn
from .weights import Weights

_MODULES: dict[str, ModuleType] = {"rnn": rnn, "gru": gru, "lstm": lstm}


def module(cell: str) -> ModuleType:
    """The module implementing ``cell`` (``rnn``, ``gru`` or ``lstm``)."""
    return _MODULES[cell]


__all__ = ["Weights", "module", "rnn", "gru", "lstm"]
