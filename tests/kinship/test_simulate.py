"""Simulated screening scenarios: determinism, file round trip, realism knobs, truth."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from exhume.errors import InvalidInputError
from exhume.kinship.scenariofile import load_scenario, load_truth, save_scenario, save_truth
from exhume.kinship.screeningreport import typed_reference_counts
from exhume.kinship.simulate import Scenario, Truth, family_shapes, gene_drop, simulate_scenario


@pytest.fixture(scope="module")
def scenario() -> tuple[Scenario, Truth]:
    return simulate_scenario(1500, 200, 0.5, seed=42)


def test_the_same_seed_gives_the_same_scenario(scenario: tuple[Scenario, Truth]) -> None:
    again, truth = simulate_scenario(1500, 200, 0.5, seed=42)
    assert np.array_equal(again.reference_genotypes, scenario[0].reference_genotypes)
    assert np.array_equal(again.remains_genotypes, scenario[0].remains_genotypes)
    assert np.array_equal(truth.remains_family, scenario[1].remains_family)
    other, _ = simulate_scenario(1500, 200, 0.5, seed=43)
    assert not np.array_equal(other.remains_genotypes, scenario[0].remains_genotypes)


def test_the_related_fraction_of_bodies_belongs_to_distinct_families(
    scenario: tuple[Scenario, Truth],
) -> None:
    fam = scenario[1].remains_family
    related = fam[fam >= 0]
    assert related.size == 100
    assert np.unique(related).size == 100


def test_a_body_carries_the_alleles_of_its_missing_persons_direct_reference(
    scenario: tuple[Scenario, Truth],
) -> None:
    sc, truth = scenario
    checked = 0
    for body, family in enumerate(truth.remains_family.tolist()):
        if family < 0 or family not in truth.direct_reference_families:
            continue
        shape = sc.shapes[sc.family_shape[family]]
        ref = sc.family_genotypes(family)[shape.missing]
        got = sc.remains_genotypes[body]
        both = (ref >= 0).all(axis=1) & (got >= 0).all(axis=1)
        assert np.array_equal(np.sort(ref[both], axis=1), np.sort(got[both], axis=1))
        checked += 1
    assert checked >= 3


def test_it_draws_every_imperfection(scenario: tuple[Scenario, Truth]) -> None:
    sc, truth = scenario
    refs = typed_reference_counts(sc)
    assert (refs == 0).any()  # families with no typed relative
    assert refs.max() <= 5  # at most 4 relatives plus a direct reference
    assert truth.mislabelled_families.size > 0
    assert truth.direct_reference_families.size > 0
    assert (sc.remains_sex == 0).any()
    one_allele = (sc.remains_genotypes[..., 0] >= 0) & (sc.remains_genotypes[..., 1] < 0)
    assert one_allele.any()
    assert (sc.remains_genotypes < 0).all(axis=2).any()  # untyped markers


def test_gene_dropping_passes_a_parental_allele_without_mutation() -> None:
    sc, _ = simulate_scenario(10, 0, 0.0, seed=1, mutation_params={"rate": 0.0})
    shape = family_shapes()[0]  # parents-m: FA, MO, MP
    geno = gene_drop(np.random.default_rng(0), shape, sc.markers, 50)
    fa, mo, mp = geno[:, 0], geno[:, 1], geno[:, 2]
    assert ((mp[..., 0:1] == fa).any(axis=2)).all()
    assert ((mp[..., 1:2] == mo).any(axis=2)).all()


def test_the_scenario_and_truth_files_round_trip(
    scenario: tuple[Scenario, Truth], tmp_path: Path
) -> None:
    sc, truth = scenario
    save_scenario(sc, tmp_path / "s.npz")
    save_truth(truth, tmp_path / "t.json", scenario_sha256="abc")
    back = load_scenario(tmp_path / "s.npz")
    assert np.array_equal(back.reference_genotypes, sc.reference_genotypes)
    assert np.array_equal(back.family_offset, sc.family_offset)
    assert back.source == sc.source
    assert [m.name for m in back.markers] == [m.name for m in sc.markers]
    assert all(
        np.array_equal(a.mutation.male, b.mutation.male)  # type: ignore[union-attr]
        for a, b in zip(back.markers, sc.markers, strict=True)
    )
    assert [s.name for s in back.shapes] == [s.name for s in sc.shapes]
    assert np.array_equal(load_truth(tmp_path / "t.json").remains_family, truth.remains_family)


def test_it_refuses_more_related_bodies_than_families() -> None:
    with pytest.raises(InvalidInputError) as err:
        simulate_scenario(5, 20, 0.5, seed=1)
    assert err.value.field == "related_fraction"
    assert "10 related bodies need as many families, but only 5 are simulated" in str(err.value)


def test_it_refuses_a_file_that_is_not_a_scenario(tmp_path: Path) -> None:
    path = tmp_path / "x.npz"
    np.savez(path, header=np.frombuffer(b'{"format": "other"}', dtype=np.uint8),
             family_shape=np.zeros(1), family_offset=np.zeros(2), reference_genotypes=np.zeros(1),
             remains_genotypes=np.zeros(1), remains_sex=np.zeros(1))  # fmt: skip
    with pytest.raises(InvalidInputError, match="not an exhume-screening-scenario file"):
        load_scenario(path)
