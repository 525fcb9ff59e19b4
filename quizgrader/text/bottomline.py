"""The bottom line of a question: two or three sentences that answer its stem.

Built from the decisive evidence: each right option's measured sentence, then the one wrong
option that comes nearest to being right (the strongest distractor: a right conclusion for a
wrong reason first, else the gain nearest its claimed band), with one number each. At most
:data:`LIMIT` words; no option letters, so it can stand in shuffled LMS feedback.
"""
from __future__ import annotations

import math
from typing import Sequence

from ..question.schema import Question
from ..verify import Check, Decision, OptionVerdict, QuestionVerdict
from ..verify.margins import gain_margin
from . import gates
from .cause import because, cause, mechanism
from .config import setting_words, whole
from .learner import core
from .numbers import plain
from .reasons import (
    cannot_learn,
    claim_config,
    counterexample,
    flat,
    reason,
    scenario_config,
    whatever,
    wrote_nothing,
)
from .wording import fate, fate_over, model_name, setting

LIMIT = 60


def _right(q: Question, v: OptionVerdict, qv_options: Sequence[OptionVerdict] = ()) -> str:
    """A right option's measured sentence with its cause: "In Betty's model (Γr fixed at 1)
    with Γu ≈ 0, every step copies the memory (c<t> ≈ c<t−1>): the gradient is kept …"."""
    claim = v.option.claim
    if claim is None or not claim.has_setting or v.curves is None or v.unreachable:
        return core(q, v, qv_options)
    cfg = claim_config(q, v)
    c = cause(q, cfg)
    mech = because(q, c, cfg, detail=False, with_equation=False) if c.keep is None else \
        mechanism(c, cfg, detail=False)
    if not mech:
        return core(q, v, qv_options)
    return f"In {whole(q, cfg)}, {mech}: the gradient {fate_over(v.curves, q.simulation)}."


def _measured(q: Question, v: OptionVerdict, numbers: bool = True,
              qv_options: Sequence[OptionVerdict] = ()) -> str:
    """What decides a wrong option, cause before effect, whatever it claims: "Alice's model
    fixes Γu = 1, so every step overwrites the memory (c<t> = c̃<t>), whatever Γr does: the
    gradient vanishes over 100 steps, to essentially zero (9e-19)"."""
    claim = v.option.claim
    if claim is not None and v.passed(Check.MODEL_DELIVERS) is False and \
            v.passed(Check.AS_CLAIMED) and v.delivery is not None and \
            claim.gradient == "preserved":
        if wrote_nothing(v.delivery) and v.curves is not None:
            cfg = claim_config(q, v)
            c = cause(q, cfg)
            if c.copies and c.fixed:
                return (f"{because(q, c, cfg, with_equation=False)}: the "
                        f"memory never changes and depends on no input or weight, so the "
                        f"model cannot learn from its inputs.")
        return (f"in {model_name(q, claim.model)} the gradient is kept, but the model cannot "
                f"learn: {cannot_learn(q, v.delivery, claim.model)}.")
    if claim is None or not claim.has_setting or v.curves is None or v.unreachable or \
            v.decided_by == Decision.REASON_MATTERS:
        text = core(q, v, qv_options)
        return text[:1].lower() + text[1:] if text.startswith("In ") else text
    cfg = claim_config(q, v)
    c = cause(q, cfg)
    if c.fixed and whatever(q, v):
        nums = ", ".join([f"{plain(v.curves.final)} with {setting(claim)}"] + [
            f"{plain(f.curves.final)} with {gates.approx_all(f.pairs)}" for f in v.flips])
        return (f"{reason(q, v, False, equation=False, brief=True)}: the gradient "
                f"{fate(v.curves, q.simulation)} over {q.horizon} steps" +
                (f" ({nums})." if numbers else "."))
    if c.enablers and not c.fixed:      # a fixed gate that keeps writing decides: named first
        head = because(q, c, cfg, detail=False, with_equation=False)
        flips = "".join(f"; with {gates.approx_all(f.pairs)} it {fate(f.curves, q.simulation)} "
                        f"({flat(f.curves.final)})" for f in v.flips if f.changed and numbers)
        return f"{head}: it {fate(v.curves, q.simulation)} ({flat(v.curves.final)}){flips}."
    if numbers:
        why = reason(q, v, numbers, equation=False) if c.fixed else \
            f"in {whole(q, cfg)}, {mechanism(c, cfg) or reason(q, v)}"
        return f"{why}: the gradient {fate_over(v.curves, q.simulation)}."
    mech = mechanism(c, cfg, detail=False) or reason(q, v, False, equation=False, brief=True)
    head = reason(q, v, False, equation=False, brief=True) if c.fixed else \
        f"in {whole(q, cfg)}, {mech}"
    return f"{head}: it {fate(v.curves, q.simulation)} ({flat(v.curves.final)})."


