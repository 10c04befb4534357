"""The access policy as a matrix: every URL pattern and API route x every role (0 leaks)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client
from pytest_django import DjangoDbBlocker

from exhume.access.coding import code_for
from exhume.access.endpoints import ENDPOINTS, MODEL_DATA, rule_for
from exhume.casework.models import Remains
from exhume.families.models import MissingPerson
from tests.access.matrix import (
    ANONYMOUS,
    ask,
    endpoints,
    expected_allowed,
    leaks,
    make_users,
    missing_rules,
    refused,
    role_column,
    url_for,
)
from tests.web.builders import SLUG, build_sites

#: Sample values for URL parameters, by name or by "url_name.parameter".
SAMPLES = {
    "slug": SLUG,
    "label": "lisova-1",
    "name": "checkpoint.txt",
    "app_label": "casework",
    "content_type_id": "1",
    "object_id": "1",
    "url": "nothing-here/",
    "pk": "999999",
    "barcode": "NO-SUCH-BARCODE",
    "family_id": "999999",
    "proposal_id": "999999",
    "run_id": "999999",
    "step": "review",
    "what": "notification",
    "record_id": "999999",
    "kind": "remains",
    "grave_id": "999999",
    "variant": "thumb",
}
#: Query strings some endpoints need to answer at all.
QUERIES = {
    "admin:autocomplete": {
        "app_label": "casework",
        "model_name": "remains",
        "field_name": "body",
        "term": "",
    },
}
#: Pages the policy lets through but the view itself refuses for everyone (nothing is ever
#: deleted; read-only admins have no "add").
VIEW_REFUSES = ("_delete", "_add", "_password_change")


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[dict[str, Any]]:
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_sites()
        users = make_users()
        person = MissingPerson.objects.get()
        from exhume.portal.actions import submit_report

        sent = submit_report(language="uk", reporter_name="Portal reporter",
                                reporter_contact="Portalcontact-7731",
                                family_name="Portalfamily-5519")  # fmt: skip
        proposal = _proposal(built.first, person)
        sample = _bone_sample(built.first)
        samples = {
            **SAMPLES,
            "casework:remains_detail.pk": str(built.first.pk),
            "remains_id": str(built.first.pk),
            "families:missing_detail.pk": str(person.pk),
            "person_id": str(person.pk),
            "id": str(users["field"].pk),
            "token": sent.token,  # the family's status link: public, and it must leak nothing
            "report_id": str(sent.report.pk),
            "portal:report_detail.pk": str(sent.report.pk),
            # a candidate naming the sentinel person and remains: coded for the laboratory,
            # not found for family liaison (not identified)
            "identification:proposal.pk": str(proposal.pk),
            "identification:report.pk": str(proposal.pk),
            "proposal_id": str(proposal.pk),
            "run_id": str(proposal.run_id),
            # a typed bone whose barcode carries the sentinel case number: coded for the lab
            "code": code_for("dna.sample", sample.pk),
        }
        yield {"users": users, "samples": samples}
        transaction.set_rollback(True)


def _bone_sample(remains: Remains) -> Any:
    """A typed sample of the sentinel remains, its barcode their case number."""
    import datetime as dt

    from exhume.audit.events import Actor
    from exhume.dna.actions import record_profile, take_sample

    system = Actor.system("matrix")
    sample = take_sample(system, barcode=f"B-{remains.case_number}", kind="bone",
                         remains=remains, collected_by="matrix",
                         collected_on=dt.date(2022, 10, 1))  # fmt: skip
    record_profile(system, sample=sample, genotype={"TH01": ["6", "9.3"]}, lab="matrix lab")
    return sample


def _proposal(remains: Remains, person: MissingPerson) -> Any:
    """A proposal written inside the fixture's transaction (the durable actions cannot be)."""
    from django.utils import timezone

    from exhume.audit.events import Actor
    from exhume.audit.writes import create
    from exhume.evidence.policy import load_policy
    from exhume.identification.actions import PairEvidence, _adopt, _propose
    from exhume.identification.models import IdentificationRun
    from tests.identification.conftest import assessment

    system = Actor.system("matrix")
    policy = _adopt(system, load_policy(), "matrix")
    run = create(IdentificationRun, system, {
        "site": remains.site, "started_at": timezone.now(), "run_by": "matrix", "policy": policy,
        "parameters": {"matrix": True}, "engine_version": "test", "inputs_sha256": "0" * 64,
        "summary": {"matrix": True},
    })  # fmt: skip
    made = _propose(run, system, PairEvidence(remains, person, assessment()))
    assert made is not None, "the sentinel remains and person must be of compatible sex"
    return made


