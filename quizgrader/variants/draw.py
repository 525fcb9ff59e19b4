"""Which assignments of a template's parameters are its candidate variants.

Variant ``n`` of question ``id`` is drawn from sha256(id, n, parameter name): each parameter's
value index is that hash modulo its number of values, so a variant's parameters depend on
nothing but the question id, its number and the values listed (no generator whose stream a
library update could change). When the parameters have at most ``count`` combinations, the
candidates are the whole product instead, numbered in order (the last parameter varying
fastest).
"""
from __future__ import annotations

import hashlib
import itertools
from typing import Any

from .params import Params


def _index(question_id: str, number: int, name: str, size: int) -> int:
    digest = hashlib.sha256(f"{question_id}\0{number}\0{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % size


def drawn(question_id: str, params: Params, number: int) -> dict[str, Any]:
    """The assignment of variant ``number`` when variants are drawn."""
    return params.assignment(tuple(_index(question_id, number, n, len(v))
                                   for n, v in zip(params.names, params.values, strict=True)))


def candidates(question_id: str, params: Params, count: int) -> list[tuple[int, dict[str, Any]]]:
    """(variant number, assignment) of the first ``count`` candidates."""
    if params.product <= count:
        product = itertools.product(*(range(len(v)) for v in params.values))
        return [(n, params.assignment(ix)) for n, ix in enumerate(product, start=1)]
    return [(n, drawn(question_id, params, n)) for n in range(1, count + 1)]
