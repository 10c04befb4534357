"""The demo's plan as plain data, deterministic from a seed (no database here).

Izium (synthetic): 445 numbered graves and one collective grave of 17 servicemen; 447 persons
exhumed 16–23 September 2022 (215 women, 194 men, 11 sex undetermined, 5 children, 22
servicemen), 30 with torture indicators, 443 (99.1%) with a violent death; a few body parts, some
tied to a body and some not; a burial journal covering most numbered graves, with gaps,
duplicates, entries whose grave was not found, initials and Russian spellings. Daily exhumation
counts follow the published running totals (263 by 20 September, 436 by 22 September, 447).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from exhume.demo.names import as_written, full_name
from exhume.demo.plot import grave_position, offset

EXHUMATION_DAYS = {  # persons exhumed per day; cumulative 59, 99, 146, 196, 263, 353, 436, 447
    dt.date(2022, 9, 16): 59,
    dt.date(2022, 9, 17): 40,
    dt.date(2022, 9, 18): 47,
    dt.date(2022, 9, 19): 50,
    dt.date(2022, 9, 20): 67,
    dt.date(2022, 9, 21): 90,
    dt.date(2022, 9, 22): 83,
    dt.date(2022, 9, 23): 11,
}
COLLECTIVE_DAY = dt.date(2022, 9, 20)
NUMBERED_GRAVES = 445
BREAKDOWN = {"women": 215, "men": 194, "sex_undetermined": 11, "children": 5, "servicemen": 22}
COLLECTIVE_SERVICEMEN = 17
WITH_TORTURE = 30
VIOLENT_CAUSES = (
    ("shelling", 0.55), ("gunshot", 0.22), ("airstrike", 0.13), ("blunt_force", 0.04),
    ("strangulation", 0.02), ("stabbing", 0.01), ("undetermined", 0.03),
)  # fmt: skip
TORTURE = ("bound_hands", "ligature_neck", "broken_limbs", "amputation", "burns", "other")
SYNTHETIC = "SYNTHETIC DEMONSTRATION DATA: modelled on published figures; no real person."
SYNTHETIC_UK = (
    "СИНТЕТИЧНІ ДЕМОНСТРАЦІЙНІ ДАНІ: змодельовано за оприлюдненими цифрами; жодної реальної особи."
)
INVASION_UK = "Російське вторгнення в Україну"
#: each demo site's prose in Ukrainian (the site rows hold it in English)
SITE_TEXTS_UK: dict[str, dict[str, str]] = {
    "izium": {
        "name": "Місце поховань у лісі під Ізюмом (синтетичне)",
        "place": "Ізюм, Харківська область, Україна",
        "part_of": INVASION_UK,
        "perpetrators": "Збройні сили Російської Федерації",
        "crime_type": "Масове вбивство, катування, воєнні злочини",
        "description": (
            "Лісове кладовище на околиці Ізюму, де після звільнення міста знайшли близько 445 "
            "могил, здебільшого позначених лише номером на дерев'яному хресті, і одну братську "
            "могилу військовослужбовців. " + SYNTHETIC_UK
        ),
    },
    "lyman": {
        "name": "Міське кладовище Лимана (синтетичне)",
        "place": "Лиман, Донецька область, Україна",
        "part_of": INVASION_UK,
        "perpetrators": "Збройні сили Російської Федерації",
        "crime_type": "Масове вбивство",
        "description": SYNTHETIC_UK,
    },
    "bucha-church": {
        "name": "Територія церкви в Бучі (синтетичне)",
        "place": "Буча, Київська область, Україна",
        "part_of": INVASION_UK,
        "perpetrators": "Збройні сили Російської Федерації",
        "crime_type": "Масове вбивство, катування",
        "description": SYNTHETIC_UK,
    },
}


@dataclass
class Plan:
    """Everything the demo will write, in writing order."""

    sites: list[dict[str, Any]] = field(default_factory=list)
    graves: list[dict[str, Any]] = field(default_factory=list)
    journal: list[dict[str, Any]] = field(default_factory=list)
    remains: list[dict[str, Any]] = field(default_factory=list)
    missing: list[dict[str, Any]] = field(default_factory=list)
    #: case number -> (family, given, patronymic) the journal wrote for that body (the name
    #: its family reports it under, in the DNA part of the demo)
    names: dict[str, tuple[str, str, str]] = field(default_factory=dict)


def izium_site() -> dict[str, Any]:
    return {
        "slug": "izium",
        "name": "Izium forest burial site (synthetic)",
        "place": "Izium, Kharkiv Oblast, Ukraine",
        "latitude": 49.1803,
        "longitude": 37.3163,
        "part_of": "Russian invasion of Ukraine",
        "discovered_on": dt.date(2022, 9, 15),
        "exhumation_started_on": dt.date(2022, 9, 16),
        "exhumation_ended_on": dt.date(2022, 9, 23),
        "perpetrators": "Russian Armed Forces",
        "crime_type": "Mass killing, torture, war crimes",
        "description": (
            "A forest cemetery on the edge of Izium where about 445 graves, most marked only by a "
            "number on a wooden cross, and one collective grave of servicemen were found after "
            "the town was liberated. " + SYNTHETIC
        ),
        "is_synthetic": True,
    }


def build_plan(seed: int) -> Plan:
    """The whole demo for this seed: Izium plus smaller synthetic sites."""
    rng = random.Random(seed)
    plan = Plan()
    _izium(rng, plan)
    for spec in OTHER_SITES:
        _small_site(rng, plan, spec)
    _missing_reports(rng, plan)
    return plan


def _persons(rng: random.Random) -> list[dict[str, Any]]:
    """The 447 persons with their counting attributes, shuffled (servicemen of the collective
    grave first)."""
    people: list[dict[str, Any]] = []
    for group, count in BREAKDOWN.items():
        for _ in range(count):
            people.append(_person(rng, group))
    collective = [p for p in people if p["status"] == "serviceman"][:COLLECTIVE_SERVICEMEN]
    for p in collective:
        p["collective"] = True
    others = [p for p in people if not p["collective"]]
    rng.shuffle(others)
    everyone = collective + others
    _assign_deaths(rng, everyone)
    return everyone


def _person(rng: random.Random, group: str) -> dict[str, Any]:
    sex = {"women": "female", "men": "male", "servicemen": "male"}.get(group, "undetermined")
    if group == "children":
        sex = rng.choice(["female", "male"])
        low = rng.randint(2, 14)
        age = {"age_class": "child", "age_min": low, "age_max": low + 3}
    elif group == "sex_undetermined":
        age = {"age_class": "undetermined", "age_min": None, "age_max": None}
    else:
        low = rng.randint(22, 45) if group == "servicemen" else int(rng.triangular(18, 92, 70))
        age = {"age_class": "adult", "age_min": low, "age_max": low + rng.choice([5, 10])}
    status = "serviceman" if group == "servicemen" else "civilian"
    if group == "sex_undetermined" and rng.random() < 0.5:
        status = "undetermined"
    return {"sex": sex, "status": status, "collective": False, **age}


def _assign_deaths(rng: random.Random, people: list[dict[str, Any]]) -> None:
    """443 violent deaths, 2 from lack of medical care (undetermined), 2 natural; 30 tortured,
    mostly men and servicemen."""
    order = list(range(len(people)))
    rng.shuffle(order)
    for rank, i in enumerate(order):
        person = people[i]
        if rank < 2:
            person.update(cause_of_death="natural", violent_death="no")
        elif rank < 4:
            person.update(cause_of_death="lack_of_medical_care", violent_death="undetermined")
        else:
            causes, weights = zip(*VIOLENT_CAUSES, strict=True)
            cause = rng.choices(causes, weights)[0]
            if person["collective"]:
                cause = rng.choice(["gunshot", "shelling"])
            person.update(cause_of_death=cause, violent_death="yes")
        person["torture_indicators"] = []
    violent = [p for p in people if p["violent_death"] == "yes"]
    odds = [5 if p["status"] == "serviceman" else 3 if p["sex"] == "male" else 1 for p in violent]
    chosen: dict[int, dict[str, Any]] = {}
    while len(chosen) < WITH_TORTURE:
        pick = rng.choices(violent, odds)[0]
        if pick["age_class"] != "child":
            chosen[id(pick)] = pick
    for p in chosen.values():
        p["torture_indicators"] = sorted(rng.sample(TORTURE, rng.choice([1, 1, 2, 3])))
        if "ligature_neck" in p["torture_indicators"] and rng.random() < 0.6:
            p["cause_of_death"] = "strangulation"


def _izium(rng: random.Random, plan: Plan) -> None:
    plan.sites.append(izium_site())
    lat0, lon0 = 49.1803, 37.3163
    for n in range(1, NUMBERED_GRAVES + 1):
        plan.graves.append({
            "site": "izium", "grave_number": str(n), "kind": "individual",
            **_placed("izium", n, (lat0, lon0), NUMBERED_GRAVES),
            "inscription": f"№ {n}" if rng.random() < 0.9 else f"{n}",
        })  # fmt: skip
    plan.graves.append({
        "site": "izium", "grave_number": "collective", "kind": "collective",
        "latitude": offset(lat0, lon0, 30.0, -65.0)[0],
        "longitude": offset(lat0, lon0, 30.0, -65.0)[1],
        "inscription": "ВСУ 17 тел", "notes": "Collective grave of 17 servicemen.",
    })  # fmt: skip
    people = _persons(rng)
    day_of = [d for d, k in EXHUMATION_DAYS.items() for _ in range(k)]
    collective_slots = [i for i, d in enumerate(day_of) if d == COLLECTIVE_DAY][:17]
    rest_days = [d for i, d in enumerate(day_of) if i not in set(collective_slots)]
    # 430 persons in numbered graves: 420 graves with one body, 5 with two; 20 hold no body.
    singles = rng.sample(range(1, NUMBERED_GRAVES + 1), 425)
    doubles, empties = singles[:5], sorted(set(range(1, NUMBERED_GRAVES + 1)) - set(singles))
    graves_of = sorted(singles) + doubles
    case = 0
    others = [p for p in people if not p["collective"]]
    for person in people[:COLLECTIVE_SERVICEMEN]:
        case += 1
        plan.remains.append(_remains("izium", case, "collective", COLLECTIVE_DAY, person, rng))
    for person, grave, day in zip(others, graves_of, rest_days, strict=True):
        case += 1
        plan.remains.append(_remains("izium", case, str(grave), day, person, rng))
        person["case_number"] = plan.remains[-1]["case_number"]
    _body_parts(rng, plan, empties, case)
    _journal(rng, plan, people, graves_of)


def _remains(
    site: str, case: int, grave: str, day: dt.date, person: dict[str, Any], rng: random.Random
) -> dict[str, Any]:
    record = {k: v for k, v in person.items() if k != "collective"}
    effects = rng.choice(
        [
            "",
            "",
            "wedding ring",
            "wristwatch",
            "cross on a chain",
            "keys",
            "mobile phone",
            "military identity tag" if person["collective"] else "",
        ]
    )
    marks = rng.choice(["", "", "", "tattoo on left forearm", "old fracture of the right tibia",
                        "dental crowns", "manicure, red nail varnish"])  # fmt: skip
    return {
        "site": site, "case_number": f"{site.upper()}-{case:04d}", "grave": grave,
        "exhumed_on": day, "kind": "body", **record,
        "condition": rng.choice(["advanced decomposition", "partly skeletonised", "decomposed"]),
        "personal_effects": effects, "distinguishing_marks": marks,
    }  # fmt: skip


def _body_parts(rng: random.Random, plan: Plan, empties: list[int], case: int) -> None:
    """Six body parts: three tied to a body in the same grave, three not yet tied to anyone."""
    bodies = [r for r in plan.remains if r["site"] == "izium" and r["grave"] != "collective"]
    for k in range(6):
        case += 1
        part: dict[str, Any] = {
            "site": "izium", "case_number": f"IZIUM-{case:04d}", "kind": "body_part",
            "sex": "undetermined", "age_class": "undetermined", "status": "undetermined",
            "cause_of_death": "undetermined", "violent_death": "undetermined",
            "condition": rng.choice(["left forearm", "skull fragment", "right foot"]),
        }  # fmt: skip
        if k < 3:
            body = rng.choice(bodies)
            part.update(
                grave=body["grave"], exhumed_on=body["exhumed_on"], body=body["case_number"]
            )
        else:
            part.update(grave=str(empties[k]), exhumed_on=dt.date(2022, 9, 22))
        plan.remains.append(part)


def _journal(
    rng: random.Random, plan: Plan, people: list[dict[str, Any]], graves_of: list[int]
) -> None:
    """The funeral home's journal: number and name per grave, 92% coverage, with variants."""
    lines: list[dict[str, Any]] = []
    occupants: dict[int, list[dict[str, Any]]] = {}
    for person, grave in zip([p for p in people if not p["collective"]], graves_of, strict=True):
        occupants.setdefault(grave, []).append(person)
    for number in range(1, NUMBERED_GRAVES + 1):
        if rng.random() < 0.08:
            continue  # a page torn out, a line left blank
        for person in occupants.get(number, [{"sex": rng.choice(["female", "male"])}]):
            if person.get("age_class") == "child" or rng.random() < 0.05:
                name = rng.choice(["невідомий", "невідома", "Н/В", "дитина, невідома"])
            else:
                true_name = full_name(rng, person["sex"])
                name = as_written(rng, *true_name)
                if "case_number" in person:
                    plan.names[person["case_number"]] = true_name
            burial = dt.date(2022, 3, 25) + dt.timedelta(days=int(number / NUMBERED_GRAVES * 160))
            lines.append(
                {"grave_number": str(number), "name_as_written": name, "burial_date": burial}
            )
    for extra in range(1, 6):  # grave numbers written in the journal whose graves were not found
        lines.append(
            {
                "grave_number": str(NUMBERED_GRAVES + extra),
                "name_as_written": as_written(rng, *full_name(rng, "male")),
                "burial_date": dt.date(2022, 9, 8),
                "notes": "grave not found",
            }
        )
    for i, line in enumerate(lines):
        page, row = divmod(i, 25)
        plan.journal.append({"site": "izium", "page": page + 1, "line": row + 1, **line})


