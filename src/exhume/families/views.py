"""Staff pages of missing-person reports (names, descriptions): board, liaison, investigators.

The access policy decides who may open them before the view runs, and every view of a report
writes an access entry (:mod:`exhume.access`).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from exhume.core.exports import export, record_row, requested_format
from exhume.errors import NotFoundError
from exhume.families import queries


def missing(request: HttpRequest) -> HttpResponse:
    people = queries.missing_persons(request.user)
    if fmt := requested_format(request):
        return export([record_row(p) for p in people], name="missing-persons", fmt=fmt)
    return render(request, "families/missing.html", {"people": people})


def missing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        person = queries.missing_person(request.user, pk)
    except NotFoundError as exc:
        raise Http404(exc.message) from None
    return render(request, "families/missing_detail.html", {"person": person})
