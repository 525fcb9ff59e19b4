"""What a regrade changed and why: verdict snapshots of a question, and their differences.

A :class:`Snapshot` is what grading used of a verified question: the key, the scoring scheme,
and every option's verdict with the check that decided it and its deciding numbers. Grading
stores one per question under the question's provenance (a hash of the question file and of
the code); a regrade compares the snapshot of the previous grades with today's, so a moved
score can be explained by the option whose verdict flipped and the numbers before and after.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Iterable

from ..verify import KeyChoice, QuestionVerdict


@dataclass(frozen=True)
class OptionSnapshot:
    """What grading used of one option: its verdict, the check that decided it, its gain."""
    id: str
    correct: bool
    decided_by: str
    gain: float | None
    margin: float | None


@dataclass(frozen=True)
class Snapshot:
    """What grading used of one question under one provenance: key, scheme, options."""
    question: str
    provenance: str
    key: tuple[str, ...] | None          # None: the question was not graded (disputed key)
    scheme: str
    options: tuple[OptionSnapshot, ...]

    def to_json(self) -> str:
        """The snapshot as JSON text (what the store writes)."""
        return json.dumps(asdict(self), sort_keys=True)

    @staticmethod
    def from_json(text: str) -> Snapshot:
        """A snapshot from :meth:`to_json`'s text."""
        d = json.loads(text)
        return Snapshot(d["question"], d["provenance"],
                        tuple(d["key"]) if d["key"] is not None else None, d["scheme"],
                        tuple(OptionSnapshot(**o) for o in d["options"]))


def _finite(x: float | None) -> float | None:
    return x if x is not None and x == x and abs(x) != float("inf") else None


def snapshot(qv: QuestionVerdict, choice: KeyChoice, provenance: str) -> Snapshot:
    """What grading uses of ``qv`` under the key ``choice``."""
    q = qv.question
    return Snapshot(q.id, provenance, choice.key, q.scheme,
                    tuple(OptionSnapshot(v.option.id, v.correct, str(v.decided_by),
                                         _finite(v.gain),
                                         v.margin.decades if v.margin else None)
                          for v in qv.options))


def code_fingerprint() -> str:
    """sha256 over every module of the package, numpy's version and the simulation backend:
    what computes grades."""
    from ..sim.kernels import backend
    return hashlib.sha256(f"{_package()}\0{backend()}".encode()).hexdigest()


@cache
def _package() -> str:
    import numpy as np
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256(f"numpy {np.__version__}\0".encode())
    for f in sorted(root.rglob("*.py")):
        h.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def provenance(question_file: bytes) -> str:
    """'1a2b3c4d-5e6f7a8b': the question file's hash, then the code's."""
    return f"{hashlib.sha256(question_file).hexdigest()[:8]}-{code_fingerprint()[:8]}"


def provenances(verdicts: Iterable[QuestionVerdict]) -> dict[str, str]:
    """Each verified question's provenance, from its content (formatting and comments in the
    file do not count)."""
    return {qv.question.name: provenance(qv.question.model_dump_json(by_alias=True).encode())
            for qv in verdicts}


@dataclass(frozen=True)
class Flip:
    """An option whose verdict changed between two snapshots."""

    option: str
    before: OptionSnapshot | None
    after: OptionSnapshot | None


@dataclass(frozen=True)
class QuestionChange:
    """Why a question may grade differently now (empty lists: nothing it can name)."""

    question: str
    key_before: tuple[str, ...] | None
    key_after: tuple[str, ...] | None
    flips: tuple[Flip, ...]
    scheme_before: str | None
    scheme_after: str | None
    question_file_changed: bool
    code_changed: bool
    known_before: bool                   # the previous snapshot was found
    variant: int | None = None           # the variant of a template's question
    variant_removed: bool = False        # ... no longer deployed (not in the lock)


def compare(question: str, prov_before: str, before: Snapshot | None,
            after: Snapshot | None, prov_after: str, variant: int | None = None,
            removed: bool = False) -> QuestionChange:
    """How ``after`` differs from ``before`` (either may be missing); of ``variant`` of a
    template, ``removed`` when that variant is no longer deployed."""
    pb, pa = (prov_before or "-").split("-"), (prov_after or "-").split("-")
    flips: list[Flip] = []
    if before is not None and after is not None:
        old = {o.id: o for o in before.options}
        new = {o.id: o for o in after.options}
        for oid in [*new, *(o for o in old if o not in new)]:
            b, a = old.get(oid), new.get(oid)
            if b is None or a is None or b.correct != a.correct:
                flips.append(Flip(oid, b, a))
    return QuestionChange(question, before.key if before else None,
                          after.key if after else None, tuple(flips),
                          before.scheme if before else None, after.scheme if after else None,
                          pb[0] != pa[0], pb[-1] != pa[-1], before is not None, variant,
                          removed)


@dataclass(frozen=True, slots=True)
class Attempt:
    """One learner's last graded row for a question in a grades CSV."""
    answer: str
    score: float | None
    status: str
    provenance: str
    variant: int | None = None


@dataclass(frozen=True)
class Moved:
    """One question on which a learner's score moved."""

    question: str
    before: Attempt | None
    after: Attempt | None
    why: QuestionChange


@dataclass(frozen=True)
class LearnerChange:
    """A learner whose total moved: before, after, and the questions that moved it."""
    learner: str
    before: float
    after: float
    moved: tuple[Moved, ...]


@dataclass(frozen=True)
class Impact:
    """Who moved between two grades files, and the rows that could not be compared."""
    learners: tuple[LearnerChange, ...]          # only those whose total moved
    compared: int                                # learners in either grades file
    only_new: int = 0        # (learner, question) graded now but absent from the previous file
    only_previous: int = 0   # ... in the previous file but not graded now
    #: (question, the problem of its file, learners) of questions whose file is invalid now:
    #: their grades are not compared
    invalid: tuple[tuple[str, str, int], ...] = ()


class SnapshotStore:
    """Snapshots on disk, one JSON file per provenance."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def put(self, s: Snapshot) -> None:
        """Keep ``s`` (silently skipped when the folder cannot be written)."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            (self.root / f"{s.question}.{s.provenance}.json").write_text(s.to_json(),
                                                                        encoding="utf-8")
        except OSError:
            pass                                  # a regrade will say it does not know

    def get(self, question: str, provenance: str) -> Snapshot | None:
        """The snapshot of ``question`` under ``provenance``, or None."""
        try:
            return Snapshot.from_json((self.root / f"{question}.{provenance}.json").read_text(
                encoding="utf-8"))
        except (OSError, ValueError, KeyError, TypeError):
            return None
