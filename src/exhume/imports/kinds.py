"""The kinds of table exhume imports: their columns, natural keys and how a row is written.

Each column is a field of the record (same name), parsed by the field's type: choices by
their value (``female``), dates as ``YYYY-MM-DD`` or ``DD.MM.YYYY``, numbers with a decimal
point or comma, lists (``torture_indicators``) separated by ``|``. Two columns name other
records: ``grave_number`` on remains (a grave of the site, which must exist) and
``body_case_number`` (the body a body part is tied to). A journal line whose grave number no
grave bears is kept, untied, as the journal says ("grave not found").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _

from exhume.audit.events import Actor
from exhume.casework import actions as casework
from exhume.casework.models import BurialJournalEntry, Grave, Remains, Site
from exhume.dna import pedigree_actions as pedigrees
from exhume.dna.models import Family, PedigreeMember
from exhume.errors import InvalidInputError
from exhume.families import actions as families
from exhume.families.models import MissingPerson

__all__ = ["KINDS", "Kind", "parse_row"]

Values = dict[str, Any]


@dataclass(frozen=True)
class Kind:
    """One importable table."""

    name: str
    model: type[models.Model]
    columns: tuple[str, ...]
    required: tuple[str, ...]
    key: tuple[str, ...]
    create: Callable[[Actor, Site, Values], models.Model]
    correct: Callable[[Actor, Any, str, str, Values], models.Model]
    resolve: Callable[[Site, Values], Values]
    find: Callable[[Site, Values], models.Model | None]


def _as_is(site: Site, values: Values) -> Values:
    return values


def _grave(site: Site, values: Values) -> Values:
    out = dict(values)
    out["grave"] = Grave.objects.filter(site=site, grave_number=values["grave_number"]).first()
    return out


def _remains_links(site: Site, values: Values) -> Values:
    out = {k: v for k, v in values.items() if k not in ("grave_number", "body_case_number")}
    number = values.get("grave_number")
    out["grave"] = None
    if number:
        out["grave"] = Grave.objects.filter(site=site, grave_number=number).first()
        if out["grave"] is None:
            raise InvalidInputError(
                _("no grave '%(number)s' at site '%(site)s' (import the graves first)")
                % {"number": number, "site": site.slug},
                field="grave_number",
            )
    body = values.get("body_case_number")
    out["body"] = None
    if body:
        out["body"] = Remains.objects.filter(site=site, case_number=body).first()
        if out["body"] is None:
            raise InvalidInputError(
                _("no remains '%(body)s' at this site") % {"body": body}, field="body_case_number"
            )
    return out


#: the columns of a relatives table that name the missing person the relationship is stated to
MISSING_COLUMNS = (
    "missing_family_name",
    "missing_given_name",
    "missing_patronymic",
    "missing_birth_year",
)


def _relative_links(site: Site, values: Values) -> Values:
    """The missing person named by the ``missing_*`` columns (exactly one must match) and the
    site's family of that name (``None`` when the import is to open it)."""
    out = {k: v for k, v in values.items() if k not in MISSING_COLUMNS}
    if values.get("relationship") == "missing":
        raise InvalidInputError(
            _("a second missing person is placed on the DNA pages, not by an import"),
            field="relationship",
        )
    found = MissingPerson.objects.filter(family_name=values["missing_family_name"])
    for column in ("given_name", "patronymic"):
        if values.get(f"missing_{column}"):
            found = found.filter(**{column: values[f"missing_{column}"]})
    year = values.get("missing_birth_year")
    if year:
        if not str(year).isdigit():
            raise InvalidInputError(_("must be a year"), field="missing_birth_year")
        found = found.filter(birth_year=int(year))
    people = list(found[:2])
    if len(people) != 1:
        named = " ".join(str(values.get(c) or "") for c in MISSING_COLUMNS).strip()
        message = (
            _("no missing person '%(named)s' (import the missing persons first)")
            if not people
            else _(
                "more than one missing person '%(named)s' (give the given name, patronymic "
                "and birth year)"
            )
        )
        raise InvalidInputError(message % {"named": named}, field="missing_family_name")
    out["relative_of"] = people[0]
    out["family_name"] = values["family"]
    out["family"] = Family.objects.filter(site=site, name=values["family"]).first()
    return out


def _add_relative(actor: Actor, site: Site, fields: Values) -> PedigreeMember:
    """Add the relative, opening the family around the missing person when it is new."""
    family = fields["family"] or pedigrees.create_family(
        actor, name=fields["family_name"], missing_person=fields["relative_of"], site=site
    )
    return pedigrees.add_relative(
        actor,
        family=family,
        label=fields["label"],
        sex=fields["sex"],
        relationship=fields["relationship"],
        relative_of=fields["relative_of"],
        side=fields.get("side") or "",
        other_parent=fields.get("other_parent") or None,
        name=fields.get("name") or "",
        contact=fields.get("contact") or "",
    )


