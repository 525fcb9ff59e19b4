"""Configurations: the whole setting a quoted number belongs to (explanations v4).

A configuration is a model of the question and, for every gate of its cell, one of
``fixed:v`` (the model removed the gate), ``held:0`` / ``held:1`` (the scenario pushes it
≈ 0 / ≈ 1 at every step; ``held:v`` at v, as the gate lab holds it), ``write-then-keep``
(≈ 1-then-≈ 0 or the reverse: the write at step 1, then the keep) or ``free``; plus the
horizon. Every number the explanations print is a figure of one configuration, and the text
names the configuration whole, fixed gates first:
"Alice's model (Γu fixed at 1) with Γr ≈ 1"; "the LSTM with Γf ≈ 1 (Γu, Γo free)".
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..question.schema import Question
from ..sim import GATES, Model, Scenario
from . import gates
from .numbers import json_number
from .wording import model_name


@dataclass(frozen=True)
class Config:
    """model : the question's model id
    gates : (gate, state) for every gate of the cell, in the cell's order; state is
            'fixed:v', 'held:0', 'held:1', 'write-then-keep' or 'free'
    steps : the horizon T
    held  : the scenario's holds (how 'write-then-keep' runs: each gate's value at t = 1
            and after)
    """

    model: str
    gates: tuple[tuple[str, str], ...]
    steps: int
    held: Scenario = ()

    @property
    def states(self) -> dict[str, str]:
        """gate -> state."""
        return dict(self.gates)

    def of(self, kind: str) -> list[str]:
        """The gates in state ``kind`` ('fixed', 'held', 'write-then-keep', 'free')."""
        return [g for g, s in self.gates if s.split(":")[0] == kind]

    def values(self) -> dict[str, float | None]:
        """Each gate's value in the steady part of the configuration: fixed v, held v, the
        kept value of a write-then-keep gate (after step 1), None for a free gate."""
        out: dict[str, float | None] = {}
        for g, s in self.gates:
            kind, _, v = s.partition(":")
            if kind in ("fixed", "held"):
                out[g] = float(v)
            elif kind == "write-then-keep":
                out[g] = float(next(h.value for h in self.held if h.gate == g and h.stop is None))
            else:
                out[g] = None
        return out

    def json(self) -> dict[str, Any]:
        """``{"model": id, "gates": {gate: state}, "steps": T}``."""
        return {"model": self.model, "gates": self.states, "steps": self.steps}


def config(model_id: str, model: Model, scenario: Scenario, steps: int) -> Config:
    """The configuration of ``model`` (the question's ``model_id``, with whatever gates this
    model fixes) under ``scenario`` over ``steps`` steps."""
    fixed = model.fixed_gates
    out = []
    for g in GATES[model.cell]:
        holds = [h for h in scenario if h.gate == g]
        if g in fixed:
            out.append((g, f"fixed:{fixed[g]:g}"))
        elif any(h.always for h in holds):
            out.append((g, f"held:{holds[0].value}"))
        elif holds:
            out.append((g, "write-then-keep"))
        else:
            out.append((g, "free"))
    return Config(model_id, tuple(out), steps, scenario)


def fixed_words(cfg: Config) -> str:
    """'Γu fixed at 1' (and '…, Γr fixed at 1'), '' when the model fixes no gate."""
    return ", ".join(f"{gates.symbol(g)} fixed at {cfg.states[g].split(':')[1]}"
                     for g in cfg.of("fixed"))


def _write_then_keep(cfg: Config) -> str:
    """'Γu ≈ 1 at step 1, then ≈ 0'; 'Γu ≈ 1, Γf ≈ 0 at step 1, then the reverse'."""
    first = [h for h in cfg.held if not h.always and h.stop is not None]
    if not first:
        return ""
    head = ", ".join(gates.approx(h.gate, h.value) for h in first)
    after = f"≈ {1 - first[0].value}" if len(first) == 1 else "the reverse"
    return f"{head} at step 1, then {after}"


def setting_words(cfg: Config, free: bool = True) -> str:
    """The scenario's part of a configuration: 'Γr ≈ 1', 'Γf ≈ 1 (Γu, Γo free)', 'all gates
    free', '' for a model with no gate to set. ``free``: name the free gates too."""
    held = [gates.approx(g, float(cfg.states[g].split(":")[1])) for g in cfg.of("held")]
    wtk = _write_then_keep(cfg)
    loose = [gates.symbol(g) for g in cfg.of("free")]
    parts = held + ([wtk] if wtk else [])
    if not parts:
        return "all gates free" if loose and len(loose) > 1 else \
            f"{loose[0]} free" if loose else ""
    out = ", ".join(parts)
    if loose and free:
        out += f" ({', '.join(loose)} free)"
    return out


def whole(q: Question, cfg: Config) -> str:
    """The configuration named whole, fixed gates first: "Alice's model (Γu fixed at 1) with
    Γr ≈ 1", "the LSTM with Γf ≈ 1 (Γu, Γo free)", "the RNN"."""
    name = model_name(q, cfg.model)
    fixed = fixed_words(cfg)
    head = f"{name} ({fixed})" if fixed else name
    rest = setting_words(cfg)
    joint = " and " if " with " in head else " with "
    return f"{head}{joint}{rest}" if rest else head


def figure(kind: str, value: float, cfg: Config) -> dict[str, Any]:
    """One figure of ``verify --json``: its value, kind and configuration."""
    return {"value": json_number(value), "kind": kind, **cfg.json()}
