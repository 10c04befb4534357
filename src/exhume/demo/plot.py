"""Plausible positions for the demo's graves: numbered crosses in rows among forest trees.

Graves are laid in rows ``per_row`` long, about 2.2 m apart along a row and 3 m between rows,
the rows turned ``bearing`` degrees from east and bending slightly; here and there a tree
stands where a grave would be, and numbering continues past it. Every position is a pure
function of the site's origin and the grave's slot, drawn from its own seeded generator, so
placing graves never changes the rest of the synthetic scenario.
"""

from __future__ import annotations

import functools
import math
import random

METRES_PER_DEGREE = 111_320.0


def offset(lat: float, lon: float, east_m: float, north_m: float) -> tuple[float, float]:
    """The point ``east_m`` east and ``north_m`` north of ``(lat, lon)`` (small distances)."""
    dlat = north_m / METRES_PER_DEGREE
    dlon = east_m / (METRES_PER_DEGREE * math.cos(math.radians(lat)))
    return round(lat + dlat, 7), round(lon + dlon, 7)


@functools.lru_cache(maxsize=8)
def _slots(site: str, count: int, per_row: int, trees: float) -> tuple[tuple[int, int], ...]:
    """(row, column) of the first ``count`` slots without a tree."""
    out: list[tuple[int, int]] = []
    slot = 0
    while len(out) < count:
        if random.Random(f"{site}:tree:{slot}").random() >= trees:
            out.append(divmod(slot, per_row))
        slot += 1
    return tuple(out)


def grave_position(
    site: str,
    n: int,
    origin: tuple[float, float],
    *,
    count: int,
    per_row: int = 24,
    bearing: float = 18.0,
    trees: float = 0.06,
) -> tuple[float, float]:
    """Latitude and longitude of grave ``n`` (1-based) of ``count`` in the plot at ``origin``."""
    row, col = _slots(site, count, per_row, trees)[n - 1]
    jitter = random.Random(f"{site}:grave:{n}")
    along = col * 2.2 + jitter.uniform(-0.35, 0.35)
    across = -row * 3.0 + 0.004 * (along - per_row * 1.1) ** 2 + jitter.uniform(-0.3, 0.3)
    turn = math.radians(bearing)
    east = along * math.cos(turn) - across * math.sin(turn)
    north = along * math.sin(turn) + across * math.cos(turn)
    return offset(origin[0], origin[1], east, north)
