"""Phrases every explanation level shares: model names, gate settings, what the gradient
does in words, and how a scenario reads. Pure text from the evidence; verdicts never read it.
"""
from __future__ import annotations

import re
from typing import Protocol

from ..question.schema import Claim, ModelSpec, Question
from ..sim import Curves, Hold, Scenario
from . import gates
from .numbers import amount

#: An option that speaks of one timestep ("for a timestep", "through that time-step").
ONE_STEP = re.compile(r"\b(a|one|that|each|single)\s+(time[\s-]?step|step)\b", re.IGNORECASE)
#: A preserved gain in this band is "kept whole"; outside it, it shrinks or grows.
WHOLE = (0.5, 2.0)


def cap(text: str) -> str:
    """The sentence-initial form of ``text``."""
    return text[:1].upper() + text[1:]


def model_name(q: Question, name: str) -> str:
    """How explanations name a model mid-sentence: its label ('The LSTM' as 'the LSTM'), or
    'the model “name”'."""
    label = q.models[name].label
    if not label:
        return f"the model “{name}”"
    return decap(label)                                   # mid-sentence: 'the LSTM', 'a …'


def decap(text: str) -> str:
    """'The LSTM …' inside a sentence as 'the LSTM …' (names keep their capitals)."""
    for article in ("The ", "A ", "An "):
        if text.startswith(article):
            return article.lower() + text[len(article):]
    return text


def claimed(behaviour: str) -> str:
    """What a claim says, as an adjective phrase: 'kept', 'vanishing', 'exploding'."""
    return {"preserved": "kept", "vanishes": "vanishing", "explodes": "exploding"}[behaviour]


class Thresholds(Protocol):
    """Anything with the two thresholds: a question's ``simulation`` or the sim's Settings."""

    @property
    def vanish_below(self) -> float: ...

    @property
    def explode_above(self) -> float: ...


def fate(c: Curves, s: Thresholds) -> str:
    """What the gradient does over the horizon, in words that name the band: 'vanishes',
    'explodes', 'is kept', 'shrinks but stays above 0.01', 'grows but stays below 100'."""
    g = c.final
    if c.behaviour == "vanishes":
        return "vanishes"
    if c.behaviour == "explodes":
        return "explodes"
    if WHOLE[0] <= g <= WHOLE[1]:
        return "is kept"
    if g < WHOLE[0]:
        return f"shrinks but stays above {s.vanish_below:g}"
    return f"grows but stays below {s.explode_above:g}"


def fate_over(c: Curves, s: Thresholds) -> str:
    """What the gradient does over the horizon with its number: 'vanishes over 100 steps, to
    essentially zero (9e-19)', 'is kept over 100 steps (gain 1.0)', 'grows over 100 steps to
    77, but stays below 100'."""
    T, g = c.steps, c.final
    if c.behaviour in ("vanishes", "explodes"):
        return f"{c.behaviour} over {T} steps, to {amount(g)}"
    if WHOLE[0] <= g <= WHOLE[1]:
        return f"is kept over {T} steps (gain {amount(g)})"
    if g < WHOLE[0]:
        return f"shrinks over {T} steps to {amount(g)}, still above {s.vanish_below:g}"
    return f"grows over {T} steps to {amount(g)}, still below {s.explode_above:g}"


def words(text: str) -> int:
    """Words of a text: tokens with a letter or digit ('≈' and '=' are not words)."""
    return sum(any(ch.isalnum() for ch in tok) for tok in text.split())


def setting(claim: Claim) -> str:
    """'Γf ≈ 1, Γu ≈ 0': the gates an option cites ('no gate held' for ``if: free``)."""
    return "no gate held" if claim.free else gates.approx_all(sorted(claim.gates.items()))


def removing(spec: ModelSpec) -> str:
    """'fixes Γu = 1 (removing the gate)': how a model's fixed gates read."""
    if not spec.fixed:
        return ""
    what = "the gate" if len(spec.fixed) == 1 else "those gates"
    return f"fixes {gates.equals_all(spec.fixed)} (removing {what})"


def _phase(holds: Scenario, first: bool) -> str:
    return ", ".join(gates.approx(h.gate, h.value) for h in holds
                     if (h.start == 1 and h.stop == 1) == first)


def written(sc: Scenario | None, gated: bool = True) -> str:
    """How a scenario of the delivery check reads: 'written at step 1 and kept after
    (Γu ≈ 1, then ≈ 0)', 'with Γu ≈ 0' for one that holds gates throughout, 'with all gates
    free' ('' for a cell without gates)."""
    if sc and any(not h.always for h in sc):
        first, after = _phase(sc, True), _phase(sc, False)
        if len(sc) == 2:                                  # one gate: 'Γu ≈ 1, then ≈ 0'
            after = after.split(" ", 1)[1]
        elif all(h.value == 1 - g.value for h in sc if h.always is False and h.stop is None
                 for g in sc if g.gate == h.gate and g.stop == 1):
            after = "the reverse"                         # 'Γu ≈ 1, Γf ≈ 0, then the reverse'

        return f"written at step 1 ({first}, then {after})"
    if not sc:
        return "with all gates free" if gated else ""
    return f"with {gates.scenario(sc)}"


def held(sc: Scenario | None) -> dict[str, float]:
    """The gates a scenario holds at every step."""
    return {h.gate: h.value for h in (sc or ()) if isinstance(h, Hold) and h.always}
