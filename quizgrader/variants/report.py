"""What ``quizgrader variants`` prints: per template the candidates tried, deployed and
rejected (with the reason), where the key falls over the deployed variants, the smallest
margin; as text or JSON (the lock's fields plus the rejected candidates)."""
from __future__ import annotations

import json
from typing import Any

from .deploy import Deployment


def shown(value: Any) -> str:
    """A parameter value in a report line: a list as ``a/b``, a mapping by its first
    value (the lock keeps them whole)."""
    if isinstance(value, dict):
        return shown(next(iter(value.values()))) if value else "{}"
    if isinstance(value, list):
        return "/".join(shown(v) for v in value)
    return str(value)


def _params(values: dict[str, Any], fixed: set[str]) -> str:
    return ", ".join(f"{k}={shown(v)}" for k, v in values.items() if k not in fixed)


def deployment_text(d: Deployment, written: str | None) -> str:
    """The report of one template, in words."""
    t, deployed = d.template, d.deployed
    fixed = {n for n, v in zip(t.params.names, t.params.values, strict=True) if len(v) == 1}
    lines = [f"{t.id} ({t.path}): {len(d.candidates)} candidates, {len(deployed)} deployed, "
             f"{len(d.candidates) - len(deployed)} rejected"]
    for c in d.candidates:
        if c.deployed:
            lines.append(f"  variant {c.number}: deployed, key {';'.join(c.key)}  "
                         f"({_params(c.params, fixed)})")
        else:
            lines.append(f"  variant {c.number}: rejected, {c.reason}  "
                         f"({_params(c.params, fixed)})")
    if deployed:
        spread = ", ".join(f"{o} {n}" for o, n in d.positions().items())
        lines.append(f"  key positions over the deployed variants: {spread}")
        if sum(1 for n in d.positions().values() if n) == 1:
            lines.append("  warning: the key is the same option in every variant (a learner "
                         "can guess it)")
        low = d.smallest_margin()
        if low is not None:
            lines.append(f"  smallest margin: {low[2]:.2f} decades (variant {low[0]}, option "
                         f"{low[1]})")
    else:
        lines.append("  nothing deployed: no lock written")
    if written:
        lines.append(f"  lock written: {written}")
    if deployed and d.lock.salt is not None:
        lines.append(f"  each learner's variant is assigned with the salt {d.lock.salt!r}")
    return "\n".join(lines) + "\n"


def deployment_json(d: Deployment, written: str | None) -> dict[str, Any]:
    """The report of one template as JSON-ready data."""
    low = d.smallest_margin()
    return {**d.lock.model_dump(mode="json"), "path": d.template.path, "lock_file": written,
            "candidates": len(d.candidates), "deployed": len(d.deployed),
            "rejected": [{"number": c.number, "params": c.params, "reason": c.reason}
                         for c in d.candidates if not c.deployed],
            "key_positions": d.positions(),
            "smallest_margin": None if low is None else
            {"variant": low[0], "option": low[1], "decades": low[2]}}


def report_json(found: list[tuple[Deployment, str | None]]) -> str:
    """Every template's report as one JSON document."""
    return json.dumps({"templates": [deployment_json(d, w) for d, w in found]}, indent=2,
                      ensure_ascii=False) + "\n"
