"""Power of a missing person's references: closed forms, the naive enumeration, the sampler."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import assume, given
from hypothesis import strategies as st

from exhume.cli import main
from exhume.errors import InvalidInputError
from exhume.kinship.markers import Marker, make_marker
from exhume.kinship.pedigree import Pedigree
from exhume.kinship.power import (
    Candidate,
    candidates,
    exact_marker,
    family_power,
    simulate_power,
)
from exhume.kinship.problem import Family
from tests.kinship.naive import naive_likelihood, naive_posterior
from tests.kinship.test_likelihood import FAST, cases

P = np.array([0.1, 0.2, 0.3, 0.4])
MARKER = make_marker("L1", 4, P)
ROWS, COLS = np.triu_indices(4)
HW = np.where(ROWS == COLS, P[ROWS] ** 2, 2 * P[ROWS] * P[COLS])

# MP 'mp' is the child of typed father 'fa' (mother 'mo' untyped).
NUCLEAR = Pedigree.from_records(
    [("fa", None, None, 1), ("mo", None, None, 2), ("mp", "fa", "mo", 1)]
)


def moments(outcomes: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    """Total probability, E[log10 LR], E[exclusion power]."""
    prob = sum(p for p, _, _ in outcomes)
    return prob, sum(p * x for p, x, _ in outcomes), sum(p * e for p, _, e in outcomes)


def test_parent_child_lr_distribution_is_the_exact_enumeration() -> None:
    a, b = 1, 3
    g = np.array([[a, b], [-1, -1], [-1, -1]])
    outcomes = exact_marker(NUCLEAR, MARKER, g, (), "mp")
    # The child gets t in {a, b} (1/2 each) and x from the population: LR = P(g | fa) / HW(g).
    expected = 0.0
    for t in (a, b):
        for x in range(4):
            child = {t, x}
            p_g = sum(0.5 * P[y] for s in (a, b) for y in range(4) if {s, y} == child)
            hw = P[x] ** 2 if t == x else 2 * P[t] * P[x]
            expected += 0.5 * P[x] * math.log10(p_g / hw)
    total, mean, excl = moments(outcomes)
    assert total == pytest.approx(1.0, abs=1e-12)
    assert mean == pytest.approx(expected, rel=1e-12)
    assert excl == pytest.approx((1 - P[a] - P[b]) ** 2, rel=1e-12)


def test_typing_a_child_of_an_untyped_founder_gives_the_parent_child_closed_forms() -> None:
    alone = Pedigree.from_records([("mp", None, None, 1)])
    cand = next(c for c in candidates(alone, np.full((1, 1, 2), -1), "mp") if c.label == "child")
    g = np.full((cand.pedigree.n, 2), -1)
    total, mean, excl = moments(exact_marker(cand.pedigree, MARKER, g, cand.typed, "mp"))
    # Random parent-child pair: E[EP] = sum_h HW(h) P(a random body shares no allele with h).
    no_share = np.where(ROWS == COLS, (1 - P[ROWS]) ** 2, (1 - P[ROWS] - P[COLS]) ** 2)
    assert total == pytest.approx(1.0, abs=1e-12)
    assert excl == pytest.approx(float(HW @ no_share), rel=1e-12)
    # E[log10 LR] over the pair, enumerated directly: LR(g | h) = P(h | g) / HW(h), symmetric.
    expected = 0.0
    for i in range(10):
        for j in range(10):
            pg = [ROWS[i], COLS[i]]
            ph = {ROWS[j], COLS[j]}
            t = sum(0.5 * P[y] for s in pg for y in range(4) if {s, y} == ph)
            if t > 0:
                expected += HW[i] * t * math.log10(t / HW[j])
    assert mean == pytest.approx(expected, rel=1e-12)


def test_the_sampler_agrees_with_the_enumeration_within_monte_carlo_error() -> None:
    g = np.array([[0, 2], [-1, -1], [-1, -1]])
    cand = next(c for c in candidates(NUCLEAR, g[:, None], "mp") if c.label == "full sibling")
    geno = np.full((cand.pedigree.n, 1, 2), -1)
    geno[0, 0] = (0, 2)
    outcomes = exact_marker(cand.pedigree, MARKER, geno[:, 0], cand.typed, "mp")
    _, mean, excl = moments(outcomes)
    sd = math.sqrt(sum(p * (x - mean) ** 2 for p, x, _ in outcomes))
    res = simulate_power(cand, [MARKER], geno, "mp", n_sims=20_000,
                         rng=np.random.default_rng(7))  # fmt: skip
    assert abs(res.expected_log10_lr - mean) < 4 * sd / math.sqrt(20_000)
    assert abs(res.exclusion_power - excl) < 0.02
    p_above = sum(p for p, x, _ in outcomes if x >= 0.5)
    res_t = simulate_power(cand, [MARKER], geno, "mp", n_sims=20_000,
                           rng=np.random.default_rng(7), threshold=10**0.5)  # fmt: skip
    assert abs(res_t.p_identified - p_above) < 4 * math.sqrt(p_above * (1 - p_above) / 20_000)


def test_a_seed_reproduces_a_simulation_and_another_seed_does_not() -> None:
    fam = family_of_nuclear()
    one = family_power(fam, [MARKER, MARKER], "mp", n_sims=50, seed=3)
    two = family_power(fam, [MARKER, MARKER], "mp", n_sims=50, seed=3)
    other = family_power(fam, [MARKER, MARKER], "mp", n_sims=50, seed=4)
    assert all(np.array_equal(x.log10_lr, y.log10_lr) for x, y in zip(one, two, strict=True))
    assert not all(np.array_equal(x.log10_lr, y.log10_lr) for x, y in zip(one, other, strict=True))


def family_of_nuclear() -> Family:
    g = np.full((3, 2, 2), -1)
    g[0] = [[0, 2], [1, 1]]
    return Family("F1", NUCLEAR, g, ("mp",), ("fa",))


def test_candidates_use_existing_untyped_members_and_skip_typed_ones() -> None:
    labels = [(c.label, c.typed) for c in candidates(NUCLEAR, family_of_nuclear().genotypes, "mp")]
    assert labels == [
        ("current references", ()),
        ("mother", ("mo",)),
        ("full sibling", ("mp_sibling",)),
        ("child", ("mp_child",)),
        ("child and its other parent", ("mp_partner", "mp_child")),
        ("paternal half sibling", ("mp_half_sibling",)),
        ("paternal grandfather", ("fa_father",)),
        ("maternal grandmother", ("mo_mother",)),
    ]


def test_other_missing_persons_are_never_proposed_for_sampling() -> None:
    ped = Pedigree.from_records(
        [("mp", None, None, 0), ("m2", None, None, 1), ("x", None, None, 2)]
    )
    labels = [c.label for c in candidates(ped, np.full((3, 1, 2), -1), "mp", skip=["m2"])]
    assert "pedigree member x" in labels and "pedigree member m2" not in labels
    assert "child" not in labels  # the sex of 'mp' is unknown


def test_it_refuses_a_person_who_is_not_missing_in_the_family() -> None:
    with pytest.raises(InvalidInputError, match="'fa' is not a missing person of family 'F1'"):
        family_power(family_of_nuclear(), [MARKER, MARKER], "fa", n_sims=10)


def test_it_refuses_zero_simulations() -> None:
    cand = Candidate("current references", NUCLEAR, ())
    with pytest.raises(InvalidInputError, match="at least 1"):
        simulate_power(cand, [MARKER], np.full((3, 1, 2), -1), "mp", n_sims=0,
                       rng=np.random.default_rng(0))  # fmt: skip


# -- the naive enumeration on random pedigrees --------------------------------------------------


def naive_moments(ped: Pedigree, m: Marker, g: np.ndarray, x: int, mp: int) -> tuple[float, float]:
    """E[log10 LR] and E[exclusion power] with 'x' typed next, by enumerating genotypes."""
    rows, cols = np.triu_indices(m.n_alleles)
    hw = np.where(rows == cols, m.afreq[rows] ** 2, 2 * m.afreq[rows] * m.afreq[cols])
    mean = excl = 0.0
    p_x = naive_posterior(ped, m, g, x)
    for h in np.flatnonzero(p_x > 0):
        gh = g.copy()
        gh[x] = (rows[h], cols[h])
        post = naive_posterior(ped, m, gh, mp)
        nz = post > 0
        mean += p_x[h] * float(np.sum(post[nz] * np.log10(post[nz] / hw[nz])))
        if naive_likelihood(ped, m, gh, mutation=False) > 0:
            plain = naive_posterior(ped, m, gh, mp, mutation=False)
            excl += p_x[h] * float(hw[plain == 0].sum())
    return mean, excl


@FAST
@given(cases(max_n=4, max_alleles=3, max_markers=1, budget=400.0), st.data())
def test_exact_distribution_matches_naive_enumeration(
    case: tuple[Pedigree, list[Marker], np.ndarray], data: st.DataObject
) -> None:
    ped, markers, g = case
    assume(ped.n >= 2)
    mp, x = data.draw(st.permutations(list(range(ped.n))))[:2]
    g = g[:, 0].copy()
    g[[mp, x]] = -1
    assume(naive_likelihood(ped, markers[0], g) > 0)
    outcomes = exact_marker(ped, markers[0], g, (ped.ids[x],), ped.ids[mp])
    total, mean, excl = moments(outcomes)
    slow_mean, slow_excl = naive_moments(ped, markers[0], g, x, mp)
    assert total == pytest.approx(1.0, abs=1e-9)
    assert mean == pytest.approx(slow_mean, rel=1e-8, abs=1e-9)
    assert excl == pytest.approx(slow_excl, rel=1e-8, abs=1e-9)


def test_cli_prints_every_candidate_as_json(dvi_examples: Path) -> None:
    args = ["kinship", "power", str(dvi_examples / "example2.json"), "--missing", "M1",
            "--sims", "20", "--seed", "5", "--json"]  # fmt: skip
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert (out["missing"], out["family"], out["n_sims"], out["seed"]) == ("M1", "F1", 20, 5)
    rows = out["candidates"]
    assert rows[0]["relative"] == "current references" and rows[0]["typed"] == []
    assert {"father", "mother", "full sibling", "child"} <= {r["relative"] for r in rows}
    assert all(0 <= r["exclusion_power"] <= 1 and 0 <= r["p_identified"] <= 1 for r in rows)
    # The arithmetic mean of the LRs is at least their geometric mean.
    assert all(r["mean_lr"] >= 10 ** r["expected_log10_lr"] * (1 - 1e-9) and r["mean_lr_se"] >= 0
               for r in rows)  # fmt: skip
    assert CliRunner().invoke(main, args).output == result.output


def test_cli_names_an_unknown_missing_person(dvi_examples: Path) -> None:
    path = str(dvi_examples / "example2.json")
    result = CliRunner().invoke(main, ["kinship", "power", path, "--missing", "X9"])
    assert result.exit_code != 0 and "'X9' is not a missing person" in result.output


# -- forrel's documented values (no mutation, as in forrel's examples) -------------------------

TRIO = Pedigree.from_records([("fa", None, None, 1), ("mo", None, None, 2), ("mp", "fa", "mo", 2)])


def exact_and_sampled_ep(
    ped: Pedigree, marker: Marker, g: np.ndarray, missing: str
) -> tuple[list[tuple[float, float, float]], float]:
    """The enumerated outcomes with the references as now, and the EP a seeded simulation
    reports."""
    outcomes = exact_marker(ped, marker, g, (), missing)
    res = simulate_power(Candidate("current references", ped, ()), [marker], g[:, None],
                         missing, n_sims=500, rng=np.random.default_rng(11))  # fmt: skip
    return outcomes, res.exclusion_power


def test_exclusion_power_equals_forrels_documented_values() -> None:
    # forrel tests/testthat/test-exclusion.R; marker.mutation is None throughout.
    m = make_marker("L1", 3, [0.5, 0.3, 0.2])
    assert m.mutation is None
    # The alleged father is MP; his child is typed 1/1: EP = (1 - p1)^2.
    paternity = np.array([[-1, -1], [-1, -1], [0, 0]])
    outcomes, sampled = exact_and_sampled_ep(TRIO, m, paternity, "fa")
    assert [e for _, _, e in outcomes] == pytest.approx([0.25] * len(outcomes), abs=1e-12)
    assert sampled == pytest.approx(0.25, abs=1e-12)
    # The daughter is MP; her father is typed 1/1 and her mother 2/2: EP = 1 - 2 p1 p2.
    parents = np.array([[0, 0], [1, 1], [-1, -1]])
    outcomes, sampled = exact_and_sampled_ep(TRIO, m, parents, "mp")
    assert [e for _, _, e in outcomes] == pytest.approx([0.7] * len(outcomes), abs=1e-12)
    assert sampled == pytest.approx(0.7, abs=1e-12)


def test_typing_the_father_of_an_untyped_child_gives_forrels_empty_paternity_ep() -> None:
    # forrel's empty paternity case (father and child both untyped, unrelated in truth, p = 0.1):
    # EP = 2 p^2 q^2, the chance that two random people share no allele. Here: the child is MP,
    # nobody is typed and the father is the candidate, simulated from the population.
    p, q = 0.1, 0.9
    m = make_marker("L1", 2, [p, q])
    fam = Family("F1", Pedigree.from_records([("mp", None, None, 1)]), np.full((1, 1, 2), -1),
                 ("mp",), ())  # fmt: skip
    n = 40_000
    results = {r.candidate.label: r for r in family_power(fam, [m], "mp", n_sims=n, seed=2)}
    father = results["father"]
    assert results["current references"].exclusion_power == 0.0
    outcomes = exact_marker(father.candidate.pedigree, m, np.full((3, 2), -1),
                            father.candidate.typed, "mp")  # fmt: skip
    total, _, excl = moments(outcomes)
    assert total == pytest.approx(1.0, abs=1e-12)
    assert excl == pytest.approx(2 * p**2 * q**2, abs=1e-12)
    sd = math.sqrt(sum(w * (e - excl) ** 2 for w, _, e in outcomes))
    assert abs(father.exclusion_power - excl) < 4 * sd / math.sqrt(n)


def exact_lr_moments(outcomes: list[tuple[float, float, float]]) -> tuple[float, float]:
    """E[LR] and the standard deviation of the LR of a true match."""
    mean = sum(w * 10**x for w, x, _ in outcomes)
    return mean, math.sqrt(sum(w * (10**x - mean) ** 2 for w, x, _ in outcomes))


def test_expected_lr_of_a_true_match_equals_forrels_closed_forms() -> None:
    # forrel man/expectedLR.Rd and tests/testthat/test-expectedLR.R: MP is the child of fa and
    # mo, two alleles with p = 0.9, mother typed 1/2; father untyped, then typed 1/1.
    p = 0.9
    m = make_marker("L1", 2, [p, 1 - p])
    assert m.mutation is None
    mother_only = np.array([[-1, -1], [0, 1], [-1, -1]])
    both = np.array([[0, 0], [0, 1], [-1, -1]])
    closed = {
        "mother typed": (mother_only, 1 / (8 * p * (1 - p)) + 1 / 2),
        "both typed": (both, 1 / (8 * p * (1 - p)) + 1 / (4 * p**2)),
    }
    n = 40_000
    product, product_var = 1.0, 1.0
    for seed, (g, expected) in enumerate(closed.values()):
        mean, sd = exact_lr_moments(exact_marker(TRIO, m, g, (), "mp"))
        assert mean == pytest.approx(expected, abs=1e-12)
        res = simulate_power(Candidate("current references", TRIO, ()), [m], g[:, None], "mp",
                             n_sims=n, rng=np.random.default_rng(seed))  # fmt: skip
        assert abs(res.mean_lr - expected) < 4 * sd / math.sqrt(n)
        assert res.mean_lr_se == pytest.approx(sd / math.sqrt(n), rel=0.1)
        product *= expected
        product_var *= sd**2 + expected**2
    # Both markers in one profile: the markers are independent, so E[LR] is the product.
    two = np.stack([mother_only, both], axis=1)
    res = simulate_power(Candidate("current references", TRIO, ()), [m, m], two, "mp",
                         n_sims=n, rng=np.random.default_rng(5))  # fmt: skip
    sd = math.sqrt(product_var - product**2)
    assert abs(res.mean_lr - product) < 4 * sd / math.sqrt(n)
