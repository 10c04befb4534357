"""Whether a name written in a record (a burial journal line) names a given person.

Both sides are split into family name, given name and patronymic (written in that order, as
Ukrainian and Russian records write them; a Latin name may be "Given Family"). Each word is
brought to its Ukrainian form when it is a known Russian spelling
(:data:`exhume.names.variants.UKRAINIAN_OF_RUSSIAN`), then to Latin by two systems: the
Ukrainian national system (KMU 2010, :func:`exhume.names.transliterate_uk`) and the Russian
ICAO system (``translitua``), because a clerk may have written Ukrainian words with Russian
letters. Two words agree as well as their best pair of Latin forms does under RapidFuzz's
normalised Indel similarity (0-100). A word written as an initial ("О.") agrees with a name
starting with the same Latin letter.

The result is a :class:`NameMatch` with one of five classes, strongest first; the evidence
model (:mod:`exhume.evidence.journal`) gives each class a likelihood ratio.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from itertools import product

import translitua
from rapidfuzz.distance import Indel

from exhume.names.transliterate import transliterate_uk
from exhume.names.variants import UKRAINIAN_OF_RUSSIAN

#: Similarity at or above which a family name written beside initials is taken as the same
#: family name (one letter off in eight); a full name is EXACT only when identical in Latin.
SAME = 87.0
#: Similarity at or above which two words are a misspelling or spelling variant of each other.
CLOSE = 75.0

_CYRILLIC = re.compile(r"[а-яёіїєґ]", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+(?:['’ʼ-][^\W\d_]+)*\.?|[^\W\d_]\.", re.UNICODE)


class NameClass(StrEnum):
    """How well a written name agrees with a person's name."""

    EXACT = "exact"  # family, given (and patronymic when both have it) identical in Latin
    CLOSE = "close"  # the same person written with a misspelling or in another spelling
    INITIALS = "initials"  # family name the same, given name (and patronymic) as agreeing initials
    FAMILY_ONLY = "family_only"  # family name the same, nothing else to compare
    MISMATCH = "mismatch"  # a different name


@dataclass(frozen=True)
class Name:
    """A personal name in its parts; ``given`` and ``patronymic`` may be initials ("О.")."""

    family: str
    given: str = ""
    patronymic: str = ""


@dataclass(frozen=True)
class NameMatch:
    """The class, and the similarity (0-100) of each part that both names have."""

    name_class: NameClass
    family: float
    given: float | None
    patronymic: float | None


def parse_written(text: str) -> Name:
    """Split a name as written in a record: "Family Given Patronymic", "Family Г.П.", "FAMILY"."""
    words: list[str] = []
    for token in _WORD.findall(text):
        # "О.В." is two initials written together
        words.extend(p + "." for p in token.split(".") if p) if "." in token else words.append(
            token
        )
    if not words:
        return Name("")
    rest = [*words[1:], "", ""]
    return Name(words[0], rest[0], rest[1])


def latin_forms(word: str) -> set[str]:
    """The lower-case Latin forms of a word (one for a Latin word, two for a Cyrillic one)."""
    lower = word.lower().rstrip(".")
    if not _CYRILLIC.search(lower):
        return {lower.replace("'", "")}
    lower = UKRAINIAN_OF_RUSSIAN.get(lower, lower)
    return {
        transliterate_uk(lower).replace("'", ""),
        translitua.translit(lower, translitua.RussianICAO).lower().replace("'", ""),
    }


def word_similarity(a: str, b: str) -> float:
    """The best RapidFuzz similarity (0-100) between any Latin forms of two words."""
    return max(
        Indel.normalized_similarity(x, y) * 100.0
        for x, y in product(latin_forms(a), latin_forms(b))
    )


def _is_initial(word: str) -> bool:
    return word.endswith(".") or len(word) == 1


def _initials_agree(a: str, b: str) -> bool:
    return bool(latin_forms(a[:1]) & latin_forms(b[:1])) or word_similarity(a[:1], b[:1]) == 100


def _part(a: str, b: str) -> tuple[float | None, bool]:
    """(similarity or None, whether this part is only an initial on either side)."""
    if not a or not b:
        return None, False
    if _is_initial(a) or _is_initial(b):
        return (100.0 if _initials_agree(a, b) else 0.0), True
    return word_similarity(a, b), False


def match_names(written: Name, person: Name) -> NameMatch:
    """Classify how ``written`` agrees with ``person`` (see :class:`NameClass`)."""
    family = word_similarity(written.family, person.family) if written.family else 0.0
    given, given_initial = _part(written.given, person.given)
    patro, patro_initial = _part(written.patronymic, person.patronymic)
    return NameMatch(
        _classify(family, given, given_initial, patro, patro_initial), family, given, patro
    )


def _classify(
    family: float,
    given: float | None,
    given_initial: bool,
    patro: float | None,
    patro_initial: bool,
) -> NameClass:
    if family < CLOSE:
        return NameClass.MISMATCH
    parts = [(s, i) for s, i in ((given, given_initial), (patro, patro_initial)) if s is not None]
    if any(s < CLOSE for s, _ in parts):
        return NameClass.MISMATCH
    if given is None:
        return NameClass.FAMILY_ONLY
    if given_initial:
        return NameClass.INITIALS if family >= SAME else NameClass.MISMATCH
    if family == 100.0 and all(s == 100.0 for s, _ in parts):
        return NameClass.EXACT
    return NameClass.CLOSE


def match_written(written: str, family: str, given: str = "", patronymic: str = "") -> NameMatch:
    """:func:`match_names` of a written name against a person's parts; a Latin written name
    may also be in "Given Family" order, and the better reading counts."""
    parsed = parse_written(written)
    person = Name(family, given, patronymic)
    best = match_names(parsed, person)
    if parsed.given and not _is_initial(parsed.given):
        swapped = match_names(Name(parsed.given, parsed.family, parsed.patronymic), person)
        if list(NameClass).index(swapped.name_class) < list(NameClass).index(best.name_class):
            best = swapped
    return best
