"""Staff lists as spreadsheets: the rows a page shows, as CSV or XLSX.

A list page given ``?format=csv`` or ``?format=xlsx`` answers with a file of the rows its JSON
twin holds, read by the same query for the same account: the access policy has already let the
request through (or not), a coded role gets coded rows, a restricted record is left out. So an
export never holds more than the role may see on the page.

Cells: lists are written as their values separated by ``|`` (as the imports read them), other
nested values as JSON. A text that a spreadsheet would run as a formula (starting with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return) is written with a leading apostrophe.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models
from django.forms.models import model_to_dict
from django.http import HttpRequest, HttpResponse

#: format -> content type
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def requested_format(request: HttpRequest) -> str | None:
    """``csv`` or ``xlsx`` when the request asks for an export (``?format=``), else ``None``."""
    fmt = request.GET.get("format", "")
    return fmt if fmt in FORMATS else None


def record_row(instance: models.Model) -> dict[str, Any]:
    """A record as its JSON twin shows it: every field, foreign keys as ids, dates in ISO."""
    data = model_to_dict(instance)
    data["id"] = instance.pk
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}


def cell(value: Any) -> str | int | float | bool | None:
    """One value as a spreadsheet cell (see the module docstring)."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        text = "|".join(str(v) for v in value)
    elif isinstance(value, dict):
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    else:
        text = str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def table(rows: Iterable[Mapping[str, Any]]) -> tuple[list[str], list[list[Any]]]:
    """The header (every key, in first-seen order) and the cells of ``rows``."""
    rows = list(rows)
    header: list[str] = []
    for row in rows:
        header += [k for k in row if k not in header]
    return header, [[cell(row.get(k)) for k in header] for row in rows]


def csv_bytes(rows: Iterable[Mapping[str, Any]]) -> bytes:
    """UTF-8 with a byte-order mark (spreadsheet programs then read Cyrillic right)."""
    header, cells = table(rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(["" if v is None else v for v in r] for r in cells)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(rows: Iterable[Mapping[str, Any]], *, title: str) -> bytes:
    """One sheet: the header in bold, then the rows; every text cell is stored as text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    header, cells = table(rows)
    book = Workbook(write_only=False)
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append(header)
    for column in range(1, len(header) + 1):
        sheet.cell(row=1, column=column).font = Font(bold=True)
    for values in cells:
        sheet.append(values)
    for row in sheet.iter_rows(min_row=2):
        for item in row:
            if isinstance(item.value, str):
                item.data_type = "s"  # never a formula
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export(rows: Iterable[Mapping[str, Any]], *, name: str, fmt: str) -> HttpResponse:
    """The rows as a downloadable ``name.csv`` or ``name.xlsx``."""
    body = csv_bytes(rows) if fmt == "csv" else xlsx_bytes(rows, title=name)
    response = HttpResponse(body, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response