def test_every_url_has_an_entry_in_the_access_policy() -> None:
    assert missing_rules() == [], "\n".join(missing_rules())


def test_every_model_has_a_kind_of_data() -> None:
    from django.apps import apps

    labels = {f"{m._meta.app_label}.{m._meta.model_name}" for m in apps.get_models()}
    missing = sorted(labels - set(MODEL_DATA))
    assert missing == [], (
        f"models without an entry in MODEL_DATA (src/exhume/access/endpoints.py): {missing}"
    )


def test_a_new_endpoint_without_an_entry_fails_naming_where_to_add_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delitem(ENDPOINTS, "api:graves")
    [problem] = missing_rules()
    assert "'api:graves' has no entry in the access policy" in problem
    assert '"api:graves": Rule(Data.<KIND>), to ENDPOINTS in src/exhume/access/endpoints.py' in (
        problem
    )


def test_the_registry_lists_no_url_that_does_not_exist() -> None:
    names = {e.name for e in endpoints()}
    assert sorted(set(ENDPOINTS) - names) == []


@pytest.mark.slow
def test_every_role_gets_exactly_what_the_policy_allows_and_no_sentinel_leaks(
    world: dict[str, Any], db: None
) -> None:
    wrong: list[str] = []
    for column, user in world["users"].items():
        client = Client()
        if user is not None:
            client.force_login(user)
        role = role_column(user)
        for endpoint in endpoints():
            url = url_for(endpoint, world["samples"])
            query = QUERIES.get(endpoint.name, {})
            response = ask(client, url, query)
            allowed = expected_allowed(role, endpoint, query)
            got_refused = refused(response, anonymous=column == ANONYMOUS)
            if not allowed and not got_refused:
                wrong.append(f"{column} GET {url}: {response.status_code}, policy refuses")
            elif allowed and got_refused and not endpoint.name.endswith(VIEW_REFUSES):
                wrong.append(f"{column} GET {url}: {response.status_code}, policy allows")
            for leak in leaks(role, response.content.decode(errors="replace")):
                wrong.append(f"{column} GET {url}: leaks {leak}")
    assert wrong == [], "\n".join(wrong)


def test_the_matrix_catches_a_restricted_field_added_for_the_wrong_role(
    world: dict[str, Any], db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A developer adds the journal name to the remains JSON: the field team must not see it."""
    from exhume.casework import api

    plain = api._row

    def with_name(instance: Any) -> dict[str, Any]:
        row = plain(instance)
        if isinstance(instance, Remains):
            entry = instance.site.journal_entries.first()
            row["journal_name"] = entry.name_as_written if entry else ""
        return row

    monkeypatch.setattr(api, "_row", with_name)
    client = Client()
    field: User = world["users"]["field"]
    client.force_login(field)
    body = ask(client, f"/api/staff/sites/{SLUG}/remains", {}).content.decode()
    assert leaks("field", body) == ["'Ґалаґан Мирослава Тарасівна' (journal_names)"]
    assert leaks("board", body) == []


def test_the_laboratory_sees_remains_coded(world: dict[str, Any], db: None) -> None:
    client = Client()
    client.force_login(world["users"]["lab"])
    rows = ask(client, f"/api/staff/sites/{SLUG}/remains", {}).json()
    assert len(rows) == 17
    assert set(rows[0]) == {
        "id", "code", "kind", "sex", "age_class", "age_min", "age_max",
        "kind_label", "sex_label", "age_class_label",
    }  # fmt: skip
    assert rows[0]["code"].startswith("X-") and len(rows[0]["code"]) == 12
    html = ask(client, f"/staff/remains/{rows[0]['id']}/", {}).content.decode()
    assert rows[0]["code"] in html and "LP-2022-" not in html


def test_admin_model_pages_follow_the_models_kind() -> None:
    rule = rule_for("admin:casework_burialjournalentry_changelist")
    assert (rule.data.value, rule.edit) == ("journal_names", False)
    assert rule_for("admin:families_missingperson_add").edit is True
