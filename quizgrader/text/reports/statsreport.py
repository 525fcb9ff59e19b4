"""The item statistics report, in words (``stats``) and as the JSON contract (``--json``)."""
from __future__ import annotations

import json

from ...analysis.itemstats import ItemStats, TestStats
from ...analysis.misconceptions import Misconception
from .. import gates
from ..cells import name as cell_name
from ..numbers import json_number


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.0f} %"


def _index(x: float | None) -> str:
    return "–" if x is None else f"{x:+.0f}"


def setting(m: Misconception) -> str:
    """'GRU, Γu ≈ 1: the gradient is preserved'."""
    does = {"preserved": "is preserved", "vanishes": "vanishes", "explodes": "explodes"}
    return f"{cell_name(m.cell)}, {gates.approx_all(m.gates)}: the gradient {does[m.gradient]}"


def _item(it: ItemStats) -> list[str]:
    lines = [f"{it.id}: {it.n} learner{'s' if it.n != 1 else ''}, facility "
             f"{_pct(it.facility)}, discrimination index {_index(it.discrimination_index)}, "
             f"discriminative efficiency {_index(it.discriminative_efficiency)}"]
    if it.discrimination_index is not None and it.discrimination_index < 0:
        lines.append("  the learners who did best on the rest of the test did worse on this "
                     "question: check its key and wording")
    for o in it.options:
        mark = "✓" if o.correct else "✗" if o.correct is False else " "
        flag = "  ← chosen more by the top group than the bottom: a distractor that attracts " \
               "strong learners" if o.flagged else ""
        lines.append(f"  {mark} {o.id:<3} chosen by {_pct(o.share):>5}   top 27 % "
                     f"{_pct(o.share_top):>5}   bottom 27 % {_pct(o.share_bottom):>5}{flag}")
    return lines


def stats_text(t: TestStats, misconceptions: list[Misconception]) -> str:
    """A report a grader reads: the test, each question, then the shared misconceptions."""
    alpha = "–" if t.alpha is None else f"{t.alpha:.2f}"
    mean = "–" if t.mean is None else f"{t.mean:.2f}"
    sd = "–" if t.sd is None else f"{t.sd:.2f}"
    lines = [f"{t.learners} learners, {len(t.items)} questions: mean score {mean}, SD {sd}, "
             f"Cronbach's α {alpha}", ""]
    for it in t.items:
        lines += _item(it) + [""]
    if t.variants:
        lines += ["By variant (each variant with its own key):", ""]
        for it in t.variants:
            lines += _item(it)
            if t.harder(it):
                lines.append(f"  much harder than its question as a whole (facility "
                             f"{_pct(it.facility)}): check this variant's wording and key")
            lines.append("")
    if misconceptions:
        lines.append("Misconceptions (options claiming the same, across questions):")
        for m in misconceptions:
            where = ", ".join(f"{q} {o}{' (right)' if ok else ''}" for q, o, ok in m.options)
            lines.append(f"  {setting(m)}: chosen by {m.chose} of {m.of} learners ({where})")
    return "\n".join(lines).rstrip("\n") + "\n"


def stats_json(t: TestStats, misconceptions: list[Misconception]) -> str:
    """The ``stats --json`` contract (../shared/spec/stats.md)."""
    return json.dumps({
        "learners": t.learners, "mean": json_number(t.mean), "sd": json_number(t.sd),
        "alpha": json_number(t.alpha),
        "questions": [{"id": it.id, "n": it.n, "facility": json_number(it.facility),
                       "discrimination_index": json_number(it.discrimination_index),
                       "discriminative_efficiency": json_number(it.discriminative_efficiency),
                       "options": [{"id": o.id, "share": o.share, "share_top": o.share_top,
                                    "share_bottom": o.share_bottom, "flagged": o.flagged,
                                    "correct": o.correct} for o in it.options]}
                      for it in t.items],
        **({"variants": [{"id": it.id.split("#")[0], "variant": int(it.id.split("#")[1]),
                          "n": it.n, "facility": json_number(it.facility),
                          "discrimination_index": json_number(it.discrimination_index),
                          "harder": t.harder(it),
                          "options": [{"id": o.id, "share": o.share, "correct": o.correct}
                                      for o in it.options]} for it in t.variants]}
           if t.variants else {}),
        "misconceptions": [{"setting": setting(m), "cell": m.cell,
                            "gates": dict(m.gates), "gradient": m.gradient,
                            "options": [{"question": q, "option": o, "correct": ok}
                                        for q, o, ok in m.options],
                            "chose": m.chose, "answered": m.of} for m in misconceptions],
    }, indent=2, ensure_ascii=False) + "\n"
