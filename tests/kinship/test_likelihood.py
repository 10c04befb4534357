"""Likelihoods: closed forms, the naive enumeration on random pedigrees, published values."""

from __future__ import annotations

import contextlib
import math
from pathlib import Path
from unittest import mock

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exhume.errors import InvalidInputError, KinshipError
from exhume.kinship._lumping import Lumped, lump, marker_table
from exhume.kinship.dvijson import load_problem
from exhume.kinship.genotypes import genotype_index, n_genotypes
from exhume.kinship.likelihood import genotype_posterior, loglik, loglik_batch, loglik_marker
from exhume.kinship.markers import Marker, make_marker
from exhume.kinship.mutation import MutationModel, mutation_model
from exhume.kinship.pedigree import Pedigree
from exhume.kinship.problem import DviProblem, Family
from tests.kinship.naive import naive_loglik, naive_posterior

P = np.array([0.1, 0.2, 0.3, 0.4])
MARKER = make_marker("L1", 4, P)


def geno(*pairs: tuple[int, int]) -> np.ndarray:
    """Genotype array for one marker: (n_ind, 1, 2)."""
    return np.array(pairs, dtype=np.intp)[:, None, :]


def lik(ped: Pedigree, *pairs: tuple[int, int], marker: Marker = MARKER) -> float:
    return math.exp(loglik(ped, [marker], geno(*pairs)).total)


def pair_ped(relation: str) -> Pedigree:
    """Individuals 'a' and 'b' (indices 0 and 1) in the given relation, plus helpers."""
    if relation == "parent":
        return Pedigree.from_records(
            [("a", None, None, 1), ("b", "a", "m", 1), ("m", None, None, 2)]
        )
    if relation == "fullsib":
        recs = [("a", "f", "m", 1), ("b", "f", "m", 1), ("f", None, None, 1), ("m", None, None, 2)]
        return Pedigree.from_records(recs)
    recs = [
        ("a", "f", "m1", 1),
        ("b", "f", "m2", 1),
        ("f", None, None, 1),
        ("m1", None, None, 2),
        ("m2", None, None, 2),
    ]
    return Pedigree.from_records(recs)


# -- closed forms ---------------------------------------------------------------------------


def test_singleton_heterozygote_has_hardy_weinberg_probability() -> None:
    ped = Pedigree.singleton("v", 1)
    assert lik(ped, (1, 3)) == pytest.approx(2 * 0.2 * 0.4, rel=1e-14)


def test_singleton_homozygote_has_probability_p_squared() -> None:
    assert lik(Pedigree.singleton("v", 2), (2, 2)) == pytest.approx(0.09, rel=1e-14)


def test_singleton_with_one_allele_missing_uses_pedprobr_formula() -> None:
    assert lik(Pedigree.singleton("v", 0), (1, -1)) == pytest.approx(0.04 + 2 * 0.2 * 0.8)


def test_untyped_pedigree_has_likelihood_one(trio: Pedigree) -> None:
    assert loglik(trio, [MARKER], geno((-1, -1), (-1, -1), (-1, -1))).total == 0.0


def test_paternity_lr_is_one_over_2p_for_heterozygous_child(trio: Pedigree) -> None:
    h1 = lik(trio, (0, 0), (-1, -1), (0, 2))
    h2 = lik(Pedigree.singleton("fa", 1), (0, 0)) * lik(Pedigree.singleton("ch", 1), (0, 2))
    assert h1 / h2 == pytest.approx(1 / (2 * 0.1), rel=1e-12)


def test_paternity_lr_is_one_over_p_for_homozygous_child(trio: Pedigree) -> None:
    h1 = lik(trio, (1, 1), (-1, -1), (1, 1))
    h2 = 0.2**2 * 0.2**2
    assert h1 / h2 == pytest.approx(1 / 0.2, rel=1e-12)


def test_paternity_lr_is_one_over_4p_for_heterozygous_father(trio: Pedigree) -> None:
    h1 = lik(trio, (0, 3), (-1, -1), (0, 2))
    h2 = (2 * 0.1 * 0.4) * (2 * 0.1 * 0.3)
    assert h1 / h2 == pytest.approx(1 / (4 * 0.1), rel=1e-12)


def test_trio_likelihood_matches_pedprobr_example(trio: Pedigree) -> None:
    # pedprobr ?likelihood: trio 1/1, 1/2, 1/1 with p = 0.1 gives p^2 * 2pq * 1/2.
    m = make_marker("L", 2, [0.1, 0.9])
    assert lik(trio, (0, 0), (0, 1), (0, 0), marker=m) == pytest.approx(0.01 * 0.18 * 0.5)


