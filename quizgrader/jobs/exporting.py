"""Exporting a bank: LMS files (Moodle XML, GIFT, QTI 2.1) and handouts."""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Literal

from ..apitypes import Exported
from ..atomic import write_output
from ..errors import ExportError
from ..lab.batch import verify_with_grids
from ..sim.diskcache import open_cache
from ..sim.parallel import default_workers, single_blas
from ..text.explain import Detail
from ..verify import verify_question
from ..verify.batch import verify_bank
from .question import check_detail
from .verifying import first_variants, load_within_limits, simulator

PathLike = str | Path
ExportFormat = Literal["moodle", "gift", "qti", "markdown", "html"]


def export(paths: Iterable[PathLike], fmt: ExportFormat, out: PathLike | None = None, *,
           learner: bool = False, trust_key: bool = False, plots: bool = True,
           cache: bool = True, allow_large: bool = False,
           title: str = "Quiz handout", detail: Detail | None = None,
           shuffle: bool = True, all_variants: bool = False) -> Exported:
    """The bank in ``fmt``, written atomically to ``out`` when given (``-``: stdout). An
    invalid file stops the export before any simulation; a learner export simulates nothing.
    ``detail``: the explanations' level (default standard for LMS files, full for handouts);
    ``shuffle``: LMS files let the LMS shuffle the options (their feedback then names no
    letter); without it the choices keep their letters. LMS files carry every deployed
    variant of a template (Moodle and GIFT in a category of its own); handouts show its
    first variant unless ``all_variants``."""
    from ..export import FORMATS, export as export_verdicts, export_learner
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})", "fmt")
    check_detail(detail)
    detail = detail or ("full" if fmt in ("markdown", "html") else "standard")
    bank = load_within_limits(paths, allow_large=allow_large or learner)
    if bank.problems:
        counts = [f"{len(bank.invalid)} invalid file(s)"] + \
            ([f"{len(bank.refused)} too large to simulate"] if bank.refused else [])
        raise ExportError("\n".join(bank.problems + [f"nothing exported: "
                                                       f"{', '.join(counts)}"]),
                          "allow_large" if bank.refused and not bank.invalid else None)
    if not bank.questions:
        raise ExportError("no questions to export")
    if fmt in ("markdown", "html") and not all_variants:
        bank.questions = first_variants(bank.questions)
    if learner:
        data = export_learner([q for _, q in bank.questions], fmt, title, shuffle=shuffle)
    else:
        handout_plots = plots and fmt == "markdown"   # html: the lab, no matplotlib
        if handout_plots:
            from ..export.plots import require
            require()
        sim = simulator(cache=cache, full=handout_plots)
        labs = None
        if fmt == "markdown":                # here: the plots reuse the verdicts' curves
            with single_blas():
                verdicts = [verify_question(q, path, sim) for path, q in bank.questions]
        elif fmt == "html":                  # with each question's lab: on the process pool,
            # the lab's grid and the verification sharing their simulations
            verdicts, labs = verify_with_grids(bank.questions, sim.store, default_workers())
        else:                                # LMS files (every variant): on the process pool
            store = open_cache(cache)
            verdicts = verify_bank(bank.questions, store.root if store else None,
                                   default_workers())
        with single_blas():
            data = export_verdicts(verdicts, fmt, False, trust_key, sim, plots, title,
                                   detail=detail, shuffle=shuffle, labs=labs)
    if out is not None:
        write_output(out, data)
    return Exported(data, [q.name for _, q in bank.questions])
