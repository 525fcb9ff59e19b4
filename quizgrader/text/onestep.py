"""The one-step derivative ∂c<t>/∂c<t−1> of a cell under a gate setting, in words.

It says why a setting keeps or loses the gradient, one step at a time; the simulation's
numbers say how much over the horizon. Purely descriptive: verdicts never read it.

Wcc is the block of Wc that multiplies c<t−1> (GRU, RNN, JANET, MGU), Wca the block that
multiplies a<t−1> (LSTM): only that block of Wc acts on the memory.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping

from ..question.schema import ModelSpec
from .cells import sigma

DC = "∂c<t>/∂c<t−1>"
SLOPES = "(terms through the gates' slopes)"


@dataclass(frozen=True)
class OneStep:
    """formula : '∂c<t>/∂c<t−1> ≈ (1 − Γu) I ≈ I'
    why       : what that does to the gradient, for ``full`` ('with Γu ≈ 0 a step copies…')
    plain     : the mechanism in plain words, for ``short`` and ``standard``
                ('a step copies the memory')
    """

    formula: str
    why: str
    plain: str

    @property
    def brief(self) -> str:
        """The formula's last form ('∂c<t>/∂c<t−1> ≈ I'), the slopes' terms as '…'."""
        if " ≈ " in self.formula:
            return f"{DC} ≈ {self.formula.rsplit(' ≈ ', 1)[1]}"
        return self.formula.replace(SLOPES, "…")

    @property
    def sentence(self) -> str:
        """'∂c<t>/∂c<t−1> ≈ I: with Γu ≈ 0 a step copies the memory, so …'."""
        return f"{self.formula}: {self.why}"


def _is(v: float | None, target: int) -> bool:
    return v is not None and abs(v - target) < 0.25


def _gru(u: float | None, r: float | None) -> OneStep:
    if _is(u, 0):
        return OneStep(f"{DC} ≈ (1 − Γu) I ≈ I",
                       "with Γu ≈ 0 a step copies the memory, so it passes the gradient on whole",
                       "a step copies the memory")
    if _is(u, 1):
        base = f"{DC} ≈ Γu diag(1 − c̃<t>²) Wcc Γr"
        if _is(r, 0):
            return OneStep(f"{base} ≈ 0",
                           "with Γr ≈ 0 the candidate c̃<t> no longer reads c<t−1>, so nothing "
                           "of the old memory gets through",
                           "the candidate no longer reads the memory")
        if _is(r, 1):
            return OneStep(f"{base} ≈ diag(1 − c̃<t>²) Wcc",
                           "a plain tanh-RNN step: each step multiplies the gradient by Wcc and "
                           "by tanh's slope, at most 1",
                           "every step overwrites the memory")
        return OneStep(f"{base} + {SLOPES}",
                       "an overwriting step that passes the gradient on only through Wcc",
                       "every step overwrites the memory")
    if u is not None:
        return OneStep(f"{DC} = {1 - u:g} I + {u:g} diag(1 − c̃<t>²) Wcc Γr + {SLOPES}",
                       f"the copied part alone keeps only {1 - u:g} of the gradient per step",
                       f"a step copies only {1 - u:g} of the memory")
    return OneStep(f"{DC} = (1 − Γu) I + Γu diag(1 − c̃<t>²) Wcc Γr + {SLOPES}",
                   "Γu chooses between copying the memory (Γu ≈ 0) and overwriting it (Γu ≈ 1)",
                   "Γu chooses between copying and overwriting the memory")


def _lstm(f: float | None, u: float | None, o: float | None) -> OneStep:
    through_a = "≈ 0 (with Γo ≈ 0, a<t−1> ≈ 0 carries nothing)" if _is(o, 0) else \
        "Γu diag(1 − c̃<t>²) Wca ∂a<t−1>/∂c<t−1>"
    if _is(f, 1):
        if _is(u, 0) or _is(o, 0):
            return OneStep(f"{DC} ≈ Γf I ≈ I",
                           "the memory is copied (Γf ≈ 1) and what is written through a<t−1> "
                           "adds nearly nothing, so the gradient passes on whole",
                           "a step just copies the memory")
        if _is(u, 1):
            return OneStep(f"{DC} ≈ I + diag(1 − c̃<t>²) Wca ∂a<t−1>/∂c<t−1>",
                           "the copy plus what is written through a<t−1>, which adds up from "
                           "step to step",
                           "a step copies the memory and adds what it writes, so it grows")
        return OneStep(f"{DC} ≈ I + {through_a} + {SLOPES}",
                       "the copy, plus what Γu lets be written",
                       "a step copies the memory, plus what Γu lets be written")
    if _is(f, 0):
        return OneStep(f"{DC} ≈ {through_a}",
                       "with Γf ≈ 0 the memory is not copied, only rewritten through a<t−1>, "
                       "which shrinks the gradient step after step",
                       "the memory is not copied, only rewritten")
    if f is not None:
        return OneStep(f"{DC} = {f:g} I + {through_a} + {SLOPES}",
                       f"the copied part keeps only {f:g} of the gradient per step",
                       f"a step copies only {f:g} of the memory")
    return OneStep(f"{DC} = Γf I + Γu diag(1 − c̃<t>²) Wca ∂a<t−1>/∂c<t−1> + {SLOPES}",
                   "Γf decides how much of the memory is copied",
                   "Γf decides how much of the memory is copied")


def _rnn(activation: str, spec: ModelSpec | None = None) -> OneStep:
    i = spec.init if spec is not None else None
    if i is not None and i.recurrent != "gaussian":
        what = "orthogonal" if i.recurrent == "orthogonal" else "the identity"
        s = f"{i.scale:g} × {what}" if i.scale != 1 else what
        slope = {"tanh": " and tanh's slope (at most 1, less where units saturate)",
                 "relu": " wherever a unit is active", "linear": ""}[activation]
        short = {"tanh": " and tanh's slope", "relu": " where a unit is active",
                 "linear": ""}[activation]
        form = {"tanh": "diag(1 − c<t>²) Wcc", "relu": "diag(1[pre > 0]) Wcc",
                "linear": "Wcc"}[activation]
        return OneStep(f"{DC} = {form}, Wcc = {s}",
                       f"every singular value of Wcc is {i.scale:g}, so a step multiplies the "
                       f"gradient by exactly {i.scale:g}{slope}",
                       f"each step multiplies the gradient by {i.scale:g}{short}")
    return {"tanh": OneStep(f"{DC} = diag(1 − c<t>²) Wcc",
                            "every step multiplies the gradient by Wcc and by tanh's slope, "
                            "which is at most 1",
                            "every step multiplies the gradient by the recurrent weights and "
                            "tanh's slope"),
            "relu": OneStep(f"{DC} = diag(1[pre > 0]) Wcc",
                            "every step multiplies the gradient by Wcc wherever a unit is "
                            "active",
                            "every step multiplies the gradient by the recurrent weights where "
                            "a unit is active"),
            "linear": OneStep(f"{DC} = Wcc", "every step multiplies the gradient by Wcc",
                              "every step multiplies the gradient by the recurrent "
                              "weights")}[activation]


def _janet(f: float | None) -> OneStep:
    if _is(f, 1):
        return OneStep(f"{DC} ≈ Γf I ≈ I",
                       "with Γf ≈ 1 a step copies the memory and writes almost nothing (it "
                       "writes with 1 − Γf), so the gradient passes on whole",
                       "a step copies the memory")
    if _is(f, 0):
        return OneStep(f"{DC} ≈ diag(1 − c̃<t>²) Wcc",
                       "with Γf ≈ 0 every step overwrites the memory: a plain tanh-RNN step, "
                       "which multiplies the gradient by Wcc and tanh's slope",
                       "every step overwrites the memory")
    if f is not None:
        return OneStep(f"{DC} = {f:g} I + {1 - f:g} diag(1 − c̃<t>²) Wcc",
                       f"the copied part alone keeps only {f:g} of the gradient per step",
                       f"a step copies only {f:g} of the memory")
    return OneStep(f"{DC} = diag(Γf) + diag(1 − σ(s − β)) diag(1 − c̃<t>²) Wcc + {SLOPES}",
                   "Γf decides how much of the memory is copied; the write gate 1 − σ(s − β) "
                   "stays a little more open than 1 − Γf",
                   "Γf decides how much of the memory each step copies")


def _mgu(f: float | None) -> OneStep:
    if _is(f, 0):
        return OneStep(f"{DC} ≈ (1 − Γf) I ≈ I",
                       "with Γf ≈ 0 a step copies the memory (and the candidate hardly reads "
                       "it), so it passes the gradient on whole",
                       "a step copies the memory")
    if _is(f, 1):
        return OneStep(f"{DC} ≈ Γf diag(1 − c̃<t>²) Wcc Γf ≈ diag(1 − c̃<t>²) Wcc",
                       "with Γf ≈ 1 every step overwrites the memory: a plain tanh-RNN step, "
                       "which multiplies the gradient by Wcc and tanh's slope",
                       "every step overwrites the memory")
    if f is not None:
        return OneStep(f"{DC} = {1 - f:g} I + {f:g} diag(1 − c̃<t>²) Wcc {f:g}",
                       f"the copied part alone keeps only {1 - f:g} of the gradient per step",
                       f"a step copies only {1 - f:g} of the memory")
    return OneStep(f"{DC} = (1 − Γf) I + Γf diag(1 − c̃<t>²) Wcc Γf + {SLOPES}",
                   "the one gate Γf chooses between copying the memory (≈ 0) and overwriting "
                   "it (≈ 1)",
                   "Γf chooses between copying and overwriting the memory")


def _indrnn(spec: ModelSpec) -> OneStep:
    lo, hi = spec.init.recurrent_range or (0.0, 1.0)     # [lo, hi] in the file
    u = f"u = {lo:g}" if lo == hi else f"u from {lo:g} to {hi:g}"
    slope = "1[pre > 0]" if spec.model().activation == "relu" else "(1 − c<t>²)"
    return OneStep(f"{DC} = diag(u {slope})",
                   f"the Jacobian is diagonal: each unit multiplies its own gradient by u and "
                   f"its slope ({u}), so over T steps by their product, u^T while it is "
                   f"active: u alone decides",
                   "u scales each unit's gradient per step")


def forget_start(spec: ModelSpec) -> str | None:
    """Where a free Γf starts when an init moves it: σ(b) for a forget bias b, or chrono's
    b_f ~ log U(1, T_max − 1), so σ(b_f) from 0.5 to (T_max − 1)/T_max; None without."""
    i = spec.init
    b = i.bias.get("forget", 0.0)
    if i.chrono is not None and b != 0.0:            # JANET: the bias adds to b_f
        return (f"chrono initialisation with forget bias {b:.2g} starts Γf between "
                f"{sigma(b):.3g} and "
                f"{sigma(math.log(i.chrono - 1) + b):.3g}")
    if i.chrono is not None:
        return f"chrono initialisation starts Γf between 0.5 and {(i.chrono - 1) / i.chrono:.3g}"
    if b == 0.0:
        return None
    return f"Γf starts near {sigma(b):.2g}, from its forget bias {b:.2g}"


def one_step(spec: ModelSpec, values: Mapping[str, float]) -> OneStep:
    """∂c<t>/∂c<t−1> of ``spec`` with the gates in ``values`` (fixed constants and held 0/1;
    the others free), and what it does to the gradient."""
    v = {**spec.fixed, **values}
    if spec.cell == "gru":
        return _gru(v.get("update"), v.get("reset"))
    start = forget_start(spec) if spec.cell in ("lstm", "janet") and \
        v.get("forget") is None else None
    if start is not None:
        step = _lstm(None, v.get("update"), v.get("output")) if spec.cell == "lstm" \
            else _janet(None)
        why = step.why[:1].lower() + step.why[1:] if step.why[:1].isascii() else step.why
        return OneStep(step.formula, f"{start}, so {why}", start)
    if spec.cell == "lstm":
        return _lstm(v.get("forget"), v.get("update"), v.get("output"))
    if spec.cell == "janet":
        return _janet(v.get("forget"))
    if spec.cell == "mgu":
        return _mgu(v.get("forget"))
    if spec.cell == "indrnn":
        return _indrnn(spec)
    return _rnn(spec.model().activation, spec)
