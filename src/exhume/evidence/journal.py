"""The burial journal's name for a grave as a likelihood ratio.

The name written for the grave's marker is compared with the missing person's name
(:func:`exhume.names.match.match_written`), giving a class ``c``. Under H1 the journal names
this body with probability ``1 - e`` (``e``: :data:`JOURNAL_ERROR_RATE`, the chance that the
line belongs to someone else: a wrong marker, a swapped body, a guess), and then the class is
drawn from :data:`P_SAME`; otherwise, and always under H2, from :data:`P_OTHER`::

    LR(c) = (1 - e) * P_SAME[c] / P_OTHER[c] + e

So a mismatching name lowers the odds about twentyfold and never excludes: the DNA can
overrule a wrong journal, and the board sees both. A line that names nobody ("невідомий",
"Н/В", "неизвестная", "unknown") is not informative, like a missing line: it says nothing
against any name.
"""

from __future__ import annotations

from exhume.evidence.factors import Factor
from exhume.names.match import NameClass, match_written

#: Probability that the journal's line for a marker names someone other than the body in it.
JOURNAL_ERROR_RATE = 0.05
#: How a clerk writes the name of the person actually buried (full, misspelt, initials ...).
P_SAME: dict[NameClass, float] = {
    NameClass.EXACT: 0.80,
    NameClass.CLOSE: 0.12,
    NameClass.INITIALS: 0.06,
    NameClass.FAMILY_ONLY: 0.015,
    NameClass.MISMATCH: 0.005,
}
#: How often another person's name falls in each class by coincidence (common Ukrainian family
#: names reach about 1% of a town; a full-name coincidence about 1 in 1,000).
P_OTHER: dict[NameClass, float] = {
    NameClass.EXACT: 0.001,
    NameClass.CLOSE: 0.002,
    NameClass.INITIALS: 0.005,
    NameClass.FAMILY_ONLY: 0.010,
    NameClass.MISMATCH: 0.982,
}


#: Words (lower case) by which a clerk wrote that the person buried was not known.
UNKNOWN_WORDS = frozenset({
    "невідомий", "невідома", "невідоме", "невідомі", "невідомого", "неизвестный",
    "неизвестная", "неизвестен", "неизвестна", "неопознанный", "неопознанная", "unknown",
    "unidentified", "н/в", "н/и", "нв",
})  # fmt: skip


def names_nobody(written: str) -> bool:
    """Whether a journal line says the person was unknown (see :data:`UNKNOWN_WORDS`)."""
    words = written.lower().replace(",", " ").replace(".", " ").split()
    return any(w in UNKNOWN_WORDS for w in words)


def journal_lr(name_class: NameClass) -> float:
    """``(1 - e) * P_SAME[c] / P_OTHER[c] + e`` for the class ``c``."""
    e = JOURNAL_ERROR_RATE
    return (1.0 - e) * P_SAME[name_class] / P_OTHER[name_class] + e


def journal_factor(
    written: str | None,
    family: str,
    given: str = "",
    patronymic: str = "",
    *,
    source: str,
) -> Factor:
    """The journal factor for one pair; LR 1 when the grave has no journal line."""
    if not written or not written.strip():
        return Factor("journal", 1.0, None, source, "not informative: no journal line")
    if names_nobody(written):
        return Factor("journal", 1.0, None, source, "not informative: the journal names nobody")
    match = match_written(written, family, given, patronymic)
    return Factor(
        "journal",
        journal_lr(match.name_class),
        JOURNAL_ERROR_RATE,
        source,
        f"journal name {match.name_class.value} (family name similarity {match.family:.0f})",
        {"class": match.name_class.value, "family": match.family, "given": match.given},
    )
