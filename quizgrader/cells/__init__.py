"""Batched RNN, GRU and LSTM cells in the course's notation, with exact tangent maps.

Every cell module offers the same three functions, for S cells at once:

- ``step(w, state, x, fixed, shift) -> (state, cache)``: one forward step;
- ``jvp(w, cache, dstate, dx) -> dstate``: the exact Jacobian ∂state<t>/∂(state<t-1>, x<t>)
  applied to k tangent columns (shapes (S, n, k) and (S, m, k));
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
