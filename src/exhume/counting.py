"""The counting rules: how records become the published figures. Pure Python, no Django.

The same function counts from the live database and, offline, from the counting categories
committed in a signed release, so a verifier recomputes exactly what was published.

Rules (documented in docs/counting.md, tested in tests/test_counting.py):

1. The unit of counting is the **person**. A remains record of kind ``body`` is one person. A
   ``body_part`` is never a person: when it is tied to a body (``body``) it adds nothing; when
   it is not yet tied to anyone it is counted under ``body_parts_unassociated`` and never in
   ``total``.
2. Every person falls in exactly one **group**, tested in this order: ``servicemen`` (status
   serviceman); else ``children`` (age class child); else by sex: ``women``, ``men``,
   ``sex_undetermined``. So ``total = servicemen + children + women + men + sex_undetermined``
   (Izium, September 2022: 447 = 22 + 5 + 215 + 194 + 11).
3. ``with_torture_signs`` counts persons with at least one torture indicator.
4. ``violent_death`` counts persons whose violent death is established (``yes``);
   ``violent_death_share = violent_death / total`` (0 when total is 0), rounded to 4 places.
5. **As of** a date counts only records exhumed on or before that date; the running count gives,
   for each exhumation day, the persons exhumed that day and the cumulative total.
6. ``identified`` counts persons whose identification a board confirmed (two signatures), as of
   the date of confirmation (``identified_on``); never a name. A category carries
   ``identified_on`` only when there is one, so records logged before this rule keep theirs.
7. What the log publishes is the **published category** (:func:`published_category`): only
   what the published counts read (the group, not sex + age class + status; violent death
   yes/no; identified yes/no; a body part's kind alone), so a signed release tells a reader no
   more about a person than the counts need. :func:`summarise` counts full and published
   categories alike; as-of counts of identified persons need ``identified_on``, which only the
   full category (the live database) has.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

GROUPS = ("servicemen", "children", "women", "men", "sex_undetermined")


def group_of(*, status: str, age_class: str, sex: str) -> str:
    """The one counting group of a person (rule 2)."""
    if status == "serviceman":
        return "servicemen"
    if age_class == "child":
        return "children"
    return {"female": "women", "male": "men"}.get(sex, "sex_undetermined")


def kind_of(*, kind: str, tied_to_person: bool) -> str:
    """``person``, ``body_part`` (not yet tied to anyone) or ``part_of_person`` (rule 1)."""
    if kind == "body":
        return "person"
    return "part_of_person" if tied_to_person else "body_part"


def category(
    *,
    kind: str,
    tied_to_person: bool,
    status: str,
    age_class: str,
    sex: str,
    violent_death: str,
    torture: bool,
    exhumed_on: dt.date,
    identified_on: dt.date | None = None,
) -> dict[str, Any]:
    """The counting category of one remains record: the fields the rules read, never a name.

    This is what the tamper-evident log and a release commit to in clear, so that anyone can
    recompute the published figures with :func:`summarise`.
    """
    out = {
        "kind": kind_of(kind=kind, tied_to_person=tied_to_person),
        "sex": sex,
        "age_class": age_class,
        "status": status,
        "violent_death": violent_death,
        "torture": bool(torture),
        "exhumed_on": exhumed_on.isoformat(),
    }
    if identified_on is not None:
        out["identified_on"] = identified_on.isoformat()
    return out


#: The fields of a published category, each read by a published count: ``kind`` (persons,
#: unassociated body parts), ``group`` (the exclusive groups), ``torture``
#: (``with_torture_signs``), ``violent_death`` (``violent_death``), ``exhumed_on`` (the running
#: count by day), ``identified`` (``identified``).
PUBLISHED_FIELDS = ("kind", "group", "torture", "violent_death", "exhumed_on", "identified")


def published_category(full: Mapping[str, Any]) -> dict[str, Any]:
    """The category a log entry publishes for a record whose full category is ``full``.

    A person: ``{"kind", "group", "torture", "violent_death" (true when established),
    "exhumed_on", "identified"}``; a body part, tied to a body or not: its ``kind`` only (the
    counts read nothing else of it). :func:`summarise` gives the same published figures from
    these as from the full categories.
    """
    if full["kind"] != "person":
        return {"kind": full["kind"]}
    if "group" in full:  # already published
        return dict(full)
    return {
        "kind": "person",
        "group": group_of(status=full["status"], age_class=full["age_class"], sex=full["sex"]),
        "torture": bool(full["torture"]),
        "violent_death": full["violent_death"] == "yes",
        "exhumed_on": full["exhumed_on"],
        "identified": full.get("identified_on") is not None,
    }


#: Below this many persons, a class of published attributes may point at someone
#: (docs/counting.md, "Re-identification").
SMALL_CLASS = 5


@dataclass(frozen=True)
class ClassSizes:
    """How many persons share each combination of published attributes (k-anonymity)."""

    persons: int
    classes: int
    smallest: int  # k: 0 when there is no person
    alone: int  # persons unique in their class
    in_small_classes: int  # persons in classes under SMALL_CLASS


def class_sizes(categories: Iterable[Mapping[str, Any]]) -> ClassSizes:
    """The classes of the persons' published categories (:func:`published_category` of each)."""
    keys = [
        tuple(sorted(published_category(c).items())) for c in categories if c["kind"] == "person"
    ]
    sizes = Counter(keys)
    each = [sizes[k] for k in keys]
    return ClassSizes(
        persons=len(keys),
        classes=len(sizes),
        smallest=min(each, default=0),
        alone=sum(1 for n in each if n == 1),
        in_small_classes=sum(1 for n in each if n < SMALL_CLASS),
    )


