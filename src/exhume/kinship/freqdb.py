"""Allele frequency databases as Familias and FamLinkX read them (text files).

Two layouts, told apart by the first non-empty line:

* **list** (Familias' database import)::

      D3S1358
      14<TAB>0.1386
      15<TAB>0.2475

      TH01
      ...

  a marker name on its own line, then one ``allele<TAB>frequency`` line per allele; markers
  are separated by blank lines.
* **ladder** (allelic ladder, FamLinkX and spreadsheets): a header ``Allele<TAB>M1<TAB>M2...``,
  then one row per allele with a frequency per marker; an empty cell or ``NA`` means the allele
  is not seen at that marker. A row labelled ``N`` (sample sizes) is skipped.

Separators are tabs (or, failing that, semicolons); a decimal comma is read as a point. Every
error names the file and line. :func:`write_list` writes the list layout back.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from exhume.errors import InvalidInputError, ProblemFormatError
from exhume.kinship.markers import Marker

__all__ = ["parse_frequency_database", "write_list", "write_long_csv"]

_ABSENT = {"", "NA", "na", "-"}


def parse_frequency_database(text: str, *, name: str = "<database>") -> tuple[Marker, ...]:
    """Markers (no mutation model) of a list- or ladder-layout database."""
    lines = [ln.rstrip("\r\n") for ln in text.lstrip("\ufeff").splitlines()]
    first = next((i for i, ln in enumerate(lines) if ln.strip()), None)
    if first is None:
        raise ProblemFormatError(f"{name}: the frequency database is empty")
    sep = "\t" if "\t" in lines[first] else ";"
    if len(lines[first].split(sep)) > 1:
        return _ladder(name, lines, first, sep)
    return _list(name, lines)


def _number(name: str, raw: str, line: int, what: str) -> float:
    try:
        value = float(raw.strip().replace(",", "."))
    except ValueError:
        raise ProblemFormatError(f"{name}, line {line}: {what} is not a number: {raw!r}") from None
    if not 0 <= value <= 1:
        raise ProblemFormatError(f"{name}, line {line}: {what} must be in [0, 1], found {raw!r}")
    return value


def _marker(name: str, marker: str, alleles: list[str], freqs: list[float], line: int) -> Marker:
    if not alleles:
        raise ProblemFormatError(f"{name}, line {line}: marker '{marker}' lists no allele")
    try:
        return Marker(name=marker, alleles=tuple(alleles), afreq=np.array(freqs))
    except InvalidInputError as exc:
        raise ProblemFormatError(f"{name}, line {line}: {exc.message}") from None


def _list(name: str, lines: list[str]) -> tuple[Marker, ...]:
    markers: list[Marker] = []
    current: str | None = None
    alleles: list[str] = []
    freqs: list[float] = []
    start = 0
    for pos, raw in enumerate([*lines, ""], start=1):
        text = raw.strip()
        if not text:
            if current is not None:
                markers.append(_marker(name, current, alleles, freqs, start))
            current, alleles, freqs = None, [], []
            continue
        fields = [f for f in (raw.split("\t") if "\t" in raw else raw.split()) if f.strip()]
        if current is None:
            if len(fields) != 1:
                raise ProblemFormatError(
                    f"{name}, line {pos}: expected a marker name, found {text!r}"
                )
            current, start = text, pos
        elif len(fields) != 2:
            raise ProblemFormatError(
                f"{name}, line {pos}: expected 'allele<TAB>frequency' for marker "
                f"'{current}', found {text!r}"
            )
        else:
            if fields[0].strip() in alleles:
                raise ProblemFormatError(
                    f"{name}, line {pos}: allele '{fields[0].strip()}' of '{current}' is "
                    "listed twice"
                )
            alleles.append(fields[0].strip())
            freqs.append(_number(name, fields[1], pos, f"the frequency of '{fields[0].strip()}'"))
    _unique(name, markers)
    return tuple(markers)


def _ladder(name: str, lines: list[str], first: int, sep: str) -> tuple[Marker, ...]:
    header = [h.strip() for h in lines[first].split(sep)]
    names = header[1:]
    cols: list[tuple[list[str], list[float]]] = [([], []) for _ in names]
    for pos in range(first + 1, len(lines)):
        raw = lines[pos]
        if not raw.strip():
            continue
        cells = raw.split(sep)
        allele = cells[0].strip()
        if allele in ("N", "n"):
            continue
        if len(cells) > len(header):
            raise ProblemFormatError(
                f"{name}, line {pos + 1}: {len(cells)} cells but the header has {len(header)}"
            )
        for k, cell in enumerate(cells[1:]):
            if cell.strip() in _ABSENT:
                continue
            freq = _number(name, cell, pos + 1, f"the frequency of '{allele}' at '{names[k]}'")
            cols[k][0].append(allele)
            cols[k][1].append(freq)
    markers = [
        _marker(name, m, a, f, first + 1) for m, (a, f) in zip(names, cols, strict=True) if m
    ]
    _unique(name, markers)
    return tuple(markers)


def _unique(name: str, markers: Sequence[Marker]) -> None:
    seen: set[str] = set()
    for m in markers:
        if m.name in seen:
            raise ProblemFormatError(f"{name}: marker '{m.name}' appears twice")
        seen.add(m.name)


def write_list(markers: Sequence[Marker]) -> str:
    """The list layout of ``markers`` (frequencies in shortest round-trip form)."""
    blocks = []
    for m in markers:
        rows = [m.name] + [f"{a}\t{float(f)!r}" for a, f in zip(m.alleles, m.afreq, strict=True)]
        blocks.append("\n".join(rows))
    return "\n\n".join(blocks) + "\n"


def write_long_csv(markers: Sequence[Marker], population: str) -> str:
    """exhume's long CSV (``population,marker,allele,frequency,n``) of ``markers``."""
    rows = ["population,marker,allele,frequency,n"]
    for m in markers:
        rows += [
            f"{population},{m.name},{a},{float(f)!r},"
            for a, f in zip(m.alleles, m.afreq, strict=True)
        ]
    return "\n".join(rows) + "\n"
