"""Read DVI problems in the ``dvi-json v1`` format (exported from the R package dvir).

The parser validates once, at the boundary, and returns the problem types of
:mod:`exhume.kinship.problem` (a database adapter builds the same types), with genotype arrays
ready for :func:`exhume.kinship.likelihood.loglik`. Every :class:`ProblemFormatError` names the
family, individual, marker or allele at fault. Markers are matched by name and ordered as in the
file's global ``markers`` list; mutation matrices are used exactly as stored.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from exhume.errors import InvalidInputError, KinshipError, ProblemFormatError
from exhume.kinship.markers import MISSING, Marker
from exhume.kinship.mutation import MutationModel
from exhume.kinship.pedigree import FEMALE, MALE, UNKNOWN_SEX, Pedigree
from exhume.kinship.problem import DviProblem, Family, Victim

__all__ = ["load_problem", "parse_problem", "read_json_object"]

IntArray = NDArray[np.intp]


def read_json_object(path: Path | str) -> tuple[Mapping[str, Any], str]:
    """A JSON file's top-level object and the SHA-256 of its bytes; a file that is not JSON,
    or not an object, is a :class:`ProblemFormatError` naming the file."""
    raw = Path(path).read_bytes()
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProblemFormatError(f"{Path(path).name} is not valid JSON: {exc}") from None
    if not isinstance(data, Mapping):
        raise ProblemFormatError(f"{Path(path).name}: the top level must be a JSON object")
    return data, hashlib.sha256(raw).hexdigest()


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
    markers = tuple(_marker(m, i) for i, m in enumerate(_list(data, "markers", "the problem")))
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


def _marker(obj: Any, pos: int) -> Marker:
    if not isinstance(obj, Mapping) or not isinstance(obj.get("name"), str):
        raise ProblemFormatError(f"marker number {pos + 1} has no name")
    name = obj["name"]
    where = f"marker '{name}'"
    alleles = obj.get("alleles")
    afreq = obj.get("afreq")
    if not isinstance(alleles, list) or not alleles:
        raise ProblemFormatError(f"{where}: 'alleles' must be a non-empty list")
    if not isinstance(afreq, list) or len(afreq) != len(alleles):
        raise ProblemFormatError(f"{where}: 'afreq' must list one frequency per allele")
    labels = tuple(str(a) for a in alleles)
    freq = _floats(afreq, f"{where}: 'afreq'")
    total = float(freq.sum())
    if abs(total - 1.0) > 1e-6:
        raise ProblemFormatError(f"{where}: allele frequencies sum to {total!r}, not 1")
    mutation = _mutation(obj.get("mutation"), labels, where)
    try:
        return Marker(name=name, alleles=labels, afreq=freq, mutation=mutation)
    except InvalidInputError as exc:
        raise ProblemFormatError(exc.message) from None


def _floats(values: Any, where: str) -> NDArray[np.float64]:
    try:
        arr = np.array(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ProblemFormatError(f"{where} must hold numbers") from None
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ProblemFormatError(f"{where} must hold non-negative numbers")
    return arr


def _mutation(obj: Any, labels: tuple[str, ...], where: str) -> MutationModel | None:
    if obj is None:
        return None
    if not isinstance(obj, Mapping):
        raise ProblemFormatError(f"{where}: 'mutation' must be an object or null")
    mats = {}
    for sex in ("female", "male"):
        part = obj.get(sex)
        if not isinstance(part, Mapping) or "matrix" not in part:
            raise ProblemFormatError(f"{where}: mutation model lacks the {sex} matrix")
        mat = _floats(part["matrix"], f"{where}: {sex} mutation matrix")
        n = len(labels)
        if mat.shape != (n, n):
            raise ProblemFormatError(
                f"{where}: {sex} mutation matrix has shape {mat.shape}, expected {n} x {n}"
            )
        rows = mat.sum(axis=1)
        bad = np.flatnonzero(np.abs(rows - 1.0) > 1e-6)
        if bad.size:
            raise ProblemFormatError(
                f"{where}: row '{labels[bad[0]]}' of the {sex} mutation matrix sums to "
                f"{float(rows[bad[0]])!r}, not 1"
            )
        if "alleles" in part and [str(a) for a in part["alleles"]] != list(labels):
            raise ProblemFormatError(
                f"{where}: the {sex} mutation matrix lists other alleles than the marker"
            )
        mats[sex] = mat
    meta = obj["female"]
    params = {
        key: float(meta[key])
        for key in ("rate", "rate2", "range")
        if isinstance(meta.get(key), int | float)
    }
    try:
        return MutationModel(
            female=mats["female"],
            male=mats["male"],
            model=str(meta.get("model", "custom")),
            params=params,
        )
    except InvalidInputError as exc:
        raise ProblemFormatError(f"{where}: {exc.message}") from None


def _genotype_row(
    genos: Any, markers: tuple[Marker, ...], by_name: dict[str, int], who: str
) -> IntArray:
    out = np.full((len(markers), 2), MISSING, dtype=np.intp)
    if not isinstance(genos, Mapping):
        raise ProblemFormatError(f"{who}: 'genotypes' must map marker names to allele pairs")
    for name, pair in genos.items():
        if name not in by_name:
            raise ProblemFormatError(f"{who}: unknown marker '{name}'")
        if not isinstance(pair, list) or len(pair) != 2:
            raise ProblemFormatError(
                f"{who}, marker '{name}': a genotype must be a pair of alleles, got {pair!r}"
            )
        k = by_name[name]
        for j, allele in enumerate(pair):
            if allele is None:
                continue
            try:
                out[k, j] = markers[k].allele_index(str(allele))
            except InvalidInputError:
                raise ProblemFormatError(
                    f"{who}, marker '{name}': unknown allele '{allele}'"
                ) from None
    return out


def _sex(value: Any, who: str) -> int:
    if value not in (UNKNOWN_SEX, MALE, FEMALE) or isinstance(value, bool):
        raise ProblemFormatError(f"{who}: sex must be 0, 1 or 2, got {value!r}")
    return int(value)


def _victim(obj: Any, markers: tuple[Marker, ...], by_name: dict[str, int]) -> Victim:
    if not isinstance(obj, Mapping) or not isinstance(obj.get("id"), str):
        raise ProblemFormatError("a victim ('pm' entry) has no id")
    who = f"victim '{obj['id']}'"
    genos = _genotype_row(obj.get("genotypes", {}), markers, by_name, who)
    return Victim(id=obj["id"], sex=_sex(obj.get("sex"), who), genotypes=genos)


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
                _sex(row.get("sex"), who),
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
        genos[ped.index(ident)] = _genotype_row(
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
