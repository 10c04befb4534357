"""Incremental screening through the table cache (src/exhume/kinship/screeningcache.py)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from exhume.kinship.frequencies import with_mutation
from exhume.kinship.screening import ScreeningParams, ScreeningResult, screen
from exhume.kinship.screeningcache import TableCache, markers_digest, screen_cached
from exhume.kinship.screeningtables import FamilyData
from exhume.kinship.simulate import Scenario, simulate_scenario

PARAMS = ScreeningParams(top=3, threshold=100.0, threads=1, memory_mb=1)


@pytest.fixture(scope="module")
def small() -> tuple[Scenario, FamilyData]:
    scenario, _ = simulate_scenario(70, 20, 0.6, seed=5, n_markers=6)
    return scenario, scenario.family_data()


def assert_same(a: ScreeningResult, b: ScreeningResult) -> None:
    for name in ("top_family", "top_log_lr", "top_exclusions", "pair_body", "pair_family",
                 "pair_log_lr", "pair_exclusions"):  # fmt: skip
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    assert a.skipped == b.skipped


def test_screening_through_the_cache_equals_screening_without_it(
    small: tuple[Scenario, FamilyData], tmp_path: Path
) -> None:
    scenario, fam = small
    plain = screen(fam, scenario.remains_genotypes, scenario.remains_sex, PARAMS)
    cache = TableCache(tmp_path, fam.markers)
    cached, built = screen_cached(
        fam, cache, scenario.remains_genotypes, scenario.remains_sex, PARAMS
    )
    assert built == 70 - len(plain.skipped)
    assert_same(cached, plain)


def test_a_new_body_is_screened_against_the_stored_tables_without_building_any(
    small: tuple[Scenario, FamilyData], tmp_path: Path
) -> None:
    scenario, fam = small
    screen_cached(fam, TableCache(tmp_path, fam.markers), scenario.remains_genotypes[:-1],
                  scenario.remains_sex[:-1], PARAMS)  # fmt: skip
    new_g, new_s = scenario.remains_genotypes[-1:], scenario.remains_sex[-1:]
    again = TableCache(tmp_path, fam.markers)  # a later process: the index is read from disk
    one, built = screen_cached(fam, again, new_g, new_s, PARAMS)
    assert built == 0
    assert_same(one, screen(fam, new_g, new_s, PARAMS))


def test_only_a_family_whose_references_change_is_rebuilt(
    small: tuple[Scenario, FamilyData], tmp_path: Path
) -> None:
    scenario, fam = small
    cache = TableCache(tmp_path, fam.markers)
    screen_cached(fam, cache, scenario.remains_genotypes, scenario.remains_sex, PARAMS)
    genotypes = np.array(fam.genotypes, copy=True)
    row = int(fam.family_offset[3])
    genotypes[row] = scenario.remains_genotypes[0]  # family 3's first member retyped
    changed = dataclasses.replace(fam, genotypes=genotypes)
    result, built = screen_cached(changed, cache, scenario.remains_genotypes,
                                  scenario.remains_sex, PARAMS)  # fmt: skip
    assert built == 1
    assert_same(result, screen(changed, scenario.remains_genotypes, scenario.remains_sex, PARAMS))


def test_other_frequencies_or_mutation_models_use_other_tables(
    small: tuple[Scenario, FamilyData], tmp_path: Path
) -> None:
    _, fam = small
    other = with_mutation(fam.markers, "equal", rate=0.01)
    assert markers_digest(other) != markers_digest(fam.markers)
    assert TableCache(tmp_path, other).directory != TableCache(tmp_path, fam.markers).directory
