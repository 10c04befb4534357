"""Read a table file (CSV or XLSX) into rows of text, refusing what cannot be read safely.

CSV: UTF-8 with or without a byte-order mark; comma or semicolon separated (the header line
decides). A file that is not UTF-8 but reads as Windows-1251 (the Cyrillic encoding of older
Windows spreadsheets) is refused with a message saying so, unless that encoding is declared.
XLSX (openpyxl): the first sheet; merged cells and formulas are refused naming the cell, since
neither says plainly what was written. Row numbers are the file's own (the header is row 1).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from exhume.errors import InvalidInputError

__all__ = ["Table", "read_table"]

_CYRILLIC = re.compile(r"[\u0400-\u04FF]")


@dataclass(frozen=True)
class Table:
    """A table's header, its rows (``(row number, {column: text})``), file name and hash."""

    name: str
    sha256: str
    header: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, str]], ...]


def read_table(path: Path | str, *, encoding: str | None = None) -> Table:
    """Read ``path`` (``.csv`` or ``.xlsx``); ``encoding`` declares a CSV's encoding."""
    path = Path(path)
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if path.suffix.lower() == ".xlsx":
        header, rows = _xlsx(path.name, raw)
    elif path.suffix.lower() in (".csv", ".txt"):
        header, rows = _csv(path.name, _decode(path.name, raw, encoding))
    else:
        raise InvalidInputError(_("%(name)s: give a .csv or .xlsx file") % {"name": path.name})
    return Table(name=path.name, sha256=digest, header=header, rows=rows)


def _decode(name: str, raw: bytes, encoding: str | None) -> str:
    if encoding:
        try:
            return raw.decode(encoding).lstrip("\ufeff")
        except (LookupError, UnicodeDecodeError) as exc:
            raise InvalidInputError(
                _("%(name)s cannot be read as %(encoding)s: %(error)s")
                % {"name": name, "encoding": encoding, "error": exc}
            ) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        guess = raw.decode("cp1251", errors="replace")
        if _CYRILLIC.search(guess):
            raise InvalidInputError(
                _(
                    "%(name)s is not UTF-8: it looks like Windows-1251 (Cyrillic text from an "
                    "older Windows program). Save it as 'CSV UTF-8', or declare the encoding "
                    "with --encoding cp1251"
                )
                % {"name": name}
            ) from None
        raise InvalidInputError(
            _("%(name)s is not UTF-8 text (byte %(byte)s); declare its encoding with --encoding")
            % {"name": name, "byte": exc.start}
        ) from None


def _csv(name: str, text: str) -> tuple[tuple[str, ...], tuple[tuple[int, dict[str, str]], ...]]:
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    lines = list(reader)
    if not lines:
        raise InvalidInputError(
            _("%(name)s is empty: the first row must name the columns") % {"name": name}
        )
    header = tuple(h.strip() for h in lines[0])
    rows = []
    for number, cells in enumerate(lines[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header):
            raise InvalidInputError(
                _(
                    "%(name)s: row %(row)s has %(cells)s cells but the header names "
                    "%(columns)s columns"
                )
                % {"name": name, "row": number, "cells": len(cells), "columns": len(header)},
                row=number,
            )
        rows.append(
            (
                number,
                {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header)},
            )
        )
    return header, tuple(rows)


def _xlsx(name: str, raw: bytes) -> tuple[tuple[str, ...], tuple[tuple[int, dict[str, str]], ...]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(raw), data_only=False, read_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise InvalidInputError(
            _("%(name)s is not a readable XLSX workbook: %(error)s") % {"name": name, "error": exc}
        ) from None
    sheet = book.worksheets[0]
    merged = sorted(str(r) for r in sheet.merged_cells.ranges)
    if merged:
        raise InvalidInputError(
            _(
                "%(name)s: merged cells %(cells)s (sheet '%(sheet)s'); unmerge them and write the "
                "value in every cell"
            )
            % {"name": name, "cells": merged[0], "sheet": sheet.title}
        )
    grid = []
    for row in sheet.iter_rows():
        values = []
        for cell in row:
            if cell.data_type == "f":
                raise InvalidInputError(
                    _(
                        "%(name)s: cell %(cell)s holds a formula (%(formula)s); paste the "
                        "values instead"
                    )
                    % {"name": name, "cell": cell.coordinate, "formula": cell.value}
                )
            values.append(_cell_text(cell.value))
        grid.append(values)
    if not grid:
        raise InvalidInputError(
            _("%(name)s is empty: the first row must name the columns") % {"name": name}
        )
    header = tuple(h.strip() for h in grid[0])
    rows = tuple(
        (number, {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header) if h})
        for number, cells in enumerate(grid[1:], start=2)
        if any(c for c in cells)
    )
    return tuple(h for h in header if h), rows


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
