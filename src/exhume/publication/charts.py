"""Charts drawn on the server as inline SVG: no JavaScript, no network, prints well."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT, PAD = 640, 240, 40


def running_count_svg(running: Sequence[Mapping[str, Any]]) -> SafeString:
    """Bars of persons exhumed per day with the cumulative total as a line, labelled."""
    if not running:
        return mark_safe('<p class="muted">No remains recorded yet.</p>')
    top = max(int(day["total"]) for day in running) or 1
    step = (WIDTH - 2 * PAD) / len(running)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="Running count of persons exhumed, by day">'
    ]
    points = []
    for i, day in enumerate(running):
        x = PAD + i * step
        h_new = (HEIGHT - 2 * PAD) * int(day["new"]) / top
        y_total = HEIGHT - PAD - (HEIGHT - 2 * PAD) * int(day["total"]) / top
        label = escape(str(day["date"])[5:])
        parts.append(
            f'<rect class="bar" x="{x + step * 0.15:.1f}" y="{HEIGHT - PAD - h_new:.1f}" '
            f'width="{step * 0.7:.1f}" height="{h_new:.1f}"><title>{escape(day["date"])}: '
            f'{day["new"]} exhumed, {day["total"]} in total</title></rect>'
        )
        parts.append(
            f'<text class="tick" x="{x + step / 2:.1f}" y="{HEIGHT - PAD + 16}" '
            f'text-anchor="middle">{label}</text>'
        )
        parts.append(
            f'<text class="value" x="{x + step / 2:.1f}" y="{y_total - 8:.1f}" '
            f'text-anchor="middle">{day["total"]}</text>'
        )
        points.append(f"{x + step / 2:.1f},{y_total:.1f}")
    parts.append(f'<polyline class="line" fill="none" points="{" ".join(points)}"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
