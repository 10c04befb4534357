"""Small case records built through the actions, shared by the web and browser tests.

The main site has 15 persons: 5 women, 4 men, 3 of undetermined sex, 2 children and 1
serviceman (distinct numbers, so a figure in the wrong place shows), exhumed over three days
(6, 5, 4), 6 with signs of torture, 9 violent deaths; plus one body part tied to a body (not
counted) and one not yet tied to anyone (counted apart). Some records carry distinctive personal
data that must never reach a public page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from exhume.audit.events import Actor
from exhume.casework.actions import (
    do_create_site,
    do_record_grave,
    do_record_journal_entry,
    do_record_remains,
)
from exhume.casework.models import Remains, Site
from exhume.families.actions import do_report_missing_person

SLUG = "lisova"
DAY1, DAY2, DAY3 = dt.date(2022, 9, 16), dt.date(2022, 9, 17), dt.date(2022, 9, 18)

EXPECTED = {
    "total": 15,
    "women": 5,
    "men": 4,
    "sex_undetermined": 3,
    "children": 2,
    "servicemen": 1,
    "with_torture_signs": 6,
    "violent_death": 9,
    "body_parts_unassociated": 1,
}
RUNNING = [
    {"date": "2022-09-16", "new": 6, "total": 6},
    {"date": "2022-09-17", "new": 5, "total": 11},
    {"date": "2022-09-18", "new": 4, "total": 15},
]

#: Strings that identify people; none may appear on a public page or its JSON twin.
PERSONAL = {
    "personal_effects": "gold ring engraved ОЛЕНА QX-RING-4471",
    "distinguishing_marks": "anchor tattoo on the left forearm QX-MARK-5512",
    "notes": "neighbour recognised the coat QX-NOTE-9931",
    "journal_name": "Ґалаґан Мирослава Тарасівна",
    "missing_family_name": "Кривоніс",
    "missing_given_name": "Остапій",
    "missing_description": "blue jacket, last seen at the bus stop QX-MISSING-2024",
    "case_prefix": "LP-2022-",
    "inscription": "Невідомий QX-INSCR-77",
}

# (sex, age_class, status, day, torture, violent)
PERSONS = (
    [("female", "adult", "civilian", DAY1, True, "yes")] * 3
    + [("female", "adult", "civilian", DAY2, False, "undetermined")] * 2
    + [("male", "adult", "civilian", DAY1, True, "yes")] * 2
    + [("male", "adult", "civilian", DAY2, False, "no")] * 2
    + [("undetermined", "adult", "civilian", DAY1, False, "yes")]
    + [("undetermined", "undetermined", "undetermined", DAY3, False, "undetermined")] * 2
    + [
        ("female", "child", "civilian", DAY2, False, "yes"),
        ("male", "child", "civilian", DAY3, True, "yes"),
    ]
    + [("male", "adult", "serviceman", DAY3, False, "yes")]
)


@dataclass
class Built:
    site: Site
    other: Site
    first: Remains


def build_sites(actor: Actor | None = None) -> Built:
    """Create the main site (see module docstring) and one other site of 2 persons."""
    actor = actor or Actor.system("tests")
    site = do_create_site(
        actor,
        name="Lisova Poliana forest cemetery",
        slug=SLUG,
        place="Lisova Poliana, Kharkiv oblast, Ukraine",
        latitude=49.21,
        longitude=37.25,
        part_of="Test occupation",
        discovered_on=dt.date(2022, 9, 15),
        exhumation_started_on=DAY1,
        exhumation_ended_on=DAY3,
        perpetrators="Test forces",
        crime_type="Mass killing",
        description="A forest cemetery where the dead were buried under numbered crosses.",
        is_synthetic=True,
    )
    grave = do_record_grave(
        actor, site=site, grave_number="117", inscription=PERSONAL["inscription"]
    )
    do_record_journal_entry(
        actor,
        site=site,
        grave_number="117",
        name_as_written=PERSONAL["journal_name"],
        page=3,
        line=9,
    )
    do_report_missing_person(
        actor,
        family_name=PERSONAL["missing_family_name"],
        given_name=PERSONAL["missing_given_name"],
        description=PERSONAL["missing_description"],
    )
    made = [
        do_record_remains(
            actor,
            site=site,
            case_number=f"{PERSONAL['case_prefix']}{i:04d}",
            exhumed_on=day,
            sex=sex,
            age_class=age,
            status=status,
            violent_death=violent,
            cause_of_death="gunshot" if violent == "yes" else "undetermined",
            torture_indicators=["bound_hands"] if torture else [],
            grave=grave if i == 1 else None,
            **(
                {k: PERSONAL[k] for k in ("personal_effects", "distinguishing_marks", "notes")}
                if i == 1
                else {}
            ),
        )
        for i, (sex, age, status, day, torture, violent) in enumerate(PERSONS, start=1)
    ]
    do_record_remains(
        actor,
        site=site,
        case_number="LP-2022-P001",
        exhumed_on=DAY2,
        kind="body_part",
        body=made[0],
    )
    do_record_remains(
        actor, site=site, case_number="LP-2022-P002", exhumed_on=DAY3, kind="body_part"
    )
    other = do_create_site(
        actor,
        name="Kamianka yard graves",
        slug="kamianka",
        place="Kamianka, Ukraine",
        is_synthetic=True,
    )
    for n in (1, 2):
        do_record_remains(actor, site=other, case_number=f"KM-{n}", exhumed_on=DAY1, sex="male")
    return Built(site=site, other=other, first=made[0])
