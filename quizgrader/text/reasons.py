"""What an option's explanation reasons with (explanations v4): the configuration of each
number (the option's own setting, a flipped gate, a setting the delivery check tried), the
setting that refutes a vanishes claim, the deciding cause with the fixed gates first, and the
per-step factors a learner can check. :mod:`.brief` and :mod:`.bottomline` write sentences
from these; no verdict reads them.
"""
from __future__ import annotations

import math
from typing import NamedTuple, Sequence

from ..question.schema import Question
from ..sim import Curves, Scenario
from ..verify import Delivery, Flip, OptionVerdict
from ..verify.checks import flipped
from . import gates
from .cause import because, cause
from .config import Config, config, whole
from .numbers import FLOOR, amount, factor, plain
from .onestep import one_step
from .wording import Thresholds, fate

#: Why a carry is compared with one free step: said in the reading guide.
NORMAL_WRITE = "a normal write"


def claim_config(q: Question, v: OptionVerdict) -> Config:
    """The configuration of the option's own scenario."""
    claim = v.option.claim
    assert claim is not None
    return config(claim.model, q.models[claim.model].model(), v.scenario, q.horizon)


def flip_config(q: Question, v: OptionVerdict, f: Flip) -> Config:
    """The configuration of a flipped cited gate (a fixed gate is re-fixed at its flip)."""
    claim = v.option.claim
    assert claim is not None
    model, scenario = flipped(q.models[claim.model].model(), claim.gates, *f.gates)
    return config(claim.model, model, scenario, q.horizon)


def scenario_config(q: Question, model_id: str, scenario: Scenario | None) -> Config:
    """The configuration of one of the delivery check's scenarios."""
    return config(model_id, q.models[model_id].model(), scenario or (), q.horizon)


def amount_words(c: Curves, s: Thresholds) -> str:
    """'vanishes, to essentially zero (9e-19)', 'is kept (1.0)'."""
    if c.behaviour in ("vanishes", "explodes"):
        return f"{c.behaviour}, to {amount(c.final)}"
    return f"{fate(c, s)} ({amount(c.final)})"


def flat(v: float) -> str:
    """A gain without nested brackets: 'essentially zero, 7.7e-301', '1.0'."""
    text = amount(v)
    return text.replace(" (", ", ").rstrip(")") if text.startswith("essentially") else text


def flip_setting(f: Flip) -> str:
    return gates.approx_all(f.pairs)


def cited(f: Flip) -> str:
    return gates.symbol(f.gates[0]) if len(f.gates) == 1 else "these gates"


def factor_words(gain: float, T: int) -> str:
    """'0.6598 (0.6598^100 = 8.8e-19)': a per-step factor a learner can check."""
    f = factor(gain, T)
    if gain == 0:                          # underflowed: the factor is a bound, not a value
        return (f"less than ({FLOOR:g})^(1/{T}) ≈ {f} (the computed gain underflowed to 0 in "
                f"floating point, so it is below {FLOOR:g})")
    return f"{f} ({f}^{T} = {plain(float(f) ** T)})"


def wrote_nothing(d: Delivery) -> bool:
    """The model never writes an input (its reach after one free step is 0)."""
    return not d.reach0 > 0


def cannot_learn(q: Question, d: Delivery, model_id: str) -> str:
    """Why a model cannot deliver a preserved gradient: it writes no input, or no setting
    carries one to the horizon (the nearest named whole)."""
    T = q.horizon
    if wrote_nothing(d):
        return "it never writes an input, so there is nothing for the gradient to carry"
    best = d.deciding
    if best is None:
        return f"no gate setting carries the first input to step {T}"
    cfg = scenario_config(q, model_id, best.scenario)
    return (f"no gate setting carries the first input to step {T} (at best "
            f"{plain(best.carry)}× {NORMAL_WRITE}, in {whole(q, cfg)})")


class Counter(NamedTuple):
    """A setting in which the gradient does not vanish: its holds and curves."""
    scenario: Scenario
    curves: Curves


