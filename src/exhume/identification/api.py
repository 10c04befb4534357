"""JSON twins of the board pages. Session login and the permission to see proposals."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router
from ninja.security import django_auth

from exhume.access.policy import Level
from exhume.errors import AccessDeniedError
from exhume.identification import coded, queries

router = Router(tags=["identification"], auth=django_auth)


@router.get("/sites/{slug}/board", url_name="identification_board")
def board(request: HttpRequest, slug: str) -> dict[str, Any]:
    _require(request)
    return queries.board_json(queries.get_site(slug), request.user)


@router.get("/proposals/{proposal_id}", url_name="identification_proposal")
def proposal(request: HttpRequest, proposal_id: int) -> dict[str, Any]:
    _require(request)
    found = queries.proposal_for(request.user, proposal_id)
    if queries.level(request.user) is Level.CODED:
        return coded.detail(found)
    return queries.proposal_json(found)


@router.get("/runs/{run_id}", url_name="identification_run")
def run(request: HttpRequest, run_id: int) -> dict[str, Any]:
    _require(request)
    found = queries.get_run(run_id)
    if queries.level(request.user) is Level.CODED:
        return coded.run(found, queries.run_proposals(found))
    return queries.run_report(found)


@router.get("/sites/{slug}/run-status", url_name="identification_run_status")
def run_status(request: HttpRequest, slug: str) -> dict[str, Any]:
    """The board's status panel: the latest run, running (stages), complete or failed."""
    _require(request)
    return queries.run_status(queries.get_site(slug))


def _require(request: HttpRequest) -> None:
    if not request.user.has_perm("identification.view_proposal"):
        raise AccessDeniedError(_("your role may not see identification proposals"))