@pytest.mark.parametrize(
    ("relation", "kappa"),
    [("parent", (0, 1, 0)), ("fullsib", (0.25, 0.5, 0.25)), ("halfsib", (0.5, 0.5, 0))],
)
def test_pair_likelihood_follows_ibd_coefficients(relation: str, kappa: tuple[float, ...]) -> None:
    ped = pair_ped(relation)
    n = ped.n
    p, q = 0.2, 0.4
    het = [(1, 3), (1, 3)] + [(-1, -1)] * (n - 2)
    hom = [(2, 2), (2, 2)] + [(-1, -1)] * (n - 2)
    k0, k1, k2 = kappa
    expected_het = 2 * p * q * (k0 * 2 * p * q + k1 * (p + q) / 2 + k2)
    expected_hom = 0.09 * (k0 * 0.09 + k1 * 0.3 + k2)
    assert lik(ped, *het) == pytest.approx(expected_het, rel=1e-12)
    assert lik(ped, *hom) == pytest.approx(expected_hom, rel=1e-12)


def test_child_of_first_cousins_follows_inbreeding_coefficient(
    first_cousin_child: Pedigree,
) -> None:
    assert first_cousin_child.has_loops
    f = 1 / 16
    n = first_cousin_child.n
    hom = [(-1, -1)] * (n - 1) + [(0, 0)]
    het = [(-1, -1)] * (n - 1) + [(0, 3)]
    assert lik(first_cousin_child, *hom) == pytest.approx(0.01 + f * 0.1 * 0.9, rel=1e-12)
    assert lik(first_cousin_child, *het) == pytest.approx((1 - f) * 2 * 0.1 * 0.4, rel=1e-12)


def test_first_cousin_mating_with_typed_parents_matches_hand_algebra(
    first_cousin_child: Pedigree,
) -> None:
    # c1 = c2 = 0/1 and x = 0/0. Given the parents, x is 0/0 with probability 1/4; the parents'
    # joint probability: cousins share one allele IBD with probability 1/4:
    # P(c1, c2) = 2pq * (3/4 * 2pq + 1/4 * (p + q) / 2).
    p, q = 0.1, 0.2
    data = [(-1, -1)] * 6 + [(0, 1), (0, 1), (0, 0)]
    expected = 2 * p * q * (0.75 * 2 * p * q + 0.25 * (p + q) / 2) * 0.25
    assert lik(first_cousin_child, *data) == pytest.approx(expected, rel=1e-12)


def test_inbred_example_from_pedprobr_docs() -> None:
    # pedprobr ?likelihood: grandfather/granddaughter incest, stopifnot(lik == 0.09375).
    ped = Pedigree.from_records(
        [
            ("grandfather", None, None, 1),
            ("2", None, None, 2),
            ("a", "grandfather", "2", 1),
            ("4", None, None, 2),
            ("granddaughter", "a", "4", 2),
            ("child", "grandfather", "granddaughter", 1),
        ]
    )
    m = make_marker("L", 2)
    data = [(0, 0), (-1, -1), (-1, -1), (-1, -1), (-1, -1), (0, 1)]
    assert lik(ped, *data, marker=m) == pytest.approx(0.09375, rel=1e-14)


def test_father_son_mutation_example_from_pedmut_readme() -> None:
    # pedmut README: fa = 1/1, boy = 2/2, 4 equifrequent alleles, rate 0.1 -> 0.0005208333.
    ped = Pedigree.from_records(
        [("fa", None, None, 1), ("mo", None, None, 2), ("boy", "fa", "mo", 1)]
    )
    als = ("1", "2", "3", "4")
    m = Marker(
        "L", als, np.full(4, 0.25), mutation_model("proportional", als, np.full(4, 0.25), rate=0.1)
    )
    assert lik(ped, (0, 0), (-1, -1), (1, 1), marker=m) == pytest.approx(1 / 16 * 0.1 / 3 * 0.25)
    assert loglik(ped, [m], geno((0, 0), (-1, -1), (1, 1)), mutation=False).total == -np.inf


def test_impossible_marker_gives_minus_infinity_and_others_still_count(trio: Pedigree) -> None:
    g = np.array([[[0, 0], [0, 1]], [[0, 0], [-1, -1]], [[1, 1], [0, 1]]])
    res = loglik(trio, [MARKER, MARKER], g)
    assert res.per_marker[0] == -np.inf
    assert np.isfinite(res.per_marker[1])
    assert res.total == -np.inf


def test_loglik_marker_equals_single_marker_loglik(trio: Pedigree) -> None:
    g = np.array([[0, 1], [-1, -1], [1, 2]])
    assert loglik_marker(trio, MARKER, g) == loglik(trio, [MARKER], g[:, None, :]).total


def test_loglik_rejects_allele_index_out_of_range(trio: Pedigree) -> None:
    with pytest.raises(
        InvalidInputError, match="individual 'ch' has allele index 7 at marker 'L1'"
    ):
        loglik(trio, [MARKER], geno((0, 1), (-1, -1), (7, 1)))


def test_loglik_rejects_wrong_shape(trio: Pedigree) -> None:
    with pytest.raises(InvalidInputError, match=r"expected \(3, 1, 2\)"):
        loglik(trio, [MARKER], np.zeros((2, 1, 2), dtype=np.intp))


