"""Loading question files and banks (folders), with every problem as ``file:line: path: msg``."""
from __future__ import annotations

import os
import stat
import sys
import typing
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ValidationError

from ..errors import QuestionError
from .schema import Question
from .semantics import check as semantic_check, raw_gate_problems
from .yamlnodes import KeyPath, Located, YamlProblem, kind, load, read_file, read_limited, read_text

#: Reads a template (path, its bytes, its document) into its variants, each a Question with
#: its variant number; raises QuestionError. The second item: warnings (a stale lock, say).
TemplateReader = typing.Callable[[str, bytes, Located], tuple[list[Question], list[str]]]


class Note(str):
    """A template reader's warning that is only for information (an older lock, say): the
    bank keeps it in :attr:`Bank.notes`, and it fails nothing."""


#: Files in a bank folder that are not questions: the lock files of templates.
LOCK_SUFFIX = ".variants.yaml"

#: Settings an author may put under a model that belong under ``simulation:``.
SIZES = ("hidden", "inputs", "seeds", "seed", "epsilon")


def _dotted(path: KeyPath) -> str:
    return ".".join(str(p) for p in path)


def _allowed_keys(path: KeyPath) -> list[str]:
    """The keys the format allows in the mapping at ``path`` (walking the pydantic models)."""
    tp: object = Question
    for part in path:
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            field_info = next((f for n, f in tp.model_fields.items()
                               if (f.alias or n) == str(part)), None)
            if field_info is None:
                return []
            tp = field_info.annotation
        else:
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            origin = typing.get_origin(tp)
            if origin in (list, dict):
                tp = args[-1]
            elif args:
                tp = args[0]
                continue
            else:
                return []
        while typing.get_origin(tp) in (typing.Union, typing.Annotated) or \
                type(tp).__name__ == "UnionType":
            tp = [a for a in typing.get_args(tp) if a is not type(None)][0]
    if not (isinstance(tp, type) and issubclass(tp, BaseModel)):
        return []
    return [f.alias or name for name, f in tp.model_fields.items()]


def _pydantic_problems(err: ValidationError) -> list[tuple[KeyPath, str]]:
    out = []
    for e in err.errors(include_url=False):
        loc, kind = tuple(e["loc"]), e["type"]
        if kind == "missing":
            out.append((loc[:-1], f"missing required key {loc[-1]!r}"))
        elif kind == "extra_forbidden":
            allowed = _allowed_keys(loc[:-1])
            hint = f" (allowed: {', '.join(allowed)})" if allowed else ""
            if len(loc) == 3 and loc[0] == "models" and loc[-1] in SIZES:
                hint += (f"; the cells' size is set for the whole question: simulation: "
                         f"{{{loc[-1]}: N}}")
            out.append((loc, f"unknown key {loc[-1]!r}{hint}"))
        else:
            value = e.get("input")
            got = repr(value) if not isinstance(value, (dict, list)) else None
            got = got if got is None or len(got) <= 60 else got[:57] + "..."
            msg = e["msg"].removeprefix("Value error, ")
            msg = msg[0].lower() + msg[1:]
            out.append((loc, f"{msg}, got {got}" if got is not None else msg))
    return out


def parse(located: Located) -> tuple[Question | None, list[tuple[KeyPath, str]]]:
    """Validate a constructed document: (question, problems)."""
    if not isinstance(located.data, dict):
        return None, [((), f"expected a question (a mapping with id, title, ...), got "
                           f"{type(located.data).__name__}")]
    try:
        q = Question.model_validate(located.data)
    except ValidationError as e:
        found = _pydantic_problems(e)
        seen = {loc for loc, _ in found}
        return None, found + [p for p in raw_gate_problems(located.data)
                              if p[0] not in seen]
    return q, semantic_check(q)


def read_located(path: str | Path, data: bytes | None = None) -> tuple[bytes, Located]:
    """The file's bytes and its YAML document with its node tree (QuestionError with the
    line when it cannot be read as YAML)."""
    name = str(path)
    try:
        raw = read_file(Path(path)) if data is None else data
        return raw, load(read_text(Path(path), raw))
    except YamlProblem as e:
        raise QuestionError([f"{name}:{e.line}: {e.message}"]) from None
    except OSError as e:
        raise QuestionError([f"{name}: cannot read: {e.strerror or e}"]) from None


def lines(name: str, located: Located, problems: list[tuple[KeyPath, str]],
          suffix: str = "") -> list[str]:
    """Problems as ``file:line: path: message`` lines, in file order."""
    ordered = sorted(problems, key=lambda pm: located.line(pm[0]) or 0)
    return [f"{name}:{located.line(p)}: {_dotted(p) or '(document)'}: {m}{suffix}"
            for p, m in ordered]


def validated(name: str, located: Located, suffix: str = "") -> Question:
    """The question of a document, or QuestionError listing every problem (each line
    ending with ``suffix``)."""
    q, problems = parse(located)
    if problems or q is None:
        raise QuestionError(lines(name, located, problems, suffix))
    return q


def is_template(located: Located) -> bool:
    """True for a template (a document with ``params``, format v1.2)."""
    return isinstance(located.data, dict) and "params" in located.data


def load_located(path: str | Path, data: bytes | None = None) -> tuple[Question, Located]:
    """:func:`load_question`, with the document's node tree (for the lines of its keys)."""
    _, located = read_located(path, data)
    if is_template(located):
        raise QuestionError([f"{path}:{located.line(('params',))}: params: a template of "
                             f"variants; it is read with its lock file (quizgrader variants)"])
    return validated(str(path), located), located