def _strength(q: Question, v: OptionVerdict) -> tuple[int, float]:
    """How near a wrong option comes to being right (smaller: nearer)."""
    claim = v.option.claim
    if claim is None or v.curves is None:
        return (2, math.inf)
    if v.passed(Check.AS_CLAIMED):
        return (0, 0.0)
    return (1, gain_margin(v.curves.final, claim.gradient, q.simulation.settings()).decades)


def _case(v: OptionVerdict) -> tuple[str, tuple[tuple[str, int], ...], bool] | None:
    """The simulated case an option's measured sentence describes: model and setting."""
    c = v.option.claim
    return None if c is None else (c.model, tuple(sorted(c.gates.items())), c.free)


def distractor(qv: QuestionVerdict, key: Sequence[str]) -> OptionVerdict | None:
    """The strongest wrong option, or None when every option is right. A wrong option about
    the very case a right one measures (same model and setting, another conclusion) is left
    out: its sentence would only repeat the right one's numbers."""
    q = qv.question
    right = {_case(v) for v in qv.options if v.option.id in key} - {None}
    wrong = [v for v in qv.options if v.option.id not in key and
             (_case(v) is None or _case(v) not in right)]
    return min(wrong, key=lambda v: _strength(q, v)) if wrong else None


def bottom_line(qv: QuestionVerdict, key: Sequence[str] | None = None) -> str:
    """The bottom line of ``qv`` against ``key`` (default: the computed key)."""
    q = qv.question
    key = list(qv.computed_key if key is None else key)
    right = [v for v in qv.options if v.option.id in key]
    out: list[str] = []

    def fits(p: str) -> bool:                     # every token counts, ≈ too
        return not out or len(" ".join(out + [p]).split()) <= LIMIT

    for v in right:
        text = _right(q, v, qv.options)
        if text and fits(text):
            out.append(text)
    other = distractor(qv, key)
    if other is not None:
        but = "But " if other.option.claim is not None else "But: "
        tries = [but + _measured(q, other, qv_options=qv.options),
                 but + _measured(q, other, numbers=False, qv_options=qv.options)]
        free = other.option.claim is not None and other.curves is not None and \
            other.option.claim.has_setting and not other.unreachable and \
            cause(q, claim_config(q, other)).keep is None
        if free and other.curves is not None:  # the model's name says its init: the cause
            cfg = claim_config(q, other)
            tries.append(f"{but}in {whole(q, cfg)}, it {fate(other.curves, q.simulation)} "
                         f"({flat(other.curves.final)}).")
        said = " ".join(out)
        claim = other.option.claim
        if claim is not None and not claim.has_setting and claim.gradient == "vanishes":
            t = counterexample(q, other, qv.options)
            if t is not None and \
                    whole(q, scenario_config(q, claim.model, t.scenario)) in said:
                # refuted by a setting already named: say what it means for the distractor
                held = setting_words(scenario_config(q, claim.model, t.scenario), free=False)
                tries = [f"So {model_name(q, claim.model)} can keep the gradient (with {held}): "
                         f"it does not vanish in every setting."]
        first = next((v for v in right if v.curves is not None), None)
        if first is not None and first.curves is not None and other.curves is not None and \
                other.option.claim is not None and other.option.claim.has_setting and \
                other.decided_by == Decision.AS_CLAIMED and \
                first.curves.behaviour == other.curves.behaviour and \
                first.curves.final > 0 and other.curves.final > 0 and \
                abs(math.log10(first.curves.final / other.curves.final)) >= 1:
            # both settings end alike: the point is how far apart (a bias's orders of magnitude)
            apart = math.log10(first.curves.final / other.curves.final)
            cfg = claim_config(q, other)
            further = (other.curves.behaviour, apart > 0) in (("vanishes", True),
                                                              ("explodes", False))
            tries.insert(0, f"{but}in {whole(q, cfg)}, it {fate(other.curves, q.simulation)} "
                            f"{'even more' if further else 'too'}, about "
                            f"{plain(10 ** abs(apart))} times "
                            f"{'smaller' if apart > 0 else 'larger'}"
                            f" ({flat(other.curves.final)}).")
        fitting = [p for p in tries if fits(p)]
        # the distractor's cause is the point of a bottom line: where even its short form
        # does not fit, it goes in over the budget (explanations v4: the rule wins)
        out.append(fitting[0] if fitting else min(tries, key=len))
    return " ".join(out)
