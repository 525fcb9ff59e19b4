"""Typed results of verification: what each check found, as evidence the text layer reads.

Nothing here is prose: statuses, check names and decisions are enums (``str`` subclasses, so
they print and serialise as their values), and each check's evidence is a small record.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from ..question.schema import Option, Question
from ..sim import Curves, Scenario


class Check(StrEnum):
    """The four checks of an option with a claim, in the order they decide."""

    REACHABLE = "reachable"
    AS_CLAIMED = "as-claimed"
    REASON_MATTERS = "reason-matters"
    MODEL_DELIVERS = "model-delivers"


class Decision(StrEnum):
    """What decided an option: the first check that failed, or why it is correct."""

    REACHABLE = "reachable"
    AS_CLAIMED = "as-claimed"
    REASON_MATTERS = "reason-matters"
    MODEL_DELIVERS = "model-delivers"
    STATIC = "static"
    ALL_PASS = "all-pass"


class Status(StrEnum):
    """A question's status after verification."""

    OK = "ok"
    KEY_MISMATCH = "key-mismatch"
    AMBIGUOUS = "ambiguous"
    INVALID = "invalid"


@dataclass(frozen=True)
class Unreachable:
    """A cited gate ``gate`` ≈ ``wanted`` that the model fixes at ``fixed`` (too far away)."""

    gate: str
    wanted: int
    fixed: float


@dataclass(frozen=True)
class Flip:
    """The counterfactual of check 3: gate ``gate`` at ``value`` instead of the claimed one.

    ``changed``: the behaviour over the horizon differs from the claim's scenario."""

    gate: str
    value: int
    curves: Curves
    changed: bool


@dataclass(frozen=True)
class Delivery:
    """Check 4's evidence: the scenarios tried and, if any, the one that decided."""

    scenario: Scenario | None      # the deciding scenario (delivered / counter-example)
    curves: Curves | None
    tried: int
    reads_inputs: bool | None      # for preserved: did some preserving scenario read inputs?


@dataclass(frozen=True)
class OptionVerdict:
    """One option's verdict and the evidence of every check that ran."""

    option: Option
    correct: bool
    decided_by: Decision
    checks: dict[Check, bool] = field(default_factory=dict)   # the checks that ran
    unreachable: tuple[Unreachable, ...] = ()
    scenario: Scenario = ()
    curves: Curves | None = None                      # the claim's scenario
    flips: tuple[Flip, ...] = ()
    delivery: Delivery | None = None

    @property
    def gain(self) -> float | None:
        """gain(T) in the claim's scenario (None for a static option or an unreachable one)."""
        return self.curves.final if self.curves is not None else None

    def passed(self, check: Check) -> bool | None:
        """Whether ``check`` passed (None if it did not run)."""
        return self.checks.get(check)


@dataclass(frozen=True)
class QuestionVerdict:
    """Every option's verdict; the computed key and the question's status follow from them."""

    question: Question
    path: str
    options: tuple[OptionVerdict, ...]

    @property
    def computed_key(self) -> list[str]:
        return [v.option.id for v in self.options if v.correct]

    @property
    def author_key(self) -> list[str] | None:
        """The author's key in option order and the options' own spelling (None if absent)."""
        q = self.question
        if q.key is None:
            return None
        wanted = {q.option(k).id for k in q.key if q.option(k) is not None}
        return [o.id for o in q.options if o.id in wanted]

    @property
    def status(self) -> Status:
        if self.question.select == "one" and len(self.computed_key) != 1:
            return Status.AMBIGUOUS
        if self.author_key is not None and self.author_key != self.computed_key:
            return Status.KEY_MISMATCH
        return Status.OK

    def verdict(self, option_id: str) -> OptionVerdict | None:
        """The verdict of the option ``option_id`` (matched as :meth:`Question.option`)."""
        opt = self.question.option(option_id)
        return None if opt is None else next(v for v in self.options if v.option is opt)