def test_components_multiply(trio: Pedigree) -> None:
    both = Pedigree.from_records(
        [("fa", None, None, 1), ("mo", None, None, 2), ("ch", "fa", "mo", 1), ("v", None, None, 2)]
    )
    one = lik(trio, (0, 1), (-1, -1), (1, 2))
    assert lik(both, (0, 1), (-1, -1), (1, 2), (2, 3)) == pytest.approx(one * 2 * 0.3 * 0.4)


# -- genotype posterior ---------------------------------------------------------------------


def test_genotype_index_follows_triu_order() -> None:
    rows, cols = np.triu_indices(4)
    got = [genotype_index(4, int(c), int(r)) for r, c in zip(rows, cols, strict=True)]
    assert got == list(range(n_genotypes(4)))


def test_posterior_of_founder_without_data_is_hardy_weinberg(trio: Pedigree) -> None:
    g = np.full((3, 2), -1)
    post = genotype_posterior(trio, MARKER, g, target=1)
    rows, cols = np.triu_indices(4)
    hw = np.where(rows == cols, P[rows] ** 2, 2 * P[rows] * P[cols])
    np.testing.assert_allclose(post, hw, rtol=1e-12)


def test_posterior_of_child_of_homozygous_parents_is_certain(trio: Pedigree) -> None:
    g = np.array([[0, 0], [3, 3], [-1, -1]])
    post = genotype_posterior(trio, MARKER, g, target=2)
    assert post[genotype_index(4, 0, 3)] == pytest.approx(1.0)


def test_posterior_of_typed_target_is_its_genotype(trio: Pedigree) -> None:
    g = np.array([[0, 1], [-1, -1], [1, 2]])
    post = genotype_posterior(trio, MARKER, g, target=2)
    assert post[genotype_index(4, 1, 2)] == pytest.approx(1.0)


def test_posterior_raises_when_data_are_impossible(trio: Pedigree) -> None:
    g = np.array([[0, 0], [0, 0], [1, 1]])
    with pytest.raises(KinshipError, match="impossible"):
        genotype_posterior(trio, MARKER, g, target=1, mutation=False)


# -- the naive enumeration on random pedigrees ------------------------------------------------


@st.composite
def pedigrees(draw: st.DrawFn, max_n: int = 6) -> Pedigree:
    """Random pedigrees: a founder couple, then each new member is mostly a child of earlier
    members, sometimes a founder (loops and inbreeding happen when parents share ancestors);
    records in random order."""
    n = draw(st.integers(1, max_n))
    sexes: list[int] = []
    records: list[tuple[str, str | None, str | None, int]] = []
    for i in range(n):
        sex = 1 if i == 0 else 2 if i == 1 else draw(st.sampled_from([1, 2]))
        males = [j for j in range(i) if sexes[j] == 1]
        females = [j for j in range(i) if sexes[j] == 2]
        if males and females and draw(st.sampled_from([True, True, False])):
            f = draw(st.sampled_from(males))
            m = draw(st.sampled_from(females))
            records.append((f"i{i}", f"i{f}", f"i{m}", sex))
        else:
            records.append((f"i{i}", None, None, sex))
        sexes.append(sex)
    order = draw(st.permutations(list(range(n))))
    return Pedigree.from_records([records[i] for i in order])


def _random_stochastic(rng: np.random.Generator, n: int) -> np.ndarray:
    mat = rng.random((n, n)) + np.eye(n) * rng.random() * 3
    return mat / mat.sum(axis=1, keepdims=True)


@st.composite
def marker_sets(draw: st.DrawFn, max_alleles: int = 4, max_markers: int = 3) -> list[Marker]:
    """One or more markers with 2..max_alleles alleles and a random mutation model (or none)."""
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    out = []
    for k in range(draw(st.integers(1, max_markers))):
        n = draw(st.integers(2, max_alleles))
        p = rng.dirichlet(np.ones(n))
        als = tuple(str(i + 10) for i in range(n))
        kind = draw(st.sampled_from(["none", "random", "equal", "proportional"]))
        model: MutationModel | None = None
        if kind == "random":
            model = MutationModel(_random_stochastic(rng, n), _random_stochastic(rng, n))
        elif kind == "equal":
            model = mutation_model("equal", als, p, rate=float(rng.random() * 0.3))
        elif kind == "proportional":
            top = (1 - float(np.sum(p**2))) / (1 - float(p.min()))
            model = mutation_model("proportional", als, p, rate=0.5 * top)
        out.append(Marker(f"M{k}", als, p, model))
    return out


STATES = ["typed", "untyped", "partial", "mixed"]


