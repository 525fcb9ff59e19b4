"""``quizgrader variants``: deploy the seeded variants of templates and write their locks."""
from __future__ import annotations

import sys

import click

from .cliargs import CACHE, LARGE, PATHS, Progress, errors, report_problems


@click.command()
@PATHS
@click.option("--count", default=20, show_default=True, type=click.IntRange(1, 1000),
              help="Candidates to draw per template (all combinations when there are at most "
                   "this many).")
@click.option("--json", "as_json", is_flag=True,
              help="Print the report as JSON: the lock's fields and the rejected candidates.")
@click.option("--dry-run", is_flag=True, help="Report, but write no lock file.")
@click.option("--salt", default=None, metavar="TEXT",
              help="The salt the lock records, which assigns each learner a variant (default "
                   "$QUIZGRADER_SALT, else the lock's own, else a new random one). Every "
                   "command and the service then use it; a salt given to them that "
                   "disagrees is an error.")
@CACHE
@LARGE
@errors
def variants(paths: tuple[str, ...], count: int, as_json: bool, dry_run: bool,
             salt: str | None, use_cache: bool, allow_large: bool) -> None:
    """Deploy the variants of question templates (files with params) and lock them.

    Each candidate is rendered, verified with the --robust variations, and deployed only if
    its computed key is unambiguous, stable, not fragile, agrees with the template's key
    (if it gives one) and is not a duplicate of an earlier variant. The deployed variants are
    written to <id>.variants.yaml beside the template with the salt that assigns each
    learner one of them: commit that lock with the bank; grading, the service and exports
    use exactly those variants and that assignment. Exit 1 when a template
    deploys nothing or a file has a problem.

    \b
    quizgrader variants questions/c5w1-gru-template.yaml
    quizgrader variants questions/ --count 40 --json
    """
    from . import api
    from .variants.report import deployment_text, report_json
    bar = Progress("candidates verified", sys.stderr) if not as_json else None
    try:
        found, problems = api.variants(paths, count=count, cache=use_cache,
                                       allow_large=allow_large, write=not dry_run, salt=salt,
                                       progress=bar.update if bar is not None and bar.on
                                       else None)
    finally:
        if bar is not None:
            bar.close()
    report_problems(problems)
    if as_json:
        click.echo(report_json(found), nl=False)
    else:
        click.echo("\n".join(deployment_text(d, w) for d, w in found), nl=False)
        if not found and not problems:
            click.echo("no templates (files with params) found", err=True)
    sys.exit(1 if problems or not found or any(not d.deployed for d, _ in found) else 0)
