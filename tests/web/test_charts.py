"""The server-drawn SVG charts: scale, proportions and text alternatives."""

from __future__ import annotations

import re

import pytest

from exhume.publication.charts import breakdown_bar_svg, nice_step, running_count_svg


@pytest.mark.parametrize(
    ("top", "step"), [(0, 1), (6, 1), (15, 5), (447, 100), (1000, 200), (12_345, 5000)]
)
def test_the_gridline_step_is_one_two_or_five_times_a_power_of_ten(top: int, step: int) -> None:
    assert nice_step(top) == step


def test_the_stacked_bar_is_proportional_to_the_counts() -> None:
    svg = breakdown_bar_svg(
        {"women": 215, "men": 194, "sex_undetermined": 11, "children": 5, "servicemen": 22}
    )
    widths = [float(w) for w in re.findall(r'width="([\d.]+)" height="24"', svg)]
    assert widths == pytest.approx([1000 * n / 447 for n in (215, 194, 11, 5, 22)], abs=0.01)
    assert 'aria-label="Persons by group, 447 in all"' in svg


def test_an_empty_group_draws_no_segment_and_an_empty_site_no_bar() -> None:
    groups = {"women": 1, "men": 0, "sex_undetermined": 0, "children": 0, "servicemen": 0}
    assert breakdown_bar_svg(groups).count("<rect") == 1
    assert breakdown_bar_svg(dict.fromkeys(groups, 0)) == ""


def test_the_running_count_labels_each_day_and_the_final_total() -> None:
    running = [
        {"date": "2022-09-16", "new": 6, "total": 6},
        {"date": "2022-09-17", "new": 5, "total": 11},
    ]
    svg = running_count_svg(running)
    assert svg.count('class="bar"') == 2
    assert ">16 Sep<" in svg and ">+5<" in svg
    assert "<title>2022-09-17: 5 exhumed, 11 in total</title>" in svg
    assert svg.endswith(">11</text></svg>")


def test_a_site_with_no_remains_gets_a_sentence_not_a_chart() -> None:
    assert running_count_svg([]) == '<p class="muted">No remains recorded yet.</p>'