@st.composite
def cases(
    draw: st.DrawFn,
    max_n: int = 6,
    max_alleles: int = 4,
    max_markers: int = 3,
    budget: float = 3000.0,
) -> tuple[Pedigree, list[Marker], np.ndarray]:
    """A random pedigree, markers and genotypes (random or dropped down the pedigree) with
    random untyped members, missing alleles and members untyped at some markers only; the
    naive enumeration is kept below ``budget`` terms per marker."""
    ped = draw(pedigrees(max_n))
    markers = draw(marker_sets(max_alleles, max_markers))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    g = np.full((ped.n, len(markers), 2), -1, dtype=np.intp)
    for k, m in enumerate(markers):
        g[:, k] = (
            _drop(ped, m, rng) if draw(st.booleans()) else rng.integers(0, m.n_alleles, (ped.n, 2))
        )
    worst = max(m.n_alleles for m in markers)
    size = {"typed": 2, "partial": 2 * worst - 1, "untyped": worst**2, "mixed": worst**2}
    terms = 2.0**ped.n
    for i in draw(st.permutations(list(range(ped.n)))):
        state = draw(st.sampled_from(STATES))
        if terms / 2 * size[state] > budget:
            state = "typed"
        terms = terms / 2 * size[state]
        if state == "untyped":
            g[i] = -1
        elif state == "partial":
            g[i, :, draw(st.integers(0, 1))] = -1
        elif state == "mixed":
            g[i, rng.random(len(markers)) < 0.5] = -1
    return ped, markers, g


def _drop(ped: Pedigree, m: Marker, rng: np.random.Generator) -> np.ndarray:
    """Gene dropping: founders from afreq, children through the mutation matrices."""
    out = np.full((ped.n, 2), -1, dtype=np.intp)
    male = m.mutation.male if m.mutation else np.eye(m.n_alleles)
    female = m.mutation.female if m.mutation else np.eye(m.n_alleles)
    while (out < 0).any():
        for i in range(ped.n):
            f, mo = ped.father(i), ped.mother(i)
            if (out[i] >= 0).all():
                continue
            if f is None or mo is None:
                out[i] = rng.choice(m.n_alleles, 2, p=m.afreq)
            elif (out[f] >= 0).all() and (out[mo] >= 0).all():
                a = rng.choice(m.n_alleles, p=male[rng.choice(out[f])])
                b = rng.choice(m.n_alleles, p=female[rng.choice(out[mo])])
                out[i] = (a, b)
    return out


def _assert_same_loglik(fast: np.ndarray, slow: np.ndarray) -> None:
    assert np.array_equal(np.isneginf(fast), np.isneginf(slow)), (fast, slow)
    finite = np.isfinite(slow)
    np.testing.assert_allclose(fast[finite], slow[finite], rtol=1e-10, atol=1e-12)


FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _engine_choice(alleles: bool) -> contextlib.AbstractContextManager[object]:
    """Force the allele-level engine (normally only for loops), or change nothing."""
    if alleles:
        return mock.patch.object(Pedigree, "has_loop_among", lambda self, members: True)
    return contextlib.nullcontext()


@FAST
@given(cases(), st.booleans(), st.booleans())
def test_loglik_matches_naive_enumeration(
    case: tuple[Pedigree, list[Marker], np.ndarray], mut: bool, alleles: bool
) -> None:
    ped, markers, g = case
    with _engine_choice(alleles):
        fast = loglik(ped, markers, g, mutation=mut)
    slow = naive_loglik(ped, markers, g, mutation=mut)
    _assert_same_loglik(fast.per_marker, slow)


@FAST
@given(cases(), st.booleans(), st.booleans(), st.data())
def test_posterior_matches_naive_enumeration(
    case: tuple[Pedigree, list[Marker], np.ndarray],
    mut: bool,
    alleles: bool,
    data: st.DataObject,
) -> None:
    ped, markers, g = case
    target = data.draw(st.integers(0, ped.n - 1))
    m = markers[0]
    # Only the target's component informs its genotype: enumerate that component alone.
    sub, keep = _component_of(ped, target)
    gs = g[keep, 0]
    t = int(np.flatnonzero(keep == target)[0])
    with _engine_choice(alleles):
        if naive_loglik(sub, [m], gs[:, None, :], mutation=mut)[0] == -np.inf:
            with pytest.raises(KinshipError):
                genotype_posterior(ped, m, g[:, 0], target, mutation=mut)
            return
        fast = genotype_posterior(ped, m, g[:, 0], target, mutation=mut)
    slow = naive_posterior(sub, m, gs, t, mutation=mut)
    np.testing.assert_allclose(fast, slow, rtol=1e-9, atol=1e-13)


