"""DNA writes, one at a time or in bulk, leave a log that matches the tables exactly."""

from __future__ import annotations

from typing import Any

import pytest

from exhume.audit.integrity import check_database
from exhume.dna.actions import do_record_custody, do_record_profile
from exhume.dna.pedigree_actions import do_add_relative
from tests.dna.conftest import at

pytestmark = pytest.mark.django_db


def test_dna_records_verify_against_their_log(
    actor: Any, bone: Any, frequencies: Any, family: Any, missing: Any
) -> None:
    do_record_custody(actor, sample=bone, step="packed", at=at(9), by="morgue-1")
    do_record_profile(actor, sample=bone, lab="A", genotype={"D3S1358": ["15", "21"]})
    do_add_relative(
        actor, family=family, label="R1", sex="female", relationship="mother", relative_of=missing
    )
    report = check_database([])
    assert report.problems == []
    assert report.records >= 12
