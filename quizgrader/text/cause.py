"""The deciding cause of a configuration, from the cell's equations (explanations v4).

A step passes the gradient on through two paths (:mod:`quizgrader.sim.paths`): the copy path
keep (c<t> carries c<t−1> over as it is) and the path through what the step writes. Which
gates set keep, and whether the model fixed them or the scenario holds them, is measured on
the cell's own equations; the words follow from that alone, the fixed gates first:

- "Alice's model fixes Γu = 1, so every step overwrites the memory (c<t> = c̃<t>)";
- "with Γu ≈ 0 every step copies the memory (c<t> ≈ c<t−1>)";
- "Γf, left free, is near 0.73 at initialisation (bias 1), so each step copies only part of
  the memory".

Nothing here is typed per question or per gate: a cell whose equations change says other
things. Descriptive only: no verdict reads it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import lru_cache

from ..question.schema import Question
from ..sim import GATES, Model
from ..sim.model import pairs
from ..sim.paths import Paths, keep_depends_on, paths
from . import gates
from .cells import sigma
from .config import Config, setting_words
from .equations import update
from .numbers import plain
from .wording import cap, model_name

#: A free gate is probed at this value when only its presence matters.
MIDDLE = 0.5


@dataclass(frozen=True)
class Cause:
    """What decides a configuration's copy path.

    keep     : the copy path's value (None: a free gate sets it)
    reads    : what a step writes depends on c<t−1>
    deciders : the gates, fixed or held, that set keep (cell order)
    free     : the free gates that set keep
    blockers : where nothing is read: the gates whose value shuts the path through the write
    fixed    : every decider is fixed by the model (the scenario's holds cannot change keep)
    writes, enablers, openers, writers : see :func:`cause`
    shows    : the cell's output depends on the memory (see :class:`~quizgrader.sim.paths.Paths`)
    cell     : the cell type (what the write reads the memory through: :data:`WRITE_PATH`)
    silent   : nothing is written whatever the held gates do (the model's fixed gates shut it)
    """

    keep: float | None
    reads: bool
    deciders: tuple[str, ...]
    free: tuple[str, ...]
    blockers: tuple[str, ...]
    fixed: bool
    writes: bool = True
    enablers: tuple[str, ...] = ()
    openers: tuple[str, ...] = ()
    writers: tuple[str, ...] = ()
    shows: bool = True
    cell: str = ""
    silent: bool = False

    @property
    def copies(self) -> bool:
        return self.keep is not None and Paths(self.keep, self.reads).copies

    @property
    def overwrites(self) -> bool:
        return self.keep is not None and Paths(self.keep, self.reads).overwrites


def model_of(q: Question, cfg: Config) -> Model:
    """The simulated model of a configuration (its fixed gates as the configuration says)."""
    base = q.models[cfg.model].model()
    fixed = {g: float(s.split(":")[1]) for g, s in cfg.gates if s.startswith("fixed:")}
    return replace(base, fixed=pairs(fixed))


@lru_cache(maxsize=4096)
def _structural(model: Model) -> tuple[str, ...]:
    """The gates of the cell that set keep at all (every gate free)."""
    return keep_depends_on(model, {})


@lru_cache(maxsize=4096)
def _paths(model: Model, values: tuple[tuple[str, float], ...]) -> Paths:
    return paths(model, dict(values))


def cause(q: Question, cfg: Config) -> Cause:
    """The cause of ``cfg``'s copy path, measured on the cell's equations."""
    model = model_of(q, cfg)
    values = cfg.values()
    structural = _structural(replace(model, fixed=()))
    deciders = tuple(g for g in structural if values.get(g) is not None)
    free = tuple(g for g in structural if values.get(g) is None)
    at = tuple((g, MIDDLE if values.get(g) is None else float(values[g] or 0.0))
               for g in GATES[model.cell])
    p = _paths(model, at)

    def flipped(g: str) -> Paths:
        """The paths with the set gate ``g`` at its other value."""
        return _paths(model, tuple((h, 1.0 - w if h == g else w) for h, w in at))

    set_gates = [g for g, _ in at if values.get(g) is not None]
    # where nothing is read, the gates whose other value would let the write read the memory;
    # where it is read, the gates (other than keep's) without which it would not be
    blockers = tuple(g for g in set_gates if flipped(g).reads) if not p.reads else ()
    opening = tuple(g for g in set_gates if g not in deciders and not flipped(g).reads) \
        if p.reads else ()
    states = cfg.states
    enablers = tuple(g for g in opening if states[g].startswith("fixed:"))
    openers = tuple(g for g in opening if not states[g].startswith("fixed:"))
    writers = tuple(g for g in opening if not flipped(g).writes)   # shut, nothing is written
    fixed = bool(deciders) and all(states[g].startswith("fixed:") for g in deciders)
    return Cause(None if free else p.keep, p.reads, deciders, free, blockers, fixed, p.writes,
                 enablers, openers, writers, p.shows, model.cell,
                 # nothing is written whatever the held gates do: the model's own gates shut it
                 not p.writes and not any(flipped(g).writes for g in set_gates
                                          if not states[g].startswith("fixed:")))


#: What the write reads the old memory through, per cell, from its equations (an overwriting
#: step's gradient takes this path); the rest read c<t−1> inside c̃<t> directly.
WRITE_PATH = {"lstm": "a<t−1> = Γo*tanh(c<t−1>), then Wc and tanh's slope"}
DIRECT_PATH = "Wc and tanh's slope"


def _gate_value(cfg: Config, g: str) -> str:
    """'Γu = 1' for a fixed gate, 'Γu ≈ 0' for a held one (its steady value)."""
    v = cfg.values()[g]
    sign = "=" if cfg.states[g].startswith("fixed:") else "≈"
    return f"{gates.symbol(g)} {sign} {v:g}"


def _list(items: list[str]) -> str:
    if not items:
        return ""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def mechanism(c: Cause, cfg: Config, detail: bool = True, eq: str = "") -> str:
    """What one step does to the memory, in plain words with ``eq`` (the equation the step
    reduces to, if given) after: 'every step overwrites the memory (c<t> = c̃<t>)';
    ``detail``: and what that leaves of the gradient's other path. '' where keep is not set
    by a gate (a cell without gates has neither deciders nor free gates)."""
    if not (c.deciders or c.free):
        return ""
    shown = f" ({eq})" if eq else ""
    shut_gates = [g for g in c.blockers if g not in c.deciders]
    shut = _list([_gate_value(cfg, g) for g in shut_gates])
    held = any(not cfg.states[g].startswith("fixed:") for g in shut_gates)
    nothing, hardly = ("almost nothing", "hardly reads") if held else ("nothing", "does not read")
    if c.keep is None:
        who = _list([gates.symbol(g) for g in c.free])
        verb = "is" if len(c.free) == 1 else "are"
        return f"{who} {verb} left free, so each step copies only part of the memory"
    if c.copies:
        if c.reads:
            if c.openers and detail:
                write = _list([_gate_value(cfg, g) for g in c.openers if g in c.writers])
                read = _list([_gate_value(cfg, g) for g in c.openers if g not in c.writers])
                loose = _list([gates.symbol(g) for g in cfg.of("free")])
                adds = f"but, with {write}, adds at full strength a write" if write \
                    else f"but, with {loose} free, adds a write" if loose \
                    else "but adds a write"
                reads = f", and with {read} that write reads the old memory at full strength" \
                    if read else " computed from the old memory"
                return f"every step copies the memory {adds}{reads}{shown}"
            return (f"every step copies the memory but adds a write computed from the old "
                    f"memory{shown}")
        if c.silent:                       # exactly: the model's own gates shut the write
            return f"every step copies the memory and writes nothing{shown}"
        if not detail:
            return f"every step copies the memory{shown}"
        if shut and not c.writes:
            return f"every step copies the memory, and with {shut} {nothing} is added{shown}"
        if shut:
            return (f"every step copies the memory, and with {shut} what it adds {hardly} "
                    f"the old memory{shown}")
        return f"every step copies the memory{shown}"
    if c.overwrites:
        head = f"every step overwrites the memory{shown}"
        if not detail:
            return head
        if not c.reads:
            if shut and not c.writes:
                return head + f", and with {shut} {nothing} new is written"
            return head + (f", and with {shut} what it writes {hardly} the old memory"
                           if shut else ", and what it writes does not depend on the old one")
        return (f"{head}, and the gradient gets through only by way of what is written, "
                f"through {WRITE_PATH.get(c.cell, DIRECT_PATH)}")
    more = ", and what it writes from the old memory adds to that" if c.reads else ""
    return f"every step copies only {c.keep:.2g} of the memory{more}{shown}"


def equation(q: Question, c: Cause, cfg: Config) -> str:
    """The memory's update in ``cfg``: 'c<t> = c̃<t>' where the model's fixed gates alone
    give it, '≈' where a held gate is part of it."""
    spec = q.models[cfg.model]
    values = {g: v for g, v in cfg.values().items() if v is not None}
    eq = update(spec, values)
    exact = update(spec, {g: v for g, v in values.items() if g in cfg.of("fixed")})
    return eq if eq == exact or not eq else eq.replace(" = ", " ≈ ", 1)


def start_words(q: Question, cfg: Config, g: str) -> str:
    """Where a free gate is at initialisation: 'is near 0.73 at initialisation (bias 1)',
    'is between 0.5 and 0.999 at initialisation (chrono)', 'is near 0.5 at initialisation'."""
    i = q.models[cfg.model].init
    b = i.bias.get(g, 0.0)
    if g == "forget" and i.chrono is not None and q.models[cfg.model].cell in ("lstm", "janet"):
        lo, hi = sigma(b), sigma(math.log(i.chrono - 1) + b)     # b_f ~ log U(1, T_max − 1)
        return f"is between {lo:.3g} and {hi:.3g} at initialisation (chrono)"
    if b:
        said = "bias" in (q.models[cfg.model].label or "")          # the name says it
        return f"is near {sigma(b):.2g} at initialisation" + ("" if said else f" (bias {b:.2g})")
    return "is near 0.5 at initialisation"


def because(q: Question, c: Cause, cfg: Config, detail: bool = True,
            with_equation: bool = True) -> str:
    """The cause, deciding gate first: "Alice's model fixes Γu = 1, so every step overwrites
    the memory (c<t> = c̃<t>)"; "with Γu ≈ 0 every step copies the memory (…)"; '' where no
    gate sets the copy path."""
    eq = equation(q, c, cfg) if with_equation else ""
    mech = mechanism(c, cfg, detail, eq)
    if not mech:
        return ""
    if c.keep is None:
        start = " and ".join(start_words(q, cfg, g) for g in c.free)
        more = ", and what it writes from the old memory adds to that" \
            if c.reads and detail else ""
        return (f"{_list([gates.symbol(g) for g in c.free])}, left free, {start}, so each "
                f"step copies only part of the memory{more}")
    who = _list([_gate_value(cfg, g) for g in c.deciders])
    if c.fixed:
        label = q.models[cfg.model].label or ""
        if all(_gate_value(cfg, g) in label for g in c.deciders):    # the name says it
            fixed = _list([f"{gates.symbol(g)} fixed at {cfg.values()[g]:g}"
                           for g in c.deciders])
            return f"with {fixed}, {mech}"
        return f"{cap(model_name(q, cfg.model))} fixes {who}, so {mech}"
    if c.enablers and c.copies:          # a fixed gate keeps adding writes: named too
        on = _list([_gate_value(cfg, g) for g in c.enablers])
        does = "writes at full strength" if set(c.enablers) <= set(c.writers) else \
            "writes, and what it writes reads the old memory"
        name = cap(model_name(q, cfg.model))
        return f"{name} fixes {on}, so every step {does}; with {setting_words(cfg)} {mech}"
    return f"with {who} {mech}{_held_copy(q, c, cfg)}"


def _held_copy(q: Question, c: Cause, cfg: Config) -> str:
    """Where a copy through a held gate loses much over the horizon on its own (T·ε ≥ 0.5),
    what '≈' means for the verdict: '; with Γf held at 0.999, the copy alone would keep 0.999^1000 =
    0.37, and what each step writes and every gate's slight dependence on the old memory
    move it to the gain measured'."""
    eps, T = q.simulation.epsilon, cfg.steps
    if not c.copies or c.fixed or T * eps < 0.5:
        return ""
    keep = 1 - eps
    held = _list([gates.symbol(g) for g in c.deciders if cfg.states[g].startswith("held:")])
    return (f"; with {held} held at {keep:g}, the copy alone would keep {keep:g}^{T} = "
            f"{plain(keep ** T)}, "
            f"and what each step writes and every gate's slight dependence on the old memory "
            f"move it to the gain measured")
