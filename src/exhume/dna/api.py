"""JSON twins of the DNA staff pages, under ``/api/staff/dna/``: session login and the
``dna.view_profile`` permission (403 without it). Never mounted on the public API."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router
from ninja.security import django_auth

from exhume.casework.queries import get_site
from exhume.dna import coded, queries
from exhume.dna.drawing import layout
from exhume.errors import AccessDeniedError

router = Router(tags=["staff: DNA"], auth=django_auth)


def _require(request: HttpRequest) -> None:
    if not request.user.has_perm(queries.PERMISSION):
        raise AccessDeniedError(
            _("your role may not see DNA data (%(PERMISSION)s)")
            % {"PERMISSION": queries.PERMISSION}
        )


@router.get("/sites/{slug}/samples", url_name="dna_samples")
def samples(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    if coded.is_coded(request.user):
        return coded.sample_rows(get_site(slug))
    _require(request)
    return queries.sample_rows(get_site(slug))


@router.get("/samples/{barcode}", url_name="dna_sample")
def sample(request: HttpRequest, barcode: str) -> dict[str, Any]:
    _require(request)
    return queries.sample_record(queries.get_sample(barcode))


@router.get("/coded/{code}", url_name="dna_coded_sample")
def coded_sample(request: HttpRequest, code: str) -> dict[str, Any]:
    """A sample under its code, with its profiles (the laboratory's view)."""
    return coded.sample_record(coded.get_sample(code))


@router.get("/sites/{slug}/families", url_name="dna_families")
def families(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    if coded.is_coded(request.user):
        return coded.family_rows(get_site(slug))
    _require(request)
    return queries.family_rows(get_site(slug))


@router.get("/families/{family_id}", url_name="dna_family")
def family(request: HttpRequest, family_id: int) -> dict[str, Any]:
    """The family's members and its pedigree drawing's layout (generation and x of each)."""
    found = queries.get_family(family_id)
    lab = coded.is_coded(request.user)
    if not lab:
        _require(request)
    record = coded.family_record(found) if lab else queries.family_record(found)
    placed = layout(queries.pedigree_individuals(found))
    for member, at in zip(record["members"], placed, strict=True):
        member["drawing"] = {"generation": at.generation, "x": at.x}
    return record


@router.get("/sites/{slug}/consent", url_name="dna_consents")
def consents(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    """The reference samples of a site's families and the consent in force (no DNA)."""
    return queries.consent_rows(get_site(slug))


@router.get("/consent/{barcode}", url_name="dna_consent")
def consent(request: HttpRequest, barcode: str) -> dict[str, Any]:
    """A reference sample's consent in force and its history."""
    return queries.consent_record(queries.get_reference_sample(barcode))
