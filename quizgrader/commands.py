"""Library entry points behind the CLI commands: plain arguments in, results out."""
from __future__ import annotations

from .errors import ConfigError
from .gates import Hold, parse_assignment
from .simulate import Curves, Model, Settings, curves, file_setup, random_setup


def run_simulate(cell: str, fixes: tuple[str, ...], holds: tuple[str, ...], steps: int | None,
                 hidden: int, inputs: int, seeds: int, seed: int, scale: float,
                 input_scale: float, epsilon: float, activation: str | None,
                 reset: str | None, weights: str | None) -> tuple[Curves, str]:
    """Parse ``G=V`` settings, build the model and simulate it; returns (curves, title)."""
    fixed: dict[str, float] = {}
    for text in fixes:
        gate, value, start, stop = parse_assignment(text)
        if (start, stop) != (1, None):
            raise ConfigError(f"--fix {text}: a fixed gate holds at every step (no @)")
        if gate in fixed:
            raise ConfigError(f"--fix {gate} given twice")
        fixed[gate] = value
    held = []
    for text in holds:
        gate, value, start, stop = parse_assignment(text)
        if value not in (0.0, 1.0):
            raise ConfigError(f"--hold {text}: a held gate is 0 or 1 (use --fix for a constant)")
        held.append(Hold(gate, int(value), start, stop))
    if weights is not None and reset == "before":
        raise ConfigError("--weights: a PyTorch GRU has its reset gate after (--reset after)")
    model = Model(cell, fixed, activation or "tanh",
                  reset or ("after" if weights is not None and cell == "gru" else "before"),
                  scale, input_scale)
    settings = Settings(hidden=hidden, inputs=inputs, seeds=seeds, seed=seed, epsilon=epsilon)
    if weights is not None:
        from .torch_weights import load
        w, state0, x = file_setup(model, load(weights, cell), steps, settings)
        source = f"{weights} (1 cell)"
    else:
        T = 100 if steps is None else steps
        if T < 1:
            raise ConfigError(f"--steps must be ≥ 1, got {T}")
        w, state0, x = random_setup(model, settings, T)
        source = f"{seeds} random cells, hidden {hidden}, inputs {inputs}, seed {seed}"
    result = curves(model, w, state0, x, tuple(held), settings)
    parts = [f"{k}={v:g}" for k, v in fixed.items()] + [h.describe() for h in held]
    title = f"{cell.upper()} " + (", ".join(parts) if parts else "(all gates free)") \
        + f": {source}"
    return result, title


def run_verify(paths: tuple[str, ...], use_cache: bool = False):
    """Load the bank and verify every valid question (one shared simulation cache; with
    ``use_cache`` also the disk cache of :mod:`quizgrader.simcache`)."""
    from .question import load_bank
    from .scenarios import Simulator
    from .simcache import open_cache
    from .verify import verify_question
    bank = load_bank(paths)
    sim = Simulator(open_cache(use_cache))
    return [verify_question(q, path, sim) for path, q in bank.questions], bank


def _verify_one(path: str, use_cache: bool):
    """Load and verify the one question in ``path`` (- for stdin)."""
    import sys
    from .question import load_question
    from .scenarios import Simulator
    from .simcache import open_cache
    from .verify import verify_question
    q = load_question("<stdin>", sys.stdin.buffer.read()) if path == "-" else load_question(path)
    return q, verify_question(q, path, Simulator(open_cache(use_cache)))


def run_explain(path: str, option_id: str | None, fmt: str, use_cache: bool = False) -> str:
    from .errors import QuizgraderError
    from .render import explain_doc
    q, qv = _verify_one(path, use_cache)
    options = list(qv.options)
    if option_id is not None:
        v = qv.verdict(option_id)
        if v is None:
            raise QuizgraderError(f"{path}: no option {option_id!r} (options: "
                                  f"{', '.join(o.id for o in q.options)})")
        options = [v]
    return explain_doc(qv, options, fmt)


def json_schema() -> str:
    import json
    from .question.schema import Question
    schema = Question.model_json_schema()
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema",
              "$id": "https://quizgrader.invalid/question-v1.schema.json",
              "title": "quizgrader question (format v1)", **schema}
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def run_grade_one(path: str, answer: str, fmt: str, trust_key: bool, use_cache: bool = False
                  ) -> tuple[str, bool]:
    """Grade one answer to the question in ``path``; (report, graded?)."""
    import json
    from .grade import Gradebook
    q, qv = _verify_one(path, use_cache)
    g = Gradebook([qv], trust_key).grade(q.id, answer)
    if fmt == "json":
        return json.dumps({"question": q.id, "answer": list(g.chosen), "score": g.score,
                           "max_score": g.max_score, "status": g.status,
                           "feedback": g.feedback}, indent=2, ensure_ascii=False) + "\n", \
            g.score is not None
    if g.score is None:
        return f"{q.id}: {g.status}\n", False
    verdict = "correct" if g.score == g.max_score else "partly correct" if g.score > 0 \
        else "wrong"
    head = f"{q.id}: answer {';'.join(g.chosen)}: score {g.score:.4g} / {g.max_score:g} ({verdict})"
    if fmt == "markdown":
        from .render import md
        return f"# {md(q.title)}\n\n**{md(head)}**\n\n{md(g.feedback)}\n", True
    return f"{head}\n\n{g.feedback}\n", True


def run_grade_class(paths, responses: str, out: str, feedback_dir: str | None,
                    trust_key: bool, progress=None, feedback: str = "short",
                    use_cache: bool = False):
    """Verify the bank once, then stream the responses through the gradebook (``feedback``
    short or full in the CSV; the per-learner files always have the full explanations)."""
    from .grade import Gradebook
    from .gradecsv import grade_csv
    verdicts, bank = run_verify(paths, use_cache)
    book = Gradebook(verdicts, trust_key, feedback)
    full = book if feedback == "full" or not feedback_dir else Gradebook(verdicts, trust_key)
    summary = grade_csv(book, responses, out, feedback_dir, progress, full)
    return summary, bank.problems


def run_export(paths, fmt: str, out: str, learner: bool, trust_key: bool, plots: bool,
               use_cache: bool = False) -> list[str]:
    """Verify the bank and write it to ``out`` in format ``fmt`` (atomically); returns the
    ids of the questions written. An invalid file stops the export before any simulation."""
    from .atomic import atomic_writer
    from .errors import ExportError
    from .export import export, export_learner
    from .question import load_bank
    from .scenarios import Simulator
    from .simcache import open_cache
    from .verify import verify_question
    bank = load_bank(paths)
    if bank.problems:
        raise ExportError("\n".join(bank.problems + [f"nothing exported: {len(bank.invalid)} "
                                                       f"invalid file(s)"]))
    if not bank.questions:
        raise ExportError("no questions to export")
    if learner:                      # no key, no feedback: nothing to simulate
        data = export_learner([q for _, q in bank.questions], fmt)
    else:
        handout_plots = plots and fmt in ("markdown", "html")
        if handout_plots:
            from .export.plots import require
            require()
        sim = Simulator(open_cache(use_cache), always_full=handout_plots)
        verdicts = [verify_question(q, path, sim) for path, q in bank.questions]
        data = export(verdicts, fmt, False, trust_key, sim, plots)
    try:
        with atomic_writer(out, binary=True) as f:
            f.write(data)
    except OSError as e:
        raise ExportError(f"{out}: cannot write: {e.strerror or e}") from None
    return [q.id for _, q in bank.questions]
