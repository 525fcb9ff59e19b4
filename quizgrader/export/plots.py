"""Plots of gain(t) for the handouts (matplotlib, the optional extra ``quizgrader[plot]``).

One figure per option: the option's own gate setting, each counterfactual (the cited gate
flipped) and the setting that decided the model-delivers check, on a log scale, with the
vanishing and exploding thresholds drawn. Figures are SVG with fixed ids and no date, so the
same numbers always give the same bytes.
"""
from __future__ import annotations

import io
from contextlib import contextmanager
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Iterator

import numpy as np

from ..errors import MissingExtraError

if TYPE_CHECKING:
    from matplotlib.axes import Axes

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def power_of_ten(value: float, _pos: object = None) -> str:
    """A log-axis tick label as plain text, 1e-4 -> '10⁻⁴' (matplotlib's default would
    typeset every label with mathtext, which dominates the time of a plot)."""
    if value <= 0:
        return ""
    exponent = np.log10(value)
    if abs(exponent - round(exponent)) > 1e-9:
        return ""
    return "10" + str(int(round(exponent))).translate(_SUPERSCRIPT)


FLOOR, CEILING = 1e-20, 1e20      # the y range shown at most


@dataclass(frozen=True)
class Series:
    """One curve of a gain plot: its label, gain(t) and line style."""
    label: str
    gain: np.ndarray        # (T,) gain(t) for t = 1..T (NaN where not computed)
    style: str = "-"


def _plain(text: str) -> str:
    """Text matplotlib draws as written: a ``$`` would start mathtext (and may not parse)."""
    return text.replace("$", r"\$")


def require() -> None:
    """Fail early, before any simulation, if matplotlib is missing."""
    _matplotlib()


def _matplotlib() -> ModuleType:
    try:
        import matplotlib
    except ImportError:
        raise MissingExtraError("handout plots need matplotlib: pip install "
                                "'quizgrader[plot]', or export without plots", "plots") from None
    return matplotlib


def _pyplot() -> tuple[ModuleType, ModuleType]:
    matplotlib = _matplotlib()
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker  # noqa: F401
    return matplotlib, plt


@contextmanager
def svg_plot(size: tuple[float, float], rect: tuple[float, float, float, float]
             ) -> Iterator[tuple[Axes, list[str]]]:
    """An axes to draw on, then (in the list yielded with it) the figure as SVG text: fixed
    margins (no layout pass), fixed ids and no date, so the same drawing gives the same
    bytes."""
    matplotlib, plt = _pyplot()
    with matplotlib.rc_context({"svg.hashsalt": "quizgrader", "svg.fonttype": "path",
                                "font.size": 9, "axes.titlesize": 10}):
        fig = plt.figure(figsize=size, dpi=100)
        svg: list[str] = []
        try:
            yield fig.add_axes(rect), svg
            buf = io.StringIO()
            fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": "quizgrader"})
            svg.append(buf.getvalue())
        finally:
            plt.close(fig)


def gain_svg(title: str, series: list[Series], vanish_below: float, explode_above: float
             ) -> str:
    """An SVG line plot of gain(t) for each series, log y axis."""
    matplotlib, _ = _pyplot()
    with svg_plot((6.4, 4.6), (0.12, 0.36, 0.84, 0.46)) as (ax, svg):
        lows = [vanish_below / 10]
        highs = [explode_above * 10]
        for s in series:
            computed = ~np.isnan(s.gain)              # a full curve may skip steps
            t = np.arange(1, len(s.gain) + 1)[computed]
            g = s.gain[computed]
            g = np.where(np.isfinite(g) & (g > 0), g, np.nan)  # 0 or inf: off a log axis
            ax.plot(t, g, s.style, label=_plain(s.label), linewidth=1.6)
            if np.isfinite(g).any():
                lows.append(np.nanmin(g))
                highs.append(np.nanmax(g))
        ax.axhline(vanish_below, color="tab:red", linestyle=":", linewidth=1.2,
                   label=f"vanishing threshold ({vanish_below:g})")
        ax.axhline(explode_above, color="tab:purple", linestyle=":", linewidth=1.2,
                   label=f"exploding threshold ({explode_above:g})")
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(power_of_ten))
        ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        # a gradient that has vanished past FLOOR is simply gone: clipping there keeps the two
        # thresholds (four decades apart) readable whatever the curves reach
        ax.set_ylim(max(min(lows) / 10, FLOOR), min(max(highs) * 10, CEILING))
        ax.set_xlim(1, max(len(s.gain) for s in series))
        ax.set_xlabel("step t")
        ax.set_ylabel("gain ‖∂c<t>/∂c<0>‖ (median)")
        ax.set_title(_plain(title), fontsize=8.5, loc="left")
        ax.grid(True, which="major", alpha=0.3)
        # below the axes, so it never hides a curve (and no "best" placement search)
        ax.legend(fontsize=7.5, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=1,
                  frameon=False)
    return svg[0]
