"""The library's front door: typed keyword arguments in, objects out.

    from quizgrader import api
    report = api.verify(["questions/"])
    for qv in report.verdicts:
        print(qv.question.id, qv.status, qv.computed_key)
    graded = api.grade_answer("questions/c5w1-gru-alice-betty.yaml", "C")
    print(graded.graded.score, graded.graded.feedback)

Errors are :class:`~quizgrader.errors.QuizgraderError` subclasses whose messages speak of
these functions' arguments. ``cache`` turns the disk cache of simulations on or off (it is
also off when ``$QUIZGRADER_CACHE_DIR`` is ``off``).
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Literal, Mapping, Sequence

from .atomic import atomic_writer
from .errors import ConfigError, ExportError, QuizgraderError
from .grading import Gradebook, Graded, Summary, grade_csv, write_learner_files
from .question import Bank, Question, load_bank, load_question
from .sim import DEFAULT_STEPS, Curves, Hold, Model, Settings, Simulator
from .sim.diskcache import open_cache
from .sim.parallel import default_workers, single_blas
from .sim.simulate import check_steps, curves, file_setup, random_setup
from .text import simreport
from .text.explain import Explanation, explain as explain_option
from .text.gradereport import Answered
from .verify import OptionVerdict, QuestionVerdict, verify_question, verify_robust
from .verify.batch import verify_bank

PathLike = str | Path
Format = Literal["text", "markdown", "json", "html"]
ExportFormat = Literal["moodle", "gift", "qti", "markdown", "html"]


def simulator(*, cache: bool = True, full: bool = False) -> Simulator:
    """A simulator with the disk cache (unless ``cache`` is False or the environment turns it
    off); ``full`` computes whole curves (for plots) on every run."""
    return Simulator(open_cache(cache), always_full=full)


@dataclass(frozen=True)
class Verification:
    """A verified bank: the verdicts of its valid questions and the problems of the rest."""

    verdicts: list[QuestionVerdict]
    bank: Bank

    @property
    def problems(self) -> list[str]:
        return self.bank.problems

    @property
    def ok(self) -> bool:
        """No invalid file, and every question's status is ok."""
        return not self.bank.problems and all(v.status == "ok" for v in self.verdicts)

    @property
    def fragile(self) -> bool:
        """Some verdict sits within its question's fragile_below of a threshold."""
        return any(v.fragile for v in self.verdicts)


def verify(paths: Iterable[PathLike], *, cache: bool = True, robust: bool = False,
           workers: int | None = None, sim: Simulator | None = None) -> Verification:
    """Load every question under ``paths`` and verify each. With ``robust``, verify each
    again under 5 seed sets and the hidden size doubled: a question whose key changes is
    ``unstable``. The work is spread over ``workers`` processes (default: the cores this
    process may use, or ``$QUIZGRADER_WORKERS``); the verdicts do not depend on it. With
    ``sim``, everything runs here on that simulator instead."""
    bank = load_bank([str(p) for p in paths])
    if sim is not None:
        with single_blas():
            verdicts = [verify_question(q, path, sim) for path, q in bank.questions]
            if robust:
                verdicts = [verify_robust(qv, sim) for qv in verdicts]
        return Verification(verdicts, bank)
    store = open_cache(cache)
    verdicts = verify_bank(bank.questions, store.root if store else None,
                           default_workers() if workers is None else workers, robust)
    return Verification(verdicts, bank)


def verify_file(path: PathLike, *, cache: bool = True) -> QuestionVerdict:
    """Load and verify the one question in ``path`` (``-`` reads stdin)."""
    q = load_question("<stdin>", sys.stdin.buffer.read()) if str(path) == "-" \
        else load_question(path)
    return verify_question(q, str(path), simulator(cache=cache))


@dataclass(frozen=True)
class Explained:
    """A verified question and the explanation of each requested option."""

    verdict: QuestionVerdict
    options: list[tuple[OptionVerdict, Explanation]]


def explain(path: PathLike, *, option: str | None = None, cache: bool = True) -> Explained:
    """The explanation of every option of the question in ``path`` (or of ``option``)."""
    qv = verify_file(path, cache=cache)
    chosen = list(qv.options)
    if option is not None:
        v = qv.verdict(option)
        if v is None:
            ids = ", ".join(o.id for o in qv.question.options)
            raise QuizgraderError(f"{path}: no option {option!r} (options: {ids})")
        chosen = [v]
    return Explained(qv, [(v, explain_option(qv, v)) for v in chosen])


@dataclass(frozen=True)
class AnswerGrade:
    question: Question
    verdict: QuestionVerdict
    graded: Graded
    answered: Answered          # what a report of it shows


def grade_answer(path: PathLike, answer: str | Sequence[str], *, trust_key: bool = False,
                 cache: bool = True) -> AnswerGrade:
    """Grade one answer (``"A;C"`` or ``["A", "C"]``) to the question in ``path``."""
    qv = verify_file(path, cache=cache)
    text = answer if isinstance(answer, str) else ";".join(answer)
    entry = Gradebook([qv], trust_key).entry(qv.question.id)
    graded = entry.grade(text)
    return AnswerGrade(qv.question, qv, graded, entry.answered(text, graded))


@dataclass(frozen=True)
class ClassGrade:
    summary: Summary
    problems: list[str] = field(default_factory=list)   # the bank's invalid files


