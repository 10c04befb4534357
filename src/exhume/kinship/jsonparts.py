"""Parts shared by exhume's JSON input formats (dvi-json, kinship-lr-json): reading a JSON
object, a marker with its mutation model, a genotype row, a sex code.

Each reader validates at the boundary and raises :class:`ProblemFormatError` naming the
file, marker, individual or allele at fault. Markers keep their frequencies as given (never
renormalised); mutation matrices are used exactly as stored, their rows checked to sum to 1.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from exhume.errors import InvalidInputError, ProblemFormatError
from exhume.kinship.markers import MISSING, Marker
from exhume.kinship.mutation import MutationModel
from exhume.kinship.pedigree import FEMALE, MALE, UNKNOWN_SEX

__all__ = ["genotype_row", "parse_marker", "parse_sex", "read_json_object"]

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


def parse_marker(obj: Any, pos: int) -> Marker:
    """The marker object at position ``pos`` (0-based) of a ``markers`` list."""
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


def genotype_row(
    genos: Any, markers: tuple[Marker, ...], by_name: dict[str, int], who: str
) -> IntArray:
    """``{marker name: [allele, allele]}`` as an ``(n_markers, 2)`` row of allele indices
    (``-1`` for an untyped marker or a ``null`` allele); ``who`` names the owner in errors."""
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


def parse_sex(value: Any, who: str) -> int:
    """A sex code: 0 (unknown), 1 (male) or 2 (female); booleans are refused."""
    if value not in (UNKNOWN_SEX, MALE, FEMALE) or isinstance(value, bool):
        raise ProblemFormatError(f"{who}: sex must be 0, 1 or 2, got {value!r}")
    return int(value)
