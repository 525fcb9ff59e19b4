"""Jobs on a whole class: grade its responses, regrade them after a change, and the item
statistics of its grades."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterable

from .analysis.gradestable import read_scores
from .analysis.impact import Impact, Snapshot, SnapshotStore, provenances, snapshot
from .analysis.itemstats import TestStats, test_stats
from .analysis.misconceptions import Misconception, misconceptions
from .apitypes import ClassGrade, Verification
from .atomic import OutputError, check_distinct
from .banks import simulator, verify
from .grading import Gradebook, grade_csv, write_learner_files
from .grading.assign import Salt, course_salt
from .grading.invalid import invalid_ids
from .grading.regrade import impact, stored_variants
from .jobs.diagnosing import evidence_bank, patterns
from .question import Question
from .sim.diskcache import default_dir
from .text.explain import Detail
from .text.regradereport import learner_note
from .verify import choose_key

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


def stats(grades: PathLike, *, bank: Iterable[PathLike] | None = None, cache: bool = True,
          allow_large: bool = False, by_variant: bool = False
          ) -> tuple[TestStats, list[Misconception]]:
    """Item statistics of a graded class (each learner's last graded attempt per question).
    With ``bank``, options come in the bank's order, keys from its verification, and options
    that claim the same are grouped across questions (the misconception view). A template's
    question is one item over all its variants (its key varies, so no option is marked);
    with ``by_variant`` each variant is reported too, with its own key."""
    questions: dict[str, Question] = {}
    keys: dict[str, set[str]] = {}
    names: dict[str, Question] = {}
    named_keys: dict[str, set[str]] = {}
    if bank is not None:
        report = verify(bank, cache=cache, allow_large=allow_large)
        for qv in report.verdicts:
            q, choice = qv.question, choose_key(qv)
            names[q.name] = q
            questions.setdefault(q.id, q)          # a template: its first variant's options
            if choice.key:
                named_keys[q.name] = set(choice.key)
        keys = {n: k for n, k in named_keys.items() if names[n].variant is None}
    scores = read_scores(grades, questions, keys)
    test = test_stats(scores)
    if by_variant:
        per = test_stats(read_scores(grades, names, named_keys, by_variant=True))
        test = replace(test, variants=tuple(it for it in per.items if "#" in it.id))
    plain = {i: q for i, q in questions.items() if q.variant is None}
    return test, misconceptions(scores, plain) if plain else []
