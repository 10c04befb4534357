"""Samples and their chain of custody: each movement an action with its log entry."""

from __future__ import annotations

from typing import Any

import pytest

from exhume.audit.models import LogEntry
from exhume.dna.actions import do_record_custody, do_record_profile, do_take_sample
from exhume.dna.models import CustodyEvent
from exhume.errors import InvalidInputError
from tests.dna.conftest import DAY, at

pytestmark = pytest.mark.django_db


def test_each_custody_step_is_logged(actor: Any, bone: Any) -> None:
    for hour, step in enumerate(["packed", "sent", "received"], start=9):
        do_record_custody(actor, sample=bone, step=step, at=at(hour), by="courier")
    do_record_custody(actor, sample=bone, step="stored", at=at(13), by="lab", location="F-2")
    steps = list(bone.custody.values_list("step", flat=True))
    assert steps == ["packed", "sent", "received", "stored"]
    logged = LogEntry.objects.filter(record_type="dna.custodyevent").count()
    assert logged == 4


def test_it_refuses_received_without_sent_naming_the_step(actor: Any, bone: Any) -> None:
    do_record_custody(actor, sample=bone, step="packed", at=at(9), by="morgue-1")
    with pytest.raises(InvalidInputError) as err:
        do_record_custody(actor, sample=bone, step="received", at=at(10), by="lab")
    assert err.value.field == "step"
    assert err.value.message == (
        "sample 'LS-0001': 'received' needs 'sent' before it, but the last step is 'packed' "
        "(chain: collected → packed)"
    )
    assert CustodyEvent.objects.count() == 1


def test_it_refuses_any_use_after_consumption(actor: Any, bone: Any) -> None:
    for hour, step in enumerate(["packed", "sent", "received", "consumed"], start=9):
        do_record_custody(actor, sample=bone, step=step, at=at(hour), by="lab")
    with pytest.raises(InvalidInputError, match="was consumed \\(step 4\\); 'packed' cannot"):
        do_record_custody(actor, sample=bone, step="packed", at=at(15), by="lab")


def test_it_refuses_a_profile_for_a_consumed_sample(actor: Any, bone: Any) -> None:
    for hour, step in enumerate(["packed", "sent", "received", "consumed"], start=9):
        do_record_custody(actor, sample=bone, step=step, at=at(hour), by="lab")
    with pytest.raises(InvalidInputError) as err:
        do_record_profile(actor, sample=bone, genotype={"TH01": ["6", "7"]}, lab="Lab A")
    assert err.value.field == "sample"
    assert "sample 'LS-0001' was consumed (custody step 4)" in err.value.message
    assert not bone.profiles.exists()


def test_it_refuses_a_step_before_the_previous_one(actor: Any, bone: Any) -> None:
    do_record_custody(actor, sample=bone, step="packed", at=at(12), by="morgue-1")
    with pytest.raises(InvalidInputError, match="before the previous step") as err:
        do_record_custody(actor, sample=bone, step="sent", at=at(11), by="courier")
    assert err.value.field == "at"


def test_storing_needs_a_place(actor: Any, bone: Any) -> None:
    for hour, step in enumerate(["packed", "sent", "received"], start=9):
        do_record_custody(actor, sample=bone, step=step, at=at(hour), by="lab")
    with pytest.raises(InvalidInputError, match="where the sample is stored"):
        do_record_custody(actor, sample=bone, step="stored", at=at(13), by="lab")


def test_it_refuses_a_barcode_used_twice(
    actor: Any, site: Any, bone: Any, make_remains: Any
) -> None:
    other = make_remains(site)
    with pytest.raises(InvalidInputError) as err:
        do_take_sample(
            actor, barcode="LS-0001", kind="tooth", remains=other, collected_by="m",
            collected_on=DAY,
        )  # fmt: skip
    assert err.value.field == "barcode"
    assert err.value.message == "barcode 'LS-0001' is already used by another sample"


def test_a_body_part_is_sampled_on_its_own(actor: Any, site: Any, make_remains: Any) -> None:
    part = make_remains(
        site, kind="body_part", sex="undetermined", status="undetermined",
        age_class="undetermined",
    )  # fmt: skip
    sample = do_take_sample(
        actor, barcode="LS-P1", kind="bone", remains=part, collected_by="m", collected_on=DAY
    )
    assert sample.remains.kind == "body_part"


def test_a_swab_comes_from_a_living_relative_not_from_remains(
    actor: Any, site: Any, make_remains: Any, family: Any
) -> None:
    with pytest.raises(InvalidInputError, match="comes from a living relative") as err:
        do_take_sample(
            actor, barcode="S-1", kind="buccal_swab", donor=family.members.get(),
            collected_by="liaison", collected_on=DAY,
        )  # fmt: skip
    assert err.value.field == "donor"


def test_a_personal_effect_is_a_direct_reference_of_the_missing_person(
    actor: Any, family: Any
) -> None:
    member = family.members.get()
    sample = do_take_sample(
        actor, barcode="PE-1", kind="personal_effect", donor=member, description="toothbrush",
        collected_by="liaison", collected_on=DAY,
    )  # fmt: skip
    assert sample.donor.missing_person is not None
