"""Screening: batched conditional genotype tables and the body x missing-person LR matrix,
checked against the likelihood engine (genotype_posterior and loglik)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from numpy.typing import NDArray

from exhume.kinship import screeningtables
from exhume.kinship.familytables import family_posterior_batch
from exhume.kinship.frequencies import synthetic_frequencies, with_mutation
from exhume.kinship.genotypes import genotype_index, genotype_rows
from exhume.kinship.likelihood import genotype_posterior, loglik
from exhume.kinship.markers import Marker
from exhume.kinship.pedigree import Pedigree
from exhume.kinship.screening import ScreeningParams, ScreeningResult, screen
from exhume.kinship.screeningtables import FamilyData, build_tables
from exhume.kinship.simulate import Scenario, Truth, family_shapes, simulate_scenario

MARKERS = with_mutation(synthetic_frequencies(), "proportional", rate=0.05)


def _random_family_genotypes(
    rng: np.random.Generator, n_fam: int, ped: Pedigree, typed: tuple[int, ...], n: int
) -> NDArray[np.int64]:
    g = np.full((n_fam, ped.n, 2), -1, dtype=np.int64)
    for i in typed:
        g[:, i] = rng.integers(0, n, size=(n_fam, 2))
    if typed:
        g[0, list(typed), 1] = g[0, list(typed), 0]  # one family of homozygotes
    return g


def _engine_posterior(
    ped: Pedigree, marker: Marker, g: NDArray[np.int64], target: int, mutation: bool
) -> NDArray[np.float64] | None:
    try:
        return genotype_posterior(ped, marker, g, target, mutation=mutation)
    except Exception:  # impossible data
        return None


@pytest.mark.parametrize("mutation", [True, False])
def test_batched_posterior_equals_genotype_posterior_for_every_shape_and_typed_subset(
    mutation: bool,
) -> None:
    rng = np.random.default_rng(7)
    marker = MARKERS[3]
    for shape in family_shapes()[:7]:
        ped, refs = shape.pedigree, shape.references
        for k in range(len(refs) + 1):
            for typed in itertools.combinations(refs, k):
                g = _random_family_genotypes(rng, 4, ped, typed, marker.n_alleles)
                g[1, shape.missing] = rng.integers(0, marker.n_alleles, 2)  # direct reference
                g[2, shape.missing] = [rng.integers(0, marker.n_alleles), -1]
                post, _, lik = family_posterior_batch(
                    ped, shape.missing, marker, g, mutation=mutation
                )
                for f in range(4):
                    ref = _engine_posterior(ped, marker, g[f], shape.missing, mutation)
                    if ref is None:
                        assert lik[f] == 0.0 and not post[f].any()
                        continue
                    np.testing.assert_allclose(post[f], ref, rtol=0, atol=1e-13)


def test_batched_posterior_general_path_equals_genotype_posterior_on_an_extended_family() -> None:
    ped = Pedigree.from_records(
        [
            ("FA", None, None, 1),
            ("MO", None, None, 2),
            ("MP", "FA", "MO", 1),
            ("S1", "FA", "MO", 1),
            ("W", None, None, 2),
            ("N1", "S1", "W", 2),
        ]
    )
    rng = np.random.default_rng(3)
    marker = MARKERS[0]
    g = _random_family_genotypes(rng, 6, ped, (ped.index("N1"), ped.index("MO")), 7)
    g[:, ped.index("N1"), 1] = -1  # a one-allele reference
    post, one, _ = family_posterior_batch(ped, 2, marker, g)
    for f in range(6):
        ref = genotype_posterior(ped, marker, g[f], 2)
        np.testing.assert_allclose(post[f], ref, rtol=0, atol=1e-13)
        a, b = np.triu_indices(marker.n_alleles)
        expected_one = [ref[(a == x) | (b == x)].sum() for x in range(marker.n_alleles)]
        np.testing.assert_allclose(one[f], expected_one, rtol=0, atol=1e-13)


def test_genotype_rows_index_full_one_allele_and_untyped_observations() -> None:
    rows = genotype_rows(4, np.array([[0, 0], [3, 1], [1, 3], [2, -1], [-1, 2], [-1, -1]]))
    assert rows.tolist() == [0, 6, 6, 10 + 2, 10 + 2, 10 + 4]
    assert genotype_index(4, 3, 1) == 6


@pytest.fixture(scope="module")
def small() -> tuple[Scenario, FamilyData]:
    scenario, _ = simulate_scenario(60, 25, 0.6, seed=11, n_markers=6)
    return scenario, scenario.family_data()


def _engine_log_lr(scenario: Scenario, family: int, body: int) -> float:
    """ln L(body is the missing person) - ln L(references) - ln L(body alone), via loglik."""
    shape = scenario.shapes[scenario.family_shape[family]]
    ped, markers = shape.pedigree, scenario.markers
    refs = scenario.family_genotypes(family).astype(np.int64)
    with_body = refs.copy()
    with_body[shape.missing] = scenario.remains_genotypes[body]
    alone = Pedigree.singleton("body", int(scenario.remains_sex[body]))
    body_geno = scenario.remains_genotypes[body][None].astype(np.int64)
    return (
        loglik(ped, markers, with_body).total
        - loglik(ped, markers, refs).total
        - loglik(alone, markers, body_geno).total
    )


def _has_direct_reference(scenario: Scenario, family: int) -> bool:
    shape = scenario.shapes[scenario.family_shape[family]]
    return bool((scenario.family_genotypes(family)[shape.missing] >= 0).any())


def test_screening_log_lr_equals_the_engine_pairwise_lr(
    small: tuple[Scenario, FamilyData],
) -> None:
    scenario, fam = small
    result = screen(fam, scenario.remains_genotypes, scenario.remains_sex,
                    ScreeningParams(top=3, threshold=1.0))  # fmt: skip
    checked = 0
    for body in range(scenario.n_remains):
        for k in range(3):
            family = int(result.top_family[body, k])
            if family < 0 or _has_direct_reference(scenario, family):
                continue
            expected = _engine_log_lr(scenario, family, body)
            assert result.top_log_lr[body, k] == pytest.approx(expected, rel=1e-9, abs=1e-12)
            checked += 1
    assert checked > 40


def test_every_pair_above_the_threshold_is_listed_with_its_exact_lr(
    small: tuple[Scenario, FamilyData],
) -> None:
    scenario, fam = small
    params = ScreeningParams(top=2, threshold=10.0, full_matrix=True)
    result = screen(fam, scenario.remains_genotypes, scenario.remains_sex, params)
    assert result.full is not None
    above = {
        (int(b), int(f)) for b, f in zip(*np.nonzero(result.full >= np.log(10.0)), strict=True)
    }
    listed = set(zip(result.pair_body.tolist(), result.pair_family.tolist(), strict=True))
    near = {(b, f) for b, f in above ^ listed if abs(result.full[b, f] - np.log(10.0)) < 1e-4}
    assert above ^ listed == near
    assert (result.pair_log_lr >= np.log(10.0)).all()


def test_top_candidates_follow_the_full_matrix_order(
    small: tuple[Scenario, FamilyData],
) -> None:
    scenario, fam = small
    params = ScreeningParams(top=4, full_matrix=True)
    result = screen(fam, scenario.remains_genotypes, scenario.remains_sex, params)
    assert result.full is not None
    for body in range(scenario.n_remains):
        row = result.full[body]
        best = np.sort(row[np.isfinite(row)])[::-1][:4]
        got = result.top_log_lr[body][np.isfinite(result.top_log_lr[body])]
        np.testing.assert_allclose(got, best, rtol=1e-5, atol=1e-4)


def test_sex_incompatible_pairs_are_never_candidates(
    small: tuple[Scenario, FamilyData],
) -> None:
    scenario, fam = small
    result = screen(fam, scenario.remains_genotypes, scenario.remains_sex,
                    ScreeningParams(top=60, threshold=0.0))  # fmt: skip
    sex_of_missing = fam.missing_sex()
    for body, family in zip(result.pair_body, result.pair_family, strict=True):
        body_sex = scenario.remains_sex[body]
        assert body_sex == 0 or body_sex == sex_of_missing[family]
    listed = result.top_family[result.top_family >= 0]
    assert listed.size > 0


def test_families_without_a_typed_member_are_skipped_with_the_reason(
    small: tuple[Scenario, FamilyData],
) -> None:
    scenario, fam = small
    refs = scenario.reference_genotypes.copy()
    lo, hi = scenario.family_offset[5], scenario.family_offset[6]
    refs[lo:hi] = -1
    blank = FamilyData(fam.markers, fam.pedigrees, fam.targets, fam.family_shape,
                       fam.family_offset, refs)  # fmt: skip
    result = screen(blank, scenario.remains_genotypes, scenario.remains_sex)
    assert result.skipped[5] == "no typed relative and no direct reference"
    assert 5 not in result.top_family


def test_exclusions_count_markers_impossible_without_mutation(
    small: tuple[Scenario, FamilyData],
) -> None:
    scenario, fam = small
    result = screen(fam, scenario.remains_genotypes, scenario.remains_sex,
                    ScreeningParams(top=3))  # fmt: skip
    checked = 0
    for body in range(0, scenario.n_remains, 3):
        family = int(result.top_family[body, 0])
        if family < 0 or _has_direct_reference(scenario, family):
            continue
        shape = scenario.shapes[scenario.family_shape[family]]
        g = scenario.family_genotypes(family).astype(np.int64)
        g[shape.missing] = scenario.remains_genotypes[body]
        per = loglik(shape.pedigree, scenario.markers, g, mutation=False).per_marker
        assert result.top_exclusions[body, 0] == int(np.isneginf(per).sum())
        checked += 1
    assert checked >= 3


def test_an_untyped_body_marker_adds_nothing_and_a_one_allele_one_sums_genotypes(
    small: tuple[Scenario, FamilyData],
) -> None:
    scenario, fam = small
    tables, _ = build_tables(fam, np.arange(scenario.n_families))
    untyped = tables.log64[0][-1]
    assert not untyped.any()
    family = next(f for f in range(scenario.n_families) if not _has_direct_reference(scenario, f))
    shape = scenario.shapes[scenario.family_shape[family]]
    g = scenario.family_genotypes(family).astype(np.int64)
    marker = scenario.markers[0]
    g_m = g[:, 0]
    post = genotype_posterior(shape.pedigree, marker, g_m, shape.missing)
    a, b = np.triu_indices(marker.n_alleles)
    p = marker.afreq
    row = genotype_rows(marker.n_alleles, np.array([2, -1]))
    expected = np.log(post[(a == 2) | (b == 2)].sum()) - np.log(p[2] ** 2 + 2 * p[2] * (1 - p[2]))
    column = int(np.flatnonzero(tables.families == family)[0])
    assert tables.log64[0][row, column] == pytest.approx(expected, rel=1e-12)


def test_results_do_not_depend_on_threads_or_block_size(
    small: tuple[Scenario, FamilyData],
) -> None:
    scenario, fam = small
    one = screen(fam, scenario.remains_genotypes, scenario.remains_sex,
                 ScreeningParams(threads=1, body_chunk=7))  # fmt: skip
    many = screen(fam, scenario.remains_genotypes, scenario.remains_sex,
                  ScreeningParams(threads=2, body_chunk=3, memory_mb=1))  # fmt: skip
    np.testing.assert_array_equal(one.top_family, many.top_family)
    np.testing.assert_array_equal(one.top_log_lr, many.top_log_lr)
    np.testing.assert_array_equal(one.pair_family, many.pair_family)
    np.testing.assert_array_equal(one.pair_log_lr, many.pair_log_lr)


def test_a_direct_reference_gives_one_over_the_genotype_frequency() -> None:
    marker = MARKERS[1]
    ped = Pedigree.singleton("MP", 1)
    fam = FamilyData(
        markers=(marker,),
        pedigrees=(ped,),
        targets=(0,),
        family_shape=np.array([0]),
        family_offset=np.array([0, 1]),
        genotypes=np.array([[[3, 5]]]),  # the missing person's own profile
    )
    body = np.array([[[5, 3]]])
    result = screen(fam, body, np.array([0]), ScreeningParams(top=1, threshold=1.0))
    p = marker.afreq
    assert result.top_family[0, 0] == 0
    assert result.top_log_lr[0, 0] == pytest.approx(-math.log(2 * p[3] * p[5]), rel=1e-12)


def test_exact_ties_go_to_the_lowest_families_whatever_the_block_split(
    small: tuple[Scenario, FamilyData],
) -> None:
    scenario, fam = small
    bodies = scenario.remains_genotypes.copy()
    bodies[0] = -1  # nothing typed: LR 1 against every family
    sex = scenario.remains_sex.copy()
    sex[0] = 0
    for memory_mb in (1, 3072):
        result = screen(fam, bodies, sex, ScreeningParams(top=3, memory_mb=memory_mb))
        screened = [f for f in range(scenario.n_families) if f not in result.skipped]
        assert result.top_family[0].tolist() == screened[:3]
        assert result.top_log_lr[0].tolist() == [0.0, 0.0, 0.0]


def test_a_pedigree_too_large_for_the_batched_path_goes_through_the_engine() -> None:
    records: list[tuple[str, str | None, str | None, int]] = [
        ("GF", None, None, 1),
        ("GM", None, None, 2),
    ]
    for k in range(30):  # 30 typed children of GF and GM, then the missing person
        records.append((f"C{k}", "GF", "GM", 1 + k % 2))
    records.append(("MP", "GF", "GM", 1))
    ped = Pedigree.from_records(records)
    rng = np.random.default_rng(5)
    marker = MARKERS[0]
    g = np.full((2, ped.n, 2), -1, dtype=np.int64)
    g[:, 2:32] = rng.integers(0, 2, size=(2, 30, 2))  # alleles 0 and 1 only
    g[0, 2, 1] = -1  # a one-allele reference: no closed-form kernel for it
    post, _, lik = family_posterior_batch(ped, ped.index("MP"), marker, g)
    for f in range(2):
        ref = genotype_posterior(ped, marker, g[f], ped.index("MP"))
        np.testing.assert_allclose(post[f], ref, rtol=0, atol=1e-13)
        assert lik[f] > 0


# -- families with two missing persons -----------------------------------------------------


@pytest.fixture(scope="module")
def two_missing() -> tuple[Scenario, Truth, ScreeningResult]:
    scenario, truth = simulate_scenario(40, 30, 0.7, seed=5, n_markers=23, two_missing=12)
    params = ScreeningParams(top=3, threshold=1.0, full_matrix=True)
    result = screen(scenario.family_data(), scenario.remains_genotypes, scenario.remains_sex,
                    params)  # fmt: skip
    return scenario, truth, result


def _column_log_lr(scenario: Scenario, column: int, body: int) -> float:
    """The engine's pairwise log LR of "body is this missing person": the family's pedigree
    with the body placed at the missing person, the family's other missing person untyped."""
    family, member = (int(x[column]) for x in scenario.missing_columns())
    ped = scenario.shapes[scenario.family_shape[family]].pedigree
    refs = scenario.family_genotypes(family).astype(np.int64)
    with_body = refs.copy()
    with_body[member] = scenario.remains_genotypes[body]
    alone = Pedigree.singleton("body", int(scenario.remains_sex[body]))
    body_geno = scenario.remains_genotypes[body][None].astype(np.int64)
    return (
        loglik(ped, scenario.markers, with_body).total
        - loglik(ped, scenario.markers, refs).total
        - loglik(alone, scenario.markers, body_geno).total
    )


