"""The lab of an offline handout: each question's grid precomputed and embedded in the page.

The grid is :data:`~.grid.OFFLINE`, free, ≈ 0, 0.5 and ≈ 1 for each free gate (lab.md's
least: the embedded grid may be coarser than the service's; 0.5 shifts nothing, so it is
free's simulation); every option's setting is on it. Each curve is kept at about 15 steps
(:func:`.curves.points`) as log10 to three decimals. The settings of one model run as one
stacked simulation on the question's own random cells, and are kept in the disk cache; the
questions whose grid the cache does not hold are simulated on the process pool.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ..question.schema import Question
from ..sim.diskcache import DiskCache
from ..sim.simulator import cached_first
from ..text.explain import Detail
from ..text.render.document import Section, render
from ..text.reports.explaindoc import explain_blocks
from ..verify import OptionVerdict, QuestionVerdict
from . import page
from .curves import LabSimulator, points
from .grid import models, settings
from .view import compact, describe


def grid_data(q: Question, lab: LabSimulator) -> dict[str, Any]:
    """``{"t": [steps], "settings": {key: compact view}}`` of every setting of every model."""
    from .grid import grid
    at = points(q.horizon)
    values = grid(q.simulation.epsilon, offline=True)
    eps, sim = q.simulation.epsilon, q.simulation.settings()
    out: dict[str, Any] = {}
    for mid, model in models(q):
        every = list(settings(q, mid, values))
        found = lab.run_many(model, [s.scenario(eps) for s in every], q.horizon, sim, at)
        for s, c in zip(every, found, strict=True):
            out[s.key()] = compact(q, s, c, at)
    return {"t": list(at), "settings": out}


def embedded(qv: QuestionVerdict, data: dict[str, Any] | None, uid: str,
             level: int = 3) -> str:
    """The lab of one verified question with its precomputed grid ``data`` (:func:`grids`;
    None, or a question without a model with gates: '')."""
    q = qv.question
    if data is None or not models(q):
        return ""
    return page.fragment(describe(q, qv, offline=True), uid, data=data,
                         level=level)


def _grid_job(job: tuple[Question, Path | None]) -> dict[str, Any]:
    q, root = job
    return grid_data(q, LabSimulator(DiskCache(root) if root is not None else None))


def grids(questions: list[Question], store: DiskCache | None, workers: int
          ) -> list[dict[str, Any] | None]:
    """Each question's offline grid (None: it has no model with gates): what the disk cache
    holds is read here, the rest simulated on ``workers`` processes (each model's settings as
    one stacked simulation; the numbers do not depend on the number of workers)."""
    reader = LabSimulator(store, offline=True)
    root = store.root if store is not None else None
    return cached_first(
        len(questions), lambda i: grid_data(questions[i], reader) if models(questions[i])
        else None, _grid_job, lambda i: (questions[i], root),
        lambda i: grid_cost(questions[i]), workers)


def grid_cost(q: Question) -> float:
    """A rough cost of ``q``'s grid (in :func:`~quizgrader.verify.batch.cost`'s units), to
    start the longest jobs first."""
    s = q.simulation
    return q.horizon * s.seeds * s.hidden ** 2 * len(_all_settings(q))


def _all_settings(q: Question) -> list[object]:
    from .grid import grid
    values = grid(q.simulation.epsilon, offline=True)
    return [s for mid, _ in models(q) for s in settings(q, mid, values)]


def with_labs(html: str, labs: dict[str, str]) -> str:
    """A rendered page with each lab put in its slot (``<div class="lab-slot" id="…">``, see
    :func:`slot_id`), the lab's style in its head and its scripts once before ``</body>``;
    unchanged when no lab was made."""
    if not any(labs.values()):
        return html
    for uid, fragment in labs.items():
        empty = f'<div class="lab-slot" id="{slot_id(uid)}">\n\n</div>'
        html = html.replace(empty, fragment, 1)
    html = html.replace("</head>", page.head() + "</head>", 1)
    before, end, after = html.rpartition("</body>")
    return before + page.scripts() + "\n" + end + after


def slot_id(uid: str) -> str:
    """The id of the empty element a handout leaves where a question's lab goes."""
    return f"lab-slot-{uid}"


def slot(uid: str) -> Section:
    """The empty element a page leaves where :func:`with_labs` puts a lab."""
    return Section((), cls="lab-slot", anchor=slot_id(uid), tag="div")


def explain_page(qv: QuestionVerdict, options: list[OptionVerdict], detail: Detail,
                 store: DiskCache | None, workers: int = 1) -> str:
    """``explain --format html``: the explanations, then the question's lab."""
    blocks = [*explain_blocks(qv, options, detail), slot("q")]
    data = grids([qv.question], store, workers)[0]
    return with_labs(render(blocks, "html", qv.question.title),
                     {"q": embedded(qv, data, "q", level=2)})
