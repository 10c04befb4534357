"""A pair assessed against a policy; the stored snapshot re-checked against another policy."""

from __future__ import annotations

import json

import pytest

from exhume.evidence.assess import assess, reassess
from exhume.evidence.factors import Factor
from exhume.evidence.policy import Reference, load_policy

PARENTS = [Reference("father"), Reference("mother")]


def test_the_snapshot_is_json_and_rereads_to_the_same_result() -> None:
    a = assess(5.5, [Factor("sex", 2.0, 0.01, "s", "d")], prior_odds=1 / 60,
               prior_reason="1/60", references=PARENTS, policy=load_policy())  # fmt: skip
    snap = json.loads(json.dumps(a.snapshot()))
    assert snap["posterior"] == pytest.approx(1 / (1 + 60 / (2 * 10**5.5)))
    assert reassess(snap, load_policy()) == a.result
    stricter = reassess(snap, load_policy("ukraine-example"))
    assert not stricter.met and stricter.unmet == ("DNA LR 10^5.50 is below 10^6",)


def test_a_pair_without_dna_keeps_none_in_its_snapshot() -> None:
    a = assess(None, [], prior_odds=1.0, prior_reason="x", references=PARENTS,
               policy=load_policy())  # fmt: skip
    assert a.snapshot()["dna_log10_lr"] is None
    assert not reassess(a.snapshot(), load_policy()).met
