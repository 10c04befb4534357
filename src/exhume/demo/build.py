"""Write the demo plan through the action functions, like any other import."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from exhume.audit.events import Actor
from exhume.casework import actions
from exhume.casework.models import Grave, Remains, Site
from exhume.demo.dna import DnaReport, build_dna
from exhume.demo.scenario import SITE_TEXTS_UK, build_plan
from exhume.errors import InvalidInputError
from exhume.families.actions import do_report_missing_person
from exhume.names import transliterate_uk

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class DemoReport:
    """What the demo wrote and how long it took."""

    seed: int
    sites: int
    graves: int
    journal_entries: int
    remains: int
    missing_persons: int
    seconds: float
    dna: DnaReport | None = None


def build_demo(seed: int = 2022, *, progress: Progress | None = None) -> DemoReport:
    """Build the synthetic scenario in the current database, in one transaction.

    Refuses to run when the database holds any site that is not synthetic.
    """
    if Site.objects.filter(is_synthetic=False).exists():
        raise InvalidInputError(
            _(
                "this database holds real case records; the demo only runs "
                "on an empty database or one that holds only synthetic data "
                "(set EXHUME_DATA_DIR to another folder)"
            )
        )
    if Site.objects.exists():
        raise InvalidInputError(
            _("the demo is already built here; reset the database to rebuild it")
        )
    started = time.perf_counter()
    plan = build_plan(seed)
    actor = Actor.system("demo-builder")
    tick = progress or (lambda _stage, _done, _total: None)
    with transaction.atomic():
        sites = {s["slug"]: actions.do_create_site(actor, **s) for s in plan.sites}
        for slug, text in SITE_TEXTS_UK.items():
            actions.do_translate_site(actor, site=sites[slug], language="uk", **text)
        graves: dict[tuple[str, str], Grave] = {}
        for i, g in enumerate(plan.graves):
            grave = actions.do_record_grave(actor, **{**g, "site": sites[g["site"]]})
            graves[(g["site"], g["grave_number"])] = grave
            tick("graves", i + 1, len(plan.graves))
        for i, j in enumerate(plan.journal):
            actions.do_record_journal_entry(actor, **{**j, "site": sites[j["site"]]})
            tick("burial journal", i + 1, len(plan.journal))
        by_case: dict[str, Remains] = {}
        for i, r in enumerate(plan.remains):
            fields: dict[str, Any] = {**r, "site": sites[r["site"]]}
            fields["grave"] = graves[(r["site"], r["grave"])]
            if "body" in r:
                fields["body"] = by_case[r["body"]]
            by_case[r["case_number"]] = actions.do_record_remains(actor, **fields)
            tick("remains", i + 1, len(plan.remains))
        for i, m in enumerate(plan.missing):
            latin = f"{transliterate_uk(m['family_name'])} {transliterate_uk(m['given_name'])}"
            do_report_missing_person(actor, name_latin=latin, **m)
            tick("missing persons", i + 1, len(plan.missing))
        dna = build_dna(actor, seed, sites["izium"], tick, plan.names)
    return DemoReport(
        seed=seed,
        sites=len(plan.sites),
        graves=len(plan.graves),
        journal_entries=len(plan.journal),
        remains=len(plan.remains),
        missing_persons=len(plan.missing),
        seconds=round(time.perf_counter() - started, 2),
        dna=dna,
    )
