"""A Familias kinship case (not DVI) as a ``kinship-lr-json v1`` case.

A paternity or relationship ``.fam`` file holds persons with genotypes and several pedigrees
(the hypotheses). Its JSON form is the kinship-lr-json case that ``exhume kinship lr`` solves:
each pedigree is a hypothesis, the *last* one is the reference (the denominator; Familias files
usually end with the "unrelated" alternative), and the typed persons carry genotypes. The
field ``familias_persons`` (ignored by the LR reader) keeps the named persons, so that the
case is written back to the same ``.fam`` file.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from exhume.errors import InvalidInputError, ProblemFormatError
from exhume.kinship.dvijson_write import genotype_document, marker_document, with_male_parameters
from exhume.kinship.familias import FamiliasCase, FamiliasPerson
from exhume.kinship.lrjson import FORMAT, parse_case
from exhume.kinship.markers import MISSING
from exhume.kinship.pedigree import Pedigree

__all__ = ["case_document", "case_from_document"]


def _rows(ped: Pedigree) -> list[dict[str, Any]]:
    return [
        {
            "id": ident,
            "fid": ped.ids[ped.fidx[k] - 1] if ped.fidx[k] else None,
            "mid": ped.ids[ped.midx[k] - 1] if ped.midx[k] else None,
            "sex": int(ped.sex[k]),
        }
        for k, ident in enumerate(ped.ids)
    ]


def case_document(case: FamiliasCase, *, name: str = "") -> dict[str, Any]:
    """The kinship-lr-json object of ``case`` (at least two pedigrees)."""
    if len(case.pedigrees) < 2:
        raise InvalidInputError(
            f"a kinship LR case needs two or more pedigrees; {name or 'this file'} has "
            f"{len(case.pedigrees)}"
        )
    genotypes = {
        p.id: genotype_document(case.markers, p.genotypes)
        for p in case.persons
        if (p.genotypes >= 0).any()
    }
    return {
        "format": FORMAT,
        "name": name,
        "description": f"Imported from the Familias file {name}",
        "hypotheses": {ped_name: _rows(ped) for ped_name, ped in case.pedigrees},
        "reference_hypothesis": case.pedigrees[-1][0],
        "markers": [marker_document(m) for m in case.markers],
        "genotypes": genotypes,
        "familias_persons": [p.id for p in case.persons],
    }


def case_from_document(doc: Mapping[str, Any]) -> FamiliasCase:
    """The Familias case of a kinship-lr-json object (persons from ``familias_persons``, else
    the individuals of every hypothesis)."""
    case = parse_case(doc)
    markers = with_male_parameters(case.markers, doc.get("markers"))
    peds = tuple(case.hypotheses.items())
    everywhere = [i for i in peds[0][1].ids if all(i in p for _, p in peds)]
    named = doc.get("familias_persons", everywhere)
    if not isinstance(named, list) or any(not all(i in p for _, p in peds) for i in named):
        raise ProblemFormatError("'familias_persons' must list ids found in every hypothesis")
    empty = np.full((len(markers), 2), MISSING, dtype=np.intp)
    ped0 = peds[0][1]
    persons = tuple(
        FamiliasPerson(str(i), int(ped0.sex[ped0.index(i)]), case.genotypes.get(i, empty))
        for i in named
    )
    return FamiliasCase(markers=markers, persons=persons, pedigrees=peds)
