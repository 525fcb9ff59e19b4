"""The question format v1.2 as pydantic models (``extra="forbid"``, strict types).

v1.1 adds conditional claims (``if:``) beside the because-claims (``when:``), and the
``simulation.fragile_below`` margin; v1.2 the cells janet, mgu and indrnn, the
initialisations ``init.bias``, ``init.chrono``, ``init.recurrent``, ``init.recurrent_range``,
and ``if: free`` (parameters are read by :mod:`quizgrader.variants`).

Field-level rules live here; rules that relate fields (option ids unique, the key names real
options, gates exist for the model's cell, ...) are in :mod:`quizgrader.question.semantics`.
"""
from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
)

from ..sim import BEHAVIOURS, CELLS, DEFAULT_STEPS, Model, Settings
from ..sim.model import ACTIVATIONS, MAX_BIAS, MAX_U, RECURRENTS, RESETS, pairs

#: Characters no text may hold: C0 controls but tab and line ends, DEL, C1 controls, lone
#: surrogates and the non-characters U+FFFE/U+FFFF (XML, and so every LMS format, refuses them).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def _printable(value: str) -> str:
    bad = _CONTROL.search(value)
    if bad:
        raise ValueError(f"control character U+{ord(bad.group()):04X} at position "
                         f"{bad.start() + 1}: text must be printable")
    return value


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


QuestionId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=100)]
OptionId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$",
                                            max_length=20)]
#: An option id in a key: surrounding spaces are ignored, as in answers.
KeyId = Annotated[str, BeforeValidator(_strip), StringConstraints(min_length=1, max_length=20)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=20_000),
                 AfterValidator(_printable)]
Gradient = Literal[BEHAVIOURS]  # type: ignore[valid-type]
Unit = Annotated[float, Field(ge=0.0, le=1.0)]


def _not_bool(value: object) -> object:
    """YAML's true/false are Python bools, which equal 1/0: refuse them where 0/1 is meant."""
    if isinstance(value, bool):
        raise ValueError("expected 0 or 1, not a boolean")
    return value


GateValue = Annotated[Literal[0, 1], BeforeValidator(_not_bool)]


def _if_value(value: object) -> object:
    """``if:`` is a mapping of gate values or the word ``free``: one clear error otherwise,
    not one per branch of the union."""
    if isinstance(value, dict) or value == "free":
        return value
    raise ValueError("if takes gate values, e.g. {forget: 1}, or the word free (the cell "
                     "as initialised, no gate held)")


def variant_name(question_id: str, variant: int | None) -> str:
    """How a question's variant is named where one name is needed: ``id#3`` (the id alone
    for a plain question)."""
    return question_id if variant is None else f"{question_id}#{variant}"


def variant_number(cell: str) -> int | None:
    """A variant number as a CSV cell or a form field gives it (None: none, or not one)."""
    cell = cell.strip()
    return int(cell) if cell.isdigit() and len(cell) < 10 else None


class Strict(BaseModel):
    """A model that forbids unknown keys, coerces no types and is immutable."""
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Simulation(Strict):
    """How options are simulated (defaults of verification.md)."""

    hidden: Annotated[int, Field(ge=1, le=256)] = 16
    inputs: Annotated[int, Field(ge=1, le=256)] = 8
    seeds: Annotated[int, Field(ge=1, le=1024)] = 32
    seed: Annotated[int, Field(ge=0, le=2**32 - 1)] = 0
    epsilon: Annotated[float, Field(gt=0.0, lt=0.5)] = 0.001
    vanish_below: Annotated[float, Field(gt=0.0, lt=1.0, allow_inf_nan=False)] = 0.01
    explode_above: Annotated[float, Field(gt=1.0, le=1e300, allow_inf_nan=False)] = 100.0
    fragile_below: Annotated[float, Field(ge=0.0, le=10.0)] = 0.5

    def settings(self) -> Settings:
        """The simulator's settings (``fragile_below`` is the verifier's, not the simulator's)."""
        return Settings(**self.model_dump(exclude={"fragile_below"}))


Bias = Annotated[float, Field(ge=-MAX_BIAS, le=MAX_BIAS, allow_inf_nan=False)]
URange = Annotated[float, Field(ge=-MAX_U, le=MAX_U, allow_inf_nan=False)]


def whole(x: float) -> float:
    """``x``, as an int when it is a whole number (chrono: 19.0 is 19)."""
    return int(x) if x.is_integer() else x


class Init(Strict):
    """How a model's random weights and inputs are drawn (v1.2: biases, chrono, the
    recurrent blocks, the IndRNN's u)."""
    scale: Annotated[float, Field(ge=0.0, le=100.0)] = 1.0
    input_scale: Annotated[float, Field(ge=0.0, le=100.0)] = 1.0
    bias: dict[str, Bias] = Field(default_factory=dict)
    chrono: Annotated[float, Field(ge=2, le=1_000_000, allow_inf_nan=False),
                      AfterValidator(whole)] | None = None
    recurrent: Literal[RECURRENTS] = "gaussian"  # type: ignore[valid-type]
    recurrent_range: Annotated[list[URange], Field(min_length=2, max_length=2)] | None = None


