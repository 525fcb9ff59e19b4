"""The ``quizgrader`` command line: each command wraps one library call.

Library errors (:class:`QuizgraderError`) become one line on stderr and exit 1.
"""
from __future__ import annotations

import sys
from functools import wraps

import click

from .errors import QuizgraderError


def _errors(fn):
    """Turn library errors into one-line messages and exit 1 (never a traceback)."""
    @wraps(fn)
    def run(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except QuizgraderError as e:
            for line in str(e).splitlines() or [type(e).__name__]:
                click.echo(f"error: {line}" if not getattr(e, "problems", None) else line,
                           err=True)
            sys.exit(1)
    return run


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="quizgrader")
def main() -> None:
    """Check, explain and grade quiz questions about recurrent networks by simulation.

    \b
    Authors:  quizgrader validate questions/     schema-check question files
              quizgrader verify questions/       simulate every option, check the key
              quizgrader explain FILE            why each option is right or wrong
    Mentors:  quizgrader simulate --cell gru --fix reset=1 --hold update=0
    Graders:  quizgrader grade FILE --answer C
              quizgrader grade questions/ --responses class.csv --out grades.csv
    """


@main.command()
@click.option("--cell", type=click.Choice(["rnn", "gru", "lstm"]), required=True,
              help="The cell to simulate.")
@click.option("--fix", "fixes", multiple=True, metavar="G=V",
              help="Remove gate G and replace it by the constant V in [0, 1] (repeatable), "
                   "e.g. --fix reset=1.")
@click.option("--hold", "holds", multiple=True, metavar="G=0|1[@A[:B]]",
              help="Keep gate G computed but pushed to ≈0 or ≈1 (repeatable); @A:B limits it to "
                   "steps A..B, e.g. --hold update=1@1 --hold update=0@2: (write, then keep).")
@click.option("--steps", type=int, default=None, help="Timesteps T (default 100, or the length "
              "of x in --weights).")
@click.option("--hidden", type=click.IntRange(1), default=16, show_default=True)
@click.option("--inputs", type=click.IntRange(1), default=8, show_default=True)
@click.option("--seeds", type=click.IntRange(1), default=32, show_default=True,
              help="Random cells; gain and reach are medians over them.")
@click.option("--seed", type=click.IntRange(0), default=0, show_default=True)
@click.option("--scale", type=float, default=1.0, show_default=True,
              help="Weights are N(0, scale²/(hidden+inputs)).")
@click.option("--input-scale", type=float, default=1.0, show_default=True,
              help="Inputs are N(0, input_scale²).")
@click.option("--epsilon", type=float, default=0.001, show_default=True,
              help="A held gate sits near ε or 1-ε.")
@click.option("--activation", type=click.Choice(["tanh", "relu", "linear"]), default=None,
              help="rnn only (default tanh).")
@click.option("--reset", type=click.Choice(["before", "after"]), default=None,
              help="gru only: where Γr acts (before: the course; after: PyTorch). Default before.")
@click.option("--weights", type=click.Path(dir_okay=False), default=None,
              help="Simulate one PyTorch nn.GRU/nn.LSTM layer saved with numpy.savez "
                   "(weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0; optional x, h0, c0).")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON contract instead.")
@_errors
def simulate(cell, fixes, holds, steps, hidden, inputs, seeds, seed, scale, input_scale,
             epsilon, activation, reset, weights, as_json):
    """Gain ‖∂c<t>/∂c<0>‖ and reach ‖∂c<t>/∂x<1>‖ of one cell configuration.

    \b
    Betty's GRU (Γr removed) keeping its memory, then overwriting it:
      quizgrader simulate --cell gru --fix reset=1 --hold update=0
      quizgrader simulate --cell gru --fix reset=1 --hold update=1
    """
    from . import simreport
    from .commands import run_simulate
    curves, title = run_simulate(cell, fixes, holds, steps, hidden, inputs, seeds, seed, scale,
                                 input_scale, epsilon, activation, reset, weights)
    click.echo(simreport.to_json(cell, curves) if as_json else simreport.text(title, curves),
               nl=False)


if __name__ == "__main__":  # pragma: no cover
    main()
