"""Fixtures for the DNA tests: a site, a reported missing man and his family, a small
frequency database chosen for the site."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from exhume.dna.frequencies import FrequencyRow

DAY = dt.date(2022, 10, 1)


def at(hour: int, day: int = 1) -> dt.datetime:
    return dt.datetime(2022, 10, day, hour, tzinfo=dt.UTC)


@pytest.fixture
def site(make_site: Any) -> Any:
    return make_site("lisova")


@pytest.fixture
def missing(actor: Any) -> Any:
    from exhume.families.actions import do_report_missing_person

    return do_report_missing_person(
        actor, family_name="Synthetic", given_name="Petro", sex="male", external_reference="M1"
    )


@pytest.fixture
def family(actor: Any, site: Any, missing: Any) -> Any:
    from exhume.dna.pedigree_actions import do_create_family

    return do_create_family(actor, name="F1", missing_person=missing, site=site)


@pytest.fixture
def frequencies(actor: Any, site: Any) -> Any:
    """Two markers of a made-up population, chosen for the site."""
    from exhume.dna.actions import do_import_frequencies, do_set_kinship_parameters

    rows = [
        FrequencyRow("D3S1358", "15", 0.5, 400),
        FrequencyRow("D3S1358", "16", 0.3, 400),
        FrequencyRow("D3S1358", "17", 0.2, 400),
        FrequencyRow("TH01", "6", 0.4, None),
        FrequencyRow("TH01", "9.3", 0.6, None),
    ]
    db = do_import_frequencies(actor, name="test-pop", population="Test", rows=rows)
    do_set_kinship_parameters(actor, site=site, frequency_database=db)
    return db


@pytest.fixture
def bone(actor: Any, site: Any, make_remains: Any) -> Any:
    from exhume.dna.actions import do_take_sample

    remains = make_remains(site)
    return do_take_sample(
        actor, barcode="LS-0001", kind="bone", remains=remains, collected_by="morgue-1",
        collected_on=DAY, description="left femur",
    )  # fmt: skip
