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
from importlib.metadata import PackageNotFoundError, version as _version

try:
    __version__: str = _version("quizgrader")
except PackageNotFoundError:          # running from a source tree that was never installed
    __version__ = "0+unknown"
