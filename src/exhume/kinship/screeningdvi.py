"""Screening a DVI problem: every body against every missing person of every family.

National screening (:mod:`exhume.kinship.screening`) builds one table per *column*, a pedigree
with one target. For a dvi-json problem each missing person is a column: its family's pedigree
with that person as the target and the family's other missing persons untyped (a father and
his son, both missing, are two columns of one family), columns of one pedigree shape and
target batched together. A body's candidates therefore name the missing person, not only the
family, and each log LR equals the DVI pairwise LR ``LR(V = M)`` of
:func:`exhume.kinship.dvi.pairwise_lr` (tested to 1e-9 relative). Bodies whose sex differs
from the missing person's are never candidates; a missing person whose family has no typed
member, or whose references are impossible, is skipped with the reason.

The JSON document (:func:`screening_document`)::

    {"format": "exhume-dvi-screening", "version": 1, "provenance": {...},
     "remains": [{"body": id, "index": int,
                  "top": [{"family", "missing", "missing_index", "log10_lr", "exclusions"}]}],
     "pairs": {"body": [id], "missing": [id], "log10_lr": [float], "exclusions": [int]},
     "skipped": [{"family", "missing", "reason"}]}
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from exhume.kinship.markers import MISSING
from exhume.kinship.pedigree import Pedigree
from exhume.kinship.problem import DviProblem
from exhume.kinship.provenance import exhume_version, software
from exhume.kinship.screening import ScreeningParams, ScreeningResult, screen
from exhume.kinship.screeningcache import TableCache, screen_cached
from exhume.kinship.screeningreport import log10
from exhume.kinship.screeningtables import FamilyData

__all__ = ["DVI_SCREENING_FORMAT", "family_data", "screen_problem", "screening_document"]

DVI_SCREENING_FORMAT = "exhume-dvi-screening"


def family_data(problem: DviProblem) -> FamilyData:
    """One screening column per missing person (in ``problem.missing`` order): its family's
    pedigree with it as the target (the family's other missing persons untyped), columns of
    one pedigree shape and target batched."""
    home = {m: fam for fam in problem.families for m in fam.missing}
    shapes: dict[tuple[bytes, bytes, bytes, int], int] = {}
    pedigrees: list[Pedigree] = []
    targets: list[int] = []
    shape_of: list[int] = []
    blocks: list[NDArray[np.int64]] = []
    for m in problem.missing:
        fam = home[m]
        ped = fam.pedigree
        target = ped.index(m)
        key = (ped.fidx.tobytes(), ped.midx.tobytes(), ped.sex.tobytes(), target)
        if key not in shapes:
            shapes[key] = len(pedigrees)
            pedigrees.append(ped)
            targets.append(target)
        shape_of.append(shapes[key])
        g = np.array(fam.genotypes, dtype=np.int64)
        for other in fam.missing:
            if other != m:
                g[ped.index(other)] = MISSING
        blocks.append(g)
    sizes = [b.shape[0] for b in blocks]
    n_markers = len(problem.markers)
    genotypes = np.concatenate(blocks) if blocks else np.zeros((0, n_markers, 2), np.int64)
    return FamilyData(
        markers=problem.markers,
        pedigrees=tuple(pedigrees),
        targets=tuple(targets),
        family_shape=np.array(shape_of, dtype=np.int64),
        family_offset=np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64),
        genotypes=genotypes,
    )


def screen_problem(
    problem: DviProblem, params: ScreeningParams, *, cache: TableCache | None = None
) -> tuple[ScreeningResult, int | None]:
    """Screen every victim against every missing person; result columns are indices into
    ``problem.missing``. With ``cache``, tables are reused (returns how many were built)."""
    fam = family_data(problem)
    bodies = np.stack([v.genotypes for v in problem.victims]).astype(np.int64)
    sexes = np.array([v.sex for v in problem.victims], dtype=np.int64)
    if cache is None:
        return screen(fam, bodies, sexes, params), None
    return screen_cached(fam, cache, bodies, sexes, params)


def screening_document(problem: DviProblem, result: ScreeningResult) -> dict[str, Any]:
    """The JSON document of a DVI screening (see the module docstring)."""
    family = {m: fam.id for fam in problem.families for m in fam.missing}
    victims = [v.id for v in problem.victims]
    remains = []
    for b, vid in enumerate(victims):
        top = [
            {
                "family": family[problem.missing[j]],
                "missing": problem.missing[j],
                "missing_index": int(j),
                "log10_lr": log10(result.top_log_lr[b, k]),
                "exclusions": int(result.top_exclusions[b, k]),
            }
            for k, j in enumerate(result.top_family[b].tolist())
            if j >= 0
        ]
        remains.append({"body": vid, "index": b, "top": top})
    params = result.params
    return {
        "format": DVI_SCREENING_FORMAT,
        "version": 1,
        "provenance": {
            "exhume": exhume_version(),
            "input_sha256": problem.source_sha256,
            "dataset": problem.dataset,
            "parameters": {"top": params.top, "threshold": params.threshold},
            **software(),
        },
        "remains": remains,
        "pairs": {
            "body": [victims[b] for b in result.pair_body.tolist()],
            "missing": [problem.missing[j] for j in result.pair_family.tolist()],
            "log10_lr": [log10(x) for x in result.pair_log_lr.tolist()],
            "exclusions": result.pair_exclusions.tolist(),
        },
        "skipped": [
            {"family": family[problem.missing[j]], "missing": problem.missing[j], "reason": why}
            for j, why in result.skipped.items()
        ],
    }
