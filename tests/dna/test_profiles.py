"""DNA profiles: partial and one-allele calls are normal, three alleles are not, the minimum
frequency rule for alleles the database lacks, and which profile counts."""

from __future__ import annotations

from typing import Any

import pytest

from exhume.audit.models import LogEntry
from exhume.dna.actions import do_choose_profile, do_record_profile
from exhume.dna.models import AlleleFrequency
from exhume.errors import InvalidInputError

pytestmark = pytest.mark.django_db


def test_a_partial_profile_with_a_one_allele_call_is_stored_as_called(
    actor: Any, bone: Any, frequencies: Any
) -> None:
    profile = do_record_profile(
        actor, sample=bone, lab="Lab A", kit="23-locus STR",
        genotype={"D3S1358": ["15", "-"], "TH01": ["", ""], "Amelogenin": ["X", "Y"]},
    )  # fmt: skip
    assert profile.genotype == {"D3S1358": ["15"], "AMEL": ["X", "Y"]}
    assert profile.counts is True


def test_it_refuses_an_unknown_marker(actor: Any, bone: Any, frequencies: Any) -> None:
    with pytest.raises(InvalidInputError) as err:
        do_record_profile(actor, sample=bone, lab="Lab A", genotype={"D99S999": ["1", "2"]})
    assert (err.value.field, err.value.message) == ("marker", "unknown marker 'D99S999'")


def test_it_refuses_three_alleles_unless_stored_as_a_mixture(actor: Any, bone: Any) -> None:
    genotype = {"TH01": ["6", "7", "9.3"]}
    with pytest.raises(InvalidInputError, match="marker 'TH01': three or more alleles"):
        do_record_profile(actor, sample=bone, lab="Lab A", genotype=genotype)
    profile = do_record_profile(actor, sample=bone, lab="Lab A", genotype=genotype, mixture=True)
    assert profile.is_mixture is True
    assert profile.counts is False


def test_an_allele_absent_from_the_database_gets_the_minimum_frequency_logged(
    actor: Any, bone: Any, frequencies: Any
) -> None:
    do_record_profile(
        actor, sample=bone, lab="Lab A", genotype={"D3S1358": ["15", "19"], "TH01": ["7", "6"]}
    )
    added = {
        (a.marker, a.allele): (a.frequency, a.minimum_rule)
        for a in AlleleFrequency.objects.exclude(minimum_rule="")
    }
    assert added == {
        ("D3S1358", "19"): (5 / 400, "minimum frequency 5/n, n = 400 alleles counted (NRC II 4.3)"),
        ("TH01", "7"): (0.4, "minimum frequency: the smallest listed at this marker (n unknown)"),
    }
    assert LogEntry.objects.filter(record_type="dna.allelefrequency").count() == 5 + 2


def test_a_second_profile_counts_only_when_chosen(actor: Any, bone: Any) -> None:
    first = do_record_profile(actor, sample=bone, lab="Lab A", genotype={"TH01": ["6"]})
    second = do_record_profile(actor, sample=bone, lab="Lab B", genotype={"TH01": ["6", "7"]})
    assert (first.counts, second.counts) == (True, False)
    do_choose_profile(actor, second, reason="retyped with a second kit", authority="lab head")
    assert list(bone.profiles.filter(counts=True)) == [second]
    with pytest.raises(InvalidInputError, match="already has a counting profile"):
        do_record_profile(actor, sample=bone, lab="Lab C", genotype={"TH01": ["6"]}, counts=True)


def test_marker_aliases_are_one_marker(actor: Any, bone: Any) -> None:
    with pytest.raises(InvalidInputError, match="marker 'D21' is 'D21S11' again"):
        do_record_profile(actor, sample=bone, lab="A", genotype={"D21S11": ["29"], "D21": ["30"]})
