"""JSON twins of the family portal: the status a family's link shows (public, by token), and
family liaison's reports (staff)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.security import django_auth

from exhume.portal import queries

public = Router(tags=["family portal"])
staff = Router(tags=["staff: family reports"], auth=django_auth)


@public.get("/portal/status/{token}", url_name="family_status")
def family_status(request: HttpRequest, token: str) -> dict[str, Any]:
    """The coarse steps a family's private link shows (404 for an unknown or revoked link)."""
    return queries.status(queries.report_by_token(token))


@staff.get("/family-reports", url_name="family_reports")
def family_reports(request: HttpRequest) -> list[dict[str, Any]]:
    """Every report families sent through the portal, those waiting for a check first."""
    return [queries.report_row(r) for r in queries.reports()]


@staff.get("/family-reports/{report_id}", url_name="family_report")
def family_report(request: HttpRequest, report_id: int) -> dict[str, Any]:
    """One report, with what its status link shows."""
    found = queries.get_report(report_id)
    return {**queries.report_row(found), "status": queries.status(found)}
