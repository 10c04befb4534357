"""`exhume stats` and `exhume demo` from the command line."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

from exhume.cli import main

pytestmark = pytest.mark.django_db


def test_stats_prints_the_published_breakdown_as_json(izium_demo: Any) -> None:
    result = CliRunner().invoke(main, ["stats", "--site", "izium", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {k: data[k] for k in ("total", "women", "men", "sex_undetermined", "children",
                                 "servicemen", "with_torture_signs")} == {
        "total": 447, "women": 215, "men": 194, "sex_undetermined": 11, "children": 5,
        "servicemen": 22, "with_torture_signs": 30,
    }  # fmt: skip
    assert data["violent_death_share"] >= 0.99


def test_stats_as_of_a_date(izium_demo: Any) -> None:
    result = CliRunner().invoke(
        main, ["stats", "--site", "izium", "--as-of", "2022-09-22", "--json"]
    )
    assert json.loads(result.output)["total"] == 436


def test_stats_for_an_unknown_site_names_it_and_fails(izium_demo: Any) -> None:
    result = CliRunner().invoke(main, ["stats", "--site", "nowhere", "--json"])
    assert result.exit_code == 66
    assert "no site with slug 'nowhere'" in result.output
