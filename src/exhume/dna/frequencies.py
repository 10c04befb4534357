"""Frequency databases as data: the long CSV format and the minimum-frequency rule.

The format is that of ``../shared/data/frequencies/``: a header
``population,marker,allele,frequency,n`` and one row per allele; ``n`` is the number of alleles
counted at that marker (empty when unknown).

**Minimum frequency.** An allele seen in a profile but absent from the database gets
``5 / n`` (NRC II recommendation 4.3: 5/(2N) for N people typed, n = 2N alleles), or, when the
database gives no ``n`` for the marker, the smallest frequency it lists for that marker. The
added allele is stored with the rule's text and logged like any record. Stored frequencies are
never changed; a run that uses a marker with added alleles rescales that marker's frequencies to
sum to 1 (:func:`marker_frequencies`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from exhume.dna.genotypes import allele_label, marker_key
from exhume.errors import BadRowsError

COLUMNS = ("population", "marker", "allele", "frequency", "n")


@dataclass(frozen=True)
class FrequencyRow:
    """One allele of one marker."""

    marker: str
    allele: str
    frequency: float
    n: int | None


def read_frequency_csv(text: str, population: str, source: str) -> list[FrequencyRow]:
    """The rows of ``population``; every bad row of the file is named at once."""
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise BadRowsError(
            source,
            [(1, "header", _("expected the columns %(columns)s") % {"columns": ",".join(COLUMNS)})],
        )
    rows: list[FrequencyRow] = []
    problems: list[tuple[int, str, str]] = []
    seen: set[tuple[str, str]] = set()
    for line, raw in enumerate(reader, start=2):
        if raw["population"] != population:
            continue
        try:
            row = _row(raw)
        except ValueError as exc:
            column, reason = exc.args
            problems.append((line, column, reason))
            continue
        if (row.marker, row.allele) in seen:
            problems.append(
                (
                    line,
                    "allele",
                    _("%(marker)s %(allele)s listed twice")
                    % {"marker": row.marker, "allele": row.allele},
                )
            )
        seen.add((row.marker, row.allele))
        rows.append(row)
    if not rows and not problems:
        problems.append(
            (
                1,
                "population",
                _("no row for population '%(population)s'") % {"population": population},
            )
        )
    if problems:
        raise BadRowsError(source, problems)
    return rows


def _row(raw: dict[str, str]) -> FrequencyRow:
    marker = marker_key(raw["marker"] or "")
    if not marker:
        raise ValueError("marker", _("empty"))
    allele = allele_label(raw["allele"])
    if allele is None:
        raise ValueError("allele", _("empty"))
    try:
        freq = float(raw["frequency"])
    except ValueError:
        raise ValueError(
            "frequency", _("'%(value)s' is not a number") % {"value": raw["frequency"]}
        ) from None
    if not 0 < freq <= 1:
        raise ValueError("frequency", _("%(value)s is not in (0, 1]") % {"value": freq})
    n_text = (raw["n"] or "").strip()
    if n_text and not n_text.isdigit():
        raise ValueError("n", _("'%(value)s' is not a whole number") % {"value": n_text})
    return FrequencyRow(marker, allele, freq, int(n_text) if n_text else None)


def minimum_frequency(n: int | None, frequencies: Sequence[float]) -> tuple[float, str]:
    """The frequency given to an allele absent from a marker, and the rule, in words."""
    if n:
        return 5 / n, f"minimum frequency 5/n, n = {n} alleles counted (NRC II 4.3)"
    low = min(frequencies)
    return low, "minimum frequency: the smallest listed at this marker (n unknown)"


def marker_frequencies(frequencies: Sequence[float], has_added: bool) -> list[float]:
    """A marker's frequencies for a run: as stored, rescaled to sum 1 when alleles were added."""
    if not has_added:
        return list(frequencies)
    total = sum(frequencies)
    return [f / total for f in frequencies]
