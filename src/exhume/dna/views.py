"""Staff pages for DNA records: samples (custody as a timeline), profiles, families and their
drawn pedigrees. The access policy decides who opens them: the roles that see DNA in full get
the records; the laboratory (coded level) gets coded pages (:mod:`exhume.dna.coded`), and a
sample by its code, never by its barcode. Each names its JSON twin under ``/api/staff/dna/``.
No public page shows any of this."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, override

from exhume.casework.queries import get_site
from exhume.core.admin import actor_for
from exhume.core.exports import export, requested_format
from exhume.core.http import not_found_as_404
from exhume.dna import coded, queries
from exhume.dna.consent import Retention, Scope
from exhume.dna.consent_actions import do_record_consent
from exhume.dna.consent_forms import ConsentForm
from exhume.dna.drawing import svg
from exhume.dna.models import Family
from exhume.errors import AccessDeniedError, InvalidInputError, NotFoundError

PERMISSION = queries.PERMISSION


@login_required
def samples(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        site = get_site(slug)
    except NotFoundError as exc:
        raise Http404(exc.message) from None
    lab = coded.is_coded(request.user)
    rows = coded.sample_rows(site) if lab else queries.sample_rows(site)
    if fmt := requested_format(request):
        return export(rows, name=f"{slug}-dna-samples", fmt=fmt)
    template = "dna/samples_coded.html" if lab else "dna/samples.html"
    return render(request, template, {"site": site, "samples": rows})


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
@not_found_as_404
def coded_sample(request: HttpRequest, code: str) -> HttpResponse:
    """A sample under its code (the laboratory's page; the full roles see it too)."""
    record = coded.get_sample(code)
    context = {"site": coded.site_of(record), "sample": coded.sample_record(record)}
    return render(request, "dna/sample_coded.html", context)


@login_required
def families(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        site = get_site(slug)
    except NotFoundError as exc:
        raise Http404(exc.message) from None
    lab = coded.is_coded(request.user)
    rows = coded.family_rows(site) if lab else queries.family_rows(site)
    if fmt := requested_format(request):
        return export(rows, name=f"{slug}-dna-families", fmt=fmt)
    template = "dna/families_coded.html" if lab else "dna/families.html"
    return render(request, template, {"site": site, "families": rows})


@login_required
def family(request: HttpRequest, pk: int) -> HttpResponse:
    found = _family(pk)
    title = _title(request, found)
    drawing = svg(queries.pedigree_individuals(found), title=title)
    if coded.is_coded(request.user):
        context = {"site": found.site, "family": coded.family_record(found), "drawing": drawing}
        return render(request, "dna/family_coded.html", context)
    context = {"site": found.site, "family": queries.family_record(found), "drawing": drawing}
    return render(request, "dna/family.html", context)


@login_required
def pedigree_svg(request: HttpRequest, pk: int) -> HttpResponse:
    found = _family(pk)
    drawing = svg(queries.pedigree_individuals(found), title=_title(request, found))
    return HttpResponse(drawing, content_type="image/svg+xml")


def _title(request: HttpRequest, found: Family) -> str:
    name = coded.family_code(found.pk) if coded.is_coded(request.user) else found.name
    return f"Pedigree of family {name}"


def _family(pk: int) -> Family:
    try:
        return queries.get_family(pk)
    except NotFoundError as exc:
        raise Http404(exc.message) from None


# -- consent (family liaison) -------------------------------------------------------------------


@login_required
@not_found_as_404
def consents(request: HttpRequest, slug: str) -> HttpResponse:
    """The reference samples of a site's families and the consent in force for each."""
    site = get_site(slug)
    if fmt := requested_format(request):
        return export(queries.consent_rows(site), name=f"{slug}-consents", fmt=fmt)
    context = {"site": site, "rows": queries.consent_rows(site)}
    return render(request, "dna/consents.html", context)


@login_required
@not_found_as_404
def consent(request: HttpRequest, barcode: str) -> HttpResponse:
    """A reference sample's consent and its history; family liaison records a change (POST)."""
    sample = queries.get_reference_sample(barcode)
    form = ConsentForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            do_record_consent(actor_for(request), sample, **form.cleaned_data)
        except (InvalidInputError, AccessDeniedError) as exc:
            error = exc.message
        else:
            return redirect("dna:consent", barcode=sample.barcode)
    context = {
        "site": sample.donor.family.site,  # type: ignore[union-attr]
        "record": queries.consent_record(sample),
        "form": form,
        "error": error,
    }
    return render(request, "dna/consent.html", context, status=400 if error else 200)


@login_required
@not_found_as_404
def consent_form(request: HttpRequest, barcode: str | None = None) -> HttpResponse:
    """The printable consent form, blank or for one reference sample, in the language asked
    (``?lang=uk`` or ``en``; else the reader's)."""
    record = queries.consent_record(queries.get_reference_sample(barcode)) if barcode else None
    language = request.GET.get("lang") or get_language() or "en"
    if language not in {"uk", "en"}:
        language = "en"
    with override(language):
        context = {
            "record": record,
            "scopes": [c for c in Scope.choices if c[0] != Scope.WITHDRAWN],
            "retentions": Retention.choices,
            "language": language,
        }
        return render(request, "dna/consent_form.html", context)
