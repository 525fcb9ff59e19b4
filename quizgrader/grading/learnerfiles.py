"""One Markdown feedback file per learner (``grade --feedback-dir``), all written or none.

File names come from learner ids made safe (letters, digits, ``.``, ``_``, ``-``); an id
that had to be changed, or whose name another learner already took (compared without case,
as some file systems do), gets a short hash of the exact id, so two learners never share a
file. ``index.csv`` lists learner → file. The files are written into a staging folder beside the
feedback folder (with the files already there that this run does not rewrite), and the two
are swapped in one atomic step when every file was written (Linux ``renameat2``; elsewhere
two renames, a moment apart). A full disk, a read-only folder, Ctrl-C, SIGTERM or SIGKILL at
any point leaves the folder wholly old or wholly new; the staging folder of a killed run is
removed by the next one.
"""
from __future__ import annotations

import csv
import hashlib
import os
import re
import shutil
import stat
from pathlib import Path

from ..atomic import exchange, fsync_dir, make_temp, sweep, temp_prefix
from ..errors import QuizgraderError
from ..text.render.document import render
from ..text.reports.gradereport import learner_blocks
from .csvcells import safe_cell
from .gradebook import Gradebook

INDEX = "index.csv"


class FeedbackError(QuizgraderError):
    """The feedback folder cannot be written."""


def _safe(learner: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", learner).strip("._")[:80] or "learner"


def filenames(learners: list[str]) -> dict[str, str]:
    """A distinct, stable file name for every learner id (see the module docstring)."""
    out: dict[str, str] = {}
    taken = {INDEX.lower()}
    for learner in sorted(learners):
        stem = _safe(learner)
        name = f"{stem}.md"
        if stem != learner or name.lower() in taken:
            digest = hashlib.sha256(learner.encode("utf-8", "surrogatepass")).hexdigest()
            k = 8
            name = f"{stem}-{digest[:k]}.md"
            while name.lower() in taken:                     # adversarial ids: lengthen it
                k += 4
                name = f"{stem}-{digest[:k]}.md"
        taken.add(name.lower())
        out[learner] = name
    return out


def write_learner_files(folder: str, learners: dict[str, dict[str, str]], book: Gradebook,
                        notes: dict[str, str] | None = None,
                        patterns: dict[str, str] | None = None) -> dict[str, str]:
    """learners: learner -> {question -> answer} (the last graded submission of each); the
    feedback comes from ``book``; ``notes``: a paragraph for some learners (why their score
    changed); ``patterns``: a pattern in some learners' answers (their diagnosis). Returns
    learner -> file name."""
    out = Path(folder)
    names = filenames(list(learners))
    parent = out.parent if str(out.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        if out.exists() and not out.is_dir():
            raise NotADirectoryError(20, "not a folder")
        sweep(parent, out.name)
        staging = Path(make_temp(parent, temp_prefix(out.name), "", directory=True)[1])
    except OSError as e:
        raise FeedbackError(f"{folder}: cannot write feedback files: {e.strerror or e}") \
            from None
    try:
        try:
            for learner, name in names.items():
                answers = [entry.grade(answer)
                           for qid, answer in learners[learner].items()
                           if (entry := book.entries.get(qid)) is not None]
                blocks = learner_blocks(learner, answers, (notes or {}).get(learner),
                                        (patterns or {}).get(learner))
                (staging / name).write_text(render(blocks, "markdown"), encoding="utf-8",
                                            newline="")
            with open(staging / INDEX, "w", encoding="utf-8", newline="") as f:
                w = csv.writer(f)
                w.writerow(["learner", "file"])
                w.writerows((safe_cell(learner), name) for learner, name in sorted(names.items()))
            _carry_over(out, staging, {*names.values(), INDEX})
            for written in staging.iterdir():
                _fsync(written)
        except OSError as e:
            raise FeedbackError(f"{folder}: cannot write feedback files: {e.strerror or e}; "
                                f"none was changed") from None
        try:
            _swap(staging, out)
        except OSError as e:
            raise FeedbackError(f"{folder}: cannot move feedback files into place: "
                                f"{e.strerror or e}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return names


def _carry_over(out: Path, staging: Path, written: set[str]) -> None:
    """The files already in ``out`` that this run does not rewrite go along (hard links
    where possible), so the swap loses nothing."""
    if not out.is_dir():
        return
    for entry in out.iterdir():
        if entry.name in written or not entry.is_file() or entry.is_symlink():
            continue
        try:
            os.link(entry, staging / entry.name)
        except OSError:
            shutil.copy2(entry, staging / entry.name)


def _fsync(path: Path) -> None:
    with open(path, "rb") as f:
        os.fsync(f.fileno())


def _swap(staging: Path, out: Path) -> None:
    """Put ``staging`` in the place of ``out``; the old folder ends up at ``staging``."""
    os.chmod(staging, stat.S_IMODE(os.stat(out).st_mode) if out.exists() else 0o777 & ~_umask())
    if not out.exists():
        os.rename(staging, out)
        staging.mkdir()                      # for the caller's clean-up
    elif not exchange(staging, out):
        old = Path(make_temp(staging.parent, temp_prefix(out.name), "", directory=True)[1])
        os.rmdir(old)
        os.rename(out, old)
        os.rename(staging, out)
        os.rename(old, staging)
    fsync_dir(out.parent if str(out.parent) else Path("."))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
