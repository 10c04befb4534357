"""Template filters of the case pages."""

from __future__ import annotations

from django import template

from exhume.casework.models import TortureIndicator

register = template.Library()


@register.filter
def torture_labels(codes: list[str]) -> str:
    """Torture indicator codes as their labels in the reader's language, comma-separated."""
    labels = dict(TortureIndicator.choices)
    return ", ".join(str(labels.get(code, code)) for code in codes)
