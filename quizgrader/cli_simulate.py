"""The ``simulate`` command: gain(t) and reach(t) of one configuration, random cells or a
PyTorch layer's weights."""
from __future__ import annotations

import click

from .cliargs import LARGE, errors as _errors, parse_fixes, parse_holds
from .sim import CELLS


@click.command()
@click.option("--cell", type=click.Choice(CELLS), required=True,
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
@LARGE
@_errors
def simulate(cell: str, fixes: tuple[str, ...], holds: tuple[str, ...], steps: int | None,
             hidden: int, inputs: int, seeds: int, seed: int, scale: float, input_scale: float,
             epsilon: float, activation: str | None, reset: str | None, weights: str | None,
             as_json: bool, allow_large: bool) -> None:
    """Gain ‖∂c<t>/∂c<0>‖ and reach ‖∂c<t>/∂x<1>‖ of one cell configuration.

    \b
    Betty's GRU (Γr removed) keeping its memory, then overwriting it:
      quizgrader simulate --cell gru --fix reset=1 --hold update=0
      quizgrader simulate --cell gru --fix reset=1 --hold update=1
    """
    from . import api
    from .text import simreport
    # the text table shows t = 1, 2, 5, 10, ... and T: compute norms at those steps only
    at = None if as_json else simreport.checkpoints(steps or 10 ** 9)
    result = api.simulate(cell, fixed=parse_fixes(fixes), holds=parse_holds(holds), steps=steps,
                          hidden=hidden, inputs=inputs, seeds=seeds, seed=seed, scale=scale,
                          input_scale=input_scale, epsilon=epsilon, activation=activation,
                          reset=reset, weights=weights, at=at, allow_large=allow_large)
    click.echo(simreport.to_json(cell, result.curves) if as_json
               else simreport.text(result.title, result.curves), nl=False)
