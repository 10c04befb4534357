"""Genotype tables from a laboratory, imported all or nothing with every bad row named.

Two layouts are read (comma- or tab-separated; the header decides):

* **long**: ``sample,marker,allele1,allele2`` (one row per sample and marker);
* **CE software** (GeneMapper and the like): ``Sample Name, Marker, Allele 1, Allele 2[,
  Allele 3 ...]``; other columns (Dye, Size, Height ...) are ignored.

``sample`` is the barcode of a registered sample. Marker names are normalised
(:mod:`exhume.dna.genotypes`: ``AMEL``/``Amelogenin``, ``D21``/``D21S11``); ``-`` or an empty
cell is a missing allele and a row with none is an untyped marker. A row is bad when its sample
is unknown or can no longer be typed (consumed, destroyed, released), its marker is unknown or
repeated for the sample, an allele is not a repeat number, or it calls three or more alleles.
If any row is bad nothing is written and :class:`exhume.errors.BadRowsError` lists them all
(rows numbered as in the file, the header being row 1).

All profiles of the file are written in one transaction (bulk inserts, one log entry each);
each becomes its sample's counting profile unless the sample already has one.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from exhume.audit.bulk import create_many
from exhume.audit.events import Actor
from exhume.casework.models import Site
from exhume.dna import custody
from exhume.dna.actions import add_minimum_frequencies
from exhume.dna.genotypes import BUILTIN_MARKERS, allele_label, canonical_marker, lab_allele
from exhume.dna.models import CustodyEvent, KinshipParameters, Profile, Sample
from exhume.dna.transactions import durable
from exhume.errors import BadRowsError, InvalidInputError

LONG = {"sample": "sample", "marker": "marker"}
CE = {"sample": "sample name", "marker": "marker"}
CHUNK = 5000


@dataclass
class _Typed:
    """One sample's genotype as read, and where it was read."""

    first_row: int
    genotype: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class ProfilesImport:
    """What :func:`do_import_profiles` wrote."""

    profiles: int
    rows: int
    counting: int
    minimum_frequency_alleles: int


def import_profiles(
    actor: Actor,
    text: str,
    *,
    site: Site,
    source: str,
    lab: str,
    kit: str = "",
    analyst: str = "",
    typed_on: dt.date | None = None,
) -> ProfilesImport:
    """Read a genotype table (module docstring) and record one profile per sample in it; every
    sample must belong to ``site``."""
    known = BUILTIN_MARKERS | set().union(*(p.markers for p in _parameters().values()))
    reader = _Reader(text, source, known)
    typed, problems = reader.typed, reader.problems
    sample_column = reader.names[0]
    samples = _samples(list(typed))
    states = _states([s.pk for s in samples.values()])
    for barcode, t in typed.items():
        sample = samples.get(barcode)
        if sample is None:
            problems.append(
                (
                    t.first_row,
                    sample_column,
                    _("no sample with barcode '%(barcode)s'") % {"barcode": barcode},
                )
            )
        elif _site_id(sample) != site.pk:
            problems.append(
                (
                    t.first_row,
                    sample_column,
                    _("sample '%(barcode)s' is not of site %(site)s")
                    % {"barcode": barcode, "site": site.slug},
                )
            )
        elif not custody.usable(states.get(sample.pk, [])):
            state = custody.state(states[sample.pk])
            problems.append(
                (
                    t.first_row,
                    sample_column,
                    _("sample '%(barcode)s' was %(state)s") % {"barcode": barcode, "state": state},
                )
            )
    if problems:
        raise BadRowsError(source, sorted(problems))
    return _write(actor, typed, samples, lab=lab, kit=kit, analyst=analyst, typed_on=typed_on,
                  n_rows=reader.rows)  # fmt: skip


do_import_profiles = durable(import_profiles)


