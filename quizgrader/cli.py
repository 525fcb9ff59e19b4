"""The ``quizgrader`` command line: each command parses its flags, calls one function of
:mod:`quizgrader.api` and prints what :mod:`quizgrader.text` writes.

Library errors (:class:`QuizgraderError`) become one line on stderr and exit 1; an error that
names one of the library's arguments is shown with the flag that sets it.
"""
from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from .cli_course import regrade, serve, stats
from .cli_diagnose import diagnose
from .cli_lti import lti
from .cli_simulate import simulate
from .cli_variants import variants
from .cliargs import (
    CACHE,
    LARGE,
    PATHS,
    SALT,
    Progress,
    detail_option,
    errors as _errors,
    report_problems as _report_problems,
)

if TYPE_CHECKING:
    from .api import ExportFormat
    from .text.explain import Detail


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="quizgrader")
def main() -> None:
    """Check, explain and grade quiz questions about recurrent networks by simulation.

    \b
    Authors:  quizgrader validate questions/     schema-check question files
              quizgrader variants questions/     deploy the variants of templates
              quizgrader verify questions/       simulate every option, check the key
              quizgrader explain FILE            why each option is right or wrong
    Mentors:  quizgrader simulate --cell gru --fix reset=1 --hold update=0
    Graders:  quizgrader grade FILE --answer C
              quizgrader grade questions/ --responses class.csv --out grades.csv
    LMSs:     quizgrader export questions/ --to moodle|gift|qti|markdown|html --out FILE
    Service:  quizgrader serve questions/ --db sqlite:///attempts.db
    LMS:      quizgrader lti show --config platforms.toml   (LTI 1.3 tool)
    Analysis: quizgrader stats grades.csv --bank questions/
              quizgrader diagnose grades.csv --bank questions/
              quizgrader regrade questions/ --responses class.csv --previous grades.csv
                  --out new.csv

    Exit codes: 0 done, 1 a problem (one line each on stderr), 2 a usage error, 130 stopped
    by Ctrl-C and 143 by SIGTERM (after "quizgrader: interrupted"; nothing half-written).
    """


@main.command()
@PATHS
@_errors
def validate(paths: tuple[str, ...]) -> None:
    """Schema-check question files (or folders of .yaml files; - reads stdin).

    Prints every problem as FILE:LINE: PATH: MESSAGE and exits 1 if there is any.
    """
    from .question import load_bank
    from .variants import reader
    bank = load_bank(paths, reader(need_lock=False))
    _report_problems(bank.notes + bank.warnings)
    _report_problems(bank.problems)
    n = len(bank.questions)
    click.echo(f"{n} question{'s' if n != 1 else ''} valid, {len(bank.invalid)} invalid "
               f"file{'s' if len(bank.invalid) != 1 else ''}")
    sys.exit(1 if bank.problems else 0)


@main.command()
@PATHS
@click.option("--json", "as_json", is_flag=True, help="Print the JSON report instead.")
@click.option("--robust", is_flag=True,
              help="Also verify every question under 5 seed sets and with the hidden size "
                   "doubled; a key that changes is unstable (exit 1).")
@click.option("--strict", is_flag=True,
              help="Fail (exit 1) on fragile verdicts too: those whose deciding number is "
                   "within simulation.fragile_below decades (0.5) of its threshold, or whose "
                   "threshold lies inside the median's 95 % interval over the seeds.")
@CACHE
@LARGE
@_errors
def verify(paths: tuple[str, ...], as_json: bool, robust: bool, strict: bool, use_cache: bool,
           allow_large: bool) -> None:
    """Simulate every option, compute the key and compare it with the author's.

    Each option's verdict comes with its margin: how many decades the number that decided
    it sits from its threshold. Exits 0 when every key agrees, 1 on any key mismatch,
    ambiguous question (select: one with zero or several true options), unstable key
    (--robust), fragile verdict (--strict) or invalid file.
    """
    from . import api
    from .text.reports import verifyreport
    bar = Progress("verifying", sys.stderr) if not as_json else None
    try:
        report = api.verify(paths, cache=use_cache, robust=robust, allow_large=allow_large,
                            progress=bar.update if bar is not None and bar.on else None)
    finally:
        if bar is not None:
            bar.close()
    _report_problems(report.bank.notes + report.problems + report.bank.warnings)
    if as_json:
        click.echo(verifyreport.verify_json(report.verdicts, report.bank.invalid,
                                            report.bank.refused), nl=False)
    else:
        click.echo("\n".join(verifyreport.verify_text(v) for v in report.verdicts), nl=False)
        click.echo("\n" + verifyreport.verify_summary(report.verdicts, len(report.bank.invalid),
                                                       len(report.bank.refused)))
    sys.exit(0 if report.ok and not (strict and report.fragile) else 1)