class ModelSpec(Strict):
    """A model the options talk about: a cell with some gates removed (fixed)."""

    cell: Literal[CELLS]  # type: ignore[valid-type]
    fixed: dict[str, Unit] = Field(default_factory=dict)
    label: Text | None = None
    init: Init = Init()
    activation: Literal[ACTIVATIONS] | None = None  # type: ignore[valid-type]  # rnn, indrnn
    reset: Literal[RESETS] | None = None  # type: ignore[valid-type]

    def model(self) -> Model:
        """The simulator's :class:`~quizgrader.sim.Model` of this spec."""
        i = self.init
        return Model(self.cell, pairs(self.fixed), self.activation or "",
                     self.reset or "before", i.scale, i.input_scale, pairs(i.bias), i.chrono,
                     i.recurrent, None if i.recurrent_range is None else
                     (i.recurrent_range[0], i.recurrent_range[1]))


class ClaimKind(StrEnum):
    """because: "*model* works that way over long sequences, because when *when*, the
    gradient *gradient*"; if: "in *model*, if *if* holds at every step, the gradient
    *gradient*" (``if: free``: with no gate held, the cell as initialised); bare: "*model*
    does that over long sequences"."""

    BECAUSE = "because"
    IF = "if"
    BARE = "bare"


class Claim(Strict):
    """A checkable statement about a model's gradient (see :class:`ClaimKind`)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True)

    model: str
    gradient: Gradient
    when: dict[str, GateValue] = Field(default_factory=dict)
    if_: Annotated[dict[str, GateValue] | Literal["free"], BeforeValidator(_if_value)] = Field(
        default_factory=dict, alias="if")

    @property
    def kind(self) -> ClaimKind:
        """because (``when``), if (``if``, gates or ``free``) or bare (no gates)."""
        return ClaimKind.BECAUSE if self.when else ClaimKind.IF if self.if_ else ClaimKind.BARE

    @property
    def free(self) -> bool:
        """True for ``if: free``: the claim is about the cell with no gate held."""
        return self.if_ == "free"

    @property
    def has_setting(self) -> bool:
        """True when the claim states a setting to simulate as claimed: gates, or ``free``."""
        return bool(self.when or self.if_)

    @property
    def gates(self) -> dict[str, int]:
        """The gate values the claim cites (its ``when`` or its ``if``; none for ``free``)."""
        return dict(self.when) if self.when else {} if self.if_ == "free" else dict(self.if_)


class Option(Strict):
    """One answer option: a claim to simulate, or ``correct`` with ``feedback``."""
    id: OptionId
    text: Text
    claim: Claim | None = None
    correct: bool | None = None
    feedback: Text | None = None


class Question(Strict):
    """One question file (format v1.2): stem, models, options, key, settings."""
    id: QuestionId
    title: Text
    stem: Text
    source: Text | None = None
    tags: list[Annotated[str, StringConstraints(min_length=1, max_length=100),
                         AfterValidator(_printable)]] = Field(default_factory=list)
    select: Literal["one", "many"] = "one"
    scoring: Literal["all-or-nothing", "net-correct", "each-answer"] | None = None
    horizon: Annotated[int, Field(ge=1, le=100_000)] = DEFAULT_STEPS
    simulation: Simulation = Simulation()
    models: dict[str, ModelSpec] = Field(default_factory=dict)
    options: Annotated[list[Option], Field(min_length=2, max_length=26)]
    key: list[KeyId] | None = None
    #: The variant number of a template's rendered variant (None: a plain question). Not a
    #: key of the format: set by the template reader with :meth:`as_variant`.
    _variant: int | None = PrivateAttr(default=None)
    _locked_key: bool = PrivateAttr(default=False)   # the key is the lock's, not the author's
    _lock: tuple[str | None, str] | None = PrivateAttr(default=None)  # (its salt, its file)

    @property
    def variant(self) -> int | None:
        """The variant number, when this question is a variant of a template."""
        return self._variant

    def as_variant(self, number: int) -> Question:
        """This question as variant ``number`` of its template."""
        other = self.model_copy()
        other._variant = number
        return other

    def with_locked_key(self, key: list[str]) -> Question:
        """This variant with the key its lock recorded (the template gives none)."""
        other = self.model_copy(update={"key": key})
        other._locked_key = True
        return other

    def with_lock(self, salt: str | None, lock: str) -> Question:
        """This variant as deployed by the lock file ``lock``, whose salt assigns learners
        their variants (None: an older lock without one)."""
        other = self.model_copy()
        other._lock = (salt, lock)
        return other

    @property
    def lock(self) -> tuple[str | None, str] | None:
        """(salt, lock file) of a deployed variant (None: not read from a lock)."""
        return self._lock

    @property
    def key_from_lock(self) -> bool:
        """True when :attr:`key` is the key a lock recorded for this variant."""
        return self._locked_key

    @property
    def name(self) -> str:
        """The id, with the variant number of a variant: ``c5w1-gru-template#3``."""
        return variant_name(self.id, self._variant)

    @property
    def scheme(self) -> str:
        """The scoring scheme in force: ``scoring``, or net-correct for ``many``."""
        if self.select == "one":
            return "all-or-nothing"
        return self.scoring or "net-correct"

    def option(self, option_id: str) -> Option | None:
        """The option with this id, matched case-insensitively."""
        want = option_id.strip().upper()
        return next((o for o in self.options if o.id.upper() == want), None)

    def get(self, option_id: str) -> Option:
        """The option with this id (as :meth:`option`); KeyError if there is none."""
        found = self.option(option_id)
        if found is None:
            raise KeyError(option_id)
        return found

    def label(self, model_name: str) -> str:
        """How the model ``model_name`` is named in text: its label or its key."""
        spec = self.models[model_name]
        return spec.label or model_name
