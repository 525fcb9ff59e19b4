"""Handouts: the bank as one Markdown file or one self-contained HTML page.

Each question shows its stem and options; unless it is a learner handout, also the key, each
option's explanation and a plot of gain(t) (Markdown: an SVG data URI per option; HTML: the
question's gate lab with its precomputed grid, :mod:`quizgrader.lab.offline`), so the page
needs no network and no side files. Plots need full curves, which the shared
:class:`~quizgrader.sim.Simulator` computes once per scenario. The page is built as blocks of
:mod:`quizgrader.text.render.document` and rendered there.
"""
from __future__ import annotations

import base64
from typing import Any

import numpy as np

from ..lab.offline import embedded, grids, slot, with_labs
from ..sim import Simulator
from ..sim.parallel import default_workers
from ..text.config import whole
from ..text.notes import guides
from ..text.reasons import claim_config, flip_config, scenario_config
from ..text.render.document import Block, Em, Figure, Heading, Items, Para, Section, Strong, render
from ..text.reports import figures
from ..verify import OptionVerdict, QuestionVerdict, flipped
from .items import Item
from .plots import Series, gain_svg


def option_series(qv: QuestionVerdict, v: OptionVerdict, sim: Simulator) -> list[Series]:
    """The curves an option's explanation cites, over every step of the horizon, each
    labelled with its whole configuration; a curve that another one already draws (the
    same numbers) is left out, so the legend lists only what the plot shows."""
    claim = v.option.claim
    if claim is None or v.curves is None:
        return []
    q = qv.question
    T, settings = q.horizon, q.simulation.settings()
    model = q.models[claim.model].model()
    scenario = v.scenario
    own = whole(q, claim_config(q, v)) if claim.has_setting and not v.unreachable else \
        whole(q, scenario_config(q, claim.model, ()))
    out = [Series(figures.option_label(v.option.id, own),
                  sim.run(model, scenario, T, settings).gain)]
    for f in (*v.flips, *((v.joint,) if v.joint else ())):
        m, holds = flipped(model, claim.gates, *f.gates)
        out.append(Series(figures.flip_label(whole(q, flip_config(q, v, f))),
                          sim.run(m, holds, T, settings).gain, "--"))
    d = v.delivery
    if d is not None and d.scenario is not None and tuple(d.scenario) != tuple(scenario):
        cfg = whole(q, scenario_config(q, claim.model, d.scenario))
        out.append(Series(figures.deciding_label(cfg),
                          sim.run(model, d.scenario, T, settings).gain, "-."))
    shown: list[Series] = []
    for s in out:
        if not any(np.array_equal(s.gain, t.gain, equal_nan=True) for t in shown):
            shown.append(s)
    return shown


def _figure(qv: QuestionVerdict, v: OptionVerdict, sim: Simulator | None) -> Figure | None:
    """The option's plot, or None if it has no simulated claim (or no plots are wanted)."""
    series = option_series(qv, v, sim) if sim is not None else []
    if not series:
        return None
    q = qv.question
    svg = gain_svg(figures.plot_title(v.option.id, v.option.text), series,
                   q.simulation.vanish_below,
                   q.simulation.explode_above)
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return Figure(uri, figures.alt(v.option.id), figures.caption(q.simulation.seeds, q.horizon))


def question_blocks(item: Item, qv: QuestionVerdict | None, sim: Simulator | None,
                    lab: bool = False) -> Section:
    """One question of a handout: stem, options, findings, bottom line, answer, explanations;
    with ``lab`` (HTML), the slot of the question's gate lab after the options instead of a
    plot per option (the lab shows each option's setting and more)."""
    scheme = "" if item.select == "one" else f" (scored {item.scheme})"
    blocks: list[Block] = [
        Heading(2, item.name), Para((Em(item.ident), f", select {item.select}{scheme}")),
        Para(item.stem, cls="stem"),
        Items(tuple((Strong(f"{o.id}."), f" {o.text}") for o in item.options), cls="options")]
    if not item.learner and qv is not None:
        blocks += [Para(f"Finding: {f}", cls="finding") for f in item.findings]
        blocks.append(Para((Strong("Bottom line:"), " " + item.bottom_line), cls="bottom-line"))
        blocks.append(Para(("Answer: ", Strong(", ".join(item.key))), cls="key"))
        for o, v in zip(item.options, qv.options, strict=True):
            fig = None if lab else _figure(qv, v, sim)
            blocks.append(Section((Heading(3, f"{o.id}. {o.text}"),
                                   Para((Strong(o.explanation[0]),)),
                                   *(Para(p) for p in o.explanation[1:]),
                                   *((fig,) if fig else ())),
                                  cls="option " + ("correct" if o.correct else "wrong"),
                                  tag="div"))
        if lab and sim is not None:
            blocks.append(slot(item.ident))
        if qv.question.source:
            blocks.append(Para(f"Source: {qv.question.source}"))
    return Section(tuple(blocks), cls="question", anchor=item.ident)


def handout(pairs: list[tuple[Item, QuestionVerdict | None]], sim: Simulator | None, title: str,
            fmt: str, labs: list[dict[str, Any] | None] | None = None) -> str:
    """The handout in ``fmt`` (markdown or html): the reading guide and notation notes once,
    then each question with its bottom line first. ``labs``: each pair's offline grid when
    already computed (:func:`quizgrader.lab.batch.verify_with_grids`), else computed here."""
    blocks: list[Block] = [Heading(1, title)]
    explained = [qv.question for item, qv in pairs if qv is not None and not item.learner]
    if explained:
        blocks.append(Section(tuple(Para(n, cls="guide") for n in guides(explained)),
                              cls="notes", tag="div"))
    lab = fmt == "html"
    blocks += [question_blocks(item, qv, sim, lab) for item, qv in pairs]
    page = render(blocks, fmt, title)
    if not lab or sim is None:
        return page
    picked = [i for i, (item, qv) in enumerate(pairs) if qv is not None and not item.learner]
    shown = [(pairs[i][0], qv) for i in picked if (qv := pairs[i][1]) is not None]
    data = [labs[i] for i in picked] if labs is not None else \
        grids([qv.question for _, qv in shown], sim.store, default_workers())
    return with_labs(page, {item.ident: embedded(qv, d, item.ident)
                            for (item, qv), d in zip(shown, data, strict=True)})
