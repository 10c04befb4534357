"""Scenario and truth files of simulated screening cases.

Scenario file (``.npz``, no pickles; :func:`save_scenario` / :func:`load_scenario`):

============================  ===============================================================
``header``                    UTF-8 JSON (uint8 array): format, version, seed, parameters,
                              frequency source (name, sha256, population), mutation model,
                              markers (name, alleles, afreq) and family shapes (ids, fidx,
                              midx, sex, index of the missing person, ``also_missing``: the
                              other missing persons when there are several)
``family_shape``              int16 ``(N,)`` shape of each family
``family_offset``             int64 ``(N + 1,)`` first row of each family in the next array
``reference_genotypes``       int16 ``(rows, markers, 2)`` every pedigree member of every
                              family in shape order, allele indices, ``-1`` missing/untyped
``remains_genotypes``         int16 ``(M, markers, 2)``
``remains_sex``               int8 ``(M,)`` 0 unknown, 1 male, 2 female
============================  ===============================================================

Family ``i`` is ``F{i:06d}`` with missing person ``MP{i:06d}``; body ``j`` is ``B{j:06d}``.
The truth (which missing person each body is) goes to a separate JSON file
(:func:`save_truth`) so that screening never sees it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np

from exhume.errors import InvalidInputError
from exhume.kinship.frequencies import FrequencySource, with_mutation
from exhume.kinship.markers import Marker
from exhume.kinship.pedigree import Pedigree
from exhume.kinship.simulate import FamilyShape, Scenario, Truth

__all__ = [
    "SCENARIO_FORMAT",
    "TRUTH_FORMAT",
    "file_sha256",
    "load_scenario",
    "load_truth",
    "save_scenario",
    "save_truth",
]

SCENARIO_FORMAT = "exhume-screening-scenario"
TRUTH_FORMAT = "exhume-screening-truth"
_VERSION = 1


def _header(s: Scenario) -> dict[str, Any]:
    return {
        "format": SCENARIO_FORMAT,
        "version": _VERSION,
        "seed": s.seed,
        "params": s.params,
        "frequency_source": {
            "name": s.source.name,
            "sha256": s.source.sha256,
            "population": s.source.population,
        },
        "mutation": s.mutation,
        "markers": [
            {"name": m.name, "alleles": list(m.alleles), "afreq": m.afreq.tolist()}
            for m in s.markers
        ],
        "shapes": [
            {
                "name": sh.name,
                "ids": list(sh.pedigree.ids),
                "fidx": sh.pedigree.fidx.tolist(),
                "midx": sh.pedigree.midx.tolist(),
                "sex": sh.pedigree.sex.tolist(),
                "missing": sh.missing,
                **({"also_missing": list(sh.also_missing)} if sh.also_missing else {}),
            }
            for sh in s.shapes
        ],
    }


def save_scenario(scenario: Scenario, path: str | Path) -> None:
    """Write ``scenario`` as an uncompressed ``.npz`` (see the module docstring)."""
    header = json.dumps(_header(scenario), sort_keys=True).encode()
    with open(path, "wb") as fh:
        np.savez(
            fh,
            header=np.frombuffer(header, dtype=np.uint8),
            family_shape=scenario.family_shape,
            family_offset=scenario.family_offset,
            reference_genotypes=scenario.reference_genotypes,
            remains_genotypes=scenario.remains_genotypes,
            remains_sex=scenario.remains_sex,
        )


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario written by :func:`save_scenario`; errors name the file and the part."""
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
    except (OSError, ValueError) as exc:
        raise InvalidInputError(f"{path}: not a readable scenario file ({exc})") from None
    need = ("header", "family_shape", "family_offset", "reference_genotypes",
            "remains_genotypes", "remains_sex")  # fmt: skip
    for name in need:
        if name not in arrays:
            raise InvalidInputError(f"{path}: scenario file lacks '{name}'", field=name)
    head = json.loads(arrays["header"].tobytes().decode())
    if head.get("format") != SCENARIO_FORMAT:
        raise InvalidInputError(f"{path}: not an {SCENARIO_FORMAT} file", field="header")
    mut = head["mutation"]
    base = tuple(
        Marker(name=m["name"], alleles=tuple(m["alleles"]), afreq=np.array(m["afreq"]))
        for m in head["markers"]
    )
    src = head["frequency_source"]
    return Scenario(
        markers=with_mutation(base, mut["kind"], **mut["params"]),
        source=FrequencySource(src["name"], src["sha256"], src["population"]),
        mutation=mut,
        shapes=tuple(_shape_from(sh) for sh in head["shapes"]),
        family_shape=arrays["family_shape"].astype(np.int16),
        family_offset=arrays["family_offset"].astype(np.int64),
        reference_genotypes=arrays["reference_genotypes"].astype(np.int16),
        remains_genotypes=arrays["remains_genotypes"].astype(np.int16),
        remains_sex=arrays["remains_sex"].astype(np.int8),
        seed=head.get("seed"),
        params=head.get("params", {}),
    )


def _shape_from(sh: dict[str, Any]) -> FamilyShape:
    ped = Pedigree(
        ids=tuple(sh["ids"]),
        fidx=np.array(sh["fidx"]),
        midx=np.array(sh["midx"]),
        sex=np.array(sh["sex"]),
    )
    return FamilyShape(
        name=sh["name"],
        pedigree=ped,
        missing=int(sh["missing"]),
        also_missing=tuple(int(i) for i in sh.get("also_missing", ())),
    )


def save_truth(truth: Truth, path: str | Path, scenario_sha256: str | None = None) -> None:
    """Write the truth as JSON: per body the family index or ``null`` and, in a scenario with
    several missing persons in some families, ``remains_missing``: the missing person
    (column) or ``null``."""
    doc: dict[str, Any] = {
        "format": TRUTH_FORMAT,
        "scenario_sha256": scenario_sha256,
        "remains_family": [None if f < 0 else int(f) for f in truth.remains_family.tolist()],
        "mislabelled_families": truth.mislabelled_families.tolist(),
        "direct_reference_families": truth.direct_reference_families.tolist(),
    }
    if truth.remains_missing is not None:
        doc["remains_missing"] = [None if c < 0 else int(c) for c in truth.remains_missing]
    Path(path).write_text(json.dumps(doc))


def load_truth(path: str | Path) -> Truth:
    """Read a truth file written by :func:`save_truth`."""
    doc = json.loads(Path(path).read_text())
    if doc.get("format") != TRUTH_FORMAT:
        raise InvalidInputError(f"{path}: not an {TRUTH_FORMAT} file")
    fam = [-1 if f is None else int(f) for f in doc["remains_family"]]
    cols = doc.get("remains_missing")
    return Truth(
        remains_family=np.array(fam, dtype=np.int64),
        mislabelled_families=np.array(doc["mislabelled_families"], dtype=np.int64),
        direct_reference_families=np.array(doc["direct_reference_families"], dtype=np.int64),
        remains_missing=(
            None
            if cols is None
            else np.array([-1 if c is None else int(c) for c in cols], dtype=np.int64)
        ),
    )


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes, read in chunks by hashlib.file_digest."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()
