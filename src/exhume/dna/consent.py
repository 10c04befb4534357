"""A family's consent for the use of a reference sample (ICMP's model), as rules.

Each reference sample (a relative's swab or blood card, a missing person's personal effect)
carries the family's choice of **use**: this case only, national search, or international
exchange (each includes the narrower ones), or the consent **withdrawn**; and of **retention**
after the identification: keep or destroy. A change is a new :class:`~exhume.dna.models.Consent`
row (the history is kept; the latest row is in force), written by
:func:`exhume.dna.consent_actions.do_record_consent`.

A reference sample with no consent recorded (records imported from a case file, or taken before
consent was recorded) is used for its own case only: the narrowest use that still serves the
family's own report.

A run compares a reference within its **case** (the site of its family's pedigree) with
:data:`Use.CASE`; a national search over other sites' remains needs :data:`Use.NATIONAL`; a file
for another country needs :data:`Use.INTERNATIONAL`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy


class Scope(models.TextChoices):
    """The use a family consented to (or its withdrawal)."""

    CASE = "case", gettext_lazy("This case only")
    NATIONAL = "national", gettext_lazy("National search")
    INTERNATIONAL = "international", gettext_lazy("International exchange")
    WITHDRAWN = "withdrawn", gettext_lazy("Withdrawn: not to be used")


class Retention(models.TextChoices):
    """What becomes of the sample and its profile after the identification."""

    KEEP = "keep", gettext_lazy("Keep after the identification")
    DESTROY = "destroy", gettext_lazy("Destroy after the identification")


class Use(models.TextChoices):
    """The use a comparison makes of a reference."""

    CASE = "case", gettext_lazy("within its case")
    NATIONAL = "national", gettext_lazy("national search")
    INTERNATIONAL = "international", gettext_lazy("international exchange")


#: how far each scope reaches (0: not at all)
REACH = {Scope.WITHDRAWN: 0, Scope.CASE: 1, Scope.NATIONAL: 2, Scope.INTERNATIONAL: 3}
NEEDS = {Use.CASE: 1, Use.NATIONAL: 2, Use.INTERNATIONAL: 3}
#: the scope of a reference sample with no consent recorded
DEFAULT_SCOPE = Scope.CASE
NOT_RECORDED = gettext_lazy("not recorded: this case only")


def permits(scope: str | None, use: str) -> bool:
    """Whether a reference whose consent is ``scope`` (``None``: none recorded) may be used for
    ``use``: the scope must reach at least as far; a withdrawn consent permits nothing."""
    return REACH[Scope(scope or DEFAULT_SCOPE)] >= NEEDS[Use(use)]
