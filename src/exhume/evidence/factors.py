"""Non-DNA factors as likelihood ratios, each with the error rate it assumes.

Sex, age, place and time share one closed form, the *consistency factor*: an observation is
either consistent with the missing person or not; under H1 it is inconsistent only by an error,
with probability ``e`` (the stated error rate); under H2 it is consistent by chance with
probability ``q`` (the share of people in the search scope it would fit, the *base rate*)::

    LR(consistent)   = (1 - e) / q
    LR(inconsistent) =      e  / (1 - q)

An unknown observation is LR 1 and says so. No factor is ever 0 or infinite: an error rate is
never zero, so a contradiction lowers the odds without silently excluding anyone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from exhume.errors import InvalidInputError

#: Error rate of a sex determination, by method (probability the determination is wrong).
SEX_ERROR_RATE: dict[str, float] = {
    "dna_amelogenin": 0.005,  # AMELY deletions and X/Y drop-out in degraded samples
    "visual_soft_tissue": 0.01,  # external examination of a body with soft tissue
    "morphology_pelvis": 0.04,  # adult pelvis (os coxae), 94-98% accurate in validations
    "morphology_skull": 0.12,  # cranium alone, about 85-90% accurate
    "morphology_subadult": 0.35,  # children before puberty: little better than chance
    "unknown": 0.12,  # method not recorded: as weak as the skull
}

#: Probability that a body's estimated age range misses the true age (the range is a 95% one).
AGE_ERROR_RATE = 0.05
#: Probability that a recorded last-seen date is later than the true date of death or burial
#: by more than the slack (a wrong date of last contact in the report).
TIME_ERROR_RATE = 0.02
#: Probability that a person died away from the place they were last seen (fled, detained,
#: moved): the last-seen place is weak evidence by nature.
PLACE_ERROR_RATE = 0.15
#: Floor of any base rate: a scope never makes an observation certain by chance or impossible.
MIN_BASE_RATE = 0.01


class Strength(StrEnum):
    """Strength class of a mark, effect or photo that the family recognised."""

    UNIQUE = "unique"  # an implant serial number, a dated engraved ring, a named tattoo
    STRONG = "strong"  # a specific tattoo or scar in the stated place, a rare effect
    MODERATE = "moderate"  # a manicure or hairstyle in a photo, a specific piece of clothing
    WEAK = "weak"  # common clothing or jewellery of the stated kind
    NOT_RECOGNISED = "not_recognised"  # the family was shown the items and did not know them


#: (probability the family recognises at this class under H1, false recognition rate under H2).
RECOGNITION_RATES: dict[Strength, tuple[float, float]] = {
    Strength.UNIQUE: (0.5, 0.0005),
    Strength.STRONG: (0.5, 0.005),
    Strength.MODERATE: (0.5, 0.05),
    Strength.WEAK: (0.5, 0.25),
    Strength.NOT_RECOGNISED: (0.3, 0.6),
}
#: The product of all recognition factors for one pair never exceeds this: items recognised by
#: the same family are not independent (one mistaken belief colours them all).
RECOGNITION_CAP = 1000.0


@dataclass(frozen=True)
class Factor:
    """One factor of the posterior: its LR, the error rate it assumed, and where it came from."""

    name: str  # "sex", "age", "journal", "recognition", "place", "time"
    lr: float
    error_rate: float | None
    source: str  # the record the observation comes from ("remains IZ-0012, morphology_pelvis")
    detail: str  # the observation in words
    inputs: dict[str, object] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "lr": self.lr,
            "error_rate": self.error_rate,
            "source": self.source,
            "detail": self.detail,
            "inputs": self.inputs,
        }


def consistency_lr(consistent: bool, error_rate: float, base_rate: float) -> float:
    """``(1-e)/q`` when consistent, ``e/(1-q)`` when not (see the module docstring)."""
    if not 0.0 < error_rate < 1.0:
        raise InvalidInputError(
            f"error rate {error_rate} must lie strictly between 0 and 1", field="error_rate"
        )
    q = min(max(base_rate, MIN_BASE_RATE), 1.0 - MIN_BASE_RATE)
    return (1.0 - error_rate) / q if consistent else error_rate / (1.0 - q)


def _unknown(name: str, source: str, why: str) -> Factor:
    return Factor(name, 1.0, None, source, f"not informative: {why}")


def sex_factor(
    determined: str, method: str, reported: str, *, share_of_reported: float = 0.5, source: str
) -> Factor:
    """Body's determined sex vs the reported sex; base rate = share of that sex in the scope."""
    if determined not in {"male", "female"} or reported not in {"male", "female"}:
        return _unknown("sex", source, f"determined {determined}, reported {reported}")
    error = SEX_ERROR_RATE.get(method, SEX_ERROR_RATE["unknown"])
    consistent = determined == reported
    return Factor(
        "sex",
        consistency_lr(consistent, error, share_of_reported),
        error,
        source,
        f"determined {determined} by {method}; reported {reported}",
        {"method": method, "base_rate": share_of_reported},
    )


