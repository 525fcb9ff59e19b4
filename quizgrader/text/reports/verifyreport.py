"""The report of ``verify``: one block of lines per question, or the JSON contract."""
from __future__ import annotations

import json
from typing import Any

from ...verify import FindingKind, OptionVerdict, QuestionVerdict, Status
from .. import gates
from ..bottomline import bottom_line
from ..evidence import evidence, figures
from ..explain import explain
from ..findings import CHECK_WORDS, finding, ids, message
from ..numbers import fmt, json_number


def verify_text(qv: QuestionVerdict) -> str:
    """'id (path): ok: key C agrees', one line per option with its deciding check, numbers
    and margin, then the findings that do not set the status (fragile verdicts)."""
    q = qv.question
    name = q.id if q.variant is None else f"{q.id} variant {q.variant}"
    head = f"{name} ({qv.path})" if qv.path else name
    note = finding(qv)
    if note is None:
        agrees = " agrees" if qv.author_key is not None else " (no author key to compare)"
        note = f"ok: key {ids(qv.computed_key)}{agrees}"
        if qv.robust is not None:
            note += f", stable over {len(qv.robust.variations)} variations"
    lines = [f"{head}: {note}"]
    for v in qv.options:
        mark = "✓" if v.correct else "✗"
        nums = f"; gain({q.horizon}) = {fmt(v.gain)}" if v.gain is not None else ""
        flip = "".join(f"; with {gates.approx_all(f.pairs)}: {fmt(f.curves.final)}"
                       for f in (*v.flips, *((v.joint,) if v.joint else ())))
        margin = f"; margin {v.margin.decades:.2f} decades" if v.margin is not None else ""
        lines.append(f"  {mark} {v.option.id}  {v.decided_by}: {CHECK_WORDS[v.decided_by]}"
                     f"{nums}{flip}{margin}")
    lines += [f"  {message(qv, f)}" for f in qv.findings if f.kind == FindingKind.FRAGILE]
    lines += [f"  {message(qv, f)}" for f in qv.findings
              if f.kind == FindingKind.UNSTABLE and message(qv, f) != note]
    return "\n".join(lines) + "\n"


def verify_summary(verdicts: list[QuestionVerdict], invalid: int, refused: int = 0) -> str:
    """The last line of ``verify``: counts of ok, findings, invalid, too large."""
    bad = sum(v.status != Status.OK for v in verdicts)
    fragile = sum(v.fragile for v in verdicts)
    templates = {v.question.id for v in verdicts if v.question.variant is not None}
    deployed = sum(v.question.variant is not None for v in verdicts)
    questions = len({v.question.id for v in verdicts})
    what = (f" ({len(verdicts)} with the {deployed} deployed variants of {len(templates)} "
            f"template(s))" if templates else "")
    return (f"{questions} question(s) verified{what}: {len(verdicts) - bad} ok, {bad} with "
            f"findings, {invalid} invalid file(s)"
            + (f", {refused} too large to simulate (see --allow-large)" if refused else "")
            + (f"; {fragile} with fragile verdicts" if fragile else ""))


def _explanations(qv: QuestionVerdict, v: OptionVerdict) -> dict[str, str]:
    e = explain(qv, v)
    label = v.option.id
    return {"explanation": e.text("standard", label), "explanation_short": e.line(label),
            "explanation_full": e.text("full", label)}


def _question(qv: QuestionVerdict) -> dict[str, Any]:
    out: dict[str, Any] = {"id": qv.question.id, "variant": qv.question.variant,
           "path": qv.path, "computed_key": qv.computed_key,
           "author_key": qv.author_key, "status": qv.status, "finding": finding(qv),
           "findings": [{"kind": f.kind, "options": list(f.options), "message": message(qv, f)}
                        for f in qv.findings],
           "options": [{"id": v.option.id, "correct": v.correct, "decided_by": v.decided_by,
                        "gain": json_number(v.gain),
                        "margin": json_number(v.margin.decades) if v.margin else None,
                        "fragile": v.fragile,
                        "checks": {c.check: c.passed for c in v.checks},
                        **_explanations(qv, v), "evidence": evidence(v),
                        "figures": figures(qv.question, v, qv.options)}
                       for v in qv.options],
           "bottom_line": bottom_line(qv)}
    if qv.robust is not None:
        out["robust"] = {"stable": qv.robust.stable,
                         "variations": [{"seed": r.seed, "hidden": r.hidden,
                                         "computed_key": list(r.computed_key),
                                         "flipped": list(r.flipped)}
                                        for r in qv.robust.variations]}
    return out


def verify_json(verdicts: list[QuestionVerdict], invalid: list[str],
                refused: list[str] = ()) -> str:  # type: ignore[assignment]
    """The ``verify --json`` contract; invalid files appear with status "invalid", valid ones
    too large to simulate with status "too-large"."""
    qs = [_question(qv) for qv in verdicts]
    qs += [{"id": None, "path": path, "computed_key": [], "author_key": None,
            "status": Status.INVALID, "findings": [], "options": []} for path in invalid]
    qs += [{"id": None, "path": path, "computed_key": [], "author_key": None,
            "status": "too-large", "findings": [], "options": []} for path in refused]
    return json.dumps({"questions": qs}, indent=2, ensure_ascii=False) + "\n"
