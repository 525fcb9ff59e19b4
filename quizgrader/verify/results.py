"""Typed results of verification: what each check found, as evidence the text layer reads.

Nothing here is prose: statuses, check names, decisions and findings are enums (``str``
subclasses, so they print and serialise as their values), and each check's evidence is a
small record with the numbers that decided it and its :class:`~.margins.Margin`.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ..question.schema import Option, Question
from ..sim import Curves, Scenario
from .margins import Margin


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
    UNSTABLE = "unstable"
    INVALID = "invalid"


class FindingKind(StrEnum):
    """What a finding is about."""
    KEY_MISMATCH = "key-mismatch"
    AMBIGUOUS = "ambiguous"
    FRAGILE = "fragile"
    UNSTABLE = "unstable"


@dataclass(frozen=True)
class Unreachable:
    """A cited gate ``gate`` ≈ ``wanted`` that the model fixes at ``fixed`` (too far away)."""

    gate: str
    wanted: int
    fixed: float


@dataclass(frozen=True)
class Flip:
    """A counterfactual of check 3: the cited ``gates`` at ``values`` instead (one gate, or
    all of them together for the joint flip).

    changed  : the behaviour over the horizon differs from the claim's scenario
    moved    : |log10 gain − log10 claim's gain|, both clipped to [vanish_below, explode_above]
    relevant : the flip carries part of the effect (changed, or moved ≥ 1 decade)
    """

    gates: tuple[str, ...]
    values: tuple[int, ...]
    curves: Curves
    changed: bool
    moved: float
    relevant: bool
    margin: Margin

    @property
    def pairs(self) -> tuple[tuple[str, int], ...]:
        """The flipped gates with their new values."""
        return tuple(zip(self.gates, self.values, strict=True))


@dataclass(frozen=True)
class Tried:
    """One scenario of check 4: its curves, and how far it carries the first input.

    carry   : carry(T) = reach(T) / reach₀(1), reach₀(1) being the reach after one step of
              the model with every free gate free (how strongly the cell writes an input in
              one normal step); 0 for a model that never writes one
    carries : carry(T) is between vanish_below and explode_above (semantics v3)
    carry_interval : carry(T)'s 95 % interval over the seeds (reach(T)'s over reach₀(1))
    """

    scenario: Scenario
    curves: Curves
    carry: float
    carries: bool
    carry_interval: tuple[float, float] | None = None


@dataclass(frozen=True)
class Delivery:
    """Check 4's evidence: every scenario tried, reach₀(1), and the one that decided, if any.

    deciding : preserved: the scenario with the largest carry that carries (or, when none
               does, the one that comes nearest); vanishes: the counter-example that does not
               vanish; explodes: all gates free
    """

    tried: tuple[Tried, ...]
    deciding: Tried | None
    reach0: float = float("nan")

    @property
    def scenario(self) -> Scenario | None:
        """The deciding scenario, if any."""
        return self.deciding.scenario if self.deciding is not None else None

    @property
    def curves(self) -> Curves | None:
        """The deciding scenario's curves, if any."""
        return self.deciding.curves if self.deciding is not None else None


@dataclass(frozen=True)
class CheckResult:
    """One check that ran: passed or not, and its margin (None: no number decides it)."""

    check: Check
    passed: bool
    margin: Margin | None


@dataclass(frozen=True)
class OptionVerdict:
    """One option's verdict and the evidence of every check that ran.

    margin  : decades between the deciding number and its threshold (None: static option, or
              a reason that can never happen), with the number's 95 % interval over the seeds;
              fragile when below the question's fragile_below, or when the threshold lies
              inside that interval (v4)
    """

    option: Option
    correct: bool
    decided_by: Decision
    checks: tuple[CheckResult, ...] = ()
    unreachable: tuple[Unreachable, ...] = ()
    scenario: Scenario = ()
    curves: Curves | None = None                      # the claim's scenario
    flips: tuple[Flip, ...] = ()                      # one per cited gate (because-claims)
    joint: Flip | None = None                         # all cited gates (when two or more)
    delivery: Delivery | None = None
    margin: Margin | None = None
    fragile: bool = False

    @property
    def gain(self) -> float | None:
        """gain(T) in the claim's scenario (None for a static option or an unreachable one)."""
        return self.curves.final if self.curves is not None else None

    def passed(self, check: Check) -> bool | None:
        """Whether ``check`` passed (None if it did not run)."""
        return next((c.passed for c in self.checks if c.check == check), None)


@dataclass(frozen=True)
class Variation:
    """The question verified again with another seed or hidden size; ``flipped``: the
    options whose verdict differs from the plain verification."""

    seed: int
    hidden: int
    computed_key: tuple[str, ...]
    flipped: tuple[str, ...]


@dataclass(frozen=True)
class Robustness:
    """The question verified again under each variation."""
    variations: tuple[Variation, ...]

    @property
    def stable(self) -> bool:
        """True when no variation changed the key."""
        return not any(v.flipped for v in self.variations)


@dataclass(frozen=True)
class Finding:
    """Something an author should look at: its kind, the options concerned, and for an
    unstable key the variation that changed it."""

    kind: FindingKind
    options: tuple[str, ...]
    variation: Variation | None = None


@dataclass(frozen=True)
class QuestionVerdict:
    """Every option's verdict; the computed key, the findings and the status follow."""

    question: Question
    path: str
    options: tuple[OptionVerdict, ...]
    robust: Robustness | None = None

    @property
    def computed_key(self) -> list[str]:
        """The ids of the options that pass, in option order."""
        return [v.option.id for v in self.options if v.correct]

    @property
    def author_key(self) -> list[str] | None:
        """The author's key in option order and the options' own spelling (None if absent)."""
        q = self.question
        if q.key is None:
            return None
        wanted = {o.id for o in (q.option(k) for k in q.key) if o is not None}
        return [o.id for o in q.options if o.id in wanted]

    @property
    def findings(self) -> list[Finding]:
        """Everything an author should look at (see :class:`Finding`)."""
        out = []
        computed, author = self.computed_key, self.author_key
        if self.question.select == "one" and len(computed) != 1:
            out.append(Finding(FindingKind.AMBIGUOUS, tuple(computed)))
        if author is not None and author != computed:
            out.append(Finding(FindingKind.KEY_MISMATCH, tuple(
                o.id for o in self.question.options if (o.id in author) != (o.id in computed))))
        out += [Finding(FindingKind.FRAGILE, (v.option.id,)) for v in self.options if v.fragile]
        if self.robust is not None:
            out += [Finding(FindingKind.UNSTABLE, v.flipped, v)
                    for v in self.robust.variations if v.flipped]
        return out

    @property
    def status(self) -> Status:
        """ok, or the most serious finding's status."""
        kinds = {f.kind for f in self.findings}
        for kind, status in ((FindingKind.AMBIGUOUS, Status.AMBIGUOUS),
                             (FindingKind.KEY_MISMATCH, Status.KEY_MISMATCH),
                             (FindingKind.UNSTABLE, Status.UNSTABLE)):
            if kind in kinds:
                return status
        return Status.OK

    @property
    def fragile(self) -> bool:
        """True when some option's verdict is fragile."""
        return any(v.fragile for v in self.options)

    def verdict(self, option_id: str) -> OptionVerdict | None:
        """The verdict of the option ``option_id`` (matched as :meth:`Question.option`)."""
        opt = self.question.option(option_id)
        return None if opt is None else next(v for v in self.options if v.option is opt)