class _Reader:
    """Reads the table row by row into one genotype per sample, noting every bad row.

    Marker names and allele cells repeat across samples, so their readings are cached.
    """

    def __init__(self, text: str, source: str, known: frozenset[str] | set[str]) -> None:
        self.known = known
        self.typed: dict[str, _Typed] = {}
        self.problems: list[tuple[int, str, str]] = []
        self.rows = 0
        self._markers: dict[str, str | None] = {}
        self._alleles: dict[tuple[str, str], str | bool | None] = {}
        first = text.split("\n", 1)[0]
        dialect = "excel-tab" if first.count("\t") > first.count(",") else "excel"
        reader = csv.reader(io.StringIO(text), dialect=dialect)
        header = [h.strip() for h in next(reader, [])]
        lower = {h.lower(): i for i, h in enumerate(header)}
        layout = CE if "sample name" in lower else LONG
        alleles = [i for i, h in enumerate(header) if _allele_column(h)]
        if any(name not in lower for name in layout.values()) or not alleles:
            raise BadRowsError(
                source,
                [(1, "header", _("expected the columns sample,marker,allele1,allele2 or "
                                 "Sample Name,Marker,Allele 1,Allele 2"))],
            )  # fmt: skip
        self.index = [lower[layout["sample"]], lower[layout["marker"]], *alleles]
        self.names = [header[i] for i in self.index]
        for line, cells in enumerate(reader, start=2):
            if any(c.strip() for c in cells):
                self.rows += 1
                self.read(line, [cells[i].strip() if i < len(cells) else "" for i in self.index])

    def read(self, line: int, cells: list[str]) -> None:
        barcode, raw_marker, *raw_alleles = cells
        if not barcode:
            self.problems.append((line, self.names[0], _("empty")))
            return
        marker = self._marker(line, raw_marker)
        if marker is None:
            return
        labels: list[str] = []
        for column, raw in zip(self.names[2:], raw_alleles, strict=True):
            label = self._allele(marker, raw)
            if label is False:
                self.problems.append((line, column, _("'%(raw)s' is not an allele") % {"raw": raw}))
                return
            if isinstance(label, str):
                labels.append(label)
        entry = self.typed.setdefault(barcode, _Typed(line))
        if marker in entry.genotype:
            self.problems.append(
                (
                    line,
                    self.names[1],
                    _("marker '%(marker)s' again for '%(barcode)s'")
                    % {"marker": raw_marker, "barcode": barcode},
                )
            )
        elif len(set(labels)) > 2:
            self.problems.append(
                (
                    line,
                    self.names[4],
                    _("three or more alleles (%(alleles)s)") % {"alleles": ", ".join(labels)},
                )
            )
        else:
            entry.genotype[marker] = labels

    def _marker(self, line: int, raw: str) -> str | None:
        if raw not in self._markers:
            try:
                self._markers[raw] = canonical_marker(raw, self.known)
            except InvalidInputError as exc:
                self._markers[raw] = None
                self._markers[f"\0{raw}"] = exc.message if raw else _("empty")
        name = self._markers[raw]
        if name is None:
            self.problems.append((line, self.names[1], str(self._markers[f"\0{raw}"])))
        return name

    def _allele(self, marker: str, raw: str) -> str | bool | None:
        """The label, ``None`` for a missing call, ``False`` for a cell that is no allele."""
        key = (marker, raw)
        if key not in self._alleles:
            try:
                label = allele_label(raw)
            except InvalidInputError:
                self._alleles[key] = False
            else:
                ok = label is None or lab_allele(marker, label)
                self._alleles[key] = label if ok else False
        return self._alleles[key]


def _allele_column(name: str) -> bool:
    key = name.lower().replace(" ", "").replace("_", "")
    return key.startswith("allele") and key[6:].isdigit()


def _samples(barcodes: list[str]) -> dict[str, Sample]:
    found: dict[str, Sample] = {}
    for chunk in _chunks(barcodes):
        qs = Sample.objects.filter(barcode__in=chunk).select_related("remains", "donor__family")
        found.update({s.barcode: s for s in qs})
    return found


def _states(ids: list[int]) -> dict[int, list[str]]:
    steps: dict[int, list[str]] = {}
    for chunk in _chunks(ids):
        events = CustodyEvent.objects.filter(sample_id__in=chunk).order_by("at", "id")
        for sample_id, step in events.values_list("sample_id", "step"):
            steps.setdefault(sample_id, []).append(step)
    return steps


def _parameters() -> dict[int, KinshipParameters]:
    return {p.site_id: p for p in KinshipParameters.objects.select_related("frequency_database")}


def _site_id(sample: Sample) -> int | None:
    if sample.remains is not None:
        return sample.remains.site_id
    return sample.donor.family.site_id if sample.donor is not None else None


def _chunks(items: list[Any]) -> Iterator[list[Any]]:
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]


def _write(
    actor: Actor,
    typed: Mapping[str, _Typed],
    samples: Mapping[str, Sample],
    *,
    n_rows: int,
    **fields: Any,
) -> ProfilesImport:
    ids = [s.pk for s in samples.values()]
    counting: set[int] = set()
    for chunk in _chunks(ids):
        counting.update(
            Profile.objects.filter(sample_id__in=chunk, counts=True).values_list(
                "sample_id", flat=True
            )
        )
    profiles = []
    for barcode, t in typed.items():
        sample = samples[barcode]
        genotype = {m: a for m, a in t.genotype.items() if a}
        profiles.append(Profile(sample=sample, genotype=genotype,
                                counts=sample.pk not in counting, **fields))  # fmt: skip
    create_many(profiles, actor)
    params = _parameters()
    by_site: dict[int, list[dict[str, list[str]]]] = {}
    for p in profiles:
        site = _site_id(p.sample)
        if site is not None and site in params:
            by_site.setdefault(site, []).append(p.genotype)
    added = sum(
        len(add_minimum_frequencies(actor, params[site].frequency_database, genotypes))
        for site, genotypes in by_site.items()
    )
    return ProfilesImport(
        profiles=len(profiles), rows=n_rows, counting=sum(p.counts for p in profiles),
        minimum_frequency_alleles=added,
    )  # fmt: skip
