"""Rules that relate fields of a question; each problem is (path, message)."""
from __future__ import annotations

from typing import Any

from ..errors import ConfigError
from ..sim import GATES
from ..sim.model import CELL_ACTIVATIONS
from .schema import ModelSpec, Question
from .yamlnodes import KeyPath

Problem = tuple[KeyPath, str]


def _gates(cell: str) -> str:
    return ", ".join(GATES[cell]) or "none"


#: Where in a model spec each of the simulator's model options is written.
_MODEL_FIELDS: dict[str, tuple[str, ...]] = {
    "activation": ("activation",), "bias": ("init", "bias"), "chrono": ("init", "chrono"),
    "recurrent": ("init", "recurrent"), "recurrent_range": ("init", "recurrent_range")}


def _model_problems(spec: ModelSpec) -> list[tuple[tuple[str, ...], str]]:
    """What the simulator refuses in this model (an init option its cell lacks, say), at the
    field that says it: the rules live once, in :class:`~quizgrader.sim.Model`."""
    try:
        spec.model()
    except ConfigError as e:
        return [(_MODEL_FIELDS.get(e.argument or "", ("cell",)), str(e))]
    return []


def check(q: Question) -> list[Problem]:
    """Every semantic problem of ``q``, in file order."""
    out: list[Problem] = []
    sim = q.simulation
    if sim.vanish_below >= sim.explode_above:
        out.append((("simulation", "vanish_below"), "must be below explode_above"))
    if q.select == "one" and q.scoring is not None:
        out.append((("scoring",), "scoring applies to select: many only"))
    for name, spec in q.models.items():
        for gate in spec.fixed:
            if gate not in GATES[spec.cell]:
                out.append((("models", name, "fixed", gate),
                            f"the {spec.cell} cell has no gate {gate!r} (its gates: "
                            f"{_gates(spec.cell)})"))
        if spec.activation is not None and spec.cell not in CELL_ACTIVATIONS:
            out.append((("models", name, "activation"),
                        "activation applies to rnn and indrnn cells only"))
        elif spec.reset is not None and spec.cell != "gru":
            out.append((("models", name, "reset"), "reset applies to gru cells only"))
        else:
            out += [(("models", name, *where), msg) for where, msg in _model_problems(spec)]
    seen: dict[str, int] = {}
    for i, opt in enumerate(q.options):
        where = ("options", i)
        if opt.id.upper() in seen:
            out.append(((*where, "id"), f"duplicate option id {opt.id!r} (also options."
                                        f"{seen[opt.id.upper()]})"))
        seen.setdefault(opt.id.upper(), i)
        if (opt.claim is None) == (opt.correct is None):
            out.append((where, "an option needs exactly one of claim (checked by simulation) "
                               "or correct (decided by the author)"))
        if opt.correct is not None and opt.feedback is None:
            out.append((where, "a static option (correct:) needs feedback: say why"))
        if opt.claim is not None:
            found = q.models.get(opt.claim.model)
            if found is None:
                have = ", ".join(q.models) or "none defined"
                out.append(((*where, "claim", "model"),
                            f"unknown model {opt.claim.model!r} (models: {have})"))
                continue
            spec = found
            if opt.claim.when and opt.claim.if_:
                out.append(((*where, "claim"), "a claim gives its gates under when: (the "
                                               "reason) or if: (a condition), not both"))
            field = "when" if opt.claim.when else "if"
            for gate in opt.claim.gates:
                if gate not in GATES[spec.cell]:
                    out.append(((*where, "claim", field, gate),
                                f"the {spec.cell} cell has no gate {gate!r} (its gates: "
                                f"{_gates(spec.cell)})"))
    if q.key is not None:
        ids = ", ".join(o.id for o in q.options)
        chosen: set[str] = set()
        for i, k in enumerate(q.key):
            if q.option(k) is None:
                out.append((("key", i), f"unknown option {k!r} (options: {ids})"))
            elif k.upper() in chosen:
                out.append((("key", i), f"option {k!r} is listed twice"))
            chosen.add(k.upper())
        if q.select == "one" and len(q.key) != 1:
            out.append((("key",), f"select: one takes exactly one key option, got {len(q.key)}"))
    return out


def raw_gate_problems(data: dict[str, Any]) -> list[Problem]:
    """The gate-name problems of a document that did not validate, read from the raw mapping
    (so that ``validate`` reports them with the other errors in one pass)."""
    out: list[Problem] = []
    raw_models = data.get("models")
    models: dict[str, Any] = raw_models if isinstance(raw_models, dict) else {}
    cells: dict[str, str] = {n: m["cell"] for n, m in models.items()
                             if isinstance(m, dict) and m.get("cell") in GATES}
    for name, cell in cells.items():
        fixed = models[name].get("fixed")
        for gate in fixed if isinstance(fixed, dict) else ():
            if gate not in GATES[cell]:
                out.append((("models", name, "fixed", gate),
                            f"the {cell} cell has no gate {gate!r} (its gates: {_gates(cell)})"))
    raw_options = data.get("options")
    options: list[Any] = raw_options if isinstance(raw_options, list) else []
    for i, opt in enumerate(options):
        claim = opt.get("claim") if isinstance(opt, dict) else None
        if not isinstance(claim, dict) or claim.get("model") not in cells:
            continue
        cell = cells[claim["model"]]
        for field in ("when", "if"):
            gates = claim.get(field)
            for gate in gates if isinstance(gates, dict) else ():
                if gate not in GATES[cell]:
                    out.append((("options", i, "claim", field, gate),
                                f"the {cell} cell has no gate {gate!r} (its gates: "
                                f"{_gates(cell)})"))
    return out
