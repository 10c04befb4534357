"""Simulated problems with mislabelled relatives and their scoring."""

from __future__ import annotations

import numpy as np

from exhume.kinship.markers import make_marker
from exhume.kinship.mislabel import evaluate, simulate_mislabelled

MARKERS = [make_marker(f"L{k}", 6) for k in range(5)]


def test_a_seed_reproduces_the_problem() -> None:
    one = simulate_mislabelled(MARKERS, 3, n_families=6)
    two = simulate_mislabelled(MARKERS, 3, n_families=6)
    assert one.truth == two.truth and one.errors == two.errors
    for a, b in zip(one.problem.victims, two.problem.victims, strict=True):
        assert a.id == b.id and np.array_equal(a.genotypes, b.genotypes)


def test_errors_are_planted_only_in_families_with_two_or_more_references() -> None:
    case = simulate_mislabelled(MARKERS, 1, n_families=30, p_error=1.0)
    for fam in case.problem.families:
        error = case.errors[fam.id]
        assert (error == "none") == (len(fam.references) < 2)
        if error.startswith("father"):
            assert error.split()[1] in fam.references
        if error.startswith("swap"):
            assert set(error.split()[1].split("/")) <= set(fam.references)


def test_references_are_typed_and_missing_persons_are_not() -> None:
    case = simulate_mislabelled(MARKERS, 2, n_families=10)
    for fam in case.problem.families:
        typed = {fam.pedigree.ids[i] for i in np.flatnonzero((fam.genotypes >= 0).any(axis=(1, 2)))}
        assert typed == set(fam.references) and fam.missing[0] not in typed
    assert set(case.truth.values()) <= set(case.problem.missing)


def test_evaluate_counts_named_missed_and_wrong() -> None:
    case = simulate_mislabelled(MARKERS, 4, n_families=5, p_body=1.0, n_unrelated=1)
    (body, missing), (_, other) = sorted(case.truth.items())[:2]
    out = evaluate(case, [(missing, body, "Undisputed"), (other, body, "Probable")],
                   [(other, "V999")])  # fmt: skip
    assert out.count("named") == 1 and out.count("missed") == len(case.truth) - 1
    assert out.wrong == [f"V999 named {other}"]