OTHER_SITES = (
    {"slug": "lyman", "name": "Lyman town cemetery (synthetic)", "place": "Lyman, Donetsk Oblast,"
     " Ukraine", "latitude": 48.9889, "longitude": 37.8066, "start": dt.date(2022, 10, 7),
     "days": 6, "persons": 146, "perpetrators": "Russian Armed Forces",
     "crime_type": "Mass killing"},
    {"slug": "bucha-church", "name": "Bucha church grounds (synthetic)", "place": "Bucha, Kyiv "
     "Oblast, Ukraine", "latitude": 50.5447, "longitude": 30.2163, "start": dt.date(2022, 4, 8),
     "days": 6, "persons": 116, "perpetrators": "Russian Armed Forces",
     "crime_type": "Mass killing, torture"},
)  # fmt: skip


def _placed(
    site: str, n: int, origin: tuple[float, float], count: int, per_row: int = 24
) -> dict[str, float]:
    lat, lon = grave_position(site, n, origin, count=count, per_row=per_row)
    return {"latitude": lat, "longitude": lon}


def _small_site(rng: random.Random, plan: Plan, spec: dict[str, Any]) -> None:
    slug, start = spec["slug"], spec["start"]
    plan.sites.append({
        "slug": slug, "name": spec["name"], "place": spec["place"],
        "latitude": spec["latitude"], "longitude": spec["longitude"],
        "part_of": "Russian invasion of Ukraine", "discovered_on": start - dt.timedelta(days=1),
        "exhumation_started_on": start,
        "exhumation_ended_on": start + dt.timedelta(days=spec["days"] - 1),
        "perpetrators": spec["perpetrators"], "crime_type": spec["crime_type"],
        "description": SYNTHETIC, "is_synthetic": True,
    })  # fmt: skip
    for n in range(1, spec["persons"] + 1):
        plan.graves.append({"site": slug, "grave_number": str(n), "kind": "individual",
                            **_placed(slug, n, (spec["latitude"], spec["longitude"]),
                                      spec["persons"], per_row=10)})  # fmt: skip
        group = rng.choices(list(BREAKDOWN), [0.45, 0.45, 0.03, 0.03, 0.04])[0]
        person = _person(rng, group)
        person.update(
            cause_of_death=rng.choice(["gunshot", "shelling", "airstrike"]),
            violent_death="yes",
            torture_indicators=[],
        )
        if rng.random() < 0.07 and person["age_class"] != "child":
            person["torture_indicators"] = ["bound_hands"]
        day = start + dt.timedelta(days=rng.randrange(spec["days"]))
        plan.remains.append(_remains(slug, n, str(n), day, person, rng))


def _missing_reports(rng: random.Random, plan: Plan) -> None:
    """Sixty synthetic missing-person reports from the Izium district."""
    for _ in range(60):
        sex = rng.choice(["female", "male"])
        surname, given, patro = full_name(rng, sex)
        year = rng.randint(1935, 1995)
        seen = dt.date(2022, rng.randint(3, 8), rng.randint(1, 28))
        plan.missing.append({
            "family_name": surname, "given_name": given, "patronymic": patro, "sex": sex,
            "birth_year": year, "last_seen_on": seen,
            "last_seen_place": rng.choice(["Izium", "Kapytolivka", "Kamianka", "Balakliia"]),
            "description": SYNTHETIC,
        })  # fmt: skip
