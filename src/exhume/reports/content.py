"""What a site report shows: the public figures and nothing else (no name, no DNA).

The figures are the site page's (:func:`exhume.publication.queries.public_site`), computed
from the records by the counting rules, with the same charts; the report adds the signed
release's checkpoint and how to verify it offline.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from exhume import __version__
from exhume.casework.models import Site
from exhume.ledger.bundle import CHECKPOINT
from exhume.publication import charts, queries, releases

#: The figures of ``exhume stats``, in print order, with their labels.
FIGURES = (
    ("total", "Persons exhumed (total)"),
    ("servicemen", "Servicemen"),
    ("children", "Children"),
    ("women", "Women"),
    ("men", "Men"),
    ("sex_undetermined", "Sex undetermined"),
    ("with_torture_signs", "Bodies with signs of torture"),
    ("violent_death", "Violent deaths established"),
    ("body_parts_unassociated", "Body parts not yet tied to a person (not counted)"),
)

#: The counting rules, as the public site page states them.
COUNTING_RULES = (
    "The unit is the person: a complete body is one person; a body part never counts as a "
    "person on its own.",
    "Groups do not overlap. A serviceman is counted as a serviceman; otherwise a child as a "
    "child; otherwise by sex, which forensic examination could not always determine.",
    "Signs of torture and violent death are counted only where the forensic examination "
    "established them.",
    "Figures are recomputed from the records each time; corrections are logged, never silent.",
)


def site_report_context(site: Site, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """The report's data (plain values and two SVG charts)."""
    page = queries.public_site(site)
    summary = page["summary"]
    release = releases.latest_release(site)
    checkpoint = releases.release_file(release, CHECKPOINT).decode("utf-8") if release else None
    return {
        "page": page,
        "figures": [{"key": k, "label": label, "value": summary[k]} for k, label in FIGURES],
        "violent_share": f"{summary['violent_death_share'] * 100:.1f}%",
        "rules": COUNTING_RULES,
        "chart": _styled(charts.running_count_svg(summary["running"])),
        "stack": _styled(charts.breakdown_bar_svg(summary)),
        "release": releases.release_summary(release) if release else None,
        "checkpoint": checkpoint,
        "produced_at": (now or timezone.now()).strftime("%Y-%m-%d %H:%M UTC"),
        "version": __version__,
    }


def _chart_css() -> str:
    """The public stylesheet's rules for the charts, with its colour variables filled in.

    A PDF renderer draws an inline SVG with the SVG's own styles only, so they go inside it.
    """
    found = finders.find("exhume/site.css")
    css = Path(str(found)).read_text(encoding="utf-8") if found else ""
    colours = dict(re.findall(r"--([\w-]+):\s*([^;]+);", css))
    rules = [ln for ln in css.splitlines() if re.match(r"\.(chart \.|seg)", ln)]
    return re.sub(r"var\(--([\w-]+)\)", lambda m: colours.get(m.group(1), "black"), "".join(rules))


def _styled(svg: str) -> SafeString:
    """``svg`` with the chart rules in a ``<style>`` of its own."""
    head, sep, rest = svg.partition(">")
    if not svg.startswith("<svg"):
        return mark_safe(svg)
    return mark_safe(f"{head}{sep}<style>{_chart_css()}</style>{rest}")


#: The report's print stylesheet (a file beside the template: pages hold no inline style).
REPORT_CSS = Path(__file__).parent / "templates" / "reports" / "site_report.css"


def site_report_css() -> str:
    """The print stylesheet of the site report."""
    return REPORT_CSS.read_text(encoding="utf-8")


def site_report_html(site: Site, *, now: dt.datetime | None = None) -> str:
    """The report as one self-contained HTML page (printed to PDF by :mod:`.pdf`)."""
    return render_to_string("reports/site_report.html", site_report_context(site, now=now))