@main.command()
@click.argument("path", metavar="PATH")
@click.option("--option", "option_id", default=None, help="Only this option (e.g. C).")
@click.option("--variant", type=click.IntRange(1), default=None,
              help="Of a template: this deployed variant (default: its first).")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json", "html"]),
              default="text", show_default=True)
@detail_option("full", "")
@CACHE
@LARGE
@_errors
def explain(path: str, option_id: str | None, variant: int | None, fmt: str, detail: Detail,
            use_cache: bool, allow_large: bool) -> None:
    """Why each option of one question is right or wrong, with the simulated numbers.

    It starts with the question's findings (a key the simulation disputes, an ambiguous or
    fragile verdict), then its bottom line, how to read the numbers, and each option.

    \b
    quizgrader explain questions/c5w1-gru-alice-betty.yaml
    quizgrader explain questions/c5w1-gru-alice-betty.yaml --option C --detail standard
    """
    from . import api
    from .text.reports.explaindoc import explain_doc
    result = api.explain(path, option=option_id, cache=use_cache, allow_large=allow_large,
                         variant=variant)
    options = [v for v, _ in result.options]
    if fmt == "html":                      # with the question's gate lab, its grid embedded
        from .lab.offline import explain_page
        from .sim.diskcache import open_cache
        from .sim.parallel import default_workers
        click.echo(explain_page(result.verdict, options, detail, open_cache(use_cache),
                                default_workers()), nl=False)
        return
    click.echo(explain_doc(result.verdict, options, fmt, detail), nl=False)


@main.command()
@PATHS
@click.option("--answer", default=None, metavar="IDS",
              help="Grade one answer to the question in PATH: C, or A;C for select: many.")
@click.option("--responses", type=click.Path(dir_okay=False, allow_dash=True), default=None,
              help="A class's answers: CSV with header learner,question,answer (- for stdin).")
@click.option("--out", type=click.Path(dir_okay=False, allow_dash=True), default=None,
              help="Where to write the grades CSV (written atomically; - for stdout).")
@click.option("--feedback-dir", type=click.Path(file_okay=False), default=None,
              help="Also write one Markdown feedback file per learner here.")
@click.option("--feedback", type=click.Choice(["short", "standard", "full"]), default="short",
              show_default=True,
              help="The grades CSV's feedback column: one line per chosen option (the verdict "
                   "and the measured figure that decides it), or the explanations at that "
                   "detail.")
@detail_option("standard", " (for --answer and the --feedback-dir files)")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]),
              default="text", show_default=True, help="Output of a single --answer.")
@click.option("--trust-key", is_flag=True,
              help="Grade questions whose author key disagrees with the simulation against "
                   "the author's key (otherwise their rows are errors).")
@click.option("--variant", type=click.IntRange(1), default=None,
              help="--answer to a template: grade against this deployed variant.")
@click.option("--learner", default=None, metavar="ID",
              help="--answer to a template: grade against the variant this learner gets.")
