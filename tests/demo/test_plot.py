"""The demo's grave positions: distinct, spaced like graves, within a forest plot."""

from __future__ import annotations

import math

from exhume.demo.plot import METRES_PER_DEGREE, grave_position, offset

ORIGIN = (49.1803, 37.3163)


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    north = (a[0] - b[0]) * METRES_PER_DEGREE
    east = (a[1] - b[1]) * METRES_PER_DEGREE * math.cos(math.radians(ORIGIN[0]))
    return math.hypot(north, east)


def test_graves_are_at_least_a_metre_and_a_half_apart_and_within_the_plot() -> None:
    points = [grave_position("izium", n, ORIGIN, count=445) for n in range(1, 446)]
    closest = min(metres(p, q) for i, p in enumerate(points) for q in points[i + 1 :])
    assert closest > 1.5
    assert max(metres(p, ORIGIN) for p in points) < 120


def test_positions_do_not_depend_on_the_order_of_asking() -> None:
    assert grave_position("izium", 7, ORIGIN, count=445) == grave_position(
        "izium", 7, ORIGIN, count=445
    )
    assert grave_position("a", 7, ORIGIN, count=20) != grave_position("b", 7, ORIGIN, count=20)


def test_offset_moves_by_the_given_metres() -> None:
    assert abs(metres(offset(*ORIGIN, 30.0, -40.0), ORIGIN) - 50) < 0.05
