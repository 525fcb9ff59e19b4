"""The words of the gate lab: the sentence under each plot, the gain in the table, and the
line under each model's name that gives its memory update. The lab's one output in words,
built from text/'s vocabulary (gate symbols, configurations, fates, numbers) and the cell
equations (:func:`~quizgrader.text.equations.update`); text/ sits below the lab and cannot
import its types."""
from __future__ import annotations

import itertools

import numpy as np

from ..question.schema import ModelSpec, Question
from ..sim import Curves, free_gates
from ..sim.gates import hold_shift, sigmoid
from ..text import gates as gate_words
from ..text.cause import DIRECT_PATH, WRITE_PATH, start_words
from ..text.config import config, whole
from ..text.equations import reduced, update
from ..text.numbers import per_step, plain
from ..text.wording import fate_over
from .grid import Setting


def sentence(q: Question, s: Setting, c: Curves) -> str:
    """What the plot shows, in the explanations' words; then, where they apply: the gain
    before an underflow, that the input does not reach a memory whose gain is kept, that the
    model's fixed gates leave the sliders nothing to change, and which sliders shift nothing
    (their setting is said as free: the run is the free one)."""
    spec = q.models[s.model]
    model = spec.model()
    eps = q.simulation.epsilon
    unshifted = [g for g, v in s.values if v is not None and hold_shift(v, eps) == 0.0]
    held = tuple(h for h in s.holds(eps) if h.gate not in unshifted)
    cfg = config(s.model, model, held, c.steps)
    out = f"In {whole(q, cfg)}{_where(spec, s, unshifted, eps)}, the gradient (the solid curve) " \
          f"{fate_over(c, q.simulation)}"
    positive = np.flatnonzero(c.gain > 0)
    if c.final == 0 and positive.size:
        t = int(positive[-1]) + 1
        out += (f": on average a factor of {float(c.gain[t - 1]) ** (1 / t):.2g} per step up to "
                f"t = {t} ({plain(float(c.gain[t - 1]))}); after that most seeds' values fall "
                f"below the smallest number double precision holds (about 5e-324) and come "
                f"out as 0, so the median is 0 and "
                f"the curve stops there (the true value is smaller still, not exactly 0).")
    else:
        out += f": on average a factor of {per_step(c.final, c.steps)}."
    reach = float(c.reach[-1])
    if c.behaviour == "preserved" and reach < q.simulation.vanish_below:
        out += (f" But the reach (the dashed curve) at t = {c.steps} is only {plain(reach)}, "
                f"below {q.simulation.vanish_below:g}: held like this at every step, the cell "
                f"writes almost nothing new." if reach > 0 else " But the reach is exactly 0 "
                "(no dashed curve on the log scale): nothing of the input is ever written "
                "into the memory.")
    if s.values and update(spec, {}) == COPY:
        fixed = ", ".join(gate_words.equals(g, float(v)) for g, v in model.fixed_gates.items())
        out += (f" With {fixed} the memory is copied whatever the other gates do: every setting of "
                f"{' and '.join(gate_words.symbol(g) for g, _ in s.values)} gives this run.")
    elif unshifted:
        names = " and ".join(gate_words.symbol(g) for g in unshifted)
        several = len(unshifted) > 1
        where = "; ".join(f"{gate_words.symbol(g)} {start_words(q, cfg, g)}" for g in unshifted)
        out += (f" The {names} slider{'s' if several else ''} at 0.5 add{'' if several else 's'}"
                f" no shift, so {names} {'are' if several else 'is'} left free ({where}).")
    return out


def _where(spec: ModelSpec, s: Setting, unshifted: list[str], eps: float) -> str:
    """', where c<t> ≈ 0.001*c̃<t> + 0.999*c<t−1>': the memory's update with the fixed and
    held gates put in ('=' with fixed gates alone), where they change it; '' otherwise."""
    held = {g: v for g, v in s.values if v is not None and g not in unshifted}
    values = {g: _sits(spec, g, v, eps) for g, v in held.items()}
    eq = update(spec, values)
    if not eq or eq == update(spec.model_copy(update={"fixed": {}}), {}):
        return ""
    moved = [f"its bias of {spec.init.bias[g]:g} moves {gate_words.symbol(g)} held at {v:g} to "
             f"{values[g]:g}" for g, v in held.items() if values[g] != v]
    return ", where " + (eq if eq == update(spec, {}) else eq.replace(" = ", " ≈ ", 1)) + \
        (f" ({'; '.join(moved)})" if moved else "")


