"""DNA staff pages and their JSON twins: behind login and the DNA permission, never public."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from exhume.dna.actions import do_record_custody, do_record_profile, do_take_sample
from exhume.dna.models import Family
from exhume.dna.pedigree_actions import do_add_relative
from tests.dna.conftest import DAY, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(actor: Any, make_site: Any, make_remains: Any) -> Family:
    from exhume.dna.pedigree_actions import do_create_family
    from exhume.families.actions import do_report_missing_person

    site = make_site("lisova")
    missing = do_report_missing_person(actor, family_name="Synthetic", sex="male")
    family = do_create_family(actor, name="F1", missing_person=missing, site=site, label="M1")
    mother = do_add_relative(
        actor, family=family, label="R1", sex="female", relationship="mother",
        relative_of=missing, name="Synthetic Relative Name",
    )  # fmt: skip
    swab = do_take_sample(
        actor, barcode="SW-1", kind="buccal_swab", donor=mother, collected_by="liaison",
        collected_on=DAY,
    )  # fmt: skip
    bone = do_take_sample(
        actor, barcode="BN-1", kind="bone", remains=make_remains(site), collected_by="morgue",
        collected_on=DAY,
    )  # fmt: skip
    for hour, step in enumerate(["packed", "sent", "received"], start=9):
        do_record_custody(actor, sample=bone, step=step, at=at(hour), by="courier")
    do_record_profile(actor, sample=swab, lab="Lab A", genotype={"TH01": ["6", "9.3"]})
    do_record_profile(actor, sample=bone, lab="Lab A", genotype={"TH01": ["6"]})
    return family


@pytest.fixture
def dna_client(client: Client) -> Client:
    user = User.objects.create_user("mariia", password="not-a-real-password")
    user.groups.add(Group.objects.get(name="board"))  # sees genotypes in full
    client.force_login(user)
    return client


def pages(family: Family) -> list[str]:
    return [
        "/staff/dna/sites/lisova/samples/", "/staff/dna/samples/BN-1/",
        "/staff/dna/sites/lisova/families/", f"/staff/dna/families/{family.pk}/",
        f"/staff/dna/families/{family.pk}/pedigree.svg",
    ]  # fmt: skip


def apis(family: Family) -> list[str]:
    return [
        "/api/staff/dna/sites/lisova/samples", "/api/staff/dna/samples/BN-1",
        "/api/staff/dna/sites/lisova/families", f"/api/staff/dna/families/{family.pk}",
    ]  # fmt: skip


def test_dna_pages_need_login_and_the_dna_permission(client: Client, case: Family) -> None:
    for path in pages(case):
        assert client.get(path).status_code == 302, path
    for path in apis(case):
        assert client.get(path).status_code == 401, path
    client.force_login(User.objects.create_user("olha", password="not-a-real-password"))
    for path in pages(case):
        assert client.get(path).status_code == 403, path
    for path in apis(case):
        response = client.get(path)
        assert response.status_code == 403, path
        assert response.json()["error"] == "AccessDeniedError"


def test_the_sample_page_shows_the_custody_timeline_its_twin_gives(
    dna_client: Client, case: Family
) -> None:
    html = dna_client.get("/staff/dna/samples/BN-1/").content.decode()
    shown = re.findall(r'<li data-step="([a-z]+)"', html)
    data = dna_client.get("/api/staff/dna/samples/BN-1").json()
    assert shown == ["collected"] + [e["step"] for e in data["custody"]]
    assert shown == ["collected", "packed", "sent", "received"]
    assert data["custody_state"] == "received"
    assert data["profiles"][0]["genotype"] == {"TH01": ["6"]}
    assert "/api/staff/dna/samples/BN-1" in html


def test_the_family_page_draws_the_pedigree(dna_client: Client, case: Family) -> None:
    html = dna_client.get(f"/staff/dna/families/{case.pk}/").content.decode()
    assert "<rect" in html and "<circle" in html
    assert re.search(r'<circle[^>]*fill="#555"[^>]*data-member="R1" class="typed female"', html)
    assert re.search(r'<rect[^>]*data-member="M1" class="missing male"', html)
    data = dna_client.get(f"/api/staff/dna/families/{case.pk}").json()
    members = {m["label"]: m for m in data["members"]}
    assert members["M1"]["mother"] == "R1"
    assert members["R1"]["typed"] is True
    assert members["R1"]["drawing"]["generation"] == 0
    assert members["M1"]["drawing"]["generation"] == 1
    svg = dna_client.get(f"/staff/dna/families/{case.pk}/pedigree.svg")
    assert svg["Content-Type"] == "image/svg+xml"


def test_no_public_endpoint_serves_dna(client: Client) -> None:
    schema = client.get("/api/openapi.json").json()
    public = [p for p in schema["paths"] if not p.startswith("/api/staff/")]
    assert public and not [p for p in public if "dna" in p or "sample" in p or "famil" in p]


def test_the_laboratory_sees_genotypes_under_codes_only(client: Client, case: Family) -> None:
    from exhume.access.coding import code_for
    from exhume.dna.models import Sample

    lab = User.objects.create_user("analyst", password="not-a-real-password")
    lab.groups.add(Group.objects.get(name="lab"))
    client.force_login(lab)
    bone = Sample.objects.get(barcode="BN-1")
    code = code_for("dna.sample", bone.pk)
    hidden = (
        "BN-1",
        "SW-1",
        bone.remains.case_number,
        "Synthetic",
        "family F1",
        "courier",
        "liaison",
    )
    urls = ["/staff/dna/sites/lisova/samples/", f"/staff/dna/coded/{code}/",
            "/staff/dna/sites/lisova/families/", f"/staff/dna/families/{case.pk}/",
            f"/staff/dna/families/{case.pk}/pedigree.svg", "/api/staff/dna/sites/lisova/samples",
            f"/api/staff/dna/coded/{code}", f"/api/staff/dna/families/{case.pk}"]  # fmt: skip
    for url in urls:
        answer = client.get(url)
        assert answer.status_code == 200, url
        body = answer.content.decode()
        assert not [h for h in hidden if h in body], url
    sample = client.get(f"/api/staff/dna/coded/{code}").json()
    assert sample["profiles"][0]["genotype"] == {"TH01": ["6"]}
    assert sample["source"] == code_for("casework.remains", bone.remains_id)
    assert code in client.get("/staff/dna/sites/lisova/samples/").content.decode()
    assert client.get("/staff/dna/samples/BN-1/").status_code == 403  # never by barcode
    swab = code_for("dna.sample", Sample.objects.get(barcode="SW-1").pk)
    assert client.get(f"/api/staff/dna/coded/{swab}").json()["consent_scope"] == "case"
    assert sample["consent_scope"] is None  # a sample of remains has no family's consent
