"""Numbers in the identification records read back exactly as written, on every database.

PostgreSQL's jsonb returned a likelihood ratio of 3.05e34 as an integer, which the log then
refused (the demo's board failed on PostgreSQL only)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from exhume.core.jsonfield import FloatPreservingDecoder
from exhume.identification.models import PolicyRecord
from exhume.ledger.canonical import MAX_SAFE_INTEGER

HUGE_LR = 3.0528614531457964e34


def test_the_decoder_reads_an_integer_beyond_the_exact_range_as_the_float_it_was() -> None:
    decoded = json.loads("[30528614531457964000000000000000000, 7, -9007199254740992]",
                         cls=FloatPreservingDecoder)  # fmt: skip
    assert decoded == [HUGE_LR, 7, -9007199254740992.0]
    assert [type(value) for value in decoded] == [float, int, float]


def test_the_decoder_keeps_every_exact_integer_an_integer() -> None:
    text = f"[{MAX_SAFE_INTEGER}, {-MAX_SAFE_INTEGER}, 0]"
    assert all(type(v) is int for v in json.loads(text, cls=FloatPreservingDecoder))


@pytest.mark.django_db
def test_a_huge_likelihood_ratio_reads_back_as_a_float(policy_in_force: Any) -> None:
    policy = PolicyRecord.objects.get(pk=policy_in_force.pk)
    policy.data = {**policy.data, "lr": HUGE_LR, "small": 1e-300, "count": 3}
    policy.save(update_fields=["data"])
    stored = PolicyRecord.objects.get(pk=policy.pk).data
    assert stored["lr"] == HUGE_LR and type(stored["lr"]) is float
    assert stored["small"] == 1e-300 and stored["count"] == 3 and type(stored["count"]) is int
