"""quizgrader: check, explain and grade quiz questions about recurrent networks by simulating
the gradients their options talk about.

Layers, each importing only the ones below it:

    cli.py       the command line (thin)
    api.py       the library's front door
    export/      LMS files and handouts        grading/   scores, class CSVs, learner files
    text/        every word: explanations, findings, reports, renderers
    verify/      the checks, typed verdicts, the key policy
    question/    the YAML question format
    sim/         numbers only: cells, Jacobians over time, scenarios, simulator, caches
"""


def __getattr__(name: str) -> str:
    """``__version__``, read from the installed package's metadata when first asked for
    (importing importlib.metadata costs every command ~30 ms otherwise)."""
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version
        try:
            return version("quizgrader")
        except PackageNotFoundError:      # a source tree that was never installed
            return "0+unknown"
    raise AttributeError(f"module 'quizgrader' has no attribute {name!r}")