def _component_of(ped: Pedigree, i: int) -> tuple[Pedigree, np.ndarray]:
    comp = next(c for c in ped.components if i in c)
    recs = []
    for j in comp:
        f, m = ped.father(int(j)), ped.mother(int(j))
        recs.append(
            (
                ped.ids[j],
                None if f is None else ped.ids[f],
                None if m is None else ped.ids[m],
                int(ped.sex[j]),
            )
        )
    return Pedigree.from_records(recs), comp


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(max_n=9, max_alleles=2, max_markers=2, budget=5000.0), st.booleans(), st.booleans())
def test_larger_pedigrees_with_two_alleles_match_naive_enumeration(
    case: tuple[Pedigree, list[Marker], np.ndarray], mut: bool, alleles: bool
) -> None:
    ped, markers, g = case
    with _engine_choice(alleles):
        fast = loglik(ped, markers, g, mutation=mut)
        _assert_same_loglik(fast.per_marker, naive_loglik(ped, markers, g, mutation=mut))
        target = int(np.flatnonzero((g < 0).any(axis=(1, 2)))[0]) if (g < 0).any() else 0
        sub, keep = _component_of(ped, target)
        gs = g[keep, 0]
        if naive_loglik(sub, markers[:1], gs[:, None, :], mutation=mut)[0] > -np.inf:
            t = int(np.flatnonzero(keep == target)[0])
            np.testing.assert_allclose(
                genotype_posterior(ped, markers[0], g[:, 0], target, mutation=mut),
                naive_posterior(sub, markers[0], gs, t, mutation=mut),
                rtol=1e-9,
                atol=1e-13,
            )


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.booleans())
def test_looped_pedigree_matches_naive_enumeration(seed: int, mut: bool) -> None:
    ped = Pedigree.from_records(
        [
            ("gf", None, None, 1),
            ("gm", None, None, 2),
            ("s", "gf", "gm", 1),
            ("d", "gf", "gm", 2),
            ("x", "s", "d", 2),
            ("y", "s", "x", 1),
        ]
    )
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(np.ones(3))
    model = MutationModel(_random_stochastic(rng, 3), _random_stochastic(rng, 3))
    m = Marker("L", ("a", "b", "c"), p, model)
    g = _drop(ped, m if mut else m.without_mutation(), rng)
    g[rng.permutation(ped.n)[:2]] = -1
    fast = loglik(ped, [m], g[:, None, :], mutation=mut).per_marker
    _assert_same_loglik(fast, naive_loglik(ped, [m], g[:, None, :], mutation=mut))
    target = int(rng.integers(ped.n))
    np.testing.assert_allclose(
        genotype_posterior(ped, m, g, target, mutation=mut),
        naive_posterior(ped, m, g, target, mutation=mut),
        rtol=1e-9,
        atol=1e-13,
    )


# -- published values from the dvir test suite (magnusdv/dvir tests/testthat) ------------------


def _problem(root: Path, name: str) -> DviProblem:
    return load_problem(root / f"{name}.json")


def _with_victims(prob: DviProblem, fam: Family, pairs: dict[str, str]) -> np.ndarray:
    g = fam.genotypes.copy()
    for victim, missing in pairs.items():
        g[fam.pedigree.index(missing)] = prob.victim(victim).genotypes
    return g


def _victim_loglik(prob: DviProblem, victim: str) -> float:
    v = prob.victim(victim)
    return loglik(Pedigree.singleton(v.id, v.sex), prob.markers, v.genotypes[None]).total


def _pairwise_lr(prob: DviProblem, victim: str, missing: str) -> float:
    fam = prob.family_of(missing)
    base = loglik(fam.pedigree, prob.markers, fam.genotypes).total
    moved = loglik(fam.pedigree, prob.markers, _with_victims(prob, fam, {victim: missing}))
    return math.exp(moved.total - base - _victim_loglik(prob, victim))


@pytest.mark.parametrize(
    ("victim", "missing", "lr"),
    [
        ("V1", "M1", 121.347585),
        ("V2", "M1", 0.5826857),
        ("V3", "M1", 0.002019597),
        ("V1", "M2", 398.582218),
        ("V2", "M2", 36.563503),
        ("V3", "M3", 1.312181),
    ],
)
def test_fire_pairwise_lrs_match_dvir(
    victim: str, missing: str, lr: float, dvi_examples: Path
) -> None:
    # dvir test-fire-solve.R prints these to 7 significant digits.
    prob = _problem(dvi_examples, "fire")
    assert _pairwise_lr(prob, victim, missing) == pytest.approx(lr, rel=5e-7)


def test_fire_joint_loglik_matches_dvir(dvi_examples: Path) -> None:
    prob = _problem(dvi_examples, "fire")
    fam = prob.families[0]
    g = _with_victims(prob, fam, {"V1": "M1", "V2": "M2", "V3": "M3"})
    assert loglik(fam.pedigree, prob.markers, g).total == pytest.approx(-257.7327, abs=5e-5)


@pytest.mark.parametrize(
    ("assignment", "expected"),
    [
        ({"V1": "M1", "V2": "M2", "V3": "M3"}, -16.11810),
        ({"V1": "M1", "V2": "M2"}, -17.72753),
        ({"V2": "M1", "V3": "M3"}, -20.03012),
        ({}, -21.63956),
    ],
)
def test_example2_joint_logliks_match_dvir(
    assignment: dict[str, str], expected: float, dvi_examples: Path
) -> None:
    # dvir test-joint.R: loglik of an assignment = AM families + unassigned victims.
    prob = _problem(dvi_examples, "example2")
    total = sum(_victim_loglik(prob, v.id) for v in prob.victims if v.id not in assignment)
    for fam in prob.families:
        mine = {v: m for v, m in assignment.items() if m in fam.missing}
        total += loglik(fam.pedigree, prob.markers, _with_victims(prob, fam, mine)).total
    assert total == pytest.approx(expected, abs=5e-6)