def grade_class(paths: Iterable[PathLike], responses: PathLike, out: PathLike, *,
                feedback_dir: PathLike | None = None,
                feedback: Literal["short", "full"] = "short", trust_key: bool = False,
                cache: bool = True, progress: Callable[[int], None] | None = None) -> ClassGrade:
    """Verify the bank once, grade the responses CSV (``-``: stdin) into ``out``; with
    ``feedback_dir``, one Markdown file per learner (always with whole explanations)."""
    report = verify(paths, cache=cache)
    book = Gradebook(report.verdicts, trust_key, feedback)
    learners: dict[str, dict[str, str]] | None = {} if feedback_dir else None
    summary = grade_csv(book, str(responses), str(out), learners, progress)
    if feedback_dir and learners is not None:
        full = book if feedback == "full" else Gradebook(report.verdicts, trust_key)
        write_learner_files(str(feedback_dir), learners, full)
    return ClassGrade(summary, report.problems)


@dataclass(frozen=True)
class Exported:
    """An exported bank: the file's bytes and the ids of the questions in it."""

    data: bytes
    ids: list[str]


def export(paths: Iterable[PathLike], fmt: ExportFormat, out: PathLike | None = None, *,
           learner: bool = False, trust_key: bool = False, plots: bool = True,
           cache: bool = True, title: str = "Quiz handout") -> Exported:
    """The bank in ``fmt``, written atomically to ``out`` when given. An invalid file stops
    the export before any simulation; a learner export simulates nothing."""
    from .export import FORMATS, export as export_verdicts, export_learner
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})", "fmt")
    bank = load_bank([str(p) for p in paths])
    if bank.problems:
        raise ExportError("\n".join(bank.problems + [f"nothing exported: {len(bank.invalid)} "
                                                       f"invalid file(s)"]))
    if not bank.questions:
        raise ExportError("no questions to export")
    if learner:
        data = export_learner([q for _, q in bank.questions], fmt, title)
    else:
        handout_plots = plots and fmt in ("markdown", "html")
        if handout_plots:
            from .export.plots import require
            require()
        sim = simulator(cache=cache, full=handout_plots)
        verdicts = [verify_question(q, path, sim) for path, q in bank.questions]
        data = export_verdicts(verdicts, fmt, False, trust_key, sim, plots, title)
    if out is not None:
        try:
            with atomic_writer(out, binary=True) as f:
                f.write(data)
        except OSError as e:
            raise ExportError(f"{out}: cannot write: {e.strerror or e}") from None
    return Exported(data, [q.id for _, q in bank.questions])


@dataclass(frozen=True)
class Simulation:
    """One simulated configuration: the model, its holds, the curves and a title."""

    model: Model
    holds: tuple[Hold, ...]
    curves: Curves
    title: str


def simulate(cell: str, *, fixed: Mapping[str, float] | None = None,
             holds: Sequence[Hold] = (), steps: int | None = None, hidden: int = 16,
             inputs: int = 8, seeds: int = 32, seed: int = 0, scale: float = 1.0,
             input_scale: float = 1.0, epsilon: float = 0.001, activation: str | None = None,
             reset: str | None = None, weights: PathLike | None = None,
             at: Sequence[int] | None = None) -> Simulation:
    """gain(t) and reach(t) of one configuration: ``seeds`` random cells, or the one PyTorch
    layer in ``weights`` (then ``reset`` defaults to ``after``, PyTorch's GRU). Every step
    is recorded, or with ``at`` only t = 1, T and those steps (the others are NaN: a norm per
    seed and step is most of a short simulation's time)."""
    if weights is not None and cell == "gru" and reset == "before":
        raise ConfigError("a PyTorch GRU applies its reset gate after the recurrent product: "
                          "reset must be 'after'", "reset")
    model = Model(cell, dict(fixed or {}), activation or "tanh",
                  reset or ("after" if weights is not None and cell == "gru" else "before"),
                  scale, input_scale)
    settings = Settings(hidden=hidden, inputs=inputs, seeds=seeds, seed=seed, epsilon=epsilon)
    if weights is not None:
        from .sim.torch_weights import load
        w, state0, x = file_setup(model, load(weights, cell), steps, settings)
        source = simreport.file_source(str(weights))
    else:
        T = check_steps(DEFAULT_STEPS if steps is None else steps)
        w, state0, x = random_setup(model, settings, T)
        source = simreport.random_source(seeds, hidden, inputs, seed)
    with single_blas():
        result = curves(model, w, state0, x, tuple(holds), settings,
                        stride=1 if at is None else 0, at=tuple(at or ()))
    return Simulation(model, tuple(holds), result, simreport.title(model, tuple(holds), source))


def schema() -> dict:
    """The JSON Schema of the question format, for editors (YAML language server)."""
    from .question.schema import Question as Q
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://quizgrader.invalid/question-v1.schema.json",
            "title": "quizgrader question (format v1)", **Q.model_json_schema()}


def schema_json() -> str:
    return json.dumps(schema(), indent=2, ensure_ascii=False) + "\n"


__all__ = ["AnswerGrade", "ClassGrade", "Explained", "Exported", "Simulation", "Verification",
           "explain", "export", "grade_answer", "grade_class", "load_bank", "load_question",
           "schema", "simulate", "simulator", "verify", "verify_file"]