@SALT
@CACHE
@LARGE
@_errors
def grade(paths: tuple[str, ...], answer: str | None, responses: str | None, out: str | None,
          feedback_dir: str | None, feedback: Detail, detail: Detail, fmt: str,
          trust_key: bool, variant: int | None, learner: str | None, salt: str | None,
          use_cache: bool, allow_large: bool) -> None:
    """Grade one answer, or a whole class from a CSV, with feedback.

    \b
    One answer:  quizgrader grade questions/c5w1-gru-alice-betty.yaml --answer C
    A class:     quizgrader grade questions/ --responses class.csv --out grades.csv
    The grades CSV has one row per input row, in order: learner,question,answer,score,
    max_score,status,feedback,provenance,variant. Exit 1 if any row is an error (it is still
    in the output).

    A template's question is graded against a deployed variant: the responses' variant
    column if they have one, else the learner's own, assigned with the salt the template's
    lock records (the same learner always gets the same variant, here and in the service).
    """
    from . import api
    from .text.reports.gradereport import answer_report
    if (answer is None) == (responses is None):
        raise click.UsageError("give either --answer IDS or --responses FILE.csv")
    if answer is not None:
        if len(paths) != 1:
            raise click.UsageError("--answer grades one question: give one PATH")
        r = api.grade_answer(paths[0], answer, trust_key=trust_key, cache=use_cache,
                             allow_large=allow_large, detail=detail, variant=variant,
                             learner=learner, salt=salt)
        click.echo(answer_report(r, fmt), nl=False)
        sys.exit(0 if r.ok else 1)
    if out is None or responses is None:
        raise click.UsageError("--responses needs --out FILE.csv")
    if variant is not None or learner is not None:
        raise click.UsageError("--variant and --learner go with --answer; a class's responses "
                               "may have a variant column")
    bar = Progress("rows graded")
    try:
        result = api.grade_class(paths, responses, out, feedback_dir=feedback_dir,
                                 feedback=feedback, trust_key=trust_key, cache=use_cache,
                                 allow_large=allow_large,
                                 progress=bar.add if bar.on else None, detail=detail,
                                 salt=salt)
    finally:
        bar.close()
    _report_problems(result.problems + result.summary.lines())
    sys.exit(1 if result.summary.errors else 0)


@main.command()
@PATHS
@click.option("--to", "fmt", type=click.Choice(["moodle", "gift", "qti", "markdown", "html"]),
              required=True, help="moodle: Moodle XML; gift: GIFT text; qti: QTI 2.1 zip; "
                                  "markdown / html: a handout with plots.")
@click.option("--out", type=click.Path(dir_okay=False, allow_dash=True), required=True,
              help="The file to write (atomically; - for stdout).")
@click.option("--learner", is_flag=True,
              help="For learners: stems and options only (no key, fractions, feedback or "
                   "plots).")
@click.option("--trust-key", is_flag=True,
              help="Export questions whose author key disagrees with the simulation with the "
                   "author's key (otherwise the export stops).")
@click.option("--plots/--no-plots", default=True, show_default=True,
              help="Plots of gain(t) in handouts (needs quizgrader[plot], i.e. matplotlib).")
@detail_option(None, " (default: standard in LMS files, full in handouts)")
@click.option("--shuffle/--no-shuffle", default=True, show_default=True,
              help="Let the LMS shuffle the options; their feedback then names options by a "
                   "short description, never by a letter the learner does not see. "
                   "--no-shuffle keeps the order and numbers the choices A, B, C…, so the "
                   "feedback can use the letters.")
@click.option("--all-variants", is_flag=True,
              help="Handouts: every deployed variant of a template, not only its first (LMS "
                   "files always carry them all).")
@CACHE
@LARGE
@_errors
def export(paths: tuple[str, ...], fmt: ExportFormat, out: str | None, learner: bool,
           trust_key: bool, plots: bool, detail: Detail | None, shuffle: bool,
           all_variants: bool, use_cache: bool, allow_large: bool) -> None:
    """Write the bank for an LMS (Moodle XML, GIFT, QTI 2.1) or as a handout.

    \b
    quizgrader export questions/ --to moodle --out bank.xml
    quizgrader export questions/ --to qti --out bank.zip
    quizgrader export questions/ --to html --out handout.html
    quizgrader export questions/ --to html --learner --out practice.html

    The key is the one the simulation computes; options get their explanations as feedback.
    A question whose author key disagrees stops the export (see --trust-key). A template's
    deployed variants are one question each (in Moodle and GIFT, in a category of their own,
    so that a quiz's random question from it gives each learner one variant).
    """
    from . import api
    result = api.export(paths, fmt, out, learner=learner, trust_key=trust_key, plots=plots,
                        cache=use_cache, allow_large=allow_large, detail=detail,
                        shuffle=shuffle, all_variants=all_variants)
    click.echo(f"{len(result.ids)} question(s) written to {out} ({fmt}"
               f"{', learner version' if learner else ''})", err=True)


@main.command()
def schema() -> None:
    """Print the JSON Schema of the question format, for editors (YAML language server)."""
    from .api import schema_json
    click.echo(schema_json(), nl=False)


for command in (simulate, stats, diagnose, regrade, serve, variants, lti):
    main.add_command(command)

if __name__ == "__main__":  # pragma: no cover
    main()
