"""The commands about a whole class's results: ``stats`` and ``regrade``."""
from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import click

from .cliargs import (
    CACHE,
    LARGE,
    PATHS,
    SALT,
    detail_option,
    errors as _errors,
    report_problems as _report_problems,
)

if TYPE_CHECKING:
    from .text.explain import Detail

from .grading.assign import course_salt


@click.command()
@click.argument("grades", metavar="GRADES.csv", type=click.Path(dir_okay=False))
@click.option("--bank", "bank", multiple=True, metavar="PATH",
              help="The bank the class was graded on (repeatable): options in its order, "
                   "keys from its verification, and the misconception view.")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON contract instead.")
@click.option("--plots", type=click.Path(file_okay=False), default=None, metavar="DIR",
              help="Write one SVG per question and test.svg (needs quizgrader[plot]).")
@click.option("--by-variant", is_flag=True,
              help="Also report each variant of a template's question on its own (a variant "
                   "much harder than its siblings is flagged).")
@CACHE
@LARGE
@_errors
def stats(grades: str, bank: tuple[str, ...], as_json: bool, plots: str | None,
          by_variant: bool, use_cache: bool, allow_large: bool) -> None:
    """Item statistics of a graded class: facility, discrimination, distractors.

    Each learner's last graded attempt per question counts. For every question: facility,
    discrimination index and discriminative efficiency (as Moodle's quiz statistics), each
    option's share overall and in the top and bottom 27 % (a wrong option the top group
    chooses more is flagged); for the test: mean, SD and Cronbach's α. With --bank, options
    claiming the same gate setting are grouped across questions.

    \b
    quizgrader stats grades.csv --bank questions/ --plots stats/
    """
    from . import api
    from .text.reports.statsreport import stats_json, stats_text
    test, shared = api.stats(grades, bank=bank or None, cache=use_cache,
                             allow_large=allow_large, by_variant=by_variant)
    if plots:
        from .export.statplots import write_plots
        write_plots(test, plots)
    click.echo(stats_json(test, shared) if as_json else stats_text(test, shared), nl=False)


@click.command()
@PATHS
@click.option("--responses", type=click.Path(dir_okay=False, allow_dash=True), required=True,
              help="The class's answers, as given to grade.")
@click.option("--previous", type=click.Path(dir_okay=False), required=True,
              help="The grades CSV written before the bank or code changed.")
@click.option("--out", type=click.Path(dir_okay=False), required=True,
              help="Where to write the new grades CSV (atomically).")
@click.option("--feedback-dir", type=click.Path(file_okay=False), default=None,
              help="Also write the learner files; those whose score moved say why.")
@click.option("--feedback", type=click.Choice(["short", "standard", "full"]), default="short",
              show_default=True, help="The grades CSV's feedback column, as for grade.")
@click.option("--trust-key", is_flag=True, help="As for grade.")
@click.option("--json", "as_json", is_flag=True, help="Print the impact report as JSON.")
@SALT
@CACHE
@LARGE
@_errors
def regrade(paths: tuple[str, ...], responses: str, previous: str, out: str,
            feedback_dir: str | None, feedback: Detail, trust_key: bool, as_json: bool,
            salt: str | None, use_cache: bool, allow_large: bool) -> None:
    """Grade a class again after a change, and say whose score moved and why.

    Every learner whose score moved is listed with the old and the new score and, per
    question, the reason: the key that changed, the options whose verdict flipped (with the
    deciding check and gain before and after), a changed scoring scheme, or that the question
    file or the code changed. Grades carry a provenance column for this. A template's
    answers are graded with the variant the previous grades name (never remapped); one whose
    variant is no longer deployed is named.

    \b
    quizgrader regrade questions/ --responses class.csv --previous grades.csv --out new.csv
    """
    from . import api
    from .text.reports.regradereport import impact_json, impact_text
    graded, moved = api.regrade(paths, responses, previous, out, feedback_dir=feedback_dir,
                                feedback=feedback, trust_key=trust_key, cache=use_cache,
                                allow_large=allow_large, salt=salt)
    _report_problems(graded.problems + graded.summary.lines())
    click.echo(impact_json(moved) if as_json else impact_text(moved), nl=False)
    sys.exit(1 if graded.summary.errors else 0)


