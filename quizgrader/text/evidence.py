"""The measured figures behind an option's explanation, as JSON (``verify --json``'s
``evidence``): every number the explanations print comes from here."""
from __future__ import annotations

import json
from typing import Any, Sequence

from ..question.schema import Question
from ..sim import Curves
from ..verify import Flip, OptionVerdict
from . import gates
from .config import Config, figure
from .numbers import FLOOR, json_number


def _curve(c: Curves) -> dict[str, Any]:
    g = c.final
    out: dict[str, Any] = {"gain": json_number(g), "behaviour": c.behaviour,
                           "factor": json_number(c.factor)}
    if g == 0:                                 # underflow: the bound the text gives
        out["gain_below"] = FLOOR
        out["factor_below"] = FLOOR ** (1.0 / c.steps)
    return out


def _flip(f: Flip) -> dict[str, Any]:
    return {"gates": {g: v for g, v in f.pairs}, **_curve(f.curves),
            "moved_decades": json_number(f.moved), "changed": f.changed,
            "relevant": f.relevant}


def evidence(v: OptionVerdict) -> dict[str, Any]:
    """The figures of ``v``'s checks: its own curve, each flip, the delivery check."""
    out: dict[str, Any] = {}
    if v.curves is not None:
        out["claim"] = _curve(v.curves)
    if v.flips:
        out["flips"] = [_flip(f) for f in v.flips]
    if v.joint is not None:
        out["joint"] = _flip(v.joint)
    d = v.delivery
    if d is not None:
        out["delivery"] = {
            "reach0": json_number(d.reach0),
            "deciding": None if d.scenario is None else gates.scenario(d.scenario),
            "tried": [{"scenario": gates.scenario(t.scenario), **_curve(t.curves),
                       "carry": json_number(t.carry), "carries": t.carries}
                      for t in d.tried]}
    if v.margin is not None:
        out["margin"] = {"decades": json_number(v.margin.decades),
                         "value": json_number(v.margin.value),
                         "threshold": json_number(v.margin.threshold),
                         "quantity": v.margin.quantity,
                         "interval": None if v.margin.interval is None else
                         [json_number(x) for x in v.margin.interval]}
    return out


def figures(q: Question, v: OptionVerdict, others: Sequence[OptionVerdict] = ()
            ) -> list[dict[str, Any]]:
    """Every figure the option's explanations can quote, each with its whole configuration
    (explanations v4): the gain and per-step factor of the option's own setting and of each
    flipped gate, and the gain and carry of each setting the delivery check tried. Two
    figures of one question with the same kind and configuration have the same value."""
    from .reasons import claim_config, counterexample, flip_config, scenario_config, versus

    claim = v.option.claim
    if claim is None:
        return []
    out: list[dict[str, Any]] = []

    def curve(c: Curves, cfg: Config) -> None:
        out.append(figure("gain", c.final, cfg))
        out.append(figure("per-step", c.factor, cfg))

    if v.curves is not None:
        curve(v.curves, claim_config(q, v) if claim.has_setting and not v.unreachable
              else scenario_config(q, claim.model, ()))
    for f in (*v.flips, *((v.joint,) if v.joint is not None else ())):
        curve(f.curves, flip_config(q, v, f))
    d = v.delivery
    if d is not None:
        for t in d.tried:
            cfg = scenario_config(q, claim.model, t.scenario)
            curve(t.curves, cfg)
            out.append(figure("carry", t.carry, cfg))
    if claim.gradient == "vanishes":               # the setting the text refutes it with
        counter = counterexample(q, v, others)
        if counter is not None:
            curve(counter.curves, scenario_config(q, claim.model, counter.scenario))
    other = versus(q, v, others)                  # the same setting in another model
    if other is not None and other.curves is not None:
        curve(other.curves, claim_config(q, other))
    unique: dict[str, dict[str, Any]] = {}
    for fig in out:                                   # one figure per kind and configuration
        unique.setdefault(json.dumps({k: fig[k] for k in ("kind", "model", "gates", "steps")},
                                     sort_keys=True), fig)
    return list(unique.values())
