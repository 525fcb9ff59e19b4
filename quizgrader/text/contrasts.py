"""Sentences that set an option's number against another: the one step an option speaks of
against the T the gradient crosses, the cited gate flipped, the same model's setting that
keeps the gradient, the same setting in the question's other model."""
from __future__ import annotations

import math
from typing import Sequence

from ..question.schema import Question
from ..verify import Flip, OptionVerdict
from . import gates
from .cause import Cause, cause, mechanism
from .config import Config, setting_words, whole
from .numbers import FLOOR, amount, factor, plain
from .reasons import amount_words, cited, claim_config, flat, flip_config, versus
from .wording import ONE_STEP, cap, fate, model_name


def steps_sentence(q: Question, v: OptionVerdict) -> str:
    """For an option that speaks of one timestep: on average a step already loses (or
    grows) the gradient, and all the steps multiply it, with a factor that gives the gain
    back."""
    c, T = v.curves, q.horizon
    if c is None or c.behaviour == "preserved" or not ONE_STEP.search(v.option.text):
        return ""
    cfg = claim_config(q, v)
    k = cause(q, cfg)
    eps = q.simulation.epsilon
    lose = ("an overwriting step has no copy path" if k.fixed else
            f"an overwriting step has almost no copy path (it copies only {eps:g})") \
        if k.overwrites \
        else f"the losses of {T} steps compound"
    if c.final == 0:
        return (f"The option speaks of one timestep, but {lose}: on average each step keeps "
                f"less than ({FLOOR:g})^(1/{T}) ≈ {factor(c.final, T)} (over {T} steps the "
                f"computed gain underflowed to 0 in floating point, so it is below {FLOOR:g}).")
    f = factor(c.final, T)                 # an average rate, not what any one step does
    then = f"{f}^{T} = {plain(float(f) ** T)}"
    copy = "; only a copying step keeps nearly all" if cfg.gates else ""
    if k.overwrites and not k.reads:       # here one step itself passes next to nothing
        return (f"The option speaks of one timestep, but an overwriting step whose write "
                f"hardly reads the old memory passes almost nothing: on average each keeps "
                f"{f}, and {then}.")
    if k.overwrites:                       # one step may keep more or less: say the average
        return (f"The option speaks of one timestep, but {lose}: one step may keep more or "
                f"less, but on average each keeps {f}, and {then}.")
    if float(f) > 1:
        return (f"The option speaks of one timestep, but a small excess over {T} steps "
                f"compounds: on average each step multiplies the gradient by {f}, and {then}.")
    return (f"The option speaks of one timestep, but {lose}: on average each keeps {f} of the "
            f"gradient, and {then}{copy}.")


def kept_elsewhere(q: Question, v: OptionVerdict, others: Sequence[OptionVerdict]) -> str:
    """For a kept claim that fails: where another option keeps the gradient in the same model
    with the output still showing the memory, that setting and why (the model is right, the
    reason is not)."""
    claim = v.option.claim
    if claim is None or claim.gradient != "preserved" or v.curves is None:
        return ""
    for o in others:
        oc = o.option.claim
        if o is v or oc is None or oc.model != claim.model or o.curves is None or \
                o.curves.behaviour != "preserved" or not oc.has_setting or o.unreachable:
            continue
        cfg = claim_config(q, o)
        k = cause(q, cfg)
        if k.shows and cfg != claim_config(q, v):
            off = [gates.symbol(g) for g in claim.gates if g not in k.deciders]
            aside = f"; {' and '.join(off)} is not on the copy path" if off else ""
            return (f"{cap(model_name(q, claim.model))} does keep it, but with "
                    f"{setting_words(cfg)}: gain {amount(o.curves.final)}, since "
                    f"{mechanism(k, cfg)}{aside}.")
    return ""


def _changed(q: Question, v: OptionVerdict) -> tuple[Flip, Config, Cause] | None:
    """The first cited-gate flip that changes the behaviour, its configuration and cause."""
    for f in v.flips:
        if f.changed:
            cfg = flip_config(q, v, f)
            return f, cfg, cause(q, cfg)
    return None


def right_model(q: Question, v: OptionVerdict, others: Sequence[OptionVerdict]) -> str:
    """Where the cited gate's flip keeps the gradient only while the output hides the memory
    (right model, wrong reason): the same model's setting that keeps it in earnest, if
    another option has it; said before the why, in place of that flip."""
    turn = _changed(q, v)
    return kept_elsewhere(q, v, others) if turn is not None and not turn[2].shows else ""


def flip(q: Question, v: OptionVerdict, others: Sequence[OptionVerdict] = ()) -> str:
    """The counterfactual: the cited gate flipped, where it changes the behaviour, with what
    a step does then ('' where :func:`right_model` says what keeps the gradient instead)."""
    turn = _changed(q, v)
    if turn is None or right_model(q, v, others):
        return ""
    f, cfg, k = turn
    s = q.simulation
    then = mechanism(k, cfg) or f"{cited(f)} makes the difference"
    where = f"In {model_name(q, cfg.model)} with" if len(q.models) > 1 else "With"
    setting = setting_words(cfg)                     # the flipped gate, and what stays free
    if not k.shows:              # kept while the memory is hidden from the cell's output
        return (f"{where} {setting} instead, it {amount_words(f.curves, s)}, since {then}; "
                f"but the cell's output then shows almost nothing of the memory.")
    return f"{where} {setting} instead, it {amount_words(f.curves, s)}: {then}."


def versus_sentence(q: Question, v: OptionVerdict, others: Sequence[OptionVerdict]) -> str:
    """For a claim that cites no gate: the same setting in the question's other model, where
    another option measured it, and how far apart the two gains are."""
    o = versus(q, v, others)
    if o is None or o.curves is None or v.curves is None:
        return ""
    g, c = o.curves, v.curves
    too = " too" if g.behaviour == c.behaviour else ""
    apart = math.log10(g.final / c.final)
    times = (f", {plain(10 ** abs(apart))} times {'larger' if apart > 0 else 'smaller'}"
             if abs(apart) >= 1 else "")
    return (f"Compare {whole(q, claim_config(q, o))}: the gradient {fate(g, q.simulation)}"
            f"{too}{times} ({flat(g.final)}).")
