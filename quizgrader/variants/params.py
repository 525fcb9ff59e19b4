"""A template's ``params``: name -> the values it may take (question format v1.2).

    params:
      gate: [update, reset]              # a list of values (numbers, strings, lists, mappings)
      horizon: {range: [50, 500], step: 50}

A range lists lo, lo + step, … up to hi (ints when all three are ints). The values of a
parameter keep their order; a variant is one value per parameter.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from ..question.yamlnodes import KeyPath

#: The most values one parameter may list (a range is expanded).
MAX_VALUES = 1000
#: A parameter's name: a Jinja (Python) identifier in ASCII, of any case (variants.md's own
#: example is ``horizon: "{{ T }}"``).
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
#: Names Jinja gives a meaning of its own.
RESERVED = {"true", "false", "none", "True", "False", "None", "loop", "self", "varargs",
            "kwargs", "caller", "range", "lipsum", "dict", "cycler", "joiner", "namespace", "and",
            "or", "not", "in", "is", "if", "else", "for"}
Problem = tuple[KeyPath, str]


@dataclass(frozen=True)
class Params:
    """The parameters of a template, in the order the file gives them.

    names  : (P,) parameter names
    values : (P,) each parameter's values, a tuple of plain data
    """
    names: tuple[str, ...]
    values: tuple[tuple[Any, ...], ...]

    @property
    def product(self) -> int:
        """How many distinct assignments there are."""
        return math.prod(len(v) for v in self.values)

    def assignment(self, indexes: tuple[int, ...]) -> dict[str, Any]:
        """name -> value for one index per parameter."""
        return {n: v[i] for n, v, i in zip(self.names, self.values, indexes, strict=True)}


def _plain(value: Any) -> bool:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return not (isinstance(value, float) and not math.isfinite(value))
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    return False


def _range(spec: dict[str, Any], where: KeyPath) -> tuple[tuple[Any, ...], list[Problem]]:
    unknown = sorted(set(spec) - {"range", "step"})
    if unknown:
        return (), [((*where, unknown[0]), f"unknown key {unknown[0]!r} (allowed: range, step)")]
    span, step = spec.get("range"), spec.get("step", 1)
    numbers = (int, float)
    if not (isinstance(span, list) and len(span) == 2
            and all(isinstance(x, numbers) and not isinstance(x, bool) for x in span)):
        return (), [((*where, "range"), "expected [lo, hi], two numbers")]
    if not (isinstance(step, numbers) and not isinstance(step, bool) and step > 0
            and math.isfinite(step)):
        return (), [((*where, "step"), f"expected a number above 0, got {step!r}")]
    lo, hi = span
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi < lo:
        return (), [((*where, "range"), f"expected lo ≤ hi, got [{lo!r}, {hi!r}]")]
    count = int(math.floor((hi - lo) / step + 1e-9)) + 1
    if count > MAX_VALUES:
        return (), [(where, f"the range has {count} values; a parameter may have at most "
                            f"{MAX_VALUES}")]
    ints = all(isinstance(x, int) for x in (lo, hi, step))
    values = tuple(lo + i * step if ints else round(lo + i * step, 12) for i in range(count))
    return values, []


def parse_params(raw: Any) -> tuple[Params | None, list[Problem]]:
    """The ``params`` mapping of a template, or the problems with it (paths from the
    document's root)."""
    where: KeyPath = ("params",)
    if not isinstance(raw, dict) or not raw:
        return None, [(where, "params must be a mapping: name -> a list of values, or "
                              "{range: [lo, hi], step: s}")]
    names, values, problems = [], [], []
    for name, spec in raw.items():
        at = (*where, name)
        if not isinstance(name, str) or not NAME.match(name) or name in RESERVED:
            problems.append((at, f"parameter name {name!r} must be letters, digits and _, not "
                                 f"starting with a digit (and not a Jinja word such as loop, "
                                 f"range or True)"))
            continue
        if isinstance(spec, dict):
            found, wrong = _range(spec, at)
            problems += wrong
        elif isinstance(spec, list) and spec:
            found = tuple(spec)
            if len(found) > MAX_VALUES:
                problems.append((at, f"{len(found)} values; a parameter may have at most "
                                     f"{MAX_VALUES}"))
            bad = next((i for i, v in enumerate(found) if not _plain(v)), None)
            if bad is not None:
                problems.append(((*at, bad), "a value must be plain data (a number, string, "
                                             "list or mapping)"))
            if len(set(map(repr, found))) != len(found):
                problems.append((at, "a value is listed twice"))
        else:
            problems.append((at, "expected a list of values or {range: [lo, hi], step: s}"))
            continue
        names.append(name)
        values.append(found)
    if problems:
        return None, problems
    return Params(tuple(names), tuple(values)), []