@click.command()
@PATHS
@click.option("--db", "url", default="sqlite:///attempts.db", show_default=True,
              help="Where attempts are stored: a SQLAlchemy URL (sqlite:///FILE, or "
                   "postgresql://USER@HOST/DB for a shared database, which needs "
                   "pip install 'quizgrader[postgres]' (psycopg 3)).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on (127.0.0.1: this machine only).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--admin-token-file", type=click.Path(dir_okay=False), default=None,
              help="A file holding the bearer token of the instructor endpoints (attempts, "
                   "stats, grades); or set $QUIZGRADER_ADMIN_TOKEN. Without one they answer "
                   "403. (Not a flag's value: that would show in the process list.)")
@click.option("--admin-token", "argv_token", default=None, hidden=True)
@click.option("--trust-key", is_flag=True,
              help="Serve questions whose author key the simulation disputes, with the "
                   "author's key (otherwise they are left out).")
@detail_option("standard", " (a request may ask for another: ?detail=full)")
@click.option("--lti-config", type=click.Path(dir_okay=False), default=None,
              help="Also be an LTI 1.3 tool for the platforms in this TOML file (quizgrader "
                   "lti add-platform writes it; quizgrader lti show prints what the LMS "
                   "needs). Needs pip install 'quizgrader[lti]'.")
@click.option("--public-url", default=None,
              help="The tool's address as browsers and the LMS reach it, e.g. "
                   "https://quiz.example.edu (default http://HOST:PORT).")
@click.option("--lti-keys", type=click.Path(file_okay=False), default=None,
              help="The tool's key folder (default: lti-keys/ beside the --lti-config file; "
                   "the first start creates its key there, mode 0600).")
@click.option("--lab", type=click.Choice(["after", "always"]), default="after",
              show_default=True,
              help="When a learner may open a question's gate lab: after answering it (a "
                   "link on the result page), or always (practice mode: it lets a learner "
                   "try every option before answering).")
@SALT
@CACHE
@_errors
def serve(paths: tuple[str, ...], url: str, host: str, port: int, admin_token_file: str | None,
          argv_token: str | None, trust_key: bool, detail: Detail, lti_config: str | None,
          public_url: str | None, lti_keys: str | None, lab: str, salt: str | None,
          use_cache: bool) -> None:
    """Serve the bank: an HTTP API and a web page for learners, attempts in a database.

    \b
    quizgrader serve questions/ --db sqlite:///attempts.db --port 8000
    curl -s localhost:8000/api/questions
    curl -s -X POST localhost:8000/api/attempts -H 'Content-Type: application/json' \\
         -d '{"learner": "ann", "question": "c5w1-gru-alice-betty", "answer": ["C"]}'

    The bank is verified once at start (from the simulation cache when it can). Each learner
    gets their own variant of a template's question (the same one every time, and the one
    grade gives them: assigned with the salt the template's lock records). Stop
    it with Ctrl-C or SIGTERM.
    """
    if argv_token is not None:
        raise click.UsageError("--admin-token would show the token to every user of this "
                               "machine (ps): set QUIZGRADER_ADMIN_TOKEN or use "
                               "--admin-token-file FILE")
    admin_token = os.environ.get("QUIZGRADER_ADMIN_TOKEN") or None
    if admin_token_file is not None:
        try:
            with open(admin_token_file, encoding="utf-8") as f:
                admin_token = f.read(4096).strip()
        except (OSError, UnicodeDecodeError) as e:
            raise click.ClickException(f"{admin_token_file}: cannot read the admin token: "
                                       f"{getattr(e, 'strerror', None) or e}") from None
    if lti_config is not None:
        from .cli_lti import need_lti
        need_lti()
    elif public_url is not None or lti_keys is not None:
        raise click.UsageError("--public-url and --lti-keys belong to the LTI tool: give "
                               "--lti-config too")
    try:
        from .service.run import serve as run
    except ImportError as e:
        raise click.ClickException(f"the service needs its extra: pip install "
                                   f"'quizgrader[serve]' ({e.name} is missing)") from None
    run(list(paths), url, host, port, admin_token, trust_key, use_cache,
        announce=lambda line: click.echo(line, err=True), detail=detail,
        salt=course_salt(salt), lti_config=lti_config, public_url=public_url, lti_keys=lti_keys,
        lab="always" if lab == "always" else "after")
