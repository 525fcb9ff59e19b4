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
from .brief import cannot_learn, core
from .onestep import one_step
from .wording import fate_over, model_name, setting

LIMIT = 60


def _measured(q: Question, v: OptionVerdict) -> str:
    """An option's cited setting and what the gradient does under it, whatever the option
    claims: 'in Alice's model with Γr ≈ 1, every step overwrites …: the gradient vanishes …'."""
    claim = v.option.claim
    if claim is not None and v.passed(Check.MODEL_DELIVERS) is False and \
            v.passed(Check.AS_CLAIMED) and v.delivery is not None:
        return (f"in {model_name(q, claim.model)}, the gradient is kept only because the "
                f"model cannot learn: {cannot_learn(v.delivery, q.horizon)}.")
    if claim is None or not claim.has_setting or v.curves is None or v.unreachable or \
            v.decided_by == Decision.REASON_MATTERS:
        text = core(q, v)
        return text[:1].lower() + text[1:] if text.startswith("In ") else text
    how = one_step(q.models[claim.model], claim.gates).plain
    where = "" if claim.free else f" with {setting(claim)}"
    out = (f"in {model_name(q, claim.model)}{where}, {how}: the gradient "
           f"{fate_over(v.curves, q.simulation)}")
    if v.flips and not any(f.changed for f in v.flips):
        out += ", whatever " + " or ".join(gates.symbol(g) for f in v.flips for g in f.gates) \
            + " does"
    return out + "."


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
    parts = []
    for v in right:
        text = core(q, v)
        if text:
            parts.append(text)
    other = distractor(qv, key)
    if other is not None:
        parts.append("But " + _measured(q, other))
    out: list[str] = []
    for p in parts:
        if out and len(" ".join(out + [p]).split()) > LIMIT:    # every token counts, ≈ too
            continue
        out.append(p)
    return " ".join(out)
