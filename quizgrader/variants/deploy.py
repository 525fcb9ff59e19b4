"""Deploying a template's variants (variants.md): draw candidates, verify each with the
robustness variations, keep those the simulation stands behind, lock them.

A candidate is deployed only when it renders and validates, its computed key is unambiguous
(``one``: exactly one true option; ``many``: at least one), agrees with the template's key
when it gives one, is stable under every variation and has no fragile option, and its stem,
options and key (its "question note") differ from every variant deployed before it.
"""
from __future__ import annotations

import hashlib
import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

from ..analysis.impact import code_fingerprint
from ..errors import QuestionError
from ..question.schema import Question
from ..sim.kernels import backend
from ..verify import QuestionVerdict
from ..verify.batch import verify_bank
from ..verify.budget import too_large
from ..verify.results import FindingKind
from .draw import candidates
from .lock import Lock, Locked, Provenance
from .template import Template

#: How many candidates ``quizgrader variants`` draws unless told.
DEFAULT_COUNT = 20


@dataclass(frozen=True)
class Candidate:
    """One candidate variant and what became of it.

    reason  : why it was rejected (None: deployed)
    key     : the computed key (empty when it was not verified)
    margins : option id -> margin in decades (None: no finite move flips it, or static)
    """
    number: int
    params: dict[str, Any]
    reason: str | None
    key: tuple[str, ...] = ()
    margins: tuple[tuple[str, float | None], ...] = ()

    @property
    def deployed(self) -> bool:
        """True when the candidate is deployed."""
        return self.reason is None


@dataclass(frozen=True)
class Deployment:
    """A template's candidates, in number order, and the lock of the deployed ones."""
    template: Template
    candidates: tuple[Candidate, ...]
    lock: Lock
    options: tuple[str, ...]

    @property
    def deployed(self) -> list[Candidate]:
        """The deployed candidates."""
        return [c for c in self.candidates if c.deployed]

    def positions(self) -> dict[str, int]:
        """Option id -> in how many deployed keys it is (in option order)."""
        count = Counter(k for c in self.deployed for k in c.key)
        return {o: count[o] for o in self.options}

    def smallest_margin(self) -> tuple[int, str, float] | None:
        """(variant, option, decades) of the smallest finite margin over deployed variants."""
        found = [(m, c.number, o) for c in self.deployed for o, m in c.margins if m is not None]
        if not found:
            return None
        m, n, o = min(found)
        return n, o, m


def note(q: Question, key: tuple[str, ...]) -> str:
    """A variant's "question note": what a learner sees and the key, hashed."""
    text = "\0".join([q.stem, *(f"{o.id}\0{o.text}" for o in q.options), ";".join(key)])
    return hashlib.sha256(text.encode()).hexdigest()


def _margins(qv: QuestionVerdict) -> tuple[tuple[str, float | None], ...]:
    return tuple((v.option.id, round(v.margin.decades, 2)
                  if v.margin is not None and math.isfinite(v.margin.decades) else None)
                 for v in qv.options)


def rejection(qv: QuestionVerdict) -> str | None:
    """Why a verified (robust) candidate cannot be deployed, or None."""
    q, key = qv.question, qv.computed_key
    if q.select == "one" and len(key) != 1:
        return ("ambiguous: no option is true" if not key else
                f"ambiguous: options {', '.join(key)} are all true (select: one)")
    if not key:
        return "ambiguous: no option is true"
    author = qv.author_key
    if author is not None and author != key:
        return (f"key-mismatch: the template's key is {';'.join(author)}, the simulation "
                f"gives {';'.join(key)}")
    for f in qv.findings:
        if f.kind == FindingKind.UNSTABLE and f.variation is not None:
            v = f.variation
            return (f"unstable: with seed {v.seed} and hidden {v.hidden} the key is "
                    f"{';'.join(v.computed_key) or 'empty'} (options {', '.join(f.options)} "
                    f"flip)")
    fragile = [(v.option.id, v.margin) for v in qv.options
               if v.fragile and v.margin is not None]
    if fragile:
        o, m = fragile[0]
        if m.straddles and m.interval is not None:
            return (f"fragile: option {o}'s threshold {m.threshold:g} lies inside its "
                    f"median's 95 % interval over the seeds, {m.interval[0]:.3g} to "
                    f"{m.interval[1]:.3g}")
        return (f"fragile: option {o}'s verdict is {m.decades:.2f} decades from its threshold "
                f"(below simulation.fragile_below, {q.simulation.fragile_below:g})")
    return None


def provenance(t: Template) -> Provenance:
    """What deploys a template now: its bytes, the code, numpy, the backend."""
    return Provenance(question=t.digest, code=code_fingerprint(), numpy=np.__version__,
                      backend=backend())


def deploy(t: Template, count: int = DEFAULT_COUNT, store: Path | None = None,
           workers: int = 1, allow_large: bool = False,
           progress: Callable[[int, int], None] | None = None,
           salt: str | None = None) -> Deployment:
    """Draw ``count`` candidates of ``t``, verify them (robustly, on ``workers`` processes,
    with the disk cache at ``store``) and deploy by the rules above; the lock records
    ``salt`` (None: none, as older locks)."""
    rendered: dict[int, Question] = {}
    reasons: dict[int, str] = {}
    drawn = candidates(t.id, t.params, count)
    first: dict[str, int] = {}
    for n, values in drawn:
        same = first.setdefault(repr(values), n)
        if same != n:
            reasons[n] = f"duplicate: the same parameters as variant {same}"
            continue
        try:
            q = t.variant(n, values)
        except QuestionError as e:
            reasons[n] = f"invalid: {e.problems[0]}"
            continue
        why = None if allow_large else too_large(q)
        if why:
            reasons[n] = f"too large: {why}"
            continue
        rendered[n] = q
    numbers = sorted(rendered)
    verdicts = dict(zip(numbers, verify_bank([(t.path, rendered[n]) for n in numbers], store,
                                             workers, robust=True, progress=progress),
                        strict=True))
    out: list[Candidate] = []
    locked: list[Locked] = []
    notes: dict[str, int] = {}
    for n, values in drawn:
        if n not in verdicts:
            out.append(Candidate(n, values, reasons[n]))
            continue
        qv = verdicts[n]
        key, margins = tuple(qv.computed_key), _margins(qv)
        reason = rejection(qv)
        if reason is None:
            seen = notes.get(note(qv.question, key))
            if seen is not None:
                reason = f"duplicate: the same stem, options and key as variant {seen}"
            else:
                notes[note(qv.question, key)] = n
        out.append(Candidate(n, values, reason, key, margins))
        if reason is None:
            locked.append(Locked(number=n, params=values, key=list(key),
                                 margins=dict(margins)))
    lock = Lock(template=t.id, salt=salt, provenance=provenance(t), variants=locked)
    options = tuple(o.id for o in rendered[numbers[0]].options) if numbers else ()
    return Deployment(t, tuple(out), lock, options)
