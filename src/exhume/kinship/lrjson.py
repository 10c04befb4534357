"""Read kinship LR cases in the ``kinship-lr-json v1`` format and write their results.

Input (see ``shared/data/kinship-lr-examples/README.md``): ``hypotheses`` maps a name to a list
of individuals ``{id, fid, mid, sex}``; ``reference_hypothesis`` names the denominator;
``markers`` are as in dvi-json (name, alleles, afreq, mutation matrices or null); ``genotypes``
maps id -> marker -> ``[allele, allele]`` (``null`` = a missing allele). Validation happens
once, here; every :class:`ProblemFormatError` names the hypothesis, individual, marker or allele.

Output of ``exhume kinship lr``::

    {"lr": {"H1:R": float, ...}, "lr_per_marker": {"H1:R": {"M1": float, ...}},
     "loglik": {"H1": float, ...}, "provenance": {...}}

An LR that overflows a double and the log-likelihood of an impossible hypothesis are written
``null`` (JSON has no infinities).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exhume.errors import InvalidInputError, ProblemFormatError
from exhume.kinship.jsonparts import genotype_row, parse_marker, parse_sex, read_json_object
from exhume.kinship.lr import IntArray, KinshipLR, kinship_lr
from exhume.kinship.markers import Marker
from exhume.kinship.pedigree import Pedigree
from exhume.kinship.provenance import exhume_version, software

__all__ = ["KinshipCase", "load_case", "parse_case", "result_json", "solve_case"]

FORMAT = "kinship-lr-json v1"


@dataclass(frozen=True)
class KinshipCase:
    """A kinship LR case: hypotheses (in file order), reference, markers, typed genotypes."""

    name: str
    hypotheses: dict[str, Pedigree]
    reference: str
    markers: tuple[Marker, ...]
    genotypes: dict[str, IntArray]
    source_sha256: str


def load_case(path: Path | str) -> KinshipCase:
    """Read and validate a kinship-lr-json file; ``source_sha256`` hashes its bytes."""
    data, sha256 = read_json_object(path)
    return parse_case(data, sha256=sha256)


def parse_case(data: Mapping[str, Any], *, sha256: str = "") -> KinshipCase:
    """Validate a decoded kinship-lr-json document and build a :class:`KinshipCase`."""
    fmt = str(data.get("format", ""))
    if not fmt.startswith(FORMAT):
        raise ProblemFormatError(f"unsupported format {fmt!r}; expected '{FORMAT}'")
    raw_markers = data.get("markers")
    if not isinstance(raw_markers, list) or not raw_markers:
        raise ProblemFormatError("'markers' must be a non-empty list")
    markers = tuple(parse_marker(m, i) for i, m in enumerate(raw_markers))
    by_name = {m.name: k for k, m in enumerate(markers)}
    if len(by_name) != len(markers):
        raise ProblemFormatError("a marker name appears twice in 'markers'")
    hyps = data.get("hypotheses")
    if not isinstance(hyps, Mapping) or len(hyps) < 2:
        raise ProblemFormatError("'hypotheses' must map at least two names to pedigrees")
    hypotheses = {str(name): _pedigree(str(name), rows) for name, rows in hyps.items()}
    reference = data.get("reference_hypothesis")
    if reference not in hypotheses:
        raise ProblemFormatError(
            f"'reference_hypothesis' {reference!r} is not one of {', '.join(hypotheses)}"
        )
    typed = data.get("genotypes")
    if not isinstance(typed, Mapping):
        raise ProblemFormatError("'genotypes' must map individual ids to genotypes")
    genotypes = {
        str(ident): genotype_row(row, markers, by_name, f"individual '{ident}'")
        for ident, row in typed.items()
    }
    return KinshipCase(
        name=str(data.get("name", "")),
        hypotheses=hypotheses,
        reference=str(reference),
        markers=markers,
        genotypes=genotypes,
        source_sha256=sha256,
    )


def solve_case(case: KinshipCase) -> KinshipLR:
    """The LRs of a case (every hypothesis against its reference)."""
    try:
        return kinship_lr(case.hypotheses, case.markers, case.genotypes, case.reference)
    except InvalidInputError as exc:
        raise ProblemFormatError(exc.message) from None


def result_json(case: KinshipCase, result: KinshipLR) -> dict[str, Any]:
    """The JSON result of ``exhume kinship lr`` (finite numbers or null only)."""
    return {
        "lr": {k: _finite(v) for k, v in result.lr().items()},
        "lr_per_marker": {
            k: {m: _finite(v) for m, v in per.items()} for k, per in result.lr_per_marker().items()
        },
        "loglik": {h: _finite(v) for h, v in result.total_loglik().items()},
        "provenance": {
            "exhume": exhume_version(),
            "case": case.name,
            "input_sha256": case.source_sha256,
            "reference_hypothesis": case.reference,
            "mutation_models": {
                m.name: None if m.mutation is None else m.mutation.model for m in case.markers
            },
            "reference": "forrel 1.9 kinshipLR (pedprobr likelihood)",
            **software(),
        },
    }


def _pedigree(name: str, rows: Any) -> Pedigree:
    where = f"hypothesis '{name}'"
    if not isinstance(rows, list) or not rows:
        raise ProblemFormatError(f"{where}: must be a non-empty list of individuals")
    records = []
    for row in rows:
        if not isinstance(row, Mapping) or not isinstance(row.get("id"), str):
            raise ProblemFormatError(f"{where}: an individual has no id")
        fid, mid = row.get("fid"), row.get("mid")
        records.append(
            (
                row["id"],
                None if fid is None else str(fid),
                None if mid is None else str(mid),
                parse_sex(row.get("sex"), f"{where}, individual '{row['id']}'"),
            )
        )
    try:
        return Pedigree.from_records(records)
    except InvalidInputError as exc:
        raise ProblemFormatError(f"{where}: {exc.message}") from None


def _finite(x: float) -> float | None:
    return x if math.isfinite(x) else None