def load_question(path: str | Path, data: bytes | None = None) -> Question:
    """Read, validate and check one question file; raise QuestionError listing every problem.
    ``-`` reads stdin (at most the size limit, so an endless stream is refused, not read)."""
    if str(path) == "-" and data is None:
        return load_located("<stdin>", read_limited(sys.stdin.buffer))[0]
    return load_located(path, data)[0]


@dataclass
class Bank:
    """The questions read from files and folders, and the problems of those that failed.

    questions : (path, Question) in order (folders sorted by name)
    problems  : one line each, ``file:line: path: message``
    """

    questions: list[tuple[str, Question]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)   # paths of files that failed
    refused: list[str] = field(default_factory=list)   # valid, but too large to simulate
    lines: dict[str, Located] = field(default_factory=dict, repr=False)   # path -> node tree
    warnings: list[str] = field(default_factory=list)   # e.g. a template changed since its lock
    notes: list[str] = field(default_factory=list)      # for information only (Note)

    def refuse(self, path: str, key: KeyPath, message: str) -> None:
        """Take the question in ``path`` out of the bank, with a problem at ``key``'s line."""
        located = self.lines.get(path)
        line = located.line(key) if located is not None else 1
        self.problems.append(f"{path}:{line}: {'.'.join(map(str, key))}: {message}")
        self.refused.append(path)
        self.questions = [(p, q) for p, q in self.questions if p != path]

    def find(self, question_id: str) -> Question | None:
        """The question with this id, or None."""
        return next((q for _, q in self.questions if q.id == question_id), None)


def _below(folder: Path, problems: list[str]) -> list[str]:
    """The *.yaml / *.yml entries below ``folder`` (sorted), with a problem for each one that
    cannot be a question file (a dangling link, a FIFO, a device) and each unreadable folder,
    so that no question goes missing silently."""
    found = []

    def unreadable(e: OSError) -> None:
        problems.append(f"{e.filename}: cannot read this folder: {e.strerror or e}")

    for root, dirs, files in os.walk(folder, onerror=unreadable, followlinks=False):
        dirs.sort()
        for name in sorted(files):
            if Path(name).suffix not in (".yaml", ".yml") or name.endswith(LOCK_SUFFIX):
                continue
            path = Path(root) / name
            try:
                mode = path.stat().st_mode
            except FileNotFoundError:
                problems.append(f"{path}: a symbolic link to nothing (dangling)")
                continue
            except OSError as e:
                problems.append(f"{path}: cannot read: {e.strerror or e}")
                continue
            if not stat.S_ISREG(mode):
                problems.append(f"{path}: {kind(mode)}, not a question file")
                continue
            found.append(str(path))
    return sorted(found)


def expand(paths: typing.Iterable[str]) -> tuple[list[str], list[str]]:
    """Files named and the *.yaml / *.yml files below folders (sorted); and problems."""
    files: list[str] = []
    problems: list[str] = []
    for p in paths:
        if p == "-":
            files.append(p)
            continue
        path = Path(p)
        if path.is_dir():
            before = len(problems)
            found = _below(path, problems)
            if not found and len(problems) == before:
                problems.append(f"{p}: no question files (*.yaml) in this folder")
            files.extend(found)
        elif p.endswith(LOCK_SUFFIX):
            problems.append(f"{p}: a lock file of variants, not a question: give its template "
                            f"({p.removesuffix(LOCK_SUFFIX)}.yaml)")
        elif path.exists() or path.is_symlink():
            files.append(p)
        else:
            problems.append(f"{p}: no such file or folder")
    return files, problems


def _read(f: str, templates: TemplateReader | None
          ) -> tuple[list[Question], Located, list[str]]:
    name = "<stdin>" if f == "-" else f
    raw, located = read_located(name, read_limited(sys.stdin.buffer) if f == "-" else None)
    if templates is not None and is_template(located):
        qs, warnings = templates(name, raw, located)
        return qs, located, warnings
    if is_template(located):
        load_located(name, raw)                   # raises: a template needs its reader
    return [validated(name, located)], located, []


def load_bank(paths: typing.Iterable[str], templates: TemplateReader | None = None) -> Bank:
    """Load every question under ``paths``; problems do not stop the others from loading.
    A template (a file with ``params``) is read by ``templates`` into its deployed variants,
    each in ``questions`` under the template's path, in the lock's order.

    Question ids must be unique across the bank."""
    bank = Bank()
    files, bank.problems = expand(paths)
    ids: dict[str, str] = {}
    for f in files:
        try:
            qs, located, warnings = _read(f, templates)
        except QuestionError as e:
            bank.problems.extend(e.problems)
            bank.invalid.append(f)
            continue
        bank.warnings += [w for w in warnings if not isinstance(w, Note)]
        bank.notes += [w for w in warnings if isinstance(w, Note)]
        qid = qs[0].id if qs else None
        if qid is None:
            continue
        if qid in ids:
            bank.problems.append(f"{f}:{located.line(('id',))}: id: question id {qid!r} is "
                                 f"also used by {ids[qid]}")
            bank.invalid.append(f)
            continue
        ids[qid] = f
        bank.questions += [(f, q) for q in qs]
        bank.lines[f] = located
    return bank
