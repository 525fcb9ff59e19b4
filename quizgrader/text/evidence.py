"""The measured figures behind an option's explanation, as JSON (``verify --json``'s
``evidence``): every number the explanations print comes from here."""
from __future__ import annotations

from typing import Any

from ..sim import Curves
from ..verify import Flip, OptionVerdict
from . import gates
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
