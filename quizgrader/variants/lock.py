"""The lock file of a template, ``<id>.variants.yaml`` beside it: the deployed variants.

    template: c5w1-gru-template
    salt: 3f9c0a1b2d4e5f60       # assigns each learner a variant (grading.assign)
    provenance: {question: <sha256 of the template file>, code: <sha256>, numpy: 2.3.1,
                 backend: numba}
    variants:
    - number: 3
      params: {gate: update, value: 1, horizon: 200, hidden: 16}
      key: [C]
      margins: {A: 3.1, B: 2.4, C: 1.9, D: 12.0}

It is committed with the bank, like a dependency lock: everything that uses the template uses
these variants, with these parameters, and never draws new ones; and assigns each learner
one of them with the lock's salt. A lock written before locks held a salt reads as before
(``salt`` None: see :mod:`quizgrader.grading.assign`).
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import QuestionError
from ..question.yamlnodes import YamlProblem, load, read_text

SUFFIX = ".variants.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Provenance(_Strict):
    """What deployed the variants: the template's bytes, the code, numpy, the backend."""
    question: str
    code: str
    numpy: str
    backend: str


class Locked(_Strict):
    """One deployed variant: its number, parameters, computed key and option margins."""
    number: Annotated[int, Field(ge=1)]
    params: dict[str, Any]
    key: list[str]
    margins: dict[str, float | None] = Field(default_factory=dict)


class Lock(_Strict):
    """A lock file (``salt`` None: an older lock, written without one)."""
    template: str
    salt: str | None = None
    provenance: Provenance
    variants: list[Locked]

    def numbers(self) -> tuple[int, ...]:
        """The deployed variant numbers, in the lock's order."""
        return tuple(v.number for v in self.variants)


def lock_path(template: str | Path) -> Path:
    """Where the lock of the template file ``template`` is: ``<id>.variants.yaml`` beside
    it (named after the file, which carries the id)."""
    p = Path(template)
    return p.with_name(p.name.removesuffix(p.suffix) + SUFFIX)


def is_lock(path: str | Path) -> bool:
    """True for a lock file's name (a bank folder's listing skips them)."""
    return str(path).endswith(SUFFIX)


def digest(data: bytes) -> str:
    """sha256 of a template file's bytes, as the lock records it."""
    return hashlib.sha256(data).hexdigest()


def read_lock(path: Path) -> Lock:
    """The lock at ``path``; QuestionError with ``file:line: path: message`` lines."""
    try:
        located = load(read_text(path))
    except YamlProblem as e:
        raise QuestionError([f"{path}:{e.line}: {e.message}"]) from None
    try:
        return Lock.model_validate(located.data)
    except ValidationError as e:
        raise QuestionError([
            f"{path}:{located.line(tuple(err['loc']))}: "
            f"{'.'.join(map(str, err['loc'])) or '(document)'}: {err['msg']}"
            for err in e.errors(include_url=False)]) from None


def lock_text(lock: Lock) -> str:
    """The lock as YAML text (byte-identical for the same lock)."""
    head = (f"# The deployed variants of {lock.template}, written by `quizgrader variants`.\n"
            f"# Commit it with the bank: grading, the service and exports use these variants,\n"
            f"# and its salt assigns each learner one of them.\n")
    data = lock.model_dump(mode="json")
    if data["salt"] is None:
        del data["salt"]
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True,
                          default_flow_style=None, width=100)
    return head + body