def _group(cat: Mapping[str, Any]) -> str:
    if "group" in cat:
        return str(cat["group"])
    return group_of(status=cat["status"], age_class=cat["age_class"], sex=cat["sex"])


def _identified(cat: Mapping[str, Any], cutoff: str | None) -> bool:
    if "identified" in cat:  # a published category: identified yes/no, no date
        return cat["identified"] is True
    named = cat.get("identified_on")
    return named is not None and (cutoff is None or named <= cutoff)


@dataclass(frozen=True)
class DayCount:
    """Persons exhumed on one day and the running total at the end of it."""

    date: str
    new: int
    total: int


@dataclass(frozen=True)
class SiteSummary:
    """The published figures for one site, derived from its records."""

    total: int
    servicemen: int
    children: int
    women: int
    men: int
    sex_undetermined: int
    with_torture_signs: int
    violent_death: int
    violent_death_share: float
    body_parts_unassociated: int
    identified: int = 0
    as_of: str | None = None
    running: list[DayCount] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def summarise(
    categories: Iterable[Mapping[str, Any]], *, as_of: dt.date | None = None
) -> SiteSummary:
    """Count persons by the rules above from counting categories (see :func:`category`)."""
    cutoff = as_of.isoformat() if as_of else None
    groups: Counter[str] = Counter()
    per_day: Counter[str] = Counter()
    torture = violent = parts = identified = 0
    for cat in categories:
        if cutoff is not None and cat.get("exhumed_on", "") > cutoff:
            continue
        if cat["kind"] == "body_part":
            parts += 1
        if cat["kind"] != "person":
            continue
        groups[_group(cat)] += 1
        per_day[cat["exhumed_on"]] += 1
        torture += bool(cat["torture"])
        violent += cat["violent_death"] in ("yes", True)
        identified += _identified(cat, cutoff)
    total = sum(groups.values())
    running, cumulative = [], 0
    for day in sorted(per_day):
        cumulative += per_day[day]
        running.append(DayCount(day, per_day[day], cumulative))
    return SiteSummary(
        total=total,
        **{g: groups[g] for g in GROUPS},
        with_torture_signs=torture,
        violent_death=violent,
        violent_death_share=round(violent / total, 4) if total else 0.0,
        body_parts_unassociated=parts,
        identified=identified,
        as_of=cutoff,
        running=running,
    )


def count_rule(categories: list[dict[str, Any]]) -> dict[str, Any]:
    """The published counting rule as releases sign it and verifiers re-run it: a dict."""
    return summarise(categories).as_dict()
