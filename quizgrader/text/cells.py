"""How cells and their initialisations are named in text: 'IndRNN', 'chrono initialisation
(T_max = 100)'. Purely descriptive: verdicts never read it."""
from __future__ import annotations

import math

from ..question.schema import ModelSpec
from ..sim import Model
from .gates import symbol

NAME = {"rnn": "RNN", "gru": "GRU", "lstm": "LSTM", "janet": "JANET", "mgu": "MGU",
        "indrnn": "IndRNN"}


def name(cell: str) -> str:
    """The usual spelling of a cell type ('IndRNN')."""
    return NAME.get(cell, cell.upper())


def sigma(b: float) -> float:
    """σ(b): where a gate with bias b starts (its weights' part averages 0)."""
    return 1.0 / (1.0 + math.exp(-b))


def _gate_bias(gate: str, b: float) -> str:
    return f"{symbol(gate)} bias {b:g} (σ = {sigma(b):.2g})"


def init_words(m: Model) -> list[str]:
    """The model's initialisation options in words, [] for the default gaussian cells."""
    out = []
    if m.chrono is not None:
        both = ", b_u = −b_f" if m.cell == "lstm" else ""
        out.append(f"chrono initialisation (T_max = {m.chrono:.10g}: b_f ~ log U(1, "
                   f"{m.chrono - 1:.10g}){both})")
    out += [_gate_bias(g, b) for g, b in m.bias]
    if m.recurrent != "gaussian":
        times = "" if m.scale == 1 else f"{m.scale:g} × "
        what = "an orthogonal matrix" if m.recurrent == "orthogonal" else "I"
        out.append(f"recurrent weights {times}{what}")
    if m.cell == "indrnn":
        lo, hi = m.u_range
        out.append(f"u = {lo:g}" if lo == hi else f"u ~ U({lo:g}, {hi:g})")
    return out


def with_init(spec: ModelSpec) -> str:
    """' with chrono initialisation (…)' or ''."""
    words = init_words(spec.model())
    return " with " + " and ".join(words) if words else ""
