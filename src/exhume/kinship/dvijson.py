"""Read DVI problems in the ``dvi-json v1`` format (exported from the R package dvir).

The parser validates once, at the boundary, and returns the problem types of
:mod:`exhume.kinship.problem` (a database adapter builds the same types), with genotype arrays
ready for :func:`exhume.kinship.likelihood.loglik`. Every :class:`ProblemFormatError` names the
family, individual, marker or allele at fault. Markers are matched by name and ordered as in the
file's global ``markers`` list; mutation matrices are used exactly as stored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from exhume.errors import InvalidInputError, KinshipError, ProblemFormatError
from exhume.kinship.jsonparts import genotype_row, parse_marker, parse_sex, read_json_object
from exhume.kinship.markers import MISSING, Marker
from exhume.kinship.pedigree import Pedigree
from exhume.kinship.problem import DviProblem, Family, Victim

__all__ = ["load_problem", "parse_problem", "read_json_object"]


def load_problem(path: Path | str) -> DviProblem:
    """Read and validate a dvi-json file; ``source_sha256`` is the SHA-256 of its bytes."""
    data, sha256 = read_json_object(path)
    return parse_problem(data, sha256=sha256)


def parse_problem(data: Mapping[str, Any], *, sha256: str = "") -> DviProblem:
    """Validate a decoded dvi-json document and build a :class:`DviProblem`."""
    fmt = str(data.get("format", ""))
    if not fmt.startswith("dvi-json v1"):
        raise ProblemFormatError(f"unsupported format {fmt!r}; expected 'dvi-json v1'")
    if data.get("marker_overrides"):
        raise ProblemFormatError(
            "per-component marker definitions (marker_overrides) are not supported"
        )
    markers = tuple(parse_marker(m, i) for i, m in enumerate(_list(data, "markers", "the problem")))
    by_name = {m.name: k for k, m in enumerate(markers)}
    if len(by_name) != len(markers):
        raise ProblemFormatError("a marker name appears twice in 'markers'")
    victims = tuple(_victim(v, markers, by_name) for v in _list(data, "pm", "the problem"))
    families = tuple(_family(f, markers, by_name) for f in _list(data, "am", "the problem"))
    missing = tuple(str(x) for x in _list(data, "missing", "the problem"))
    references = tuple(str(x) for x in _list(data, "references", "the problem"))
    _check_ids(victims, families, missing, references)
    families = tuple(_with_roles(f, set(missing), set(references)) for f in families)
    pairings = _pairings(data.get("pairings"), victims, missing)
    return DviProblem(
        dataset=str(data.get("dataset", "")),
        markers=markers,
        victims=victims,
        families=families,
        missing=missing,
        references=references,
        pairings=pairings,
        source_sha256=sha256,
    )


# -- pieces ---------------------------------------------------------------------------------


def _list(data: Mapping[str, Any], key: str, where: str) -> Sequence[Any]:
    value = data.get(key)
    if not isinstance(value, list):
        raise ProblemFormatError(f"{where}: '{key}' must be a list")
    return value


def _victim(obj: Any, markers: tuple[Marker, ...], by_name: dict[str, int]) -> Victim:
    if not isinstance(obj, Mapping) or not isinstance(obj.get("id"), str):
        raise ProblemFormatError("a victim ('pm' entry) has no id")
    who = f"victim '{obj['id']}'"
    genos = genotype_row(obj.get("genotypes", {}), markers, by_name, who)
    return Victim(id=obj["id"], sex=parse_sex(obj.get("sex"), who), genotypes=genos)


def _family(obj: Any, markers: tuple[Marker, ...], by_name: dict[str, int]) -> Family:
    if not isinstance(obj, Mapping) or obj.get("family") is None:
        raise ProblemFormatError("an AM family ('am' entry) has no 'family' name")
    fam = str(obj["family"])
    where = f"family '{fam}'"
    if obj.get("founderInbreeding") is not None:
        raise KinshipError(f"{where}: founder inbreeding is not supported")
    records = []
    for row in _list(obj, "pedigree", where):
        if not isinstance(row, Mapping) or not isinstance(row.get("id"), str):
            raise ProblemFormatError(f"{where}: a pedigree member has no id")
        who = f"{where}, individual '{row['id']}'"
        fid, mid = row.get("fid"), row.get("mid")
        records.append(
            (
                row["id"],
                None if fid is None else str(fid),
                None if mid is None else str(mid),
                parse_sex(row.get("sex"), who),
            )
        )
    try:
        ped = Pedigree.from_records(records)
    except InvalidInputError as exc:
        raise ProblemFormatError(f"{where}: {exc.message}") from None
    genos = np.full((ped.n, len(markers), 2), MISSING, dtype=np.intp)
    typed = obj.get("genotypes") or {}
    if not isinstance(typed, Mapping):
        raise ProblemFormatError(f"{where}: 'genotypes' must map ids to genotypes")
    for ident, row in typed.items():
        if ident not in ped:
            raise ProblemFormatError(f"{where}: genotypes given for '{ident}', not a member")
        genos[ped.index(ident)] = genotype_row(
            row, markers, by_name, f"{where}, individual '{ident}'"
        )
    return Family(id=fam, pedigree=ped, genotypes=genos, missing=(), references=())


def _check_ids(
    victims: tuple[Victim, ...],
    families: tuple[Family, ...],
    missing: tuple[str, ...],
    references: tuple[str, ...],
) -> None:
    seen: set[str] = set()
    for v in victims:
        if v.id in seen:
            raise ProblemFormatError(f"victim id '{v.id}' appears twice")
        seen.add(v.id)
    fam_names = [f.id for f in families]
    dup = {n for n in fam_names if fam_names.count(n) > 1}
    if dup:
        raise ProblemFormatError(f"family '{sorted(dup)[0]}' appears twice")
    for label, ids in (("missing person", missing), ("reference", references)):
        if len(set(ids)) != len(ids):
            raise ProblemFormatError(f"a {label} id appears twice in the list")
        for ident in ids:
            if ident in seen:
                raise ProblemFormatError(f"{label} id '{ident}' clashes with a victim id")
            homes = [f.id for f in families if ident in f.pedigree]
            if not homes:
                raise ProblemFormatError(f"{label} '{ident}' is not in any family")
            if len(homes) > 1:
                raise ProblemFormatError(
                    f"{label} '{ident}' is in several families: {', '.join(homes)}"
                )
    clash = set(missing) & set(references)
    if clash:
        raise ProblemFormatError(f"'{sorted(clash)[0]}' is both missing and a reference")


def _with_roles(fam: Family, missing: set[str], references: set[str]) -> Family:
    ped = fam.pedigree
    miss = tuple(i for i in ped.ids if i in missing)
    refs = tuple(i for i in ped.ids if i in references)
    for ident in miss:
        if (fam.genotypes[ped.index(ident)] >= 0).any():
            raise ProblemFormatError(f"family '{fam.id}': missing person '{ident}' has genotypes")
    return Family(fam.id, ped, fam.genotypes, miss, refs)


def _pairings(
    obj: Any, victims: tuple[Victim, ...], missing: tuple[str, ...]
) -> dict[str, tuple[str, ...]] | None:
    if obj is None:
        return None
    if not isinstance(obj, Mapping):
        raise ProblemFormatError("'pairings' must be an object or null")
    vids = {v.id for v in victims}
    allowed = set(missing) | {"*"}
    out: dict[str, tuple[str, ...]] = {}
    for vid, cands in obj.items():
        if vid not in vids:
            raise ProblemFormatError(f"pairings given for unknown victim '{vid}'")
        if not isinstance(cands, list):
            raise ProblemFormatError(f"pairings of victim '{vid}' must be a list")
        for c in cands:
            if c not in allowed:
                raise ProblemFormatError(
                    f"pairings of victim '{vid}' name '{c}', not a missing person"
                )
        out[vid] = tuple(str(c) for c in cands)
    return out
