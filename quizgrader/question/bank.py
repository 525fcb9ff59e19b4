"""Loading question files and banks (folders), with every problem as ``file:line: path: msg``."""
from __future__ import annotations

import sys
import typing
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ValidationError

from ..errors import QuestionError
from . import semantics
from .schema import Question
from .yamlnodes import Located, YamlProblem, load, read_text


def _dotted(path: tuple) -> str:
    return ".".join(str(p) for p in path)


def _allowed_keys(path: tuple) -> list[str]:
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


def _pydantic_problems(err: ValidationError) -> list[tuple[tuple, str]]:
    out = []
    for e in err.errors(include_url=False):
        loc, kind = tuple(e["loc"]), e["type"]
        if kind == "missing":
            out.append((loc[:-1], f"missing required key {loc[-1]!r}"))
        elif kind == "extra_forbidden":
            allowed = _allowed_keys(loc[:-1])
            hint = f" (allowed: {', '.join(allowed)})" if allowed else ""
            out.append((loc, f"unknown key {loc[-1]!r}{hint}"))
        else:
            value = e.get("input")
            got = repr(value) if not isinstance(value, (dict, list)) else None
            got = got if got is None or len(got) <= 60 else got[:57] + "..."
            msg = e["msg"].removeprefix("Value error, ")
            msg = msg[0].lower() + msg[1:]
            out.append((loc, f"{msg}, got {got}" if got is not None else msg))
    return out


def parse(located: Located) -> tuple[Question | None, list[tuple[tuple, str]]]:
    """Validate a constructed document: (question, problems)."""
    if not isinstance(located.data, dict):
        return None, [((), f"expected a question (a mapping with id, title, ...), got "
                           f"{type(located.data).__name__}")]
    try:
        q = Question.model_validate(located.data)
    except ValidationError as e:
        return None, _pydantic_problems(e)
    return q, semantics.check(q)


def load_question(path: str | Path, data: bytes | None = None) -> Question:
    """Read, validate and check one question file; raise QuestionError listing every problem."""
    path = Path(path)
    name = str(path)
    try:
        located = load(read_text(path, data))
    except YamlProblem as e:
        raise QuestionError([f"{name}:{e.line}: {e.message}"]) from None
    except OSError as e:
        raise QuestionError([f"{name}: cannot read: {e.strerror or e}"]) from None
    q, problems = parse(located)
    if problems:
        raise QuestionError([f"{name}:{located.line(p)}: {_dotted(p) or '(document)'}: {m}"
                             for p, m in problems])
    return q


@dataclass
class Bank:
    """The questions read from files and folders, and the problems of those that failed.

    questions : (path, Question) in order (folders sorted by name)
    problems  : one line each, ``file:line: path: message``
    """

    questions: list[tuple[str, Question]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)   # paths of files that failed

    def find(self, question_id: str) -> Question | None:
        return next((q for _, q in self.questions if q.id == question_id), None)


def expand(paths: typing.Iterable[str]) -> tuple[list[str], list[str]]:
    """Files named and the *.yaml / *.yml files below folders (sorted); and problems."""
    files, problems = [], []
    for p in paths:
        if p == "-":
            files.append(p)
            continue
        path = Path(p)
        if path.is_dir():
            found = sorted(str(f) for f in path.rglob("*") if f.suffix in (".yaml", ".yml")
                           and f.is_file())
            if not found:
                problems.append(f"{p}: no question files (*.yaml) in this folder")
            files.extend(found)
        elif path.exists():
            files.append(p)
        else:
            problems.append(f"{p}: no such file or folder")
    return files, problems


def load_bank(paths: typing.Iterable[str]) -> Bank:
    """Load every question under ``paths``; problems do not stop the others from loading.

    Question ids must be unique across the bank."""
    bank = Bank()
    files, bank.problems = expand(paths)
    ids: dict[str, str] = {}
    for f in files:
        try:
            if f == "-":
                q = load_question("<stdin>", sys.stdin.buffer.read())
            else:
                q = load_question(f)
        except QuestionError as e:
            bank.problems.extend(e.problems)
            bank.invalid.append(f)
            continue
        if q.id in ids:
            bank.problems.append(f"{f}:1: id: question id {q.id!r} is also used by {ids[q.id]}")
            bank.invalid.append(f)
            continue
        ids[q.id] = f
        bank.questions.append((f, q))
    return bank
