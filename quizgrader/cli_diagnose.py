"""The ``diagnose`` command: what each learner of a graded class misreads."""
from __future__ import annotations

import sys

import click

from .cliargs import CACHE, LARGE, errors as _errors, report_problems as _report_problems


@click.command()
@click.argument("grades", metavar="GRADES.csv", type=click.Path(dir_okay=False))
@click.option("--bank", "bank", multiple=True, metavar="PATH", required=True,
              help="The bank the class was graded on (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON contract instead.")
@click.option("--learner", default=None, metavar="ID", help="Only this learner.")
@CACHE
@LARGE
@_errors
def diagnose(grades: str, bank: tuple[str, ...], as_json: bool, learner: str | None,
             use_cache: bool, allow_large: bool) -> None:
    """What each learner misreads, from why the options they chose are wrong.

    Each wrong option chosen (and each right option left out of a select-many question) is
    evidence of one misreading: polarity, wrong-gate, keeping-is-learning, always-vanishes,
    removal or direction, derived from the check that decided the option and the gates it
    cites. A learner holds a misreading with evidence from two questions or more, more for
    than against, and more than a learner answering at random would show (chance below 5 %).
    For each: how sure (two of two), the answers for and against, and a question of the bank
    the learner has not answered that would tell it apart; then how many learners hold each.
    Rows the bank cannot place are named on stderr (file:line) and the exit code is 1.

    \b
    quizgrader diagnose grades.csv --bank questions/ --learner ann
    """
    from .diagnosis import diagnosis_json, diagnosis_text
    from .jobs.diagnosing import diagnose as run
    found, problems = run(grades, bank=bank, cache=use_cache, allow_large=allow_large,
                          learner=learner)
    _report_problems(problems)
    click.echo(diagnosis_json(found) if as_json else diagnosis_text(found), nl=False)
    sys.exit(1 if problems else 0)