def age_at(born: dt.date | int | None, on: dt.date | None) -> tuple[int, int] | None:
    """Possible whole-year ages on a date from a birth date or a birth year (two values)."""
    if born is None or on is None:
        return None
    if isinstance(born, dt.date):
        years = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
        return years, years
    return on.year - born - 1, on.year - born


def age_factor(
    age_min: int | None,
    age_max: int | None,
    possible_age: tuple[int, int] | None,
    scope_ages: list[int],
    *,
    source: str,
) -> Factor:
    """Estimated age range of the body vs the missing person's age when last seen.

    Consistent when the possible ages overlap ``[age_min, age_max]``; the base rate is the share
    of missing persons in the scope whose age falls in the range (Laplace-smoothed), or the
    range's share of 0-99 when the scope gives no ages.
    """
    if age_min is None or age_max is None or possible_age is None:
        return _unknown("age", source, "no estimated range or no age at disappearance")
    low, high = possible_age
    consistent = low <= age_max and high >= age_min
    inside = sum(age_min <= a <= age_max for a in scope_ages)
    base = (inside + 1) / (len(scope_ages) + 2) if scope_ages else (age_max - age_min + 1) / 100.0
    return Factor(
        "age",
        consistency_lr(consistent, AGE_ERROR_RATE, base),
        AGE_ERROR_RATE,
        source,
        f"estimated {age_min}-{age_max}; aged {low}-{high} when last seen",
        {"base_rate": base},
    )


def time_factor(
    last_seen: dt.date | None,
    buried_by: dt.date | None,
    scope_last_seen: list[dt.date],
    *,
    slack_days: int = 0,
    source: str,
) -> Factor:
    """Last seen alive vs the burial (or exhumation) date: consistent when last seen no later
    than ``slack_days`` after it; base rate = share of the scope last seen by then."""
    if last_seen is None or buried_by is None:
        return _unknown("time", source, "no last-seen date or no burial date")
    limit = buried_by + dt.timedelta(days=slack_days)
    consistent = last_seen <= limit
    before = sum(d <= limit for d in scope_last_seen)
    base = (before + 1) / (len(scope_last_seen) + 2) if scope_last_seen else 0.5
    return Factor(
        "time",
        consistency_lr(consistent, TIME_ERROR_RATE, base),
        TIME_ERROR_RATE,
        source,
        f"last seen {last_seen.isoformat()}; buried by {buried_by.isoformat()}",
        {"base_rate": base},
    )


def place_factor(same_place: bool | None, share_same_place: float, *, source: str) -> Factor:
    """Last seen in the settlement of the site (``same_place``) vs elsewhere; base rate = share
    of the scope last seen there. When everybody in scope was, the factor is close to 1."""
    if same_place is None:
        return _unknown("place", source, "no last-seen place")
    return Factor(
        "place",
        consistency_lr(same_place, PLACE_ERROR_RATE, share_same_place),
        PLACE_ERROR_RATE,
        source,
        "last seen at the site's settlement" if same_place else "last seen elsewhere",
        {"base_rate": share_same_place},
    )


def recognition_factor(strength: Strength, *, source: str, item: str) -> Factor:
    """A mark, effect or photo shown to the family: LR = sensitivity / false recognition rate."""
    sensitivity, false_rate = RECOGNITION_RATES[strength]
    seen = "not recognised" if strength is Strength.NOT_RECOGNISED else f"recognised ({strength})"
    return Factor(
        "recognition",
        sensitivity / false_rate,
        false_rate,
        source,
        f"{item}: {seen}",
        {"strength": strength.value},
    )


def capped_recognition(factors: list[Factor]) -> list[Factor]:
    """The recognition factors, the strongest scaled down so that their product is at most
    :data:`RECOGNITION_CAP` (the cap is stated in the factor's detail, never applied silently)."""
    product = 1.0
    for f in factors:
        product *= f.lr
    if product <= RECOGNITION_CAP:
        return factors
    scale = RECOGNITION_CAP / product
    strongest = max(range(len(factors)), key=lambda i: factors[i].lr)
    f = factors[strongest]
    detail = f"{f.detail}; capped: all recognitions together count at most {RECOGNITION_CAP:g}"
    capped = Factor(
        f.name, f.lr * scale, f.error_rate, f.source, detail, {**f.inputs, "uncapped_lr": f.lr}
    )
    return [capped if i == strongest else g for i, g in enumerate(factors)]
