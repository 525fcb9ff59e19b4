"""How cells and their initialisations are named in text: 'IndRNN', 'chrono initialisation
(T_max = 100)'. Purely descriptive: verdicts never read it."""
from __future__ import annotations

import math

from ..question.schema import ModelSpec
from .gates import symbol

NAME = {"rnn": "RNN", "gru": "GRU", "lstm": "LSTM", "janet": "JANET", "mgu": "MGU",
        "indrnn": "IndRNN"}


def name(cell: str) -> str:
    """The usual spelling of a cell type ('IndRNN')."""
    return NAME.get(cell, cell.upper())


def _gate_bias(gate: str, b: float) -> str:
    return f"{symbol(gate)} bias {b:g} (σ = {1 / (1 + math.exp(-b)):.2g})"


def init_words(spec: ModelSpec) -> list[str]:
    """The model's initialisation options in words, [] for the default gaussian cells."""
    i, out = spec.init, []
    if i.chrono is not None:
        both = ", b_u = −b_f" if spec.cell == "lstm" else ""
        out.append(f"chrono initialisation (T_max = {i.chrono}: b_f ~ log U(1, {i.chrono - 1})"
                   f"{both})")
    out += [_gate_bias(g, b) for g, b in sorted(i.bias.items())]
    if i.recurrent != "gaussian":
        times = "" if i.scale == 1 else f"{i.scale:g} × "
        what = "an orthogonal matrix" if i.recurrent == "orthogonal" else "I"
        out.append(f"recurrent weights {times}{what}")
    if spec.cell == "indrnn":
        lo, hi = i.recurrent_range or (0.0, 1.0)
        out.append(f"u = {lo:g}" if lo == hi else f"u ~ U({lo:g}, {hi:g})")
    return out


def with_init(spec: ModelSpec) -> str:
    """' with chrono initialisation (…)' or ''."""
    words = init_words(spec)
    return " with " + " and ".join(words) if words else ""
