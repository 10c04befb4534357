"""Staff pages for DNA records: samples (custody as a timeline), profiles, families and their
drawn pedigrees. Each needs login and the ``dna.view_profile`` permission (403 without it) and
names its JSON twin under ``/api/staff/dna/``. No public page shows any of this."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from exhume.casework.queries import get_site
from exhume.dna import queries
from exhume.dna.drawing import svg
from exhume.dna.models import Family
from exhume.errors import NotFoundError

PERMISSION = queries.PERMISSION


@login_required
@permission_required(PERMISSION, raise_exception=True)
def samples(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        site = get_site(slug)
    except NotFoundError as exc:
        raise Http404(exc.message) from None
    context = {"site": site, "samples": queries.sample_rows(site)}
    return render(request, "dna/samples.html", context)


@login_required
@permission_required(PERMISSION, raise_exception=True)
def sample(request: HttpRequest, barcode: str) -> HttpResponse:
    try:
        record = queries.get_sample(barcode)
    except NotFoundError as exc:
        raise Http404(exc.message) from None
    site = record.remains.site if record.remains else record.donor.family.site  # type: ignore[union-attr]
    context = {"site": site, "sample": queries.sample_record(record)}
    return render(request, "dna/sample.html", context)


@login_required
@permission_required(PERMISSION, raise_exception=True)
def families(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        site = get_site(slug)
    except NotFoundError as exc:
        raise Http404(exc.message) from None
    return render(
        request, "dna/families.html", {"site": site, "families": queries.family_rows(site)}
    )


@login_required
@permission_required(PERMISSION, raise_exception=True)
def family(request: HttpRequest, pk: int) -> HttpResponse:
    found = _family(pk)
    context = {
        "site": found.site,
        "family": queries.family_record(found),
        "drawing": svg(
            queries.pedigree_individuals(found), title=f"Pedigree of family {found.name}"
        ),
    }
    return render(request, "dna/family.html", context)


@login_required
@permission_required(PERMISSION, raise_exception=True)
def pedigree_svg(request: HttpRequest, pk: int) -> HttpResponse:
    found = _family(pk)
    drawing = svg(queries.pedigree_individuals(found), title=f"Pedigree of family {found.name}")
    return HttpResponse(drawing, content_type="image/svg+xml")


def _family(pk: int) -> Family:
    try:
        return queries.get_family(pk)
    except NotFoundError as exc:
        raise Http404(exc.message) from None
