"""The demo's synthetic DNA: families for about 60% of the dead, mostly two typed relatives,
families killed together, a mislabelled father, direct references, a quarter of the bone
profiles partial, custody for every sample, and a body part whose DNA is a body's."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from exhume.dna import custody
from exhume.dna.models import Family, PedigreeMember, Profile, Sample
from exhume.dna.pedigree_actions import family_pedigree

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def test_about_sixty_percent_of_the_dead_have_a_reporting_family(izium_demo: Any) -> None:
    persons = 447
    found = PedigreeMember.objects.filter(missing_person__isnull=False)
    in_grave = Sample.objects.filter(remains__kind="body").count()
    assert in_grave == persons
    families = Family.objects.filter(site__slug="izium").count()
    assert 0.55 * persons <= families <= 0.75 * persons
    assert found.count() > families  # some families lost two people together


def test_typed_relatives_are_one_to_four_mostly_two(izium_demo: Any) -> None:
    typed = Counter(
        Sample.objects.filter(kind__in=["buccal_swab", "blood_card"]).values_list(
            "donor__family", flat=True
        )
    )
    shares = Counter(typed.values())
    assert set(shares) <= {1, 2, 3, 4}
    assert shares[2] == max(shares.values())
    assert shares[2] + shares[3] + shares[4] > 0.8 * sum(shares.values())


def test_every_pedigree_is_valid_and_some_hold_two_missing_persons(izium_demo: Any) -> None:
    two = 0
    for family in Family.objects.filter(site__slug="izium"):
        ped = family_pedigree(family)
        assert ped.n >= 2
        two += family.members.filter(missing_person__isnull=False).count() == 2
    assert two >= 20
    assert Family.objects.filter(notes__contains="not the biological father").count() == 1


def test_every_sample_has_a_full_chain_of_custody(izium_demo: Any) -> None:
    for sample in Sample.objects.prefetch_related("custody"):
        steps = [e.step for e in sorted(sample.custody.all(), key=lambda e: (e.at, e.pk))]
        assert steps[:3] == ["packed", "sent", "received"], sample.barcode
        for k, step in enumerate(steps):
            custody.check_next(sample.barcode, steps[:k], step)


def test_a_quarter_of_the_bone_profiles_are_partial(izium_demo: Any) -> None:
    bones = Profile.objects.filter(sample__remains__isnull=False)
    partial = sum(len(p.genotype) < 23 for p in bones)
    assert 0.18 < partial / bones.count() < 0.32
    assert Sample.objects.filter(kind="personal_effect").count() >= 5


def test_an_unassociated_body_part_carries_the_dna_of_a_body(izium_demo: Any) -> None:
    loose = Profile.objects.filter(sample__remains__kind="body_part", sample__remains__body=None)
    bodies = Profile.objects.filter(sample__remains__kind="body")
    full = {tuple(sorted((m, tuple(a)) for m, a in p.genotype.items())) for p in bodies}

    def compatible(part: dict[str, list[str]]) -> bool:
        return any(
            all(
                sorted(a) == sorted(dict(b)[m]) or (len(a) == 1 and a[0] in dict(b)[m])
                for m, a in part.items()
                if m in dict(b)
            )
            and len(set(part) & set(dict(b))) >= 8
            for b in full
        )

    assert sum(compatible(p.genotype) for p in loose) >= 1


def test_the_demo_shows_dna_to_staff_with_the_permission(izium_demo: Any, client: Client) -> None:
    user = User.objects.create_user("lab-demo", password="not-a-real-password")
    user.groups.add(Group.objects.get(name="board"))  # sees genotypes in full
    client.force_login(user)
    family = Family.objects.filter(site__slug="izium").first()
    assert family is not None
    html = client.get(f"/staff/dna/families/{family.pk}/").content.decode()
    assert (
        "<svg" in html
        and "synthetic" in client.get("/staff/dna/sites/izium/samples/").content.decode()
    )
    sample = Sample.objects.filter(remains__isnull=False).first()
    assert sample is not None
    assert (
        'data-step="stored"' in client.get(f"/staff/dna/samples/{sample.barcode}/").content.decode()
    )


def test_every_reference_sample_has_a_plausible_consent(izium_demo: Any) -> None:
    from exhume.dna.models import Consent

    references = Sample.objects.filter(donor__isnull=False)
    consents = Consent.objects.filter(sample__in=references)
    assert consents.count() == references.count()
    scopes = Counter(consents.values_list("scope", flat=True))
    assert set(scopes) == {"case", "national", "international"}
    assert scopes["national"] > scopes["international"] > scopes["case"] > 0
    assert 0 < consents.filter(retention="destroy").count() < consents.count() / 2
