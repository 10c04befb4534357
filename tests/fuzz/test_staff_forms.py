"""Hostile input in every staff HTML form, found from the URL configuration.

Every named page under ``/admin/`` and ``/staff/`` (and the public portal's) is asked as an
administrator; every ``<form method="post">`` it shows is filled with its own values, then
posted with each hostile text in every text field at once, with an absurd date in every date
field, and as a body that is not UTF-8. Never a 500; a form that is refused answers 4xx with the
field named (an error list); a hostile value accepted is never shown unescaped. A new page with
a form is covered without touching this file (it needs a sample for a new URL parameter only,
in ``SAMPLES`` below).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client

from tests.access.matrix import Endpoint, endpoints, url_for
from tests.web.builders import SLUG, Built

SCRIPT = "<script>alert(1)</script>"
HOSTILE_TEXT = {
    "html": f'X {SCRIPT}<img src=x onerror=alert(2)>"',
    "sql": "X'); DROP TABLE casework_site; --",
    "control": "X\x07\x1b[31m\u202e",
    "null": "X\x00",
    "long": "Ї" * 5_000,
}
ABSURD_DATE = "99999-02-30"
#: Pages that are not forms to fill: logging out, deleting (nothing is ever deleted), passwords.
SKIP = ("logout", "_delete", "password", "autocomplete", "jsi18n", "language")
TEXT_TYPES = {"text", "email", "url", "search", "tel", "number", "date", "datetime-local", None}
SAMPLES = {
    "slug": SLUG,
    "label": "lisova-1",
    "name": "checkpoint.txt",
    "app_label": "casework",
    "pk": "1",
    "barcode": "NO-SUCH-BARCODE",
    "family_id": "1",
    "proposal_id": "1",
    "run_id": "1",
    "step": "review",
    "what": "notification",
    "record_id": "1",
    "kind": "remains",
    "grave_id": "1",
    "remains_id": "1",
    "person_id": "1",
    "report_id": "1",
    "variant": "thumb",
    "token": "no-such-token",
    "code": "NO-SUCH-CODE",
    "id": "1",
    "content_type_id": "1",
    "object_id": "1",
    "url": "nothing-here/",
}


@dataclass
class Form:
    action: str
    fields: dict[str, str] = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)  # fields a person types into
    dates: list[str] = field(default_factory=list)
    files: bool = False


class FormParser(HTMLParser):
    """The ``method="post"`` forms of a page: each field's current value, and which are text."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self.form = Form(a.get("action") or "")
            self.forms.append(self.form)
        if self.form is None or not a.get("name"):
            return
        name = a["name"] or ""
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind == "file":
                self.form.files = True
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.form.fields[name] = a.get("value") or "on"
            elif kind not in ("submit", "button", "image", "reset"):
                self.form.fields[name] = a.get("value") or ""
                if kind in TEXT_TYPES and name != "csrfmiddlewaretoken":
                    self.form.texts.append(name)
                if kind == "date" or "vDateField" in (a.get("class") or ""):
                    self.form.dates.append(name)
        elif tag == "textarea":
            self.textarea = name
            self.form.fields[name] = ""
            self.form.texts.append(name)
        elif tag == "select":
            self.select = name
        elif tag == "option" and self.select is not None:
            value = a.get("value") or ""
            if "selected" in a or (value and self.select not in self.form.fields):
                self.form.fields[self.select] = value

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.form is not None and self.textarea is not None:
            self.form.fields[self.textarea] += data


def staff_pages(samples: dict[str, str]) -> list[tuple[Endpoint, str]]:
    """Every page of the URL configuration (the API aside), with a URL to ask."""
    pages = []
    for endpoint in endpoints():
        if endpoint.name.startswith("api:") or any(s in endpoint.name for s in SKIP):
            continue
        try:
            url = url_for(endpoint, samples)
        except KeyError:
            continue
        if url is not None:
            pages.append((endpoint, url))
    return pages


@pytest.fixture
def world(built: Built) -> tuple[Client, dict[str, str]]:
    """An administrator, and records for the pages that need them: a typed bone sample (its
    custody and consent pages) and a family's report through the portal."""
    from exhume.portal.actions import submit_report
    from tests.access.test_matrix import _bone_sample

    sample = _bone_sample(built.first)
    sent = submit_report(language="uk", reporter_name="Fuzz reporter", reporter_contact="x",
                         family_name="Fuzzfamily")  # fmt: skip
    samples = {**SAMPLES, "barcode": sample.barcode, "token": sent.token,
               "report_id": str(sent.report.pk), "remains_id": str(built.first.pk),
               "portal:report_detail.pk": str(sent.report.pk)}  # fmt: skip
    client = Client()
    client.force_login(User.objects.create_superuser("fuzz-forms", "", "x"))
    return client, samples


def forms_of(client: Client, samples: dict[str, str]) -> list[tuple[str, str, Form]]:
    found = []
    for endpoint, url in staff_pages(samples):
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        parser = FormParser()
        parser.feed(response.content.decode(errors="replace"))
        for form in parser.forms:
            if form.texts or form.dates:
                found.append((endpoint.name, form.action or url, form))
    return found


def check_answer(
    name: str, response: Any, fields: Sequence[str] = (), *, followed: bool = False
) -> str | None:
    """What is wrong with the answer to a hostile post (or the page it redirected to), or
    None."""
    body = response.content.decode(errors="replace")
    if response.status_code >= 500:
        return f"{name}: {response.status_code}"
    if SCRIPT in body or "<img src=x" in body:
        return f"{name}: hostile markup shown unescaped"
    if followed or response.status_code in (301, 302, 303):
        return None
    if not 400 <= response.status_code < 500:
        return f"{name}: refused with {response.status_code}, not a 4xx"
    if "errorlist" not in body and not any(f in body for f in fields):
        return f"{name}: refused without naming a field"
    return None


def test_every_staff_form_refuses_or_escapes_hostile_input(
    world: tuple[Client, dict[str, str]],
) -> None:
    client, samples = world
    forms = forms_of(client, samples)
    assert len(forms) >= 15, [f[0] for f in forms]  # the admin's add and change forms at least
    problems: list[str] = []
    for name, action, form in forms:
        posts: list[tuple[str, dict[str, str]]] = [
            (f"{name} [{kind}]", {**form.fields, **dict.fromkeys(form.texts, text)})
            for kind, text in HOSTILE_TEXT.items()
        ]
        if form.dates:
            absurd = {**form.fields, **dict.fromkeys(form.dates, ABSURD_DATE)}
            posts.append((f"{name} [date]", absurd))
        for label, data in posts:
            with transaction.atomic():
                try:
                    response = client.post(action, data)
                except RuntimeError as exc:  # accepted, by an action that must own its
                    if "durable" not in str(exc):  # transaction: the test's holds it
                        raise
                    transaction.set_rollback(True)
                    continue
                problem = check_answer(label, response, form.texts)
                if response.status_code in (301, 302, 303):
                    followed = client.get(response["Location"])
                    problem = problem or check_answer(label, followed, followed=True)
                transaction.set_rollback(True)
            if problem:
                problems.append(problem)
        raw = b"&".join(f"{k}=%FF%FE".encode() for k in form.texts)
        with transaction.atomic():
            try:
                response = client.post(
                    action, raw, content_type="application/x-www-form-urlencoded"
                )
            except RuntimeError as exc:
                if "durable" not in str(exc):
                    raise
            else:
                if response.status_code >= 500:
                    problems.append(f"{name} [invalid UTF-8]: {response.status_code}")
            transaction.set_rollback(True)
    assert problems == [], "\n".join(problems)
