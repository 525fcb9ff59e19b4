"""Plots of item statistics (matplotlib, the ``plot`` extra): per question the share of each
option overall and in the top and bottom 27 %; for the test, facility against discrimination.
SVGs with fixed ids and no date, so the same class gives the same bytes."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ..analysis.itemstats import ItemStats, TestStats
from ..atomic import write_output
from .plots import _plain, svg_plot


def option_svg(it: ItemStats) -> str:
    """Grouped bars: each option's share overall, in the top and in the bottom group."""
    with svg_plot((6.4, 3.6), (0.1, 0.18, 0.86, 0.7)) as (ax, svg):
        x = np.arange(len(it.options))
        for k, (what, label) in enumerate((("share", "all"), ("share_top", "top 27 %"),
                                           ("share_bottom", "bottom 27 %"))):
            ax.bar(x + (k - 1) * 0.27, [100 * getattr(o, what) for o in it.options], 0.27,
                   label=label)
        ax.set_xticks(x, [_plain(o.id + (" ✓" if o.correct else "")) for o in it.options])
        ax.set_ylabel("chosen by (%)")
        ax.set_ylim(0, 100)
        ax.set_title(_plain(f"{it.id}: who chose each option"))
        ax.legend(fontsize=7.5, frameon=False)
    return svg[0]


def scatter_svg(t: TestStats) -> str:
    """Facility (x) against discrimination index (y), one labelled point per question."""
    with svg_plot((6.4, 4.2), (0.12, 0.12, 0.84, 0.8)) as (ax, svg):
        for it in t.items:
            if it.facility is None or it.discrimination_index is None:
                continue
            ax.plot(100 * it.facility, it.discrimination_index, "o", color="tab:blue")
            ax.annotate(_plain(it.id), (100 * it.facility, it.discrimination_index),
                        fontsize=7, xytext=(3, 3), textcoords="offset points")
        ax.axhline(0, color="grey", linewidth=0.8)
        ax.set_xlim(0, 100)
        ax.set_ylim(-100, 100)
        ax.set_xlabel("facility (%)")
        ax.set_ylabel("discrimination index")
        ax.set_title("Questions: how easy, and how well they separate learners")
    return svg[0]


def write_plots(t: TestStats, folder: str | Path) -> list[Path]:
    """One SVG per question and ``test.svg`` in ``folder``; the paths written."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for it in t.items:
        path = out / f"{it.id}.svg"
        write_output(path, option_svg(it).encode("utf-8"))
        paths.append(path)
    path = out / "test.svg"
    write_output(path, scatter_svg(t).encode("utf-8"))
    return paths + [path]