def test_example2_pairwise_lrs_match_dvir(dvi_examples: Path) -> None:
    prob = _problem(dvi_examples, "example2")
    assert _pairwise_lr(prob, "V1", "M1") == pytest.approx(1.0, rel=1e-12)
    assert _pairwise_lr(prob, "V1", "M2") == 0.0
    assert _pairwise_lr(prob, "V2", "M2") == pytest.approx(5.0, rel=1e-12)
    assert _pairwise_lr(prob, "V3", "M3") == pytest.approx(5.0, rel=1e-12)


def test_lumping_changes_results_only_by_frequency_rounding(dvi_examples: Path) -> None:
    for path in sorted(dvi_examples.glob("*.json")):
        prob = load_problem(path)
        for fam in prob.families:
            g = fam.genotypes
            if fam.missing and prob.victims:
                g = _with_victims(prob, fam, {prob.victims[0].id: fam.missing[0]})
            lumped = loglik(fam.pedigree, prob.markers, g).per_marker
            full = loglik(fam.pedigree, prob.markers, g, lumping=False).per_marker
            finite = np.isfinite(full)
            assert np.array_equal(finite, np.isfinite(lumped))
            np.testing.assert_allclose(lumped[finite], full[finite], rtol=0, atol=1e-8)


@pytest.mark.parametrize("dataset", ["planecrash", "icmp", "exclusionExample"])
def test_allele_level_engine_agrees_with_genotype_level_engine(
    dataset: str, dvi_examples: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Looped pedigrees run on allele-level variables; force that path on trees and compare.
    prob = _problem(dvi_examples, dataset)
    cases = []
    for fam in prob.families[:3]:
        pairs = dict(zip([v.id for v in prob.victims], fam.missing, strict=False))
        cases.append((fam, _with_victims(prob, fam, pairs)))
    expected = [loglik(f.pedigree, prob.markers, g).per_marker for f, g in cases]
    monkeypatch.setattr(Pedigree, "has_loop_among", lambda self, members: True)
    for (fam, g), want in zip(cases, expected, strict=True):
        got = loglik(fam.pedigree, prob.markers, g).per_marker
        assert np.array_equal(np.isfinite(got), np.isfinite(want))
        ok = np.isfinite(want)
        np.testing.assert_allclose(got[ok], want[ok], rtol=1e-12)


# -- lumping as pedprobr does it ------------------------------------------------------------


def _lumped(marker: Marker, g: np.ndarray) -> Lumped:
    return lump(marker_table([marker], True), g[:, None, :])


def test_lumping_merges_unobserved_alleles_like_pedprobr() -> None:
    # pedprobr ?lumpAlleles: nuclearPed, child 1/1, alleles 1:5 -> frequencies (0.2, 0.8).
    m = make_marker("L", 5)
    out = _lumped(m, np.array([[-1, -1], [-1, -1], [0, 0]]))
    assert out.n_alleles.tolist() == [2]
    np.testing.assert_array_equal(out.freq[0, :2], [0.2, 1 - 0.2])


def test_lumped_frequency_is_one_minus_observed_not_sum_of_unobserved() -> None:
    m = Marker("L", ("a", "b", "c", "d"), np.array([0.3, 0.2, 0.25, 0.25 + 1e-10]))
    out = _lumped(m, np.array([[1, -1], [-1, -1]]))
    assert out.freq[0, 1] == 1 - 0.2
    assert out.genotypes[:, 0].tolist() == [[0, -1], [-1, -1]]


def test_lumped_mutation_matrix_keeps_observed_columns_and_completes_the_lump() -> None:
    als = ("1", "2", "3", "4", "5")
    p = np.array([0.1, 0.2, 0.3, 0.25, 0.15])
    m = Marker("L", als, p, mutation_model("proportional", als, p, rate=0.01))
    out = _lumped(m, np.array([[3, 1], [-1, -1]]))
    full = m.mutation.male if m.mutation else np.eye(5)
    sel = [1, 3, 0]  # observed '2' and '4', then the first unobserved allele '1'
    want = full[np.ix_(sel, sel)].copy()
    want[:, 2] = 1 - want[:, :2].sum(axis=1)
    np.testing.assert_array_equal(out.male[0], want)


def test_unlumpable_mutation_model_is_not_lumped() -> None:
    rng = np.random.default_rng(3)
    mat = _random_stochastic(rng, 4)
    m = Marker("L", ("1", "2", "3", "4"), np.full(4, 0.25), MutationModel(mat, mat))
    out = _lumped(m, np.array([[0, 0], [-1, -1]]))
    assert out.n_alleles.tolist() == [4]


def test_nothing_is_lumped_when_all_but_one_allele_is_observed() -> None:
    out = _lumped(make_marker("L", 3), np.array([[0, 1], [-1, -1]]))
    assert out.n_alleles.tolist() == [3]


# -- values from pedprobr's own test suite (magnusdv/pedprobr tests/testthat) ----------------


def ped_arrays(fid: list[int], mid: list[int], sex: list[int]) -> Pedigree:
    """A pedigree written as pedtools' ``ped(id = 1:n, fid, mid, sex)``."""
    recs = [
        (str(i + 1), str(f) if f else None, str(m) if m else None, s)
        for i, (f, m, s) in enumerate(zip(fid, mid, sex, strict=True))
    ]
    return Pedigree.from_records(recs)


def snp(p: float, mutation: MutationModel | None = None) -> Marker:
    return Marker("snp", ("1", "2"), np.array([p, 1 - p]), mutation)


def typed(ped: Pedigree, marker: Marker, **genos: tuple[int, int]) -> float:
    """Likelihood with the given members typed (keys are ids prefixed with 'i')."""
    g = np.full((ped.n, 1, 2), -1, dtype=np.intp)
    for ident, pair in genos.items():
        g[ped.index(ident[1:]), 0] = pair
    return math.exp(loglik(ped, [marker], g).total)


NUCLEAR = ped_arrays([0, 0, 1], [0, 0, 2], [1, 2, 1])
NUCLEAR2 = ped_arrays([0, 0, 1, 1], [0, 0, 2, 2], [1, 2, 1, 2])


@pytest.mark.parametrize("p", [0.2, 0.3])
def test_pedprobr_loop_with_repeated_loop_breaker(p: float) -> None:
    x = ped_arrays([0, 0, 1, 1, 1, 5], [0, 0, 2, 2, 3, 3], [1, 2, 2, 2, 1, 1])
    assert typed(x, snp(p), i6=(0, 0)) == pytest.approx(p**2 + 3 / 8 * p * (1 - p), rel=1e-12)


def test_pedprobr_founder_loop_breaker_example() -> None:
    x = ped_arrays([0, 0, 0, 1, 1, 4], [0, 0, 0, 2, 3, 5], [1, 2, 2, 1, 2, 1])
    assert typed(x, snp(0.2), i6=(0, 0)) == pytest.approx(0.04 + 0.2 * 0.8 / 8, rel=1e-12)
    assert typed(x, snp(0.3), i6=(0, 1)) == pytest.approx(2 * 0.3 * 0.7 * 7 / 8, rel=1e-12)


def test_pedprobr_trio_with_equal_mutation_model() -> None:
    p = 0.9
    model = mutation_model("equal", ("1", "2"), [p, 1 - p], rate=0.1)
    lik = typed(NUCLEAR, snp(p, model), i1=(0, 0), i2=(0, 0), i3=(1, 1))
    assert lik == pytest.approx(p**4 * model.male[0, 1] ** 2, rel=1e-12)


def test_pedprobr_trio_with_proportional_mutation_model() -> None:
    p = 0.9
    model = mutation_model("proportional", ("1", "2"), [p, 1 - p], rate=0.1)
    lik = typed(NUCLEAR, snp(p, model), i1=(0, 0), i3=(1, 1))
    assert lik == pytest.approx(p**2 * (1 - p) * model.male[0, 1], rel=1e-12)


def test_pedprobr_trio_snp_examples() -> None:
    p, q = 0.2, 0.8
    het = (0, 1)
    assert typed(NUCLEAR, snp(p), i1=het, i2=het, i3=het) == pytest.approx(2 * p**2 * q**2)
    assert typed(NUCLEAR, snp(p), i1=het, i3=het) == pytest.approx(p * q)
    assert typed(NUCLEAR, snp(0.1), i1=(0, 0), i2=(1, 1), i3=(0, 0)) == 0.0


def test_pedprobr_sibling_snp_example() -> None:
    q = 0.8
    lik = typed(NUCLEAR2, snp(0.2), i3=(1, 1), i4=(1, 1))
    assert lik == pytest.approx(q**2 * (1 + q) ** 2 / 4, rel=1e-12)


def test_pedprobr_three_generation_snp_example() -> None:
    # nuclearPed(1) |> addParents(1) |> addParents(2): 4, 5 parents of 1; 6, 7 parents of 2.
    x = ped_arrays([4, 6, 1, 0, 0, 0, 0], [5, 7, 2, 0, 0, 0, 0], [1, 2, 1, 1, 2, 1, 2])
    p, q = 0.2, 0.8
    lik = typed(x, snp(p), i4=(0, 1), i7=(0, 1), i3=(0, 1))
    assert lik == pytest.approx((2 * p * q) ** 2 * (3 / 8 + p * q / 2), rel=1e-12)


def test_pedprobr_partial_genotype_in_nuclear_family() -> None:
    p, q = 0.8, 0.2
    assert typed(NUCLEAR, snp(p), i3=(1, -1)) == pytest.approx(q * (q + 2 * p), rel=1e-12)


def test_pedprobr_multiallelic_parents() -> None:
    assert typed(NUCLEAR, make_marker("L", 10), i1=(0, 0), i2=(9, 9)) == pytest.approx(1e-4)


def test_pedprobr_full_sib_mating_is_invariant_to_splitting_an_unseen_allele() -> None:
    x = ped_arrays([0, 0, 1, 1, 3, 3], [0, 0, 2, 2, 4, 4], [1, 2, 1, 2, 1, 2])
    p, q, r = 0.1, 0.2, 0.7
    m3 = Marker("a", ("1", "2", "3"), np.array([p, q, r]))
    m4 = Marker("b", ("1", "2", "3", "4"), np.array([p, q, r / 2, r / 2]))
    assert typed(x, m3, i5=(0, 1), i6=(0, 1)) == pytest.approx(
        typed(x, m4, i5=(0, 1), i6=(0, 1)), rel=1e-12
    )
    reverse = Marker("c", ("4", "3", "2", "1"), np.array([r / 2, r / 2, q, p]))
    assert typed(x, m3, i5=(1, 1), i6=(1, 1)) == pytest.approx(
        typed(x, reverse, i5=(2, 2), i6=(2, 2)), rel=1e-12
    )


def test_pedprobr_absorbing_non_stationary_mutation_model() -> None:
    # Every allele mutates to '2'; both typed 2/2 descendants are then certain.
    absorbing = np.array([[0.0, 1.0], [0.0, 1.0]])
    model = MutationModel(absorbing, absorbing)
    x = ped_arrays([0, 0, 1, 0, 0, 4, 3], [0, 0, 2, 0, 0, 5, 6], [1, 2, 1, 1, 2, 2, 1])
    assert typed(x, snp(0.5, model), i3=(1, 1), i6=(1, 1)) == pytest.approx(1.0, rel=1e-14)


def test_pedprobr_one_marker_distribution_of_empty_nuclear_family_is_hardy_weinberg() -> None:
    p, q = 0.2, 0.8
    g = np.full((3, 2), -1)
    for target in (0, 2):
        post = genotype_posterior(NUCLEAR, snp(p), g, target)
        np.testing.assert_allclose(post, [p * p, 2 * p * q, q * q], rtol=1e-14)


def test_pedprobr_one_marker_distribution_of_parent_of_homozygous_child() -> None:
    p, q = 0.2, 0.8
    g = np.array([[-1, -1], [-1, -1], [1, 1]])
    np.testing.assert_allclose(genotype_posterior(NUCLEAR, snp(p), g, 0), [0, p, q], atol=1e-15)


def test_forrel_kinship_lr_paternity_case() -> None:
    # forrel test-kinshipLR.R: fa = ch = A/A, p(A) = 0.05, H1 = nuclearPed vs H2 = singletons.
    m = Marker("L", ("A", "B"), np.array([0.05, 0.95]))
    h1 = Pedigree.from_records(
        [("fa", None, None, 1), ("mo", None, None, 2), ("ch", "fa", "mo", 1)]
    )
    h2 = Pedigree.from_records([("fa", None, None, 1), ("ch", None, None, 1)])
    l1 = loglik(h1, [m], geno((0, 0), (-1, -1), (0, 0))).total
    l2 = loglik(h2, [m], geno((0, 0), (0, 0))).total
    assert math.exp(l1 - l2) == pytest.approx(20.0, rel=1e-13)


@FAST
@given(cases(), st.booleans(), st.booleans(), st.integers(1, 4), st.integers(0, 2**32 - 1))
def test_a_batch_of_genotype_arrays_equals_loglik_one_array_at_a_time(
    case: tuple[Pedigree, list[Marker], np.ndarray],
    mut: bool,
    alleles: bool,
    n_batch: int,
    seed: int,
) -> None:
    ped, markers, g = case
    rng = np.random.default_rng(seed)
    batch = np.repeat(g[None], n_batch, axis=0)
    for p in range(1, n_batch):  # other placements: one member retyped, or left untyped
        i = int(rng.integers(ped.n))
        for k, m in enumerate(markers):
            batch[p, i, k] = rng.integers(0, m.n_alleles, 2) if rng.random() < 0.7 else -1
    with _engine_choice(alleles):
        together = loglik_batch(ped, markers, batch, mutation=mut)
        for p in range(n_batch):
            alone = loglik(ped, markers, batch[p], mutation=mut).per_marker
            assert np.array_equal(np.isneginf(together[p]), np.isneginf(alone))
            finite = np.isfinite(alone)
            np.testing.assert_allclose(together[p][finite], alone[finite], rtol=1e-12, atol=1e-12)
    _assert_same_loglik(together[0], naive_loglik(ped, markers, g, mutation=mut))


def test_a_batch_must_be_four_dimensional(trio: Pedigree) -> None:
    with pytest.raises(InvalidInputError, match="batched genotypes must have shape"):
        loglik_batch(trio, [MARKER], geno((0, 1), (1, 1), (-1, -1)))