def test_a_family_with_two_missing_persons_is_screened_for_both(
    two_missing: tuple[Scenario, Truth, ScreeningResult],
) -> None:
    scenario, _, result = two_missing
    family, member = scenario.missing_columns()
    assert scenario.n_missing == 40 + 12 == family.shape[0]
    two = np.flatnonzero(np.bincount(family) == 2)
    assert two.shape[0] == 12
    names = scenario.missing_ids()
    for f in two:
        cols = np.flatnonzero(family == f)
        shape = scenario.shapes[scenario.family_shape[f]]
        assert member[cols].tolist() == list(shape.missing_persons)
        assert names[cols[0]] == f"MP{f:06d}"
        assert names[cols[1]] == f"MP{f:06d}-{shape.pedigree.ids[shape.also_missing[0]]}"
        assert not set(cols.tolist()) & set(result.skipped)  # both columns screened
    assert result.full is not None and result.full.shape == (30, 52)
    sex = scenario.family_data().missing_sex()
    fa = [scenario.shapes[scenario.family_shape[f]].name == "father-son" for f in family]
    assert all(sex[c] == 1 for c in np.flatnonzero(fa))  # father and son both male


def test_two_missing_log_lrs_equal_the_engine_pairwise_lr(
    two_missing: tuple[Scenario, Truth, ScreeningResult],
) -> None:
    scenario, _, result = two_missing
    family, _ = scenario.missing_columns()
    two = np.bincount(family)[family] == 2
    checked = 0
    for body in range(scenario.n_remains):
        for k in range(3):
            c = int(result.top_family[body, k])
            if c < 0 or not two[c]:
                continue
            expected = _column_log_lr(scenario, c, body)
            assert result.top_log_lr[body, k] == pytest.approx(expected, rel=1e-9, abs=1e-12)
            checked += 1
    assert checked > 10


