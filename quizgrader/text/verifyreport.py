"""The report of ``verify``: one block of lines per question, or the JSON contract."""
from __future__ import annotations

import json

from ..verify import QuestionVerdict, Status
from . import gates
from .explain import explain
from .findings import CHECK_WORDS, finding, ids
from .numbers import fmt, json_number


def verify_text(qv: QuestionVerdict) -> str:
    """'id (path): ok: key C agrees' and one line per option with its deciding check."""
    q = qv.question
    head = f"{q.id} ({qv.path})" if qv.path else q.id
    note = finding(qv)
    if note is None:
        agrees = " agrees" if qv.author_key is not None else " (no author key to compare)"
        note = f"ok: key {ids(qv.computed_key)}{agrees}"
    lines = [f"{head}: {note}"]
    for v in qv.options:
        mark = "✓" if v.correct else "✗"
        nums = f"; gain({q.horizon}) = {fmt(v.gain)}" if v.gain is not None else ""
        flip = "".join(f"; with {gates.approx(f.gate, f.value)}: {fmt(f.curves.final)}"
                       for f in v.flips)
        lines.append(f"  {mark} {v.option.id}  {v.decided_by}: {CHECK_WORDS[v.decided_by]}"
                     f"{nums}{flip}")
    return "\n".join(lines) + "\n"


def verify_summary(verdicts: list[QuestionVerdict], invalid: int) -> str:
    bad = sum(v.status != Status.OK for v in verdicts)
    return (f"{len(verdicts)} question(s) verified: {len(verdicts) - bad} ok, {bad} with "
            f"findings, {invalid} invalid file(s)")


def verify_json(verdicts: list[QuestionVerdict], invalid: list[str]) -> str:
    """The ``verify --json`` contract; invalid files appear with status "invalid"."""
    qs = []
    for qv in verdicts:
        qs.append({"id": qv.question.id, "path": qv.path, "computed_key": qv.computed_key,
                   "author_key": qv.author_key, "status": qv.status, "finding": finding(qv),
                   "options": [{"id": v.option.id, "correct": v.correct,
                                "decided_by": v.decided_by, "gain": json_number(v.gain),
                                "checks": v.checks, "explanation": explain(qv, v).long}
                               for v in qv.options]})
    for path in invalid:
        qs.append({"id": None, "path": path, "computed_key": [], "author_key": None,
                   "status": Status.INVALID, "options": []})
    return json.dumps({"questions": qs}, indent=2, ensure_ascii=False) + "\n"
