"""Write DVI problems and markers as ``dvi-json v1`` documents (the reverse of dvijson).

:func:`problem_document` turns a :class:`DviProblem` into the JSON object that
:func:`exhume.kinship.dvijson.parse_problem` reads back to an equal problem: same markers
(frequencies and mutation matrices exactly), victims, families, pedigrees, genotypes, missing
persons, references and pairings. Floats are written with Python's shortest round-trip form.
Mutation parameters whose names start with ``male_`` (sex-specific models read from Familias
files) are written, without the prefix, in the ``male`` part; :func:`with_male_parameters`
reads them back.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from exhume.kinship.markers import Marker
from exhume.kinship.mutation import MutationModel
from exhume.kinship.pedigree import Pedigree
from exhume.kinship.problem import DviProblem

__all__ = [
    "FORMAT",
    "genotype_document",
    "marker_document",
    "problem_document",
    "with_male_parameters",
]

FORMAT = "dvi-json v1 (see README.md)"


def marker_document(marker: Marker) -> dict[str, Any]:
    """One entry of the ``markers`` list."""
    mutation: dict[str, Any] | None = None
    mut = marker.mutation
    if mut is not None:
        plain = {k: v for k, v in mut.params.items() if not k.startswith("male_")}
        male = {k.removeprefix("male_"): v for k, v in mut.params.items() if k.startswith("male_")}
        alleles = list(marker.alleles)
        mutation = {
            "sexEqual": bool(np.array_equal(mut.female, mut.male)),
            "female": {"model": mut.model, **plain, "alleles": alleles,
                       "matrix": mut.female.tolist()},
            "male": {"model": mut.model, **(male or plain), "alleles": alleles,
                     "matrix": mut.male.tolist()},
        }  # fmt: skip
    return {
        "name": marker.name,
        "chrom": None,
        "posMb": None,
        "alleles": list(marker.alleles),
        "afreq": [float(f) for f in marker.afreq],
        "mutation": mutation,
    }


def genotype_document(markers: tuple[Marker, ...], row: np.ndarray) -> dict[str, list[str | None]]:
    """The typed markers of one genotype row ``(n_markers, 2)`` as allele-label pairs."""
    out: dict[str, list[str | None]] = {}
    for k, marker in enumerate(markers):
        pair = [int(a) for a in row[k]]
        if max(pair) < 0:
            continue
        out[marker.name] = [marker.alleles[a] if a >= 0 else None for a in pair]
    return out


def _pedigree_rows(ped: Pedigree) -> list[dict[str, Any]]:
    return [
        {
            "id": ident,
            "fid": ped.ids[ped.fidx[i] - 1] if ped.fidx[i] else None,
            "mid": ped.ids[ped.midx[i] - 1] if ped.midx[i] else None,
            "sex": int(ped.sex[i]),
        }
        for i, ident in enumerate(ped.ids)
    ]


def problem_document(problem: DviProblem, *, title: str = "", source: Any = None) -> dict[str, Any]:
    """The dvi-json object of ``problem`` (typed members only carry genotypes)."""
    markers = problem.markers
    am = []
    for fam in problem.families:
        typed = {
            ident: genotype_document(markers, fam.genotypes[i])
            for i, ident in enumerate(fam.pedigree.ids)
            if (fam.genotypes[i] >= 0).any()
        }
        am.append(
            {
                "family": fam.id,
                "pedigree": _pedigree_rows(fam.pedigree),
                "genotypes": typed,
                "founderInbreeding": None,
            }
        )
    return {
        "format": FORMAT,
        "dataset": problem.dataset,
        "title": title,
        "source": source,
        "markers": [marker_document(m) for m in markers],
        "pm": [
            {"id": v.id, "sex": v.sex, "genotypes": genotype_document(markers, v.genotypes)}
            for v in problem.victims
        ],
        "am": am,
        "missing": list(problem.missing),
        "references": list(problem.references),
        "pairings": None
        if problem.pairings is None
        else {vid: list(c) for vid, c in problem.pairings.items()},
        "marker_overrides": None,
    }


def with_male_parameters(markers: tuple[Marker, ...], docs: Any) -> tuple[Marker, ...]:
    """``markers`` whose models carry the ``male`` part's parameters of their dvi-json objects
    (as ``male_rate``, ...), which :func:`parse_problem` does not keep."""
    if not isinstance(docs, list):
        return markers
    metas = {d.get("name"): d.get("mutation") for d in docs if isinstance(d, dict)}
    out = []
    for m in markers:
        meta, mut = metas.get(m.name), m.mutation
        male = meta.get("male") if isinstance(meta, dict) else None
        if mut is not None and isinstance(male, dict):
            extra = {f"male_{k}": float(male[k]) for k in ("rate", "range", "rate2")
                     if isinstance(male.get(k), int | float)}  # fmt: skip
            mut = MutationModel(mut.female, mut.male, mut.model, {**mut.params, **extra})
            m = Marker(name=m.name, alleles=m.alleles, afreq=m.afreq, mutation=mut)
        out.append(m)
    return tuple(out)