def test_a_body_of_a_two_missing_family_has_its_own_missing_person_as_best_candidate(
    two_missing: tuple[Scenario, Truth, ScreeningResult],
) -> None:
    """Best or tied with the best: a husband and his wife typed only through their children
    (bodies of unknown sex) cannot be told apart, and both columns get the same LR (to the
    last bits: the two columns sum the children's phases in another order)."""
    scenario, truth, result = two_missing
    assert truth.remains_missing is not None
    family, _ = scenario.missing_columns()
    col = truth.remains_missing
    assert np.array_equal(truth.remains_family, np.where(col >= 0, family[col], -1))
    two = np.bincount(family)[family] == 2
    bodies = [b for b in range(scenario.n_remains) if col[b] >= 0 and two[col[b]]]
    assert len(bodies) >= 8
    for b in bodies:
        top = result.top_family[b].tolist()
        assert col[b] in top
        best = result.top_log_lr[b, 0]
        assert result.top_log_lr[b, top.index(col[b])] == pytest.approx(best, rel=1e-13)


def test_each_column_points_to_its_own_family_data_and_identical_families_share_one() -> None:
    scenario, _ = simulate_scenario(400, 20, 0.5, seed=8, n_markers=5, two_missing=40)
    fam = scenario.family_data()
    columns = np.arange(np.asarray(fam.family_shape).shape[0])
    distinct = screeningtables._distinct_markers(
        fam, screeningtables._shape_groups(fam, columns), columns.shape[0]
    )
    shape_of = np.asarray(fam.family_shape)
    for m, (data, column) in enumerate(distinct):
        starts = np.cumsum([0] + [g.shape[0] for _, g in data])
        seen: dict[tuple[int, bytes], int] = {}
        for j in columns.tolist():
            batch = int(np.searchsorted(starts, column[j], side="right")) - 1
            shape, rows = data[batch]
            lo, hi = fam.family_offset[j], fam.family_offset[j + 1]
            own = np.asarray(fam.genotypes[lo:hi, m], dtype=np.int64)
            assert shape == shape_of[j]
            np.testing.assert_array_equal(rows[column[j] - starts[batch]], own)
            key = (int(shape), own.tobytes())
            assert seen.setdefault(key, int(column[j])) == column[j]  # one datum per content
        assert len(set(seen.values())) == starts[-1]  # and no datum twice
        assert all(rows.shape[0] > 0 for _, rows in data)
