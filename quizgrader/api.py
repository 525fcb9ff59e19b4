"""The library's front door: typed keyword arguments in, objects out.

    from quizgrader import api
    report = api.verify(["questions/"])
    for qv in report.verdicts:
        print(qv.question.id, qv.status, qv.computed_key)
    graded = api.grade_answer("questions/c5w1-gru-alice-betty.yaml", "C")
    print(graded.graded.score, graded.graded.feedback)

Errors are :class:`~quizgrader.errors.QuizgraderError` subclasses whose messages speak of
these functions' arguments. ``cache`` turns the disk cache of simulations on or off (it is
also off when ``$QUIZGRADER_CACHE_DIR`` is ``off``). Work beyond the limits of
:class:`~quizgrader.sim.budget.Limits` (a minute, a gigabyte) is refused before it starts
unless ``allow_large`` (or ``$QUIZGRADER_ALLOW_LARGE=1``).
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Literal, Mapping, Sequence

from .apitypes import AnswerGrade, ClassGrade, Explained, Exported, Simulation, Verification
from .atomic import write_output
from .banks import allowed, first_variants, load, simulator, verify, verify_file
from .course import grade_class, regrade, stats
from .errors import ConfigError, ExportError, QuizgraderError
from .grading import Gradebook
from .grading.assign import course_salt
from .idtext import id_problem
from .question import Bank, load_bank as _load_bank, load_question
from .sim import DEFAULT_STEPS, Hold, Model, Settings
from .sim.budget import Limits, describe, estimate, over
from .sim.diskcache import open_cache
from .sim.gates import check_holds
from .sim.init import add_bias, gate_biases as effective_biases
from .sim.model import pairs
from .sim.parallel import default_workers, single_blas
from .sim.simulate import check_steps, curves, file_setup, random_setup
from .text import simreport
from .text.cells import init_words
from .text.explain import DETAILS, Detail, explain as explain_option
from .verify import verify_question
from .verify.batch import verify_bank

if TYPE_CHECKING:
    from .variants.deploy import Deployment

PathLike = str | Path
#: The largest weight or input scale a simulation accepts (as a question's init does).
MAX_SCALE = 100.0
Format = Literal["text", "markdown", "json", "html"]
ExportFormat = Literal["moodle", "gift", "qti", "markdown", "html"]


def load_bank(paths: Iterable[PathLike]) -> Bank:
    """Read every question file under ``paths`` (templates with their locks, each deployed
    variant a question), without verifying anything."""
    from .variants import reader
    return _load_bank([str(p) for p in paths], reader())


def _check_detail(detail: str | None) -> None:
    if detail is not None and detail not in DETAILS:
        raise ConfigError(f"unknown detail {detail!r} (choose from {', '.join(DETAILS)})",
                          "detail")


def explain(path: PathLike, *, option: str | None = None, cache: bool = True,
            allow_large: bool = False, variant: int | None = None) -> Explained:
    """The explanation of every option of the question in ``path`` (or of ``option``), at
    every level (:class:`~quizgrader.text.explain.Explanation`); of a template, of
    ``variant`` (default: its first deployed variant)."""
    qv = verify_file(path, cache=cache, allow_large=allow_large, variant=variant)
    chosen = list(qv.options)
    if option is not None:
        v = qv.verdict(option)
        if v is None:
            ids = ", ".join(o.id for o in qv.question.options)
            raise QuizgraderError(f"{path}: no option {option!r} (options: {ids})")
        chosen = [v]
    return Explained(qv, [(v, explain_option(qv, v)) for v in chosen])


def grade_answer(path: PathLike, answer: str | Sequence[str], *, trust_key: bool = False,
                 cache: bool = True, allow_large: bool = False,
                 detail: Detail = "standard", variant: int | None = None,
                 learner: str | None = None, salt: str | None = None) -> AnswerGrade:
    """Grade one answer (``"A;C"`` or ``["A", "C"]``) to the question in ``path``, with
    feedback at ``detail`` (short, standard or full). Of a template: ``variant``, or the
    variant ``learner`` gets (assigned with the salt of the template's lock; a ``salt``
    given, default ``$QUIZGRADER_SALT``, must agree with it: SaltError), or else its first
    deployed variant."""
    _check_detail(detail)
    if variant is not None and learner is not None:
        raise ConfigError("give a variant or a learner, not both", "variant")
    if learner is not None:
        problem = id_problem(learner, "learner id")
        if problem:
            raise ConfigError(problem, "learner")
    qv = verify_file(path, cache=cache, allow_large=allow_large, variant=variant,
                     learner=learner, salt=course_salt(salt))
    text = answer if isinstance(answer, str) else ";".join(answer)
    entry = Gradebook([qv], trust_key, detail).entries[qv.question.name]
    graded = entry.grade(text)
    return AnswerGrade(qv.question, qv, graded, entry.answered(text, graded))


def export(paths: Iterable[PathLike], fmt: ExportFormat, out: PathLike | None = None, *,
           learner: bool = False, trust_key: bool = False, plots: bool = True,
           cache: bool = True, allow_large: bool = False,
           title: str = "Quiz handout", detail: Detail | None = None,
           shuffle: bool = True, all_variants: bool = False) -> Exported:
    """The bank in ``fmt``, written atomically to ``out`` when given (``-``: stdout). An
    invalid file stops the export before any simulation; a learner export simulates nothing.
    ``detail``: the explanations' level (default standard for LMS files, full for handouts);
    ``shuffle``: LMS files let the LMS shuffle the options (their feedback then names no
    letter); without it the choices keep their letters. LMS files carry every deployed
    variant of a template (Moodle and GIFT in a category of its own); handouts show its
    first variant unless ``all_variants``."""
    from .export import FORMATS, export as export_verdicts, export_learner
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})", "fmt")
    _check_detail(detail)
    detail = detail or ("full" if fmt in ("markdown", "html") else "standard")
    bank = load(paths, allow_large=allow_large or learner)
    if bank.problems:
        counts = [f"{len(bank.invalid)} invalid file(s)"] + \
            ([f"{len(bank.refused)} too large to simulate"] if bank.refused else [])
        raise ExportError("\n".join(bank.problems + [f"nothing exported: "
                                                       f"{', '.join(counts)}"]),
                          "allow_large" if bank.refused and not bank.invalid else None)
    if not bank.questions:
        raise ExportError("no questions to export")
    if fmt in ("markdown", "html") and not all_variants:
        bank.questions = first_variants(bank.questions)
    if learner:
        data = export_learner([q for _, q in bank.questions], fmt, title, shuffle=shuffle)
    else:
        handout_plots = plots and fmt in ("markdown", "html")
        if handout_plots:
            from .export.plots import require
            require()
        sim = simulator(cache=cache, full=handout_plots)
        if fmt in ("markdown", "html"):      # here: the plots reuse the verdicts' curves
            with single_blas():
                verdicts = [verify_question(q, path, sim) for path, q in bank.questions]
        else:                                # LMS files: every variant, on the process pool
            store = open_cache(cache)
            verdicts = verify_bank(bank.questions, store.root if store else None,
                                   default_workers())
        with single_blas():
            data = export_verdicts(verdicts, fmt, False, trust_key, sim, plots, title,
                                   detail=detail, shuffle=shuffle)
    if out is not None:
        write_output(out, data)
    return Exported(data, [q.name for _, q in bank.questions])


def simulate(cell: str, *, fixed: Mapping[str, float] | None = None,
             holds: Sequence[Hold] = (), steps: int | None = None, hidden: int = 16,
             inputs: int = 8, seeds: int = 32, seed: int = 0, scale: float = 1.0,
             input_scale: float = 1.0, epsilon: float = 0.001, activation: str | None = None,
             bias: Mapping[str, float] | None = None, chrono: int | None = None,
             recurrent: str = "gaussian", recurrent_range: tuple[float, float] | None = None,
             reset: str | None = None, weights: PathLike | None = None,
             at: Sequence[int] | None = None, allow_large: bool = False) -> Simulation:
    """gain(t) and reach(t) of one configuration: ``seeds`` random cells, or the one PyTorch
    layer in ``weights`` (then ``reset`` defaults to ``after``, PyTorch's GRU). Every step
    is recorded, or with ``at`` only t = 1, T and those steps (the others are NaN: a norm per
    seed and step is most of a short simulation's time). ``bias``, ``chrono``, ``recurrent``
    and ``recurrent_range`` are the format's ``init`` options; with ``weights`` only ``bias``
    applies, added to the file's (summed) biases."""
    for name, v in (("scale", scale), ("input_scale", input_scale)):
        if not (math.isfinite(v) and 0.0 <= v <= MAX_SCALE):
            raise ConfigError(f"{name} must be between 0 and {MAX_SCALE:g}, got {v:g} (larger "
                              f"values overflow the cell's arithmetic, which says nothing about "
                              f"its gradient)", name)
    if weights is None:
        T = check_steps(DEFAULT_STEPS if steps is None else steps)
        cost = estimate(cell, T, Settings(hidden=hidden, inputs=inputs, seeds=seeds))
        if over(cost, Limits()) and not allowed(allow_large):
            raise ConfigError(f"this simulation could take {describe(cost)} ({T} steps × "
                              f"{seeds} seeds, hidden {hidden}, inputs {inputs}; the limits "
                              f"are {Limits().seconds:g} s and {Limits().bytes / 1e9:g} GB): "
                              f"lower them, or allow large work", "allow_large")
    if weights is not None and cell == "gru" and reset == "before":
        raise ConfigError("a PyTorch GRU applies its reset gate after the recurrent product: "
                          "reset must be 'after'", "reset")
    if weights is not None and (chrono is not None or recurrent != "gaussian"
                                or recurrent_range is not None):
        raise ConfigError("chrono, recurrent and recurrent_range draw random weights; with "
                          "weights from a file, only bias can be added to them",
                          "chrono" if chrono is not None else "recurrent")
    model = Model(cell, pairs(fixed or {}), activation or "",
                  reset or ("after" if weights is not None and cell == "gru" else "before"),
                  scale, input_scale, pairs(bias or {}), chrono, recurrent, recurrent_range)
    settings = Settings(hidden=hidden, inputs=inputs, seeds=seeds, seed=seed, epsilon=epsilon)
    if weights is not None:
        from .sim.torch_weights import load
        w, state0, x = file_setup(model, load(weights, cell), steps, settings)
        w = add_bias(w, model)
        source = simreport.file_source(str(weights), effective_biases(w, cell))
    else:
        w, state0, x = random_setup(model, settings, T)
        source = simreport.random_source(seeds, hidden, inputs, seed)
    check_holds(tuple(holds), x.shape[0])
    with single_blas():
        result = curves(model, w, state0, x, tuple(holds), settings,
                        stride=1 if at is None else 0, at=tuple(at or ()))
    init = "" if weights is not None else "; ".join(init_words(model))
    return Simulation(model, tuple(holds), result,
                      simreport.title(model, tuple(holds), source, init))


def variants(paths: Iterable[PathLike], *, count: int = 20, cache: bool = True,
             workers: int | None = None, allow_large: bool = False, write: bool = True,
             progress: Callable[[int, int], None] | None = None, salt: str | None = None
             ) -> tuple[list[tuple[Deployment, str | None]], list[str]]:
    """Deploy the variants of every template under ``paths`` (files with ``params``):
    ``count`` candidates each, verified robustly on ``workers`` processes; the lock
    ``<id>.variants.yaml`` written beside each template that deployed a variant (unless
    ``write`` is False), with the salt that assigns learners their variants: ``salt``
    (default ``$QUIZGRADER_SALT``), else the lock's own, else a new random one (see
    :mod:`quizgrader.grading.assign`). Returns each deployment with the lock's path, and
    the problems."""
    from .variants.run import deploy_all, templates_under
    if not 1 <= count <= 1000:
        raise ConfigError(f"count must be between 1 and 1000, got {count}", "count")
    templates, problems = templates_under([str(p) for p in paths])
    store = open_cache(cache)
    found = deploy_all(templates, count, store.root if store else None,
                       default_workers() if workers is None else workers,
                       allowed(allow_large), write, progress, course_salt(salt))
    return found, problems


def schema() -> dict[str, Any]:
    """The JSON Schema of the question format, for editors (YAML language server)."""
    from .text.schemadoc import author_schema
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://quizgrader.invalid/question-v1.schema.json",
            "title": "quizgrader question (format v1.1)", **author_schema()}


def schema_json() -> str:
    """The JSON Schema of :func:`schema` as text (what ``quizgrader schema`` prints)."""
    return json.dumps(schema(), indent=2, ensure_ascii=False) + "\n"


__all__ = ["AnswerGrade", "ClassGrade", "Explained", "Exported", "Simulation", "Verification",
           "explain", "export", "grade_answer", "grade_class", "load", "load_bank",
           "load_question", "regrade", "schema", "simulate", "simulator", "stats", "variants",
           "verify", "verify_file"]
