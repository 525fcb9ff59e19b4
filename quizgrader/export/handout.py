"""Handouts: the bank as one Markdown file or one self-contained HTML page.

Each question shows its stem and options; unless it is a learner handout, also the key, each
option's explanation and a plot of gain(t) (embedded as an SVG data URI, so the page needs no
network and no side files). Plots need full curves, which the shared
:class:`~quizgrader.scenarios.Simulator` computes once per scenario.
"""
from __future__ import annotations

import base64
import html

from ..gates import SYMBOL
from ..render import md
from ..scenarios import Simulator, describe
from ..verify import OptionVerdict, QuestionVerdict, flipped
from .items import Item
from .plots import Series, gain_svg

CSS = """body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:52rem;
margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1b1b1b}
h1{font-size:1.6rem}h2{margin-top:2.5rem;border-bottom:1px solid #ccc}
.stem{white-space:pre-wrap}.key{background:#eef6ee;padding:.4rem .8rem;border-radius:4px}
ol.options{list-style:none;padding-left:0}ol.options li{margin:.3rem 0}
.option{border-left:3px solid #bbb;padding-left:1rem;margin:1.5rem 0}
.option.correct{border-color:#2e7d32}.option.wrong{border-color:#c62828}
figure{margin:1rem 0}figure img{max-width:100%;height:auto}
figcaption{font-size:.85rem;color:#555}"""


def option_series(qv: QuestionVerdict, v: OptionVerdict, sim: Simulator) -> list[Series]:
    """The curves an option's explanation cites, over every step of the horizon."""
    claim = v.option.claim
    if claim is None or v.curves is None:
        return []
    q = qv.question
    T, settings = q.horizon, q.simulation.settings()
    model = q.models[claim.model].model()
    label = q.label(claim.model)
    scenario = v.scenario
    out = [Series(f"{v.option.id}: {label}, {describe(scenario)}",
                  sim.run(model, scenario, T, settings).gain)]
    for f in v.flips:
        m, holds = flipped(model, claim.when, f.gate)
        out.append(Series(f"counterfactual: {SYMBOL.get(f.gate, f.gate)}≈{f.value}",
                          sim.run(m, holds, T, settings).gain, "--"))
    d = v.delivery
    if d is not None and d.scenario is not None and tuple(d.scenario) != tuple(scenario):
        out.append(Series(f"deciding setting: {describe(d.scenario)}",
                          sim.run(model, d.scenario, T, settings).gain, "-."))
    return out


def _plot(qv: QuestionVerdict, v: OptionVerdict, sim: Simulator) -> str | None:
    """The option's plot as a data URI, or None if it has no simulated claim."""
    series = option_series(qv, v, sim)
    if not series:
        return None
    q = qv.question
    svg = gain_svg(f"{q.id}, option {v.option.id}", series, q.simulation.vanish_below,
                   q.simulation.explode_above)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _caption(qv: QuestionVerdict, v: OptionVerdict) -> str:
    q = qv.question
    return (f"gain(t) = median over {q.simulation.seeds} random cells of ‖∂c<t>/∂c<0>‖ for "
            f"t = 1..{q.horizon}, log scale; a curve that leaves the bottom of the plot keeps "
            f"on vanishing (the text gives its value at t = {q.horizon}).")


def markdown(pairs: list[tuple[Item, QuestionVerdict | None]], sim: Simulator | None, title: str
             ) -> str:
    out = [f"# {md(title)}", ""]
    for item, qv in pairs:
        out += [f"## {md(item.title)}", "", f"*{md(item.id)}*, select {item.select}"
                + ("" if item.select == "one" else f" (scored {item.scheme})"), "",
                md(item.stem), ""]
        out += [f"- **{md(o.id)}.** {md(o.text)}" for o in item.options] + [""]
        if item.learner:
            continue
        out += [f"**Answer: {md(', '.join(item.key))}**", ""]
        for o, v in zip(item.options, qv.options):
            out += [f"### {md(o.id)}. {md(o.text)}", "", f"**{md(o.explanation[0])}**", ""]
            for p in o.explanation[1:]:
                out += [md(p), ""]
            uri = _plot(qv, v, sim) if sim is not None else None
            if uri:
                out += [f"![gain(t) for option {md(o.id)} and its counterfactuals]({uri})", "",
                        f"*{md(_caption(qv, v))}*", ""]
        out += [md(p) + "\n" for p in item.general]
    return "\n".join(out).rstrip("\n") + "\n"


def page(pairs: list[tuple[Item, QuestionVerdict | None]], sim: Simulator | None, title: str) -> str:
    e = lambda s: html.escape(s, quote=True)  # noqa: E731
    body = [f"<h1>{e(title)}</h1>"]
    for item, qv in pairs:
        body.append(f'<section class="question" id="{e(item.id)}"><h2>{e(item.title)}</h2>')
        body.append(f'<p class="stem">{e(item.stem)}</p>')
        body.append('<ol class="options">' + "".join(
            f"<li><strong>{e(o.id)}.</strong> {e(o.text)}</li>" for o in item.options)
            + "</ol>")
        if not item.learner:
            body.append(f'<p class="key">Answer: <strong>{e(", ".join(item.key))}</strong></p>')
            for o, v in zip(item.options, qv.options):
                cls = "correct" if o.correct else "wrong"
                body.append(f'<div class="option {cls}"><h3>{e(o.id)}. {e(o.text)}</h3>')
                body.append(f"<p><strong>{e(o.explanation[0])}</strong></p>")
                body.extend(f"<p>{e(p)}</p>" for p in o.explanation[1:])
                uri = _plot(qv, v, sim) if sim is not None else None
                if uri:
                    body.append(f'<figure><img src="{uri}" alt="gain(t) for option {e(o.id)} '
                                f'and its counterfactuals" width="640" height="360">'
                                f"<figcaption>{e(_caption(qv, v))}</figcaption></figure>")
                body.append("</div>")
            body.extend(f"<p>{e(p)}</p>" for p in item.general)
        body.append("</section>")
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{e(title)}</title><style>{CSS}</style></head><body>\n"
            + "\n".join(body) + "\n</body></html>\n")
