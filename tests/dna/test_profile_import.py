"""Genotype tables: both layouts, aliases, and all-or-nothing with every bad row named."""

from __future__ import annotations

from typing import Any

import pytest

from exhume.audit.models import LogEntry
from exhume.dna.actions import do_record_custody, do_take_sample
from exhume.dna.models import Profile
from exhume.dna.profile_import import do_import_profiles
from exhume.errors import BadRowsError
from tests.dna.conftest import DAY, at

pytestmark = pytest.mark.django_db

MARKERS = ["D3S1358", "VWA", "D16S539", "CSF1PO", "TPOX", "D8S1179", "D21S11", "D18S51",
           "D2S441", "D19S433", "TH01", "FGA", "D22S1045", "D5S818", "D13S317", "D7S820",
           "SE33", "D10S1248", "D1S1656", "D12S391", "D2S1338", "PENTA_E", "PENTA_D"]  # fmt: skip


@pytest.fixture
def samples(actor: Any, site: Any, make_remains: Any) -> list[Any]:
    return [
        do_take_sample(
            actor,
            barcode=f"B-{i}",
            kind="bone",
            remains=make_remains(site),
            collected_by="morgue",
            collected_on=DAY,
        )
        for i in range(1, 10)
    ]


def run(actor: Any, site: Any, text: str) -> Any:
    return do_import_profiles(actor, text, site=site, source="lab.csv", lab="Lab A", kit="K23")


def test_the_long_form_with_partial_and_one_allele_calls(
    actor: Any, site: Any, samples: Any
) -> None:
    text = (
        "sample,marker,allele1,allele2\n"
        "B-1,D3S1358,15,16\nB-1,vWA,17,-\nB-1,D21,30,\nB-1,Amelogenin,X,Y\nB-1,TH01,-,-\n"
        "B-2,D3S1358,15,15\n"
    )
    report = run(actor, site, text)
    assert (report.profiles, report.rows, report.counting) == (2, 6, 2)
    profile = Profile.objects.get(sample__barcode="B-1")
    assert profile.genotype == {
        "D3S1358": ["15", "16"], "VWA": ["17"], "D21S11": ["30"], "AMEL": ["X", "Y"]
    }  # fmt: skip
    assert profile.lab == "Lab A"
    assert LogEntry.objects.filter(record_type="dna.profile").count() == 2


def test_the_ce_software_form_tab_separated(actor: Any, site: Any, samples: Any) -> None:
    text = (
        "Sample Name\tMarker\tDye\tAllele 1\tAllele 2\tAllele 3\n"
        "B-3\tAMEL\tB\tX\tX\t\nB-3\tD8S1179\tB\t12\t13\t\nB-3\tPenta E\tY\t7\t\t\n"
    )
    run(actor, site, text)
    assert Profile.objects.get(sample__barcode="B-3").genotype == {
        "AMEL": ["X", "X"], "D8S1179": ["12", "13"], "PENTA_E": ["7"]
    }  # fmt: skip


def test_a_bad_row_57_of_200_writes_nothing_and_names_row_57(
    actor: Any, site: Any, samples: Any
) -> None:
    lines = ["sample,marker,allele1,allele2"]
    for k in range(200):
        sample, marker = samples[k // len(MARKERS)].barcode, MARKERS[k % len(MARKERS)]
        lines.append(f"{sample},{marker},{10 + k % 3},{11 + k % 5}")
    lines[57 - 1] = lines[57 - 1].rsplit(",", 2)[0] + ",9,ten"
    before = LogEntry.objects.count()
    with pytest.raises(BadRowsError) as err:
        run(actor, site, "\n".join(lines) + "\n")
    assert err.value.problems == [(57, "allele2", "'ten' is not an allele")]
    assert err.value.exit_code == 2
    assert "row 57, column 'allele2': 'ten' is not an allele" in err.value.message
    assert Profile.objects.count() == 0
    assert LogEntry.objects.count() == before


def test_every_bad_row_is_listed(actor: Any, site: Any, samples: Any) -> None:
    for hour, step in enumerate(["packed", "sent", "received", "consumed"], start=9):
        do_record_custody(actor, sample=samples[1], step=step, at=at(hour), by="lab")
    text = (
        "sample,marker,allele1,allele2,allele3\n"
        "B-1,D3S1358,15,16,\n"
        "B-1,D99S1,1,2,\n"
        "B-1,TH01,6,7,9.3\n"
        "NOPE,TH01,6,7,\n"
        "B-2,TH01,6,7,\n"
        "B-1,D3S1358,15,16,\n"
    )
    with pytest.raises(BadRowsError) as err:
        run(actor, site, text)
    assert err.value.problems == [
        (3, "marker", "unknown marker 'D99S1'"),
        (4, "allele3", "three or more alleles (6, 7, 9.3)"),
        (5, "sample", "no sample with barcode 'NOPE'"),
        (6, "sample", "sample 'B-2' was consumed"),
        (7, "marker", "marker 'D3S1358' again for 'B-1'"),
    ]


def test_a_sample_of_another_site_is_a_bad_row(
    actor: Any, site: Any, samples: Any, make_site: Any
) -> None:
    other = make_site("other")
    with pytest.raises(BadRowsError) as err:
        do_import_profiles(
            actor, "sample,marker,allele1,allele2\nB-1,TH01,6,7\n", site=other, source="x.csv",
            lab="L",
        )  # fmt: skip
    assert err.value.problems == [(2, "sample", "sample 'B-1' is not of site other")]


def test_a_retyped_sample_keeps_its_counting_profile(actor: Any, site: Any, samples: Any) -> None:
    run(actor, site, "sample,marker,allele1,allele2\nB-1,TH01,6,7\n")
    run(actor, site, "sample,marker,allele1,allele2\nB-1,TH01,6,8\n")
    assert [p.counts for p in Profile.objects.filter(sample__barcode="B-1")] == [True, False]