def counterexample(q: Question, v: OptionVerdict, others: Sequence[OptionVerdict] = ()
                    ) -> Counter | None:
    """A vanishes claim's refutation: the setting in which the gradient does not vanish.
    Another option's own setting of the same model comes first (the number the learner
    meets there too), then of the settings the delivery check tried, the plainest (gates held
    at every step before a write then a keep) that keeps it nearest whole."""
    claim = v.option.claim
    if claim is None:
        return None
    own = [Counter(o.scenario, o.curves) for o in others
           if o is not v and o.option.claim is not None and o.curves is not None and
           o.option.claim.model == claim.model and o.option.claim.has_setting and
           not o.unreachable and o.curves.behaviour != "vanishes"]
    d = v.delivery
    tried = [Counter(t.scenario, t.curves) for t in (d.tried if d is not None else ())
             if t.curves.behaviour != "vanishes"]
    for pool in (own, tried):
        if pool:
            return min(pool, key=lambda t: (any(not h.always for h in t.scenario),
                                            t.curves.behaviour != "preserved",
                                            abs(math.log10(t.curves.final))
                                            if t.curves.final > 0 else math.inf))
    return None


def reason_failed(v: OptionVerdict) -> Flip | None:
    """The flip that shows the cited reason does not matter (check 3 failed)."""
    if v.joint is not None and not v.joint.changed:
        return v.joint
    return next((f for f in v.flips if not f.relevant), None)


def whatever(q: Question, v: OptionVerdict, numbers: bool = True) -> str:
    """Where the cited gates' flips leave the behaviour as it is and a gate the model fixes
    sets the copy path: ', whatever Γr does (Γr ≈ 0: essentially zero, 7.7e-301)'; where
    the cited gate also shuts the other path ('with Γr ≈ 0 what it writes does not read the
    old memory'), '; neither setting of Γr rescues it (Γr ≈ 1: 9e-19)'."""
    cfg = claim_config(q, v)
    c = cause(q, cfg)
    if not v.flips or any(f.changed for f in v.flips) or not c.fixed:
        return ""
    cited = [g for f in v.flips for g in f.gates if g not in c.deciders]
    if not cited:
        return ""
    who = " or ".join(gates.symbol(g) for g in cited)
    nums = "; ".join(f"{flip_setting(f)}: {flat(f.curves.final)}" for f in v.flips)
    tail = f" ({nums})" if numbers else ""
    if c.copies:
        return f", whatever {who} does{tail}"
    # a gate that does not set the copy path acts only on the write (the Jacobian is the two)
    verb = "changes" if len(cited) == 1 else "change"
    claim = v.option.claim
    if numbers or claim is None:
        return f"; {who} {verb} only what is written, so neither setting rescues it{tail}"
    settings = [gates.approx_all(tuple(claim.gates.items()))] + \
        [flip_setting(f) for f in v.flips]
    rest = [x.removeprefix(f"{who} ") for x in settings[1:]]       # 'Γr ≈ 1 nor ≈ 0'
    return f"; {who} {verb} only what is written, so neither {' nor '.join(settings[:1] + rest)} " \
        f"rescues it"


def reason(q: Question, v: OptionVerdict, numbers: bool = True, equation: bool = True,
           brief: bool = False) -> str:
    """The deciding cause of the option's configuration, fixed gates first: "Alice's model
    fixes Γu = 1, so every step overwrites the memory (c<t> = c̃<t>), and the gradient gets
    through only by way of what is written, through Wc and tanh's slope; Γr changes only what is
    written, so neither setting rescues it (Γr ≈ 0: essentially zero, 7.7e-301)"; the
    one-step words of a cell without gates. ``brief`` (a bottom line): the cause without
    what an overwriting step still lets through."""
    cfg = claim_config(q, v)
    rest = whatever(q, v, numbers)
    c = cause(q, cfg)
    # the cited gate's own part is said where it also shuts the read path
    detail = not rest or bool({g for f in v.flips for g in f.gates} & set(c.blockers)) or \
        (c.overwrites and not brief)     # an overwriting step: how the gradient gets through
    text = because(q, c, cfg, detail=detail, with_equation=equation)
    if not text:
        claim = v.option.claim
        assert claim is not None
        return one_step(q.models[claim.model], claim.gates).plain
    return text + rest


def versus(q: Question, v: OptionVerdict, others: Sequence[OptionVerdict]
           ) -> OptionVerdict | None:
    """For a claim that cites no gate: another option that measured the same setting in
    another model of the question (a bias or an init is then the whole difference)."""
    c, claim = v.curves, v.option.claim
    if c is None or claim is None or claim.gates or c.final <= 0 or not claim.has_setting:
        return None
    mine = claim_config(q, v)
    for o in others:
        oc = o.option.claim
        if oc is None or o.curves is None or oc.model == claim.model or o.unreachable or \
                not oc.has_setting or o.curves.final <= 0:
            continue
        cfg = claim_config(q, o)
        if (cfg.gates, cfg.steps) == (mine.gates, mine.steps):
            return o
    return None
