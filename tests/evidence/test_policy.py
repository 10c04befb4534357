"""Threshold policies as data: requirements, references, the verbal scale, refusals."""

from __future__ import annotations

import pytest

from exhume.errors import InvalidInputError, NotFoundError
from exhume.evidence.policy import (
    Reference,
    evaluate,
    load_policy,
    packaged_policies,
    policy_from_data,
    verbal,
)

DEFAULT = load_policy()
TWO = [Reference("father"), Reference("mother")]


def test_the_packaged_policies_all_load() -> None:
    names = packaged_policies()
    assert {"exhume-default", "icmp-example", "ukraine-example"} <= set(names)
    assert all(load_policy(n).name == n for n in names)


def test_a_strong_pair_with_two_parents_meets_the_default() -> None:
    result = evaluate(DEFAULT, dna_log10_lr=8.0, posterior=0.99999, references=TWO)
    assert result.met and result.unmet == () and result.verbal == "very strong support"


def test_non_dna_evidence_alone_never_identifies() -> None:
    result = evaluate(DEFAULT, dna_log10_lr=None, posterior=0.999999, references=TWO)
    assert not result.met
    assert result.unmet == ("no DNA result: non-DNA evidence never identifies alone",)


def test_a_weak_dna_lr_fails_even_with_a_high_posterior() -> None:
    result = evaluate(DEFAULT, dna_log10_lr=3.0, posterior=0.99999, references=TWO)
    assert result.unmet == ("DNA LR 10^3.00 is below 10^4",)


def test_one_relative_needs_two_methods() -> None:
    one = [Reference("brother")]
    assert not evaluate(DEFAULT, dna_log10_lr=9, posterior=0.9999, references=one).met
    two_methods = [Reference("brother", ("autosomal_str", "y_str"))]
    assert evaluate(DEFAULT, dna_log10_lr=9, posterior=0.9999, references=two_methods).met
    assert evaluate(DEFAULT, dna_log10_lr=9, posterior=0.9999, references=[Reference("self")]).met
    cousins = [Reference("cousin"), Reference("uncle")]
    assert not evaluate(DEFAULT, dna_log10_lr=9, posterior=0.9999, references=cousins).met


def test_the_verbal_scale_takes_the_highest_band_reached() -> None:
    assert verbal(DEFAULT.verbal_scale, 0.5) == "no support"
    assert verbal(DEFAULT.verbal_scale, 4.0) == "strong support"
    assert verbal(DEFAULT.verbal_scale, 12.0) == "very strong support"


def test_it_refuses_a_policy_without_a_dna_requirement() -> None:
    data = {**DEFAULT.data, "min_dna_log10_lr": -1}
    with pytest.raises(InvalidInputError, match="never identifies alone"):
        policy_from_data(data)


def test_it_names_a_missing_field_and_an_unknown_policy() -> None:
    data = {k: v for k, v in DEFAULT.data.items() if k != "min_posterior"}
    with pytest.raises(InvalidInputError, match="no 'min_posterior'"):
        policy_from_data(data)
    with pytest.raises(NotFoundError, match="no policy 'nope'"):
        load_policy("nope")


def test_the_policy_hash_changes_with_its_content() -> None:
    changed = policy_from_data({**DEFAULT.data, "version": 2})
    assert changed.sha256 != DEFAULT.sha256 and len(DEFAULT.sha256) == 64
