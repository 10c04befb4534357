"""import-dvi then export-dvi loses nothing the engine uses: the pairwise LRs of the export
equal those of the original file (relative 1e-9) for every dvir example."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from exhume.dna.dvi import do_import_dvi, export_dvi
from exhume.dna.models import PedigreeMember, Profile
from exhume.errors import ProblemFormatError
from exhume.families.models import MissingPerson
from exhume.kinship import dvi
from exhume.kinship.dvijson import load_problem, parse_problem
from exhume.kinship.problem import DviProblem

pytestmark = pytest.mark.django_db

EXAMPLES = ["example1", "example2", "fire", "planecrash", "icmp", "grave", "symmetricSibs",
            "KETPchap481", "KETPchap484", "KETPexer497", "KETPexer498"]  # fmt: skip
BIG = ["exclusionExample"]  # 16 victims x 15 families, 88 members: about 30 s


def pairwise(problem: DviProblem) -> dict[tuple[str, str], float]:
    matrix = dvi.pairwise_lr(dvi.make_context(problem))
    return {
        (v.id, m): float(matrix[i, j])
        for i, v in enumerate(problem.victims)
        for j, m in enumerate(problem.missing)
    }


def assert_same_lrs(
    before: dict[tuple[str, str], float], after: dict[tuple[str, str], float]
) -> None:
    assert sorted(before) == sorted(after)
    for pair, lr in before.items():
        if math.isnan(lr):
            assert math.isnan(after[pair]), pair
        else:
            assert after[pair] == pytest.approx(lr, rel=1e-9, abs=0), pair


def round_trip(actor: Any, path: Path, slug: str) -> DviProblem:
    do_import_dvi(actor, path, slug=slug)
    from exhume.casework.models import Site

    doc = json.loads(json.dumps(export_dvi(Site.objects.get(slug=slug))))
    return parse_problem(doc)


@pytest.mark.parametrize(
    "name", [*EXAMPLES, *(pytest.param(n, marks=pytest.mark.slow) for n in BIG)]
)
def test_the_export_gives_the_pairwise_lrs_of_the_original(
    actor: Any, shared_data: Path, name: str
) -> None:
    path = shared_data / "dvi-examples" / f"{name}.json"
    original = load_problem(path)
    exported = round_trip(actor, path, name.lower())
    assert_same_lrs(pairwise(original), pairwise(exported))
    assert [v.id for v in exported.victims] == [v.id for v in original.victims]
    assert sorted(exported.missing) == sorted(original.missing)
    for fam in original.families:
        again = next(f for f in exported.families if f.id == fam.id)
        assert again.pedigree.ids == fam.pedigree.ids
        np.testing.assert_array_equal(again.pedigree.fidx, fam.pedigree.fidx)
        np.testing.assert_array_equal(again.pedigree.sex, fam.pedigree.sex)


def test_import_keeps_the_missing_ids_and_the_untyped_connectors(
    actor: Any, shared_data: Path
) -> None:
    do_import_dvi(actor, shared_data / "dvi-examples" / "planecrash.json", slug="pc")
    refs = sorted(MissingPerson.objects.values_list("external_reference", flat=True))
    assert refs == ["M1", "M2", "M3", "M4", "M5"]
    untyped = PedigreeMember.objects.filter(missing_person=None, samples=None)
    assert untyped.count() == 17 - 5 - 5
    assert Profile.objects.filter(sample__remains__site__slug="pc").count() == 8


def test_it_refuses_a_file_with_a_missing_reference_individual_writing_nothing(
    actor: Any, shared_data: Path, tmp_path: Path
) -> None:
    doc = json.loads((shared_data / "dvi-examples" / "example2.json").read_text())
    doc["references"].append("R9")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    with pytest.raises(ProblemFormatError, match="reference 'R9' is not in any family"):
        do_import_dvi(actor, bad, slug="bad")
    from exhume.casework.models import Site

    assert not Site.objects.filter(slug="bad").exists()


def test_it_refuses_a_second_case_in_the_same_site(actor: Any, shared_data: Path) -> None:
    path = shared_data / "dvi-examples" / "example1.json"
    do_import_dvi(actor, path, slug="twice")
    with pytest.raises(Exception, match="already holds a DNA case"):
        do_import_dvi(actor, path, slug="twice")


def test_an_allele_added_by_the_minimum_rule_is_exported_with_rescaled_frequencies(
    actor: Any, shared_data: Path, make_remains: Any
) -> None:
    import datetime as dt

    from exhume.casework.models import Site
    from exhume.dna.actions import do_record_profile, do_take_sample

    do_import_dvi(actor, shared_data / "dvi-examples" / "example1.json", slug="ex1")
    site = Site.objects.get(slug="ex1")
    sample = do_take_sample(
        actor, barcode="ex1-extra", kind="bone", remains=make_remains(site),
        collected_by="m", collected_on=dt.date(2022, 10, 1),
    )  # fmt: skip
    do_record_profile(actor, sample=sample, lab="A", genotype={"L1": ["1", "4"]})
    marker = export_dvi(site)["markers"][0]
    assert marker["alleles"] == ["1", "2", "3", "4"]
    # n is unknown for a dvi-json marker: the smallest listed frequency, 0.05, then rescaled
    assert marker["afreq"] == pytest.approx([0.05 / 1.05, 0.05 / 1.05, 0.9 / 1.05, 0.05 / 1.05])
    assert sum(marker["afreq"]) == pytest.approx(1.0)
