"""Rendering a template's document for one assignment of its parameters.

Every string scalar and mapping key holding ``{{`` or ``{%`` is a Jinja2 template, rendered in
the sandboxed environment with undefined names as errors. A scalar that is exactly one
``{{ expr }}`` takes the expression's value with its type (an int, a list, a mapping); any
other is rendered as text. Fields that are the same in every variant (the id, the option ids,
``select``, ``scoring``) may not hold a parameter.
"""
from __future__ import annotations

import math
import re
from functools import cache, lru_cache
from typing import Any, Callable

from jinja2 import StrictUndefined, Template, TemplateError, Undefined, UndefinedError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from ..question.yamlnodes import KeyPath

Problem = tuple[KeyPath, str]
_ONE = re.compile(r"^\s*\{\{((?:(?!\}\}|\{\{).)*)\}\}\s*$", re.S)


class RenderProblem(Exception):
    """A template field that cannot be rendered (at ``path``)."""

    def __init__(self, path: KeyPath, message: str):
        super().__init__(message)
        self.path, self.message = path, message


#: The longest string or list an expression may build by repetition, and the largest power.
MAX_REPEAT = 100_000
MAX_POWER = 1000


class Sandbox(SandboxedEnvironment):
    """Jinja2's sandbox, with ``*`` and ``**`` bounded: ``'x' * 10**10`` is refused rather
    than exhausting memory (a question's text is at most 20,000 characters anyway)."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > MAX_POWER:
            raise SecurityError(f"a power above {MAX_POWER} is not allowed in a template")
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(n, int) and \
                        len(seq) * n > MAX_REPEAT:
                    raise SecurityError(f"repeating text or a list past {MAX_REPEAT} items "
                                        f"is not allowed in a template")
        return super().call_binop(context, operator, left, right)


@cache
def environment() -> SandboxedEnvironment:
    """The sandboxed environment every template renders in (no autoescape: the text is
    Markdown, escaped where each output needs it)."""
    return Sandbox(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)


@lru_cache(maxsize=4096)
def _compiled(text: str) -> Template:
    """A scalar's template, compiled once per process (every variant renders the same)."""
    return environment().from_string(text)


@lru_cache(maxsize=4096)
def _expression(expr: str) -> Callable[..., Any]:
    """A lone expression, compiled once per process."""
    return environment().compile_expression(expr, undefined_to_none=False)


def fixed_field(path: KeyPath) -> bool:
    """True for the fields that must be the same in every variant."""
    return (len(path) == 1 and path[0] in ("id", "params", "select", "scoring")) or \
        (len(path) == 3 and path[0] == "options" and path[2] == "id")


def templated(value: object) -> bool:
    """True when a scalar holds Jinja markup."""
    return isinstance(value, str) and ("{{" in value or "{%" in value)


def _native(value: Any, path: KeyPath) -> Any:
    """An expression's value as plain data (tuples become lists)."""
    if isinstance(value, Undefined):
        name = getattr(value, "_undefined_name", None)
        raise RenderProblem(path, f"undefined name: {name!r} is undefined" if name
                            else "undefined name in the expression")
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise RenderProblem(path, f"the expression gives {value!r}, not a finite number")
        return value
    if isinstance(value, (list, tuple)):
        return [_native(v, path) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise RenderProblem(path, "a mapping from the expression must have text keys")
        return {k: _native(v, path) for k, v in value.items()}
    raise RenderProblem(path, f"the expression gives a {type(value).__name__}, not plain data "
                              f"(a number, text, list or mapping)")


def _message(e: Exception) -> str:
    if isinstance(e, UndefinedError):
        return f"undefined name: {e.message}" if e.message else "undefined name"
    text = getattr(e, "message", None) or str(e)
    return f"template: {text}"


def render_scalar(text: str, values: dict[str, Any], path: KeyPath) -> Any:
    """One scalar rendered: the typed value of a lone ``{{ expr }}``, else text."""
    one = _ONE.match(text)
    try:
        if one:
            return _native(_expression(one.group(1))(**values), path)
        return _compiled(text).render(**values)
    except RenderProblem:
        raise
    except (TemplateError, TypeError, ValueError, ArithmeticError, LookupError) as e:
        raise RenderProblem(path, _message(e)) from None


def render(data: Any, values: dict[str, Any], path: KeyPath = ()) -> Any:
    """``data`` (a constructed YAML document) rendered for ``values``; raises
    :class:`RenderProblem` at the first field that cannot be."""
    if isinstance(data, dict):
        out: dict[Any, Any] = {}
        for k, v in data.items():
            here = (*path, k)
            if templated(k):
                if fixed_field(here):
                    raise RenderProblem(here, "this key cannot take a parameter")
                k = render_scalar(k, values, here)
                if not isinstance(k, str):
                    raise RenderProblem(here, "a rendered key must be text")
            if k in out:
                raise RenderProblem(here, f"the rendered key {k!r} is there twice")
            out[k] = render(v, values, (*path, k))
        return out
    if isinstance(data, list):
        return [render(v, values, (*path, i)) for i, v in enumerate(data)]
    if templated(data):
        if fixed_field(path):
            raise RenderProblem(path, "this field is the same in every variant: it cannot "
                                      "take a parameter")
        return render_scalar(data, values, path)
    return data
