"""A template file: its parameters, and each variant rendered and validated as a question.

A variant's problems are the template's ``file:line: path: message`` lines, each ending with
the variant and its parameters, ``(variant 3: gate=update, horizon=200)``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import QuestionError
from ..question.bank import lines, validated
from ..question.schema import Question
from ..question.yamlnodes import Located
from .lock import digest
from .params import Params, parse_params
from .render import RenderProblem, render


@dataclass(frozen=True)
class Template:
    """A template file read: where it is, its parameters, its document without them.

    path   : the file, as the bank names it
    id     : the question id (never a parameter)
    digest : sha256 of the file's bytes (a lock records it)
    """
    path: str
    id: str
    params: Params
    document: dict[str, Any]
    located: Located
    digest: str

    def label(self, number: int, values: dict[str, Any]) -> str:
        """`` (variant 3: gate=update, horizon=200)``: what ends a variant's problem lines."""
        shown = ", ".join(f"{k}={_short(v)}" for k, v in values.items())
        return f" (variant {number}: {shown})"

    def variant(self, number: int, values: dict[str, Any]) -> Question:
        """Variant ``number``: the document rendered for ``values``, validated, numbered;
        QuestionError with the template's lines."""
        missing = [n for n in self.params.names if n not in values]
        extra = [n for n in values if n not in self.params.names]
        if missing or extra:
            what = (f"no value for {', '.join(missing)}" if missing else
                    f"{', '.join(extra)} is not a parameter of the template")
            raise QuestionError([f"{self.path}:{self.located.line(('params',))}: params: "
                                 f"{what}{self.label(number, values)}"])
        try:
            data = render(self.document, values)
        except RenderProblem as e:
            raise QuestionError(lines(self.path, self.located, [(e.path, e.message)],
                                      self.label(number, values))) from None
        return validated(self.path, Located(data, self.located.root),
                         self.label(number, values)).as_variant(number)


def _short(value: Any) -> str:
    if isinstance(value, dict):                    # a mapping: by its first value
        return _short(next(iter(value.values()))) if value else "{}"
    text = "/".join(map(_short, value)) if isinstance(value, list) else str(value)
    return text if len(text) <= 30 else text[:27] + "..."


def read_template(path: str, raw: bytes, located: Located) -> Template:
    """The template in ``located`` (its ``params`` parsed); QuestionError with lines."""
    data = located.data
    params, problems = parse_params(data.get("params"))
    qid = data.get("id")
    if not isinstance(qid, str) or "{" in qid:
        problems.append((("id",), "a template needs a fixed id (no parameter in it)"))
    if params is None or problems:
        raise QuestionError(lines(path, located, problems))
    document = {k: v for k, v in data.items() if k != "params"}
    return Template(path, qid, params, document, located, digest(raw))
