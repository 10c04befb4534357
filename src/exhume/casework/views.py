"""Staff pages behind login: graves, the burial journal, remains with filters, one record."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from exhume.casework import queries
from exhume.casework.models import AgeClass, CauseOfDeath, RemainsKind, Remains, Sex, Status


@login_required
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "casework/index.html", {"sites": queries.sites()})


@login_required
def graves(request: HttpRequest, slug: str) -> HttpResponse:
    site = queries.get_site(slug)
    return render(request, "casework/graves.html", {"site": site, "graves": queries.graves(site)})


@permission_required("casework.view_burialjournalentry")
def journal(request: HttpRequest, slug: str) -> HttpResponse:
    site = queries.get_site(slug)
    return render(request, "casework/journal.html", {"site": site, "entries": queries.journal(site)})


@login_required
def remains_list(request: HttpRequest, slug: str) -> HttpResponse:
    site = queries.get_site(slug)
    filters = request.GET.dict()
    context = {
        "site": site,
        "remains": queries.remains(site, filters),
        "filters": filters,
        "choices": {
            "sex": Sex.choices,
            "age_class": AgeClass.choices,
            "status": Status.choices,
            "kind": RemainsKind.choices,
            "cause_of_death": CauseOfDeath.choices,
        },
    }
    template = "casework/_remains_rows.html" if request.headers.get("HX-Request") else (
        "casework/remains.html"
    )
    return render(request, template, context)


@login_required
def remains_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(Remains.objects.select_related("site", "grave", "part_of"), pk=pk)
    return render(request, "casework/remains_detail.html", {"remains": record})
