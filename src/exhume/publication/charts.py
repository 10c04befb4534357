"""Charts drawn on the server as inline SVG: no JavaScript, no network, prints well.

Colours come from CSS classes (``bar``, ``line``, ``seg-women`` ...) so the stylesheet decides
them once for screen and print. Every chart carries a text alternative (``<title>`` elements and
an ``aria-label``); the pages also give the same numbers as a table.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.dateformat import format as date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 640, 270
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 24, 46
MAX_DAY_LABELS = 12
MIN_LABELLED_SLOT = 30  # narrower day slots get no count under their date

#: The breakdown of persons in the order the public page shows it; it sums to the total.
BREAKDOWN = ("women", "men", "sex_undetermined", "children", "servicemen")


def nice_step(top: int, ticks: int = 6) -> int:
    """The gridline step: the smallest of 1, 2, 5 × 10^k that needs at most ``ticks`` steps."""
    if top <= ticks:
        return 1
    raw = top / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(int(m * power) for m in (1, 2, 5, 10) if m * power >= raw)


def day_label(iso_date: str) -> str:
    """``2022-09-16`` as ``16 Sep`` in the active language."""
    return date_format(dt.date.fromisoformat(iso_date), "j M")


def running_count_svg(running: Sequence[Mapping[str, Any]]) -> SafeString:
    """Bars of persons exhumed per day, the cumulative total as a line, on one labelled axis.

    Both share the y scale (persons), so a bar's height is that day's share of the final total.
    """
    if not running:
        return mark_safe('<p class="muted">' + escape(_("No remains recorded yet.")) + "</p>")
    top = max(int(day["total"]) for day in running) or 1
    step_y = nice_step(top)
    axis_top = math.ceil(top / step_y) * step_y
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(running)

    def y(value: int) -> float:
        return TOP + plot_h * (1 - value / axis_top)

    label = _("Running count of persons exhumed, by day: %(total)s in all") % {
        "total": running[-1]["total"]
    }
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(label)}" preserveAspectRatio="xMidYMid meet">'
    ]
    for tick in range(0, axis_top + 1, step_y):
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" '
            f'y2="{y(tick):.1f}"/><text class="axis" x="{LEFT - 6}" y="{y(tick) + 4:.1f}" '
            f'text-anchor="end">{tick}</text>'
        )
    every = max(1, math.ceil(len(running) / MAX_DAY_LABELS))
    points = []
    for i, day in enumerate(running):
        new, total = int(day["new"]), int(day["total"])
        cx = LEFT + slot * (i + 0.5)
        title = _("%(date)s: %(new)s exhumed, %(total)s in total") % {
            "date": day["date"],
            "new": new,
            "total": total,
        }
        parts.append(
            f'<rect class="bar" x="{cx - slot * 0.35:.1f}" y="{y(new):.1f}" '
            f'width="{slot * 0.7:.1f}" height="{y(0) - y(new):.1f}">'
            f"<title>{escape(title)}</title></rect>"
        )
        if slot >= MIN_LABELLED_SLOT:
            parts.append(
                f'<text class="bar-label" x="{cx:.1f}" y="{HEIGHT - BOTTOM + 32}" '
                f'text-anchor="middle">+{new}</text>'
            )
        if i % every == 0 or i == len(running) - 1:
            parts.append(
                f'<text class="axis" x="{cx:.1f}" y="{HEIGHT - BOTTOM + 18}" '
                f'text-anchor="middle">{escape(day_label(str(day["date"])))}</text>'
            )
        points.append((cx, y(total)))
    path = " ".join(f"{x:.1f},{py:.1f}" for x, py in points)
    parts.append(f'<polyline class="line" fill="none" points="{path}"/>')
    parts.extend(f'<circle class="dot" cx="{x:.1f}" cy="{py:.1f}" r="3"/>' for x, py in points)
    last_x, last_y = points[-1]
    parts.append(
        f'<text class="value" x="{last_x:.1f}" y="{last_y - 9:.1f}" text-anchor="end">'
        f"{running[-1]['total']}</text></svg>"
    )
    return mark_safe("".join(parts))


def breakdown_bar_svg(summary: Mapping[str, Any]) -> SafeString:
    """One horizontal bar split into the groups of :data:`BREAKDOWN`, widths proportional to
    the counts (``width_g = count_g / total``); nothing is drawn for a total of 0."""
    total = sum(int(summary[g]) for g in BREAKDOWN)
    if total == 0:
        return mark_safe("")
    label = _("Persons by group, %(total)s in all") % {"total": total}
    parts = [
        f'<svg class="stack" viewBox="0 0 1000 24" preserveAspectRatio="none" role="img" '
        f'aria-label="{escape(label)}">'
    ]
    x = 0.0
    for group in BREAKDOWN:
        width = 1000 * int(summary[group]) / total
        if width:
            parts.append(
                f'<rect class="seg seg-{group}" x="{x:.2f}" y="0" width="{width:.2f}" '
                f'height="24"><title>{escape(group.replace("_", " "))}: '
                f"{int(summary[group])}</title></rect>"
            )
        x += width
    parts.append("</svg>")
    return mark_safe("".join(parts))
