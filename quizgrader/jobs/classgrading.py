"""Jobs on a whole class: grade its responses, and regrade them after a change."""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

from ..analysis.impact import Impact, Snapshot, SnapshotStore, provenances, snapshot
from ..apitypes import ClassGrade, Verification
from ..atomic import OutputError, check_distinct
from ..grading import Gradebook, grade_csv, write_learner_files
from ..grading.assign import Salt, course_salt
from ..grading.invalid import invalid_ids
from ..grading.regrade import impact, stored_variants
from ..sim.diskcache import default_dir
from ..text.explain import Detail
from ..text.reports.regradereport import learner_note
from .diagnosing import evidence_bank, patterns
from .verifying import simulator, verify

PathLike = str | Path


def snapshots() -> SnapshotStore | None:
    """Where grading keeps the verdicts it used (beside the simulation cache), for regrades."""
    root = default_dir()
    return SnapshotStore(root / "verdicts") if root is not None else None


def _book(report: Verification, trust_key: bool, feedback: Detail, salt: Salt | str = ""
          ) -> tuple[Gradebook, dict[str, Snapshot]]:
    """The gradebook of a verified bank, its rows stamped with each question's provenance,
    and the snapshot of what grading uses of each question (or variant, by its name),
    stored for later regrades."""
    prov = provenances(report.verdicts)
    book = Gradebook(report.verdicts, trust_key, feedback, prov, salt)
    now = {qid: snapshot(e.verdict, e.choice, prov[qid]) for qid, e in book.entries.items()}
    store = snapshots()
    if store is not None:
        for s in now.values():
            store.put(s)
    return book, now


def _grade(report: Verification, responses: PathLike, out: PathLike,
           feedback_dir: PathLike | None, feedback: Detail, trust_key: bool,
           progress: Callable[[int], None] | None = None, previous: PathLike | None = None,
           detail: Detail = "standard", salt: str | None = None, cache: bool = True
           ) -> tuple[ClassGrade, Impact | None]:
    """Grade a class on a verified bank; with ``previous`` grades, who moved and why (and
    the learner files of those say so)."""
    book, now = _book(report, trust_key, feedback, course_salt(salt))
    book.invalid = invalid_ids(report.bank)
    if previous is not None:                # a regrade keeps each learner's variant
        book.pinned = stored_variants(previous)
    # each learner's last answers, kept only for the learner files (200k learners of a 1M-row
    # class cost a third of the grading time and most of its memory)
    learners: dict[str, dict[str, str]] | None = {} if feedback_dir else None
    summary = grade_csv(book, str(responses), str(out), learners, progress)
    moved = impact(previous, out, now, snapshots(), set(book.families), book.invalid) \
        if previous is not None else None
    files: dict[str, str] = {}
    if feedback_dir:
        files_book = book.with_feedback(detail)
        notes = {c.learner: learner_note(c.moved) for c in moved.learners} if moved else None
        found = patterns(evidence_bank(report.verdicts, simulator(cache=cache)), learners or {})
        files = write_learner_files(str(feedback_dir), learners or {}, files_book, notes, found)
    return ClassGrade(summary, report.problems, files), moved


def grade_class(paths: Iterable[PathLike], responses: PathLike, out: PathLike, *,
                feedback_dir: PathLike | None = None, feedback: Detail = "short",
                trust_key: bool = False, cache: bool = True, allow_large: bool = False,
                progress: Callable[[int], None] | None = None,
                detail: Detail = "standard", salt: str | None = None) -> ClassGrade:
    """Verify the bank once, grade the responses CSV (``-``: stdin) into ``out`` (``-``:
    stdout), its feedback column at ``feedback``; with ``feedback_dir``, one Markdown file per
    learner with explanations at ``detail``, all written or none. Each graded row carries its
    question's provenance. A template's learners get their variants with its lock's salt;
    ``salt`` (default ``$QUIZGRADER_SALT``), if given, must agree with it (SaltError)."""
    check_distinct(str(responses), str(out))
    report = verify(paths, cache=cache, allow_large=allow_large)
    return _grade(report, responses, out, feedback_dir, feedback, trust_key, progress,
                  detail=detail, salt=salt, cache=cache)[0]


def regrade(paths: Iterable[PathLike], responses: PathLike, previous: PathLike,
            out: PathLike, *, feedback_dir: PathLike | None = None, feedback: Detail = "short",
            trust_key: bool = False, cache: bool = True, allow_large: bool = False,
            detail: Detail = "standard", salt: str | None = None) -> tuple[ClassGrade, Impact]:
    """Grade ``responses`` again with today's bank and code into ``out``, and compare with the
    ``previous`` grades: every learner whose score moved, and why. With ``feedback_dir``, the
    learner files of those learners say why their score changed. A template's rows are
    graded with the variant the previous grades name (a variant no longer deployed is an
    error row that names it), else the learner's."""
    if str(out) == "-":
        raise OutputError("regrade compares the new grades with the previous ones: give --out "
                          "a file, not -")
    for source in (responses, previous):
        check_distinct(str(source), str(out))
    report = verify(paths, cache=cache, allow_large=allow_large)
    graded, moved = _grade(report, responses, out, feedback_dir, feedback, trust_key,
                           previous=previous, detail=detail, salt=salt, cache=cache)
    if moved is None:                       # _grade compares whenever previous is given
        raise OutputError("regrade could not compare the grades")
    return graded, moved
