"""Every staff list exports CSV and XLSX of exactly what the account's role may see: the same
policy and the same queries as the page (a role refused the page is refused the export; no
value of a kind the role does not see in full is in the file)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoDbBlocker

from exhume.core.exports import cell, csv_bytes, xlsx_bytes
from tests.access.matrix import ANONYMOUS, leaks, make_users, refused, role_column
from tests.web.builders import PERSONAL, SLUG, build_sites

#: every staff list page, by URL name and keyword arguments
LISTS = [
    ("casework:index", {}),
    ("casework:graves", {"slug": SLUG}),
    ("casework:journal", {"slug": SLUG}),
    ("casework:remains", {"slug": SLUG}),
    ("families:missing", {}),
    ("dna:samples", {"slug": SLUG}),
    ("dna:families", {"slug": SLUG}),
    ("dna:consents", {"slug": SLUG}),
    ("identification:board", {"slug": SLUG}),
    ("portal:reports", {}),
]


@pytest.fixture(scope="module")
def users(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[dict[str, Any]]:
    with django_db_blocker.unblock(), transaction.atomic():
        build_sites()
        yield make_users()
        transaction.set_rollback(True)


def text_of(response: Any, fmt: str) -> str:
    """The exported file's cells as text (an XLSX read back with openpyxl)."""
    if fmt == "csv":
        return response.content.decode("utf-8-sig")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    return "\n".join(",".join(str(c) for c in row if c is not None) for row in sheet.values)


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_is_refused_with_its_page_and_leaks_nothing(
    users: dict[str, Any], db: None, fmt: str
) -> None:
    wrong = []
    for column, user in users.items():
        client, role = client_for(user), role_column(user)
        for name, kwargs in LISTS:
            url = reverse(name, kwargs=kwargs)
            page = client.get(url)
            export = client.get(url, {"format": fmt})
            anonymous = column == ANONYMOUS
            if refused(page, anonymous) != refused(export, anonymous):
                wrong.append(
                    f"{column} {url}: page {page.status_code}, export {export.status_code}"
                )
                continue
            if refused(export, anonymous):
                continue
            assert export.status_code == 200, (column, url, export.status_code)
            assert export["Content-Disposition"].endswith(f'.{fmt}"')
            wrong += [f"{column} {url}?format={fmt}: leaks {leak}"
                      for leak in leaks(role, text_of(export, fmt))]  # fmt: skip
    assert wrong == [], "\n".join(wrong)


def test_the_board_exports_the_journal_with_its_names(users: dict[str, Any], db: None) -> None:
    answer = client_for(users["board"]).get(f"/staff/sites/{SLUG}/journal/", {"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert PERSONAL["journal_name"] in {r["name_as_written"] for r in rows}
    assert answer.content.startswith("\ufeff".encode())  # spreadsheet programs read Cyrillic


def test_the_field_team_may_not_export_names(users: dict[str, Any], db: None) -> None:
    client = client_for(users["field"])
    assert client.get(f"/staff/sites/{SLUG}/journal/", {"format": "xlsx"}).status_code == 403
    remains = client.get(f"/staff/sites/{SLUG}/remains/", {"format": "csv"})
    body = remains.content.decode("utf-8-sig")
    assert PERSONAL["case_prefix"] in body and PERSONAL["journal_name"] not in body


def test_the_laboratory_exports_remains_coded(users: dict[str, Any], db: None) -> None:
    answer = client_for(users["lab"]).get(f"/staff/sites/{SLUG}/remains/", {"format": "xlsx"})
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(answer.content)).worksheets[0]
    header = [c.value for c in sheet[1]]
    assert "code" in header and "case_number" not in header and "grave" not in header
    assert PERSONAL["case_prefix"] not in text_of(answer, "xlsx")


def test_an_export_keeps_the_pages_filters(users: dict[str, Any], db: None) -> None:
    client = client_for(users["morgue"])
    rows = csv.DictReader(io.StringIO(client.get(
        f"/staff/sites/{SLUG}/remains/", {"format": "csv", "sex": "female"}
    ).content.decode("utf-8-sig")))  # fmt: skip
    assert {r["sex"] for r in rows} == {"female"}


def test_cells_that_a_spreadsheet_would_run_are_written_as_text() -> None:
    assert cell('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert cell("-1") == "'-1" and cell(-1.5) == -1.5 and cell(None) is None
    assert cell(["bound_hands", "burns"]) == "bound_hands|burns"
    rows = [{"name": "=1+1", "n": 3}]
    assert csv_bytes(rows).decode("utf-8-sig") == "name,n\r\n'=1+1,3\r\n"
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx_bytes(rows, title="t"))).worksheets[0]
    assert sheet["A2"].value == "'=1+1" and sheet["A2"].data_type == "s"
