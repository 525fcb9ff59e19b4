"""Regrading after a bank or code change, and who it moved and why.

The previous grades and the new ones are compared learner by learner on each question's last
graded attempt; every learner whose score moved is listed with the questions that moved it,
and each question with what changed there: its key, the options whose verdict flipped (with
the check that decided them and their gain before and after), its scoring scheme, or that the
question file or the code changed when no earlier snapshot says more.
"""
from __future__ import annotations

from pathlib import Path

from ..analysis.gradestable import rows
from ..analysis.impact import (
    Attempt,
    Impact,
    LearnerChange,
    Moved,
    QuestionChange,
    Snapshot,
    SnapshotStore,
    compare,
)
from ..question.schema import variant_name, variant_number


def last_attempts(path: str | Path) -> dict[str, dict[str, Attempt]]:
    """learner -> question -> the last graded row for it in a grades CSV (or the last row,
    when none was graded)."""
    out: dict[str, dict[str, Attempt]] = {}
    for row in rows(path):
        if not row.get("question") or row["learner"] is None:
            continue
        try:
            score = float(row["score"]) if row["score"] else None
        except ValueError:
            score = None
        mine = out.setdefault(row["learner"], {})
        q = row["question"].strip()
        variant = variant_number(row.get("variant") or "")
        if score is not None or q not in mine or mine[q].score is None:
            mine[q] = Attempt(row["answer"], score, row["status"], row.get("provenance") or "",
                              variant)
    return out


def stored_variants(path: str | Path) -> dict[tuple[str, str], int]:
    """(learner, question) -> the variant a grades CSV graded (its last row that says)."""
    return {(learner, q): a.variant for learner, qs in last_attempts(path).items()
            for q, a in qs.items() if a.variant is not None}


def _name(question: str, a: Attempt | None) -> str:
    return variant_name(question, a.variant if a is not None else None)


def _score(a: Attempt | None) -> float:
    return a.score if a is not None and a.score is not None else 0.0


def impact(previous: str | Path, new: str | Path, now: dict[str, Snapshot],
           store: SnapshotStore | None, templates: set[str] = frozenset(),  # type: ignore[assignment]
           invalid: dict[str, str] | None = None) -> Impact:
    """Who moved between the grades files ``previous`` and ``new`` (``now``: today's
    snapshot of each question, a variant under ``id#n``; ``store``: where earlier snapshots
    are kept; ``templates``: the ids of templates, whose variants a regrade keeps;
    ``invalid``: question id -> the problem of its file, which is invalid now: its grades
    are not compared, so nobody drops to 0 for it)."""
    old, cur = last_attempts(previous), last_attempts(new)
    bad = invalid or {}
    learners = sorted(set(old) | set(cur))
    why: dict[tuple[str, str], QuestionChange] = {}
    out = []
    only_new = only_previous = 0
    skipped: dict[str, int] = {}
    for learner in learners:
        was, now_ = old.get(learner, {}), cur.get(learner, {})
        qids = sorted(set(was) | set(now_))
        for q in qids:
            if q in bad:
                skipped[q] = skipped.get(q, 0) + 1
        qids = [q for q in qids if q not in bad]
        moved = []
        for q in qids:
            b, a = was.get(q), now_.get(q)
            if b is None or a is None:       # a row on one side only: nothing to compare it
                only_new += b is None        # with (a truncated or another --previous)
                only_previous += a is None
                continue
            if _score(b) == _score(a):
                continue
            pb, pa = (b.provenance if b else ""), (a.provenance if a else "")
            if (q, pb) not in why:
                before = store.get(q, pb) if store is not None and pb else None
                removed = q in templates and b.variant is not None and _name(q, b) not in now
                why[(q, pb)] = compare(q, pb, before, now.get(_name(q, a)), pa, b.variant,
                                       removed)
            moved.append(Moved(q, b, a, why[(q, pb)]))
        total_before = sum(_score(was.get(q)) for q in qids)
        total_after = sum(_score(now_.get(q)) for q in qids)
        if moved and total_before != total_after:
            out.append(LearnerChange(learner, total_before, total_after, tuple(moved)))
    return Impact(tuple(out), len(learners), only_new, only_previous,
                  tuple((q, bad[q], n) for q, n in sorted(skipped.items())))