def _sits(spec: ModelSpec, g: str, v: float, eps: float) -> float:
    """Where a gate held at ``v`` sits when its weights add nothing: σ(its bias + the hold's
    shift, :func:`~quizgrader.sim.gates.hold_shift`) (a forget bias of 1 moves 0.001 to
    0.0027), to two digits of its distance from 0 or 1."""
    b = spec.init.bias.get(g, 0.0)
    if not b:
        return v
    at = float(sigmoid(np.array(b + hold_shift(v, eps))))
    return float(f"{at:.2g}") if at < 0.5 else 1.0 - float(f"{1.0 - at:.2g}")


#: The memory's update where nothing is written: every step copies it.
COPY = "c<t> = c<t−1>"
#: The memory's update where nothing is kept: every step overwrites it.
OVERWRITE = "c<t> = c̃<t>"



def _reads(spec: ModelSpec) -> str:
    """How the candidate reads the old memory, from the model's own equations: 'which reads
    the old memory only inside c̃<t> = tanh(Wc[Γr*c<t−1>, x<t>] + bc)' (a GRU; an LSTM's
    through a<t−1> = Γo*tanh(c<t−1>))."""
    lines = reduced(spec)
    cand = next((line.split(" = ")[-1] for line in lines
                 if line.startswith(("c̃<t> = ", "c<t> = c̃<t> = "))), None)
    if cand is None:
        return f"which reads the old memory only through {WRITE_PATH.get(spec.cell, DIRECT_PATH)}"
    out = f"which reads the old memory only inside c̃<t> = {cand}"
    a = next((line for line in lines if line.startswith("a<t> = ")), None)
    if a is not None and "a<t−1>" in cand:
        out += f", through a<t−1> = {a.split(' = ', 1)[1].replace('<t>', '<t−1>')}"
    return out


def update_words(spec: ModelSpec) -> str:
    """The model's memory update and, from it, which held gates copy the memory and which
    replace it: 'The memory's update in this model: c<t> = Γu*c̃<t> + (1 − Γu)*c<t−1>. Γu ≈ 0
    copies the memory (c<t> = c<t−1>); Γu ≈ 1 replaces it with the candidate (c<t> = c̃<t>),
    which reads …' ('' for a cell without gates). Every 0/1 setting of the gates in the
    update is put in and the result compared."""
    eq = update(spec, {})
    if not eq:
        return ""
    out = f"The memory's update in this model: {eq}"
    if eq in (COPY, OVERWRITE):
        return out + (": every step copies the memory." if eq == COPY
                      else f": every step replaces the memory with the candidate, "
                           f"{_reads(spec)}.")
    inside = [g for g in free_gates(spec.model()) if gate_words.symbol(g) in eq]
    found: dict[str, list[str]] = {COPY: [], OVERWRITE: []}
    for bits in itertools.product((0, 1), repeat=len(inside)):
        got = update(spec, dict(zip(inside, map(float, bits))))
        if got in found:
            found[got].append(" with ".join(f"{gate_words.symbol(g)} ≈ {b}"
                                             for g, b in zip(inside, bits)))
    said = [f"{' or '.join(found[COPY])} copies the memory ({COPY})"] if found[COPY] else []
    said += [f"{' or '.join(found[OVERWRITE])} replaces it with the candidate ({OVERWRITE}), "
             f"{_reads(spec)}"] if found[OVERWRITE] else []
    return out + (". " + "; ".join(said) + "." if said else ".")


def gain_words(v: float) -> str:
    """A gain in the table: a gain that underflowed to 0 says so."""
    return "0 (underflow)" if v == 0.0 else plain(v)


