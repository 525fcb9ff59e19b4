"""The gate lab's settings: for one model of a question, each gate it leaves free either free
or held at a value of the grid (lab.md).

A setting held at ε or 1 − ε (the question's ``simulation.epsilon``) is the verifier's own
≈ 0 / ≈ 1 hold, so the lab shows exactly the numbers the explanations quote; any other value
v is held at v (:func:`~quizgrader.sim.gates.hold_shift`).
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Iterator, Mapping

from ..errors import QuizgraderError
from ..question.schema import Question
from ..sim import GATES, Hold, Model, Scenario, free_gates
from ..sim.gates import hold_shift
from ..text.config import Config

#: The values a free gate can be held at (with ``free``: the model as initialised).
GRID: tuple[float, ...] = (0.001, 0.01, 0.1, 0.5, 0.9, 0.99, 0.999)
#: The grid of offline handouts: lab.md's least, ≈ 0, 0.5, ≈ 1 (with free). Held at 0.5 is
#: free's simulation, and ≈ 0 / ≈ 1 are the verifier's holds, so the grid adds few
#: simulations to verification's (a model with g free gates: 3^g), which the handout's build
#: runs with it (:mod:`.batch`).
OFFLINE: tuple[float, ...] = (0.001, 0.5, 0.999)
FREE = "free"

Value = float | None          # None: free


class LabError(QuizgraderError):
    """A lab request the question cannot answer (unknown model or gate, a value off the grid);
    the message lists what is allowed."""


def grid(epsilon: float, offline: bool = False) -> tuple[float, ...]:
    """The grid of a question whose held gates sit at ``epsilon`` / 1 − ``epsilon``: GRID
    (OFFLINE if ``offline``) with those two values in it, ascending."""
    base = OFFLINE if offline else GRID
    return tuple(sorted(set(base) | {epsilon, 1.0 - epsilon}))


def label(value: Value) -> str:
    """A value as the lab writes it: 'free', '0.001', '0.5'."""
    return FREE if value is None else f"{value:g}"


@dataclass(frozen=True)
class Setting:
    """One model of a question with each gate it leaves free free (None) or held at a value.

    model  : the question's model id
    values : (gate, value or None) for each free gate, in the cell's gate order
    """

    model: str
    values: tuple[tuple[str, Value], ...]

    def key(self) -> str:
        """'betty|update=0.9': the setting as the offline lab's data names it."""
        return self.model + "|" + "&".join(f"{g}={label(v)}" for g, v in self.values)

    def holds(self, epsilon: float) -> Scenario:
        """The scenario: a gate at ε or 1 − ε is the verifier's ≈ 0 / ≈ 1 hold (the same
        simulation), any other value a hold at that value."""
        out = []
        for g, v in self.values:
            if v is None:
                continue
            if math.isclose(v, epsilon, rel_tol=1e-12):
                out.append(Hold(g, 0))
            elif math.isclose(v, 1.0 - epsilon, rel_tol=1e-12):
                out.append(Hold(g, 1))
            else:
                out.append(Hold(g, v))
        return tuple(out)

    def scenario(self, epsilon: float) -> Scenario:
        """The scenario to simulate: :meth:`holds` without the holds that shift nothing
        (held at 0.5: log(0.5/0.5) = 0, the gate as initialised, so the very simulation of
        the gate left free; the words still say 'held at 0.5')."""
        return tuple(h for h in self.holds(epsilon) if hold_shift(h.value, epsilon) != 0.0)


def models(q: Question) -> list[tuple[str, Model]]:
    """The question's models, in the file's order (one without a free gate has one setting:
    as initialised)."""
    return [(mid, spec.model()) for mid, spec in q.models.items()]


def parse(q: Question, query: Mapping[str, str]) -> Setting:
    """The setting a request asks for: ``model`` and, for each free gate of that model,
    ``GATE=V`` with V on the grid or 'free' (a gate not given is free). LabError for an
    unknown model, an unknown or fixed gate, a value off the grid."""
    known = dict(models(q))
    mid = query.get("model")
    if mid is None and len(known) == 1:
        mid = next(iter(known))
    if mid not in known:
        raise LabError(f"model: {mid!r} is not a model of this question (choose from "
                       f"{', '.join(known) or 'none'})")
    model = known[mid]
    free = free_gates(model)
    allowed = grid(q.simulation.epsilon)
    values: dict[str, Value] = {}
    for name, text in query.items():
        if name in ("model", "ticket"):
            continue
        if name not in free:
            why = "is fixed by this model" if name in GATES[model.cell] else "is not a gate"
            raise LabError(f"{name}: {why} (the free gates: {', '.join(free) or 'none'})")
        values[name] = value_of(name, text, allowed)
    return Setting(mid, tuple((g, values.get(g)) for g in free))


def value_of(gate: str, text: str, allowed: tuple[float, ...]) -> Value:
    """A gate's value from its text: 'free' or a value of ``allowed``."""
    if text == FREE:
        return None
    try:
        v = float(text)
    except ValueError:
        v = math.nan
    found = next((a for a in allowed if math.isclose(a, v, rel_tol=1e-12)), None)
    if found is None:
        raise LabError(f"{gate}={text}: not on the grid (choose from free, "
                       f"{', '.join(label(a) for a in allowed)})")
    return found


def settings(q: Question, mid: str, values: tuple[float, ...]) -> Iterator[Setting]:
    """Every setting of model ``mid``: each free gate free or at each of ``values``."""
    model = q.models[mid].model()
    free = free_gates(model)
    for combo in itertools.product((None, *values), repeat=len(free)):
        yield Setting(mid, tuple(zip(free, combo, strict=True)))


def from_config(cfg: Config, epsilon: float) -> Setting | None:
    """The lab setting of an explanation's configuration (its held gates at ε / 1 − ε, its
    free gates free); None where the lab cannot show it (a write-then-keep gate)."""
    out: list[tuple[str, Value]] = []
    for g, state in cfg.gates:
        kind, _, v = state.partition(":")
        if kind == "fixed":
            continue
        if kind == "free":
            out.append((g, None))
        elif kind == "held":
            x = float(v)
            out.append((g, epsilon if x == 0 else 1.0 - epsilon if x == 1 else x))
        else:
            return None
    return Setting(cfg.model, tuple(out))
