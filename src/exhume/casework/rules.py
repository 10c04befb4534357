"""Which combinations of facts a remains record may hold. Pure functions, no database.

Each rule raises :class:`exhume.errors.InvalidInputError` naming the field, with a message that
says what is inconsistent and how to fix it.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from exhume.errors import InvalidInputError

ADULT_AGE = 18
MAX_AGE = 120
TORTURE_CHOICES = (
    "bound_hands",
    "ligature_neck",
    "broken_limbs",
    "amputation",
    "genital_mutilation",
    "burns",
    "other",
)
VIOLENT_CAUSES = frozenset(
    {"gunshot", "shelling", "airstrike", "blunt_force", "strangulation", "stabbing"}
)


def check_age(age_class: str, age_min: int | None, age_max: int | None) -> None:
    """An age range must be ordered, plausible, and agree with the age class (child < 18)."""
    for name, value in (("age_min", age_min), ("age_max", age_max)):
        if value is not None and not 0 <= value <= MAX_AGE:
            raise InvalidInputError(
                _("an age of %(value)s years is not plausible") % {"value": value}, field=name
            )
    if age_min is not None and age_max is not None and age_min > age_max:
        raise InvalidInputError(
            _(
                "the estimated age range %(age_min)s–%(age_max)s is "
                "reversed: age_min must not exceed age_max"
            )
            % {"age_min": age_min, "age_max": age_max},
            field="age_min",
        )
    if age_class == "child" and age_min is not None and age_min >= ADULT_AGE:
        raise InvalidInputError(
            _(
                "age class 'child' contradicts an estimated age of at least "
                "%(age_min)s years: a child is under %(ADULT_AGE)s; set the "
                "age class to adult or correct the age"
            )
            % {"age_min": age_min, "ADULT_AGE": ADULT_AGE},
            field="age_class",
        )
    if age_class == "adult" and age_max is not None and age_max < ADULT_AGE:
        raise InvalidInputError(
            _(
                "age class 'adult' contradicts an estimated age of at most "
                "%(age_max)s years: an adult is %(ADULT_AGE)s or older; set "
                "the age class to child or correct the age"
            )
            % {"age_max": age_max, "ADULT_AGE": ADULT_AGE},
            field="age_class",
        )


def check_torture(indicators: Sequence[str]) -> None:
    """Torture indicators come from the fixed list, each at most once."""
    if isinstance(indicators, str) or not isinstance(indicators, Sequence):
        raise InvalidInputError(_("torture indicators must be a list"), field="torture_indicators")
    for item in indicators:
        if item not in TORTURE_CHOICES:
            raise InvalidInputError(
                _("unknown torture indicator %(item)r; choose from %(join)s")
                % {"item": item, "join": ", ".join(TORTURE_CHOICES)},
                field="torture_indicators",
            )
    if len(set(indicators)) != len(indicators):
        raise InvalidInputError(
            _("a torture indicator is listed twice"), field="torture_indicators"
        )


def check_cause(cause_of_death: str, violent_death: str) -> None:
    """A violent cause of death cannot stand beside 'not a violent death', and vice versa."""
    if cause_of_death in VIOLENT_CAUSES and violent_death == "no":
        raise InvalidInputError(
            _(
                "cause of death '%(cause_of_death)s' is violent but violent "
                "death is recorded as 'no'"
            )
            % {"cause_of_death": cause_of_death},
            field="violent_death",
        )
    if cause_of_death == "natural" and violent_death == "yes":
        raise InvalidInputError(
            _("cause of death 'natural' contradicts violent death 'yes'"), field="violent_death"
        )


def check_body_part(
    *, kind: str, body_kind: str | None, body_site: int | None, site: int, is_self: bool
) -> None:
    """A body part is never a person of its own; it may be tied to one complete body."""
    if body_kind is None:
        return
    if kind == "body":
        raise InvalidInputError(
            _(
                "a complete body is a person of its own and cannot be part "
                "of another record; record it as a body part to tie it to a "
                "body"
            ),
            field="body",
        )
    if is_self:
        raise InvalidInputError(_("a body part cannot be part of itself"), field="body")
    if body_kind != "body":
        raise InvalidInputError(
            _(
                "a body part can only be tied to a complete body, not to "
                "another body part: tie both parts to the body they belong to"
            ),
            field="body",
        )
    if body_site != site:
        raise InvalidInputError(
            _("a body part can only be tied to a body exhumed at the same site"), field="body"
        )


def check_person_fields_on_part(*, kind: str, status: str, age_class: str) -> None:
    """A body part alone is not counted as a person, so it cannot carry a person's status.

    Servicemen and children are counts of persons: set them on the body the part belongs to.
    """
    if kind != "body_part":
        return
    if status != "undetermined":
        raise InvalidInputError(
            _(
                "a body part cannot be counted as a person on its own, so it "
                "cannot have status '%(status)s': tie it to its body (field "
                "body) and set the status there"
            )
            % {"status": status},
            field="status",
        )
    if age_class == "child":
        raise InvalidInputError(
            _(
                "a body part cannot be counted as a person on its own, so it "
                "cannot be counted as a child: tie it to its body (field "
                "body) and set the age class there"
            ),
            field="age_class",
        )
