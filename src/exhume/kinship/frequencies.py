"""Allele-frequency databases: the long CSV format and a built-in synthetic table.

The long CSV has one row per (population, marker, allele)::

    population,marker,allele,frequency[,n]

``frequency`` is a float, ``n`` (optional, may be empty) the number of alleles behind it.
:func:`load_frequencies` reads the rows of one population into :class:`Marker` objects, in the
order in which the markers first appear. :func:`synthetic_frequencies` gives a deterministic
23-marker table with CODIS-like names for simulations run without a database.

Every table carries a :class:`FrequencySource` (name and SHA-256) for provenance.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from exhume.errors import InvalidInputError, NotFoundError
from exhume.kinship.markers import Marker
from exhume.kinship.mutation import mutation_model

__all__ = [
    "CODIS_MARKERS",
    "DEFAULT_MUTATION_KIND",
    "DEFAULT_MUTATION_PARAMS",
    "FrequencySource",
    "FrequencyTable",
    "load_frequencies",
    "read_frequency_table",
    "synthetic_frequencies",
    "synthetic_frequency_table",
    "with_mutation",
]

#: The 23 autosomal STR markers of the expanded CODIS core plus Penta D/E (FBI 2015 order).
CODIS_MARKERS: tuple[str, ...] = (
    "D3S1358", "VWA", "D16S539", "CSF1PO", "TPOX", "D8S1179", "D21S11", "D18S51",
    "D2S441", "D19S433", "TH01", "FGA", "D22S1045", "D5S818", "D13S317", "D7S820",
    "SE33", "D10S1248", "D1S1656", "D12S391", "D2S1338", "PENTA_E", "PENTA_D",
)  # fmt: skip

#: Default mutation model for simulation and screening: pedmut's proportional model, rate 1e-3
#: (every transition possible, so a mutation never makes a true relative impossible).
DEFAULT_MUTATION_KIND = "proportional"
DEFAULT_MUTATION_PARAMS: dict[str, float] = {"rate": 1e-3}

_REQUIRED = ("population", "marker", "allele", "frequency")


@dataclass(frozen=True)
class FrequencySource:
    """Where a frequency table came from: a name and the SHA-256 of its bytes."""

    name: str
    sha256: str
    population: str


@dataclass(frozen=True)
class FrequencyTable:
    """Markers of one population and the source they were read from."""

    markers: tuple[Marker, ...]
    source: FrequencySource


def load_frequencies(path: str | Path, population: str) -> tuple[Marker, ...]:
    """Markers (without mutation model) of ``population`` from a long-format CSV file."""
    return read_frequency_table(path, population).markers


def read_frequency_table(path: str | Path, population: str) -> FrequencyTable:
    """Read ``population`` from the long CSV at ``path``, with the file's name and SHA-256.

    Errors (:class:`InvalidInputError`) name the file, the 1-based line and the field; a
    population absent from the file raises :class:`NotFoundError` listing those present.
    """
    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise NotFoundError(f"cannot read frequency file {file}: {exc.strerror}") from None
    text = data.decode("utf-8-sig")
    groups = _parse_rows(file.name, text, population)
    markers = tuple(_marker(file.name, name, rows) for name, rows in groups.items())
    source = FrequencySource(file.name, hashlib.sha256(data).hexdigest(), population)
    return FrequencyTable(markers, source)


_Row = tuple[int, str, float]  # (line, allele, frequency)


def _parse_rows(fname: str, text: str, population: str) -> dict[str, list[_Row]]:
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        raise InvalidInputError(f"{fname}: the file is empty", row=1)
    cols = [h.strip() for h in header]
    for name in _REQUIRED:
        if name not in cols:
            raise InvalidInputError(
                f"{fname}: header lacks column '{name}' (expected "
                "population,marker,allele,frequency[,n])",
                row=1,
                field=name,
            )
    pos = {name: cols.index(name) for name in _REQUIRED}
    groups: dict[str, list[_Row]] = {}
    seen: set[str] = set()
    for line, row in enumerate(reader, start=2):
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) < len(cols):
            raise InvalidInputError(
                f"{fname}: expected {len(cols)} fields, found {len(row)}", row=line
            )
        pop = row[pos["population"]].strip()
        seen.add(pop)
        if pop != population:
            continue
        marker = row[pos["marker"]].strip()
        allele = row[pos["allele"]].strip()
        for name, value in (("marker", marker), ("allele", allele)):
            if not value:
                raise InvalidInputError(f"{fname}: empty {name}", row=line, field=name)
        freq = _frequency(fname, row[pos["frequency"]], line)
        groups.setdefault(marker, []).append((line, allele, freq))
    if not groups:
        known = ", ".join(sorted(seen)) or "none"
        raise NotFoundError(f"{fname}: no rows for population '{population}' (present: {known})")
    return groups


def _frequency(fname: str, raw: str, line: int) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise InvalidInputError(
            f"{fname}: frequency {raw.strip()!r} is not a number", row=line, field="frequency"
        ) from None
    if not (math.isfinite(value) and 0.0 < value <= 1.0):
        raise InvalidInputError(
            f"{fname}: frequency {raw.strip()} must lie in (0, 1]", row=line, field="frequency"
        )
    return value


def _marker(fname: str, name: str, rows: list[_Row]) -> Marker:
    alleles = [a for _, a, _ in rows]
    dup = {a for a in alleles if alleles.count(a) > 1}
    if dup:
        line = next(ln for ln, a, _ in rows if a in dup)
        raise InvalidInputError(
            f"{fname}: marker {name} lists allele {sorted(dup)[0]} twice", row=line, field="allele"
        )
    freqs = np.array([f for _, _, f in rows], dtype=np.float64)
    total = float(freqs.sum())
    if abs(total - 1.0) > 1e-3:
        raise InvalidInputError(
            f"{fname}: frequencies of marker {name} sum to {total:.6f}, not 1",
            row=rows[0][0],
            field="frequency",
        )
    return Marker(name=name, alleles=tuple(alleles), afreq=freqs)


# -- built-in synthetic table -----------------------------------------------------------------


def synthetic_frequencies() -> tuple[Marker, ...]:
    """23 markers with CODIS names, 7 to 25 integer alleles each, deterministic frequencies.

    Marker ``k`` has ``n_k = 7 + (7 k) mod 19`` alleles labelled ``s, s+1, ...`` with
    ``s = 6 + k mod 5``. Frequencies are a discretised bell curve: allele ``i`` gets weight
    ``exp(-(i - c)^2 / (2 w^2)) + 0.02`` with centre ``c = 0.45 (n - 1)`` and width
    ``w = n / 5``, normalised to sum to 1 (the constant keeps rare alleles above ~0.2%).
    """
    return synthetic_frequency_table().markers


def synthetic_frequency_table() -> FrequencyTable:
    """The synthetic table with its :class:`FrequencySource` (hash of its CSV rendering)."""
    markers = []
    for k, name in enumerate(CODIS_MARKERS):
        n = 7 + (7 * k) % 19
        start = 6 + k % 5
        i = np.arange(n, dtype=np.float64)
        weight = np.exp(-((i - 0.45 * (n - 1)) ** 2) / (2 * (n / 5) ** 2)) + 0.02
        labels = tuple(str(start + j) for j in range(n))
        markers.append(Marker(name=name, alleles=labels, afreq=weight / weight.sum()))
    rendering = "".join(
        f"synthetic,{m.name},{a},{f!r}\n"
        for m in markers
        for a, f in zip(m.alleles, m.afreq.tolist(), strict=True)
    )
    sha = hashlib.sha256(rendering.encode()).hexdigest()
    return FrequencyTable(tuple(markers), FrequencySource("builtin-synthetic-23", sha, "synthetic"))


def with_mutation(markers: Sequence[Marker], kind: str, **params: float) -> tuple[Marker, ...]:
    """The markers with the same mutation model (``kind`` and pedmut ``params``) for both sexes.

    ``kind="none"`` removes any mutation model.
    """
    if kind == "none":
        return tuple(m.without_mutation() for m in markers)
    return tuple(
        m.with_mutation(mutation_model(kind, m.alleles, m.afreq, **params)) for m in markers
    )
