"""The command line's shared parts: ``G=V`` gate assignments for ``--fix`` and ``--hold``,
options several commands take, and how library errors become one line and exit 1."""
from __future__ import annotations

import math
import re
import signal
import sys
import time
from functools import wraps
from typing import Any, Callable, ParamSpec, TextIO, TypeVar

import click

from .errors import ConfigError, QuizgraderError
from .sim import Hold
from .sim.gates import holdable

P = ParamSpec("P")
R = TypeVar("R")
F = TypeVar("F", bound=Callable[..., Any])

#: The flag of each library argument an error may name.
FLAGS = {"allow_large": "--allow-large", "steps": "--steps", "trust_key": "--trust-key",
         "reset": "--reset", "cell": "--cell", "activation": "--activation", "hidden": "--hidden",
         "inputs": "--inputs", "seeds": "--seeds", "seed": "--seed", "scale": "--scale",
         "input_scale": "--input-scale", "epsilon": "--epsilon", "plots": "--no-plots",
         "variant": "--variant", "learner": "--learner", "count": "--count",
         "bias": "--bias", "chrono": "--chrono", "recurrent": "--recurrent",
         "recurrent_range": "--recurrent-range"}


def _message(e: QuizgraderError) -> list[str]:
    lines = str(e).splitlines() or [type(e).__name__]
    flag = FLAGS.get(e.argument or "")
    if flag and e.argument is not None and flag not in str(e):
        if lines[0].startswith(e.argument + " "):
            lines[0] = flag + lines[0][len(e.argument):]
        else:
            lines[-1] += f" ({flag})"
    return lines


class Terminated(SystemExit):
    """SIGTERM, raised where the program is (so it unwinds like Ctrl-C)."""


def _terminate(signum: int, frame: object) -> None:
    """SIGTERM unwinds like Ctrl-C, so no temporary file is left behind."""
    raise Terminated(128 + signum)


#: What an interrupted command prints (its exit code: 130 for Ctrl-C, 143 for SIGTERM).
INTERRUPTED = "quizgrader: interrupted"


def errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn library errors into one-line messages and exit 1 (never a traceback); Ctrl-C and
    SIGTERM into one line and exit 130 or 143, once the work has unwound (the library's
    workers ended, its temporary files removed)."""
    @wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        signal.signal(signal.SIGTERM, _terminate)
        try:
            return fn(*args, **kwargs)
        except (KeyboardInterrupt, Terminated) as e:
            code = e.code if isinstance(e, Terminated) else 128 + signal.SIGINT
            signal.signal(signal.SIGINT, signal.SIG_IGN)     # a second one while we leave
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            click.echo(INTERRUPTED, err=True)
            sys.exit(code)
        except QuizgraderError as e:
            for line in _message(e):
                click.echo(f"error: {line}" if not getattr(e, "problems", None) else line,
                           err=True)
            sys.exit(1)
        except MemoryError:
            click.echo("error: out of memory; ask for less work (fewer steps, seeds or a "
                       "smaller hidden size)", err=True)
            sys.exit(1)
    return run


LARGE = click.option(
    "--allow-large", is_flag=True,
    help="Run work beyond the limits (about a minute and a gigabyte per question or "
         "simulation, estimated before starting); also $QUIZGRADER_ALLOW_LARGE=1.")



_ASSIGN = re.compile(r"^\s*([a-z]+)\s*=\s*([^@\s]+)\s*(?:@\s*(\d+)\s*(:)?\s*(\d+)?)?\s*$")


def parse_assignment(text: str) -> tuple[str, float, int, int | None]:
    """Parse ``gate=value`` or ``gate=value@start[:[stop]]`` as typed on the command line."""
    m = _ASSIGN.match(text)
    if not m:
        raise ConfigError(f"{text!r}: expected GATE=VALUE, e.g. update=0 or update=1@1")
    gate, value, start, colon, stop = m.groups()
    try:
        number = float(value)
    except ValueError:
        raise ConfigError(f"{text!r}: {value!r} is not a number") from None
    if start is None:
        return gate, number, 1, None
    first = int(start)
    last = (int(stop) if stop else None) if colon else first
    return gate, number, first, last


def parse_fixes(fixes: tuple[str, ...]) -> dict[str, float]:
    """``--fix G=V`` flags as a mapping gate -> constant."""
    fixed: dict[str, float] = {}
    for text in fixes:
        gate, value, start, stop = parse_assignment(text)
        if (start, stop) != (1, None):
            raise ConfigError(f"--fix {text}: a fixed gate holds at every step (no @)")
        if gate in fixed:
            raise ConfigError(f"--fix {gate} given twice")
        fixed[gate] = value
    return fixed


def parse_biases(biases: tuple[str, ...]) -> dict[str, float]:
    """``--bias G=B`` flags as a mapping gate -> bias (any finite number)."""
    out: dict[str, float] = {}
    for text in biases:
        try:
            gate, value, start, stop = parse_assignment(text)
        except ConfigError:
            gate, value, start, stop = "", math.nan, 1, None
        if (start, stop) != (1, None) or not math.isfinite(value):
            raise ConfigError(f"--bias {text!r}: expected GATE=NUMBER, e.g. forget=1")
        if gate in out:
            raise ConfigError(f"--bias {gate} given twice")
        out[gate] = value
    return out


def parse_range(text: str | None) -> tuple[float, float] | None:
    """``--recurrent-range LO:HI`` as (lo, hi)."""
    if text is None:
        return None
    parts = text.split(":")
    try:
        lo, hi = (float(p) for p in parts)
    except ValueError:
        lo = hi = math.nan
    if len(parts) != 2 or not (math.isfinite(lo) and math.isfinite(hi)):
        raise ConfigError(f"--recurrent-range {text!r}: expected LO:HI, e.g. 0.9:1.0")
    return lo, hi


def parse_holds(holds: tuple[str, ...]) -> tuple[Hold, ...]:
    """``--hold G=V[@A[:B]]`` flags as holds: V is 0 or 1 (≈ ε, ≈ 1-ε) or a value in (0, 1)
    (the gate's pre-activation shifted by logit(V), as the gate lab's grid)."""
    out = []
    for text in holds:
        gate, value, start, stop = parse_assignment(text)
        if not holdable(value):
            raise ConfigError(f"--hold {text}: a held gate is 0, 1 or a value in (0, 1) "
                              f"(use --fix for a constant)")
        out.append(Hold(gate, int(value) if value in (0.0, 1.0) else value, start, stop))
    return tuple(out)


PATHS = click.argument("paths", nargs=-1, required=True, metavar="PATH...")


CACHE = click.option(
    "--cache/--no-cache", "use_cache", default=True, show_default=True,
    help="Reuse simulations stored on disk by earlier runs (keyed by the question's settings "
         "and the simulation code; $QUIZGRADER_CACHE_DIR, default ~/.cache/quizgrader).")


SALT = click.option(
    "--salt", default=None, metavar="TEXT",
    help="The salt that assigns each learner a variant of a template (default "
         "$QUIZGRADER_SALT): it is the one its lock records (quizgrader variants chose it), "
         "and one that disagrees is an error. Only a lock written before locks held a salt "
         "assigns with the salt given here, else none.")


def report_problems(problems: list[str]) -> None:
    """Print each problem line on stderr."""
    for line in problems:
        click.echo(line, err=True)
    if any(line.endswith("or allow large work") for line in problems):
        click.echo("note: --allow-large runs such questions anyway", err=True)


def detail_option(default: str | None, where: str) -> Callable[[F], F]:
    """``--detail short|standard|full``: how much each explanation says."""
    return click.option(
        "--detail", type=click.Choice(["short", "standard", "full"]), default=default,
        show_default=default is not None,
        help="How much each explanation says: short (one sentence with the deciding number), "
             "standard (for learners: why, the counterfactual, whether the model can learn; "
             "about 70 words) or full (every check, gate setting and margin, for authors)"
             + where + ".")


class Progress:
    """A one-line count on stderr while a long job runs, only when stderr is a terminal
    (pipes, files and --json output stay silent); cleared when the job ends."""

    def __init__(self, label: str, stream: TextIO | None = None):
        self.stream = stream or sys.stderr
        self.label, self.done = label, 0
        self.total: int | None = None
        self.on = bool(getattr(self.stream, "isatty", lambda: False)())
        self.shown, self.last = 0, 0.0

    def add(self, n: int) -> None:
        """Count ``n`` more units (rows graded)."""
        self.update(self.done + n)

    def update(self, done: int, total: int | None = None) -> None:
        """Show ``done`` (of ``total``) at most ten times a second."""
        self.done, self.total = done, total if total is not None else self.total
        now = time.monotonic()
        if not self.on or (now - self.last < 0.1 and done != self.total):
            return
        self.last = now
        text = f"{self.label}: {self.done}" + (f" of {self.total}" if self.total else "")
        self.stream.write("\r" + text.ljust(self.shown))
        self.stream.flush()
        self.shown = len(text)

    def close(self) -> None:
        """Clear the line (a finished job leaves no progress text)."""
        if self.on and self.shown:
            self.stream.write("\r" + " " * self.shown + "\r")
            self.stream.flush()
