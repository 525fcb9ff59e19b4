"""The ``simulate`` command: gain(t) and reach(t) of one configuration, random cells or a
PyTorch layer's weights."""
from __future__ import annotations

import click

from .cliargs import LARGE, errors as _errors, parse_biases, parse_fixes, parse_holds, parse_range
from .sim import CELLS


@click.command()
@click.option("--cell", type=click.Choice(CELLS), required=True,
              help="The cell to simulate.")
@click.option("--fix", "fixes", multiple=True, metavar="G=V",
              help="Remove gate G and replace it by the constant V in [0, 1] (repeatable), "
                   "e.g. --fix reset=1.")
@click.option("--hold", "holds", multiple=True, metavar="G=V[@A[:B]]",
              help="Keep gate G computed but pushed to ≈0 or ≈1 (V = 0 or 1: ε or 1-ε), or to "
                   "any V in (0, 1), e.g. --hold update=0.9 (the gate lab's values; "
                   "repeatable); @A:B limits it to steps A..B, e.g. --hold update=1@1 "
                   "--hold update=0@2: (write, then keep).")
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
              help="rnn (default tanh) and indrnn (relu or tanh, default relu) only.")
@click.option("--bias", "biases", multiple=True, metavar="G=B",
              help="Add B to gate G's pre-activation at every step (repeatable), e.g. "
                   "--bias forget=1 (Gers 2000; Keras's unit_forget_bias). With --weights it "
                   "is added to the file's biases.")
@click.option("--chrono", type=float, default=None, metavar="T_MAX",
              help="lstm and janet: chrono initialisation, b_f ~ log U(1, T_MAX − 1) per "
                   "unit (and b_u = −b_f for the LSTM; Tallec & Ollivier 2018).")
@click.option("--recurrent", type=click.Choice(["gaussian", "orthogonal", "identity"]),
              default="gaussian", show_default=True,
              help="How the hidden×hidden blocks are drawn: orthogonal or identity are "
                   "--scale × that matrix, and the input blocks then N(0, 1/inputs).")
@click.option("--recurrent-range", default=None, metavar="LO:HI",
              help="indrnn only: each unit's recurrent weight u ~ U(LO, HI) (default 0:1; "
                   "LO:LO for one value).")
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
             epsilon: float, activation: str | None, biases: tuple[str, ...],
             chrono: float | None, recurrent: str, recurrent_range: str | None,
             reset: str | None, weights: str | None, as_json: bool, allow_large: bool) -> None:
    """Gain ‖∂c<t>/∂c<0>‖ and reach ‖∂c<t>/∂x<1>‖ of one cell configuration.

    \b
    Betty's GRU (Γr removed) keeping its memory, then overwriting it:
      quizgrader simulate --cell gru --fix reset=1 --hold update=0
      quizgrader simulate --cell gru --fix reset=1 --hold update=1
    The same with Γu held at 0.9 (the gate lab's slider):
      quizgrader simulate --cell gru --fix reset=1 --hold update=0.9
    An LSTM with a forget bias of 1, and with chrono initialisation:
      quizgrader simulate --cell lstm --bias forget=1
      quizgrader simulate --cell lstm --chrono 100
    Pascanu's condition: a tanh RNN with 1.5 × an orthogonal matrix still vanishes:
      quizgrader simulate --cell rnn --recurrent orthogonal --scale 1.5 --steps 50
    IndRNN's band: with no input every ReLU unit with c<0> > 0 stays active, and u = 0.99
    keeps 0.99^100 = 0.37 of its gradient:
      quizgrader simulate --cell indrnn --recurrent-range 0.99:0.99 --input-scale 0
    """
    from . import api
    from .text.reports import simreport
    # the text table shows t = 1, 2, 5, 10, ... and T: compute norms at those steps only
    at = None if as_json else simreport.checkpoints(steps or 10 ** 9)
    result = api.simulate(cell, fixed=parse_fixes(fixes), holds=parse_holds(holds), steps=steps,
                          hidden=hidden, inputs=inputs, seeds=seeds, seed=seed, scale=scale,
                          input_scale=input_scale, epsilon=epsilon, activation=activation,
                          bias=parse_biases(biases), chrono=chrono, recurrent=recurrent,
                          recurrent_range=parse_range(recurrent_range),
                          reset=reset, weights=weights, at=at, allow_large=allow_large)
    click.echo(simreport.to_json(cell, result.curves) if as_json
               else simreport.text(result.title, result.curves), nl=False)
