"""The one-step derivative ∂c<t>/∂c<t−1> of a cell under a gate setting, in words.

It says why a setting keeps or loses the gradient, one step at a time; the simulation's
numbers say how much over the horizon. Purely descriptive: verdicts never read it.
"""
from __future__ import annotations

from typing import Mapping

from ..question.schema import ModelSpec

DC = "∂c<t>/∂c<t−1>"
SLOPES = "(terms through the gates' slopes)"


def _is(v: float | None, target: int) -> bool:
    return v is not None and abs(v - target) < 0.25


def _gru(u: float | None, r: float | None) -> str:
    if _is(u, 0):
        return (f"{DC} ≈ (1 − Γu) I ≈ I: with Γu ≈ 0 a step copies the memory, so it passes "
                f"the gradient on whole")
    if _is(u, 1):
        base = f"{DC} ≈ Γu (1 − c̃<t>²) Wc Γr"
        if _is(r, 0):
            return (f"{base} ≈ 0: with Γr ≈ 0 the candidate c̃<t> no longer reads c<t−1>, so "
                    f"nothing of the old memory gets through")
        if _is(r, 1):
            return (f"{base} ≈ (1 − c̃<t>²) Wc: a plain tanh-RNN step, whose factor is below 1 "
                    f"where tanh saturates, so the gradient shrinks step after step")
        return (f"{base} + {SLOPES}: an overwriting step that passes the gradient on only "
                f"through Wc, so it shrinks step after step")
    if u is not None:
        return (f"{DC} = {1 - u:g} I + {u:g} (1 − c̃<t>²) Wc Γr + {SLOPES}: the copied part "
                f"alone keeps only {1 - u:g} of the gradient per step")
    return (f"{DC} = (1 − Γu) I + Γu (1 − c̃<t>²) Wc Γr + {SLOPES}: Γu chooses between copying "
            f"the memory (Γu ≈ 0) and overwriting it (Γu ≈ 1)")


def _lstm(f: float | None, u: float | None, o: float | None) -> str:
    through_a = "≈ 0 (with Γo ≈ 0, a<t−1> ≈ 0 carries nothing)" if _is(o, 0) else \
        "Γu (1 − c̃<t>²) Wc ∂a<t−1>/∂c<t−1>"
    if _is(f, 1):
        if _is(u, 0) or _is(o, 0):
            return (f"{DC} ≈ Γf I ≈ I: the memory is copied (Γf ≈ 1) and what is written "
                    f"through a<t−1> adds nearly nothing, so the gradient passes on whole")
        if _is(u, 1):
            return (f"{DC} ≈ I + (1 − c̃<t>²) Wc ∂a<t−1>/∂c<t−1>: the copy plus what is written "
                    f"through a<t−1>, which adds up from step to step")
        return f"{DC} ≈ I + {through_a} + {SLOPES}: the copy, plus what Γu lets be written"
    if _is(f, 0):
        return (f"{DC} ≈ {through_a}: with Γf ≈ 0 the memory is not copied, only rewritten "
                f"through a<t−1>, which shrinks the gradient step after step")
    if f is not None:
        return (f"{DC} = {f:g} I + {through_a} + {SLOPES}: the copied part keeps only {f:g} of "
                f"the gradient per step")
    return (f"{DC} = Γf I + Γu (1 − c̃<t>²) Wc ∂a<t−1>/∂c<t−1> + {SLOPES}: Γf decides how much "
            f"of the memory is copied")


def _rnn(activation: str) -> str:
    return {"tanh": f"{DC} = diag(1 − c<t>²) Wc: every step multiplies the gradient by Wc and "
                    f"by tanh's slope, which is at most 1",
            "relu": f"{DC} = diag(1[pre > 0]) Wc: every step multiplies the gradient by Wc "
                    f"wherever a unit is active",
            "linear": f"{DC} = Wc: every step multiplies the gradient by Wc"}[activation]


def one_step(spec: ModelSpec, values: Mapping[str, float]) -> str:
    """∂c<t>/∂c<t−1> of ``spec`` with the gates in ``values`` (fixed constants and held 0/1;
    the others free), and what it does to the gradient."""
    v = {**spec.fixed, **values}
    if spec.cell == "gru":
        return _gru(v.get("update"), v.get("reset"))
    if spec.cell == "lstm":
        return _lstm(v.get("forget"), v.get("update"), v.get("output"))
    return _rnn(spec.activation or "tanh")
