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

from ..question.schema import Question
from ..sim import GATES, Curves, free_gates
from ..text import gates as gate_words
from ..text.config import config, whole
from ..text.numbers import TINY, json_number
from ..text.reasons import claim_config
from ..text.wording import model_name
from ..verify import QuestionVerdict
from .curves import table_steps
from .grid import Setting, from_config, grid, label
from .words import gain_words, sentence, update_words


def gates_json(q: Question, s: Setting) -> dict[str, Any]:
    """Every gate of the cell: its held value, 'free', or 'fixed:v'."""
    model = q.models[s.model].model()
    fixed, values = model.fixed_gates, dict(s.values)
    return {g: (f"fixed:{fixed[g]:g}" if g in fixed else
                "free" if values.get(g) is None else values[g]) for g in GATES[model.cell]}


def table(c: Curves) -> list[list[Any]]:
    """[[t, 'gain in words'], ...] at t = 1, T/10, T/2 and T (a gain that underflowed to
    0 is 'below 1e-300', as the sentence says it)."""
    return [[t, gain_words(float(c.gain[t - 1]))] for t in table_steps(c.steps)]


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
            "whole": whole(q, cfg), "memory": update_words(q.models[mid])})
    return {"id": q.id, "title": q.title, "steps": q.horizon,
            "vanish_below": q.simulation.vanish_below,
            "explode_above": q.simulation.explode_above, "epsilon": q.simulation.epsilon,
            "tiny": TINY, "seeds": q.simulation.seeds,
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