KINDS: dict[str, Kind] = {
    "graves": Kind(
        name="graves",
        model=Grave,
        columns=("grave_number", "kind", "latitude", "longitude", "inscription", "notes"),
        required=("grave_number",),
        key=("grave_number",),
        create=lambda a, s, v: casework.do_record_grave(a, site=s, **v),
        correct=lambda a, r, why, who, v: casework.do_correct_grave(
            a, r, reason=why, authority=who, **v
        ),
        resolve=_as_is,
        find=lambda s, v: Grave.objects.filter(site=s, grave_number=v["grave_number"]).first(),
    ),
    "journal": Kind(
        name="journal",
        model=BurialJournalEntry,
        columns=("page", "line", "grave_number", "name_as_written", "burial_date", "notes"),
        required=("page", "line", "grave_number", "name_as_written"),
        key=("page", "line"),
        create=lambda a, s, v: casework.do_record_journal_entry(a, site=s, **v),
        correct=lambda a, r, why, who, v: casework.do_correct_journal_entry(
            a, r, reason=why, authority=who, **v
        ),
        resolve=_grave,
        find=lambda s, v: BurialJournalEntry.objects.filter(
            site=s, page=v["page"], line=v["line"]
        ).first(),
    ),
    "remains": Kind(
        name="remains",
        model=Remains,
        columns=(
            "case_number",
            "exhumed_on",
            "grave_number",
            "kind",
            "body_case_number",
            "sex",
            "age_class",
            "age_min",
            "age_max",
            "status",
            "cause_of_death",
            "violent_death",
            "torture_indicators",
            "condition",
            "personal_effects",
            "distinguishing_marks",
            "notes",
        ),
        required=("case_number", "exhumed_on"),
        key=("case_number",),
        create=lambda a, s, v: casework.do_record_remains(a, site=s, **v),
        correct=lambda a, r, why, who, v: casework.do_correct_remains(
            a, r, reason=why, authority=who, **v
        ),
        resolve=_remains_links,
        find=lambda s, v: Remains.objects.filter(site=s, case_number=v["case_number"]).first(),
    ),
    "missing-persons": Kind(
        name="missing-persons",
        model=MissingPerson,
        columns=(
            "family_name",
            "given_name",
            "patronymic",
            "name_latin",
            "sex",
            "birth_date",
            "birth_year",
            "last_seen_on",
            "last_seen_place",
            "description",
            "distinguishing_marks",
        ),
        required=("family_name",),
        key=("family_name", "given_name", "patronymic", "birth_date", "birth_year"),
        create=lambda a, s, v: families.do_report_missing_person(a, **v),
        correct=lambda a, r, why, who, v: families.do_correct_missing_person(
            a, r, reason=why, authority=who, **v
        ),
        resolve=_as_is,
        find=lambda s, v: MissingPerson.objects.filter(
            **{
                k: v.get(k)
                for k in ("family_name", "given_name", "patronymic", "birth_date", "birth_year")
            }
        ).first(),
    ),
    "relatives": Kind(
        name="relatives",
        model=PedigreeMember,
        columns=(
            "family",
            "label",
            "name",
            "sex",
            "relationship",
            "side",
            "other_parent",
            "contact",
            *MISSING_COLUMNS,
        ),
        required=("family", "label", "sex", "relationship", "missing_family_name"),
        key=("family", "label"),
        create=_add_relative,
        correct=lambda a, r, why, who, v: pedigrees.correct_relative(
            a, r, reason=why, authority=who, **v
        ),
        resolve=_relative_links,
        find=lambda s, v: PedigreeMember.objects.filter(
            family__site=s, family__name=v["family"], label=v["label"]
        ).first(),
    ),
}


def parse_row(kind: Kind, row: Mapping[str, str]) -> tuple[Values, list[tuple[str, str, str]]]:
    """The typed values of a row and its problems ``(column, value, reason)``."""
    values: Values = {}
    problems: list[tuple[str, str, str]] = []
    for column in kind.columns:
        if column not in row:
            continue
        text = row[column].strip()
        if not text and column in kind.required:
            problems.append((column, text, _("required")))
            continue
        try:
            values[column] = _parse(kind.model, column, text)
        except InvalidInputError as exc:
            problems.append((column, text, exc.message))
    return values, problems


def _parse(model: type[models.Model], column: str, text: str) -> Any:
    try:
        field = model._meta.get_field(column)
    except FieldDoesNotExist:  # a column naming another record (grave_number on remains)
        return text or None
    assert isinstance(field, models.Field)
    if not text:
        if field.null:
            return None
        if isinstance(field, models.JSONField):
            return []
        return field.default if field.has_default() else ""
    if field.choices:
        allowed = [str(c[0]) for c in field.choices]
        if text not in allowed:
            raise InvalidInputError(
                _("must be one of %(allowed)s") % {"allowed": ", ".join(allowed)}
            )
        return text
    if isinstance(field, models.DateField):
        return _date(text)
    if isinstance(field, models.IntegerField):
        if not text.isdigit():
            raise InvalidInputError(_("must be a whole number"))
        return int(text)
    if isinstance(field, models.FloatField):
        try:
            return float(text.replace(",", "."))
        except ValueError:
            raise InvalidInputError(_("must be a number")) from None
    if isinstance(field, models.JSONField):
        return [part.strip() for part in text.split("|") if part.strip()]
    return text


def _date(text: str) -> dt.date:
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise InvalidInputError(_("must be a date, YYYY-MM-DD or DD.MM.YYYY"))
