"""Marker names and allele calls as labs write them, normalised once at the boundary.

* A marker name is upper-cased, runs of spaces and hyphens become ``_`` (the convention of
  ``../shared/data/frequencies/``: ``vWA`` -> ``VWA``, ``Penta E`` -> ``PENTA_E``), then
  :data:`ALIASES` map lab spellings to one name (``Amelogenin`` -> ``AMEL``, ``D21`` ->
  ``D21S11``, ``THO1`` -> ``TH01``).
* An allele ``"-"`` or empty is a missing call; ``"9.30"`` and ``"09"`` read as ``"9.3"`` and
  ``"9"``. A call keeps one allele (drop-out) or two; more than two distinct alleles at a
  marker is a mixture.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence

from django.utils.translation import gettext as _

from exhume.errors import InvalidInputError

#: Autosomal STR markers of common kits (CODIS 20, ESS, PowerPlex Fusion, GlobalFiler) and
#: amelogenin, the sex marker.
BUILTIN_MARKERS = frozenset(
    [
        "AMEL",
        "CSF1PO",
        "D10S1248",
        "D12S391",
        "D13S317",
        "D16S539",
        "D18S51",
        "D19S433",
        "D1S1656",
        "D21S11",
        "D22S1045",
        "D2S1338",
        "D2S441",
        "D3S1358",
        "D5S818",
        "D7S820",
        "D8S1179",
        "FGA",
        "PENTA_D",
        "PENTA_E",
        "SE33",
        "TH01",
        "TPOX",
        "VWA",
        "D6S1043",
    ]
)
ALIASES = {
    "AMELOGENIN": "AMEL",
    "AM": "AMEL",
    "D21": "D21S11",
    "THO1": "TH01",
    "PENTAD": "PENTA_D",
    "PENTAE": "PENTA_E",
    "FIBRA": "FGA",
    "FIBRA_FGA": "FGA",
    "CSF": "CSF1PO",
}
SEX_MARKER = "AMEL"
MISSING_CALLS = frozenset({"", "-"})
_SEP = re.compile(r"[\s\-]+")


def marker_key(raw: str) -> str:
    """The normalised spelling of a marker name (before aliases)."""
    return _SEP.sub("_", raw.strip().upper())


def marker_name(raw: str) -> str:
    """The one name of marker ``raw`` (normalised spelling, then aliases), known or not."""
    key = marker_key(raw)
    return ALIASES.get(key, key)


def canonical_marker(raw: str, known: Collection[str] = BUILTIN_MARKERS) -> str:
    """The one name of marker ``raw``, or :class:`InvalidInputError` naming it."""
    name = marker_name(raw)
    if name not in known and name != SEX_MARKER:
        raise InvalidInputError(_("unknown marker '%(raw)s'") % {"raw": raw}, field="marker")
    return name


def allele_label(raw: str | None) -> str | None:
    """A lab's allele text as a label (``None`` for a missing call)."""
    text = "" if raw is None else str(raw).strip()
    if text in MISSING_CALLS:
        return None
    try:
        value = float(text)
    except ValueError:
        return text.upper() if text.upper() in {"X", "Y"} else text
    if value < 0 or value != value:
        raise InvalidInputError(
            _("allele '%(raw)s' is not a repeat number") % {"raw": raw}, field="allele"
        )
    whole, frac = divmod(round(value * 10), 10)
    return str(whole) if frac == 0 else f"{whole}.{frac}"


def lab_allele(marker: str, label: str) -> bool:
    """Whether a lab may call ``label`` at ``marker``: a repeat number, or X/Y at amelogenin."""
    if marker == SEX_MARKER:
        return label in {"X", "Y"}
    try:
        float(label)
    except ValueError:
        return False
    return True


def call(alleles: Iterable[str | None]) -> list[str]:
    """The alleles called at one marker, missing calls dropped, in the lab's order; a
    homozygote written twice stays twice (``["9", "9"]``)."""
    labels = [a for a in (allele_label(x) for x in alleles) if a is not None]
    return labels if len(labels) <= 2 else list(dict.fromkeys(labels))


def normalise_genotype(
    raw: Mapping[str, Sequence[str | None]], known: Collection[str] = BUILTIN_MARKERS
) -> tuple[dict[str, list[str]], bool]:
    """``(genotype, is_mixture)``: marker names made canonical, untyped markers dropped.

    A marker named twice (``D21`` and ``D21S11``) is refused, naming both spellings.
    """
    out: dict[str, list[str]] = {}
    spelled: dict[str, str] = {}
    mixture = False
    for name, alleles in raw.items():
        marker = canonical_marker(name, known)
        if marker in spelled:
            raise InvalidInputError(
                _("marker '%(name)s' is '%(spelled)s' again")
                % {"name": name, "spelled": spelled[marker]},
                field="marker",
            )
        spelled[marker] = name
        labels = call(alleles)
        if len(labels) > 2:
            mixture = True
        if labels:
            out[marker] = labels
    return out, mixture


def three_alleles(genotype: Mapping[str, Sequence[str]]) -> str | None:
    """The first marker with more than two alleles, if any."""
    return next((m for m, a in genotype.items() if len(a) > 2), None)
