"""What the lab shows of a question, as JSON: each model's gates (fixed or free, and the grid
a free one moves over), the options' settings, and for one setting its curves, the sentence
that says what they show and the table of gain at t = 1, T/10, T/2 and T.

The sentence is the explanations' own wording (:func:`~quizgrader.text.config.whole`,
:func:`~quizgrader.text.wording.fate_over`, :func:`~quizgrader.text.numbers.per_step`):
"In Betty's model (Γr fixed at 1) with Γu held at 0.9, the gradient (the solid curve) vanishes
over 100 steps, to essentially zero (2.9e-19): on average a factor of 0.6525 per step." Never
a key, a claim's verdict or an explanation.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..question.schema import ModelSpec, Question
from ..sim import GATES, Curves, free_gates
from ..sim.gates import hold_shift
from ..text import gates as gate_words
from ..text.cause import start_words
from ..text.config import config, whole
from ..text.equations import update
from ..text.numbers import json_number, per_step, plain
from ..text.reasons import claim_config
from ..text.wording import fate_over, model_name
from ..verify import QuestionVerdict
from .curves import table_steps
from .grid import Setting, from_config, grid, label


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
    out = f"In {whole(q, cfg)}{_where(spec, s, unshifted)}, the gradient (the solid curve) " \
          f"{fate_over(c, q.simulation)}"
    positive = np.flatnonzero(c.gain > 0)
    if c.final == 0 and positive.size:
        t = int(positive[-1]) + 1
        out += (f": on average a factor of {float(c.gain[t - 1]) ** (1 / t):.2g} per step up to "
                f"t = {t} ({plain(float(c.gain[t - 1]))}); after that it underflowed to 0 in "
                f"floating point.")
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


def _where(spec: ModelSpec, s: Setting, unshifted: list[str]) -> str:
    """', where c<t> ≈ 0.001*c̃<t> + 0.999*c<t−1>': the memory's update with the fixed and
    held gates put in ('=' with fixed gates alone), where they change it; '' otherwise."""
    values = {g: v for g, v in s.values if v is not None and g not in unshifted}
    eq = update(spec, values)
    if not eq or eq == update(spec.model_copy(update={"fixed": {}}), {}):
        return ""
    return ", where " + (eq if eq == update(spec, {}) else eq.replace(" = ", " ≈ ", 1))


#: The memory's update where nothing is written: every step copies it.
COPY = "c<t> = c<t−1>"


def gates_json(q: Question, s: Setting) -> dict[str, Any]:
    """Every gate of the cell: its held value, 'free', or 'fixed:v'."""
    model = q.models[s.model].model()
    fixed, values = model.fixed_gates, dict(s.values)
    return {g: (f"fixed:{fixed[g]:g}" if g in fixed else
                "free" if values.get(g) is None else values[g]) for g in GATES[model.cell]}


def table(c: Curves) -> list[list[Any]]:
    """[[t, 'gain in words'], ...] at t = 1, T/10, T/2 and T (a gain that underflowed to
    0 says so: '0 (underflow)')."""
    return [[t, _gain_words(float(c.gain[t - 1]))] for t in table_steps(c.steps)]


def _gain_words(v: float) -> str:
    return "0 (underflow)" if v == 0.0 else plain(v)


def view(q: Question, s: Setting, c: Curves, at: tuple[int, ...] = ()) -> dict[str, Any]:
    """A setting's JSON: ``{"model", "gates", "steps", "t", "gain", "reach", "behaviour",
    "sentence", "table"}``, the curves at every step (or at ``at``)."""
    steps = list(at) if at else list(range(1, c.steps + 1))
    idx = np.asarray(steps) - 1
    return {"model": s.model, "gates": gates_json(q, s), "steps": c.steps, "t": steps,
            "gain": [json_number(float(v)) for v in c.gain[idx]],
            "reach": [json_number(float(v)) for v in c.reach[idx]],
            "behaviour": c.behaviour, "sentence": sentence(q, s, c), "table": table(c)}


def log10s(values: np.ndarray) -> list[float | None]:
    """log10 of each value to 3 decimals (None: 0 or not finite), the offline lab's curves."""
    return [round(math.log10(v), 3) if v > 0 and math.isfinite(v) else None
            for v in map(float, values)]


def compact(q: Question, s: Setting, c: Curves, at: tuple[int, ...]) -> dict[str, Any]:
    """A setting as the offline handout embeds it: the curves as log10 at ``at``."""
    idx = np.asarray(at) - 1
    return {"lg": log10s(c.gain[idx]), "lr": log10s(c.reach[idx]), "sentence": sentence(q, s, c),
            "table": table(c)}


def describe(q: Question, qv: QuestionVerdict | None, offline: bool = False
             ) -> dict[str, Any]:
    """The page's description of a question: its models (name, fixed gates in words, free
    gates with their grid, :func:`~.grid.grid`'s), the thresholds and horizon, and each
    option's setting (from its explanation's configuration, where the lab can show it)."""
    from .grid import models
    values = grid(q.simulation.epsilon, offline)
    out_models = []
    for mid, model in models(q):
        cfg = config(mid, model, (), q.horizon)
        out_models.append({
            "id": mid, "name": model_name(q, mid), "cell": model.cell,
            "gated": bool(GATES[model.cell]),
            "fixed": [gate_words.equals(g, float(v)) for g, v in model.fixed_gates.items()],
            "free": [{"gate": g, "symbol": gate_words.symbol(g)} for g in free_gates(model)],
            "values": ["free", *(label(v) for v in values)],
            "shown": ["free", *(gate_words.held_label(label(v), v, q.simulation.epsilon)
                                for v in values)],
            "whole": whole(q, cfg)})
    return {"id": q.id, "title": q.title, "steps": q.horizon,
            "vanish_below": q.simulation.vanish_below,
            "explode_above": q.simulation.explode_above, "epsilon": q.simulation.epsilon,
            "models": out_models, "options": option_settings(q, qv)}


def option_settings(q: Question, qv: QuestionVerdict | None) -> list[dict[str, Any]]:
    """Each option's setting: the configuration its explanation quotes first (its own), as
    ``{"option", "model", "gates": {gate: value label}}``; options without one are left out."""
    if qv is None:
        return []
    from .grid import models
    shown = dict(models(q))
    out = []
    for v in qv.options:
        claim = v.option.claim
        if claim is None or v.curves is None or claim.model not in q.models:
            continue
        s = from_config(claim_config(q, v), q.simulation.epsilon)
        if s is None or s.model not in shown:
            continue
        out.append({"option": v.option.id, "model": s.model,
                    "gates": {g: label(x) for g, x in s.values}})
    return out

