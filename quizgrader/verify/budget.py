"""The cost of verifying a question, bounded before any simulation runs.

An upper bound: every simulation a question may need (each claim's scenario and flips, every
scenario of each model whose delivery is checked), at the estimates of
:mod:`quizgrader.sim.budget`. A question over the limits is refused unless large work is
allowed.
"""
from __future__ import annotations

from ..question.schema import ClaimKind, Question
from ..sim import all_scenarios
from ..sim.budget import Estimate, Limits, describe, estimate, over


def question_estimate(q: Question) -> Estimate:
    """The most verifying ``q`` can cost (``--robust`` does it six times over)."""
    s, T = q.simulation.settings(), q.horizon
    total = Estimate(0.0, 0.0)
    delivered: set[str] = set()
    for opt in q.options:
        claim = opt.claim
        if claim is None:
            continue
        cell = q.models[claim.model].cell
        runs = 1 + (len(claim.gates) + (len(claim.gates) > 1)
                    if claim.kind == ClaimKind.BECAUSE else 0)
        total = total + estimate(cell, T, s, runs)
        if claim.kind != ClaimKind.IF and claim.model not in delivered:
            delivered.add(claim.model)
            n = len(all_scenarios(q.models[claim.model].model()))
            total = total + estimate(cell, T, s, n)
    return total


def too_large(q: Question, limits: Limits = Limits()) -> str | None:
    """Why verifying ``q`` is refused, or None when it fits the limits."""
    e = question_estimate(q)
    if not over(e, limits):
        return None
    s = q.simulation
    return (f"verifying this question could take {describe(e)} ({q.horizon} steps × "
            f"{s.seeds} seeds, hidden {s.hidden}, inputs {s.inputs}; the limits are "
            f"{limits.seconds:g} s and {limits.bytes / 1e9:g} GB): lower the horizon, the seeds "
            f"or the hidden size, or allow large work")
