"""The import action: every row of a table written, or none, with one batch record logged.

:func:`do_import` reads every row, writes each through the kind's action (creating a record,
correcting one whose content changed, leaving an unchanged one alone) inside one durable
transaction, and collects every bad row: row number, column, value and reason. If any row is
bad, or for a dry run, the transaction is rolled back: nothing is written. Otherwise one
:class:`ImportBatch` is recorded (kind, site, file name, counts), whose log entry gives the
file's SHA-256 as its reason; corrections give the same reason. The log's reasons are public,
so they name the file by its hash only. Importing the same file again changes no record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from exhume.audit.events import Actor, append_event
from exhume.audit.writes import full_clean
from exhume.casework.models import Site
from exhume.errors import InvalidInputError
from exhume.imports.kinds import KINDS, Kind, parse_row
from exhume.imports.models import ImportBatch
from exhume.imports.tables import Table


@dataclass(frozen=True)
class RowProblem:
    """A bad row: its number in the file, the column, the value as written and why."""

    row: int
    column: str
    value: str
    reason: str

    def line(self) -> str:
        """The problem as the command line and the upload page print it."""
        return _("row %(row)s, column %(column)s, value %(value)s: %(reason)s") % {
            "row": self.row,
            "column": self.column,
            "value": repr(self.value),
            "reason": self.reason,
        }


@dataclass
class ImportReport:
    """What an import did (or, for a dry run or a bad file, would have done)."""

    kind: str
    file: str
    sha256: str
    rows: int = 0
    created: int = 0
    corrected: int = 0
    unchanged: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    dry_run: bool = False
    batch_id: int | None = None

    @property
    def written(self) -> bool:
        return self.batch_id is not None


class _RollBack(Exception):
    """Leave the transaction without writing anything."""


def check_header(kind: Kind, table: Table) -> list[RowProblem]:
    """Unknown columns and missing required columns, as problems of row 1 (the header)."""
    out = [
        RowProblem(
            1,
            c,
            c,
            _("unknown column; the columns are %(columns)s") % {"columns": ", ".join(kind.columns)},
        )
        for c in table.header
        if c not in kind.columns
    ]
    out += [RowProblem(1, c, "", _("required column is missing")) for c in kind.required
            if c not in table.header]  # fmt: skip
    return out


def do_import(
    actor: Actor, *, kind: str, table: Table, site: Site, dry_run: bool = False
) -> ImportReport:
    """Import ``table`` as records of ``kind`` at ``site`` (see the module docstring)."""
    spec = KINDS[kind]
    report = ImportReport(
        kind=kind, file=table.name, sha256=table.sha256, rows=len(table.rows), dry_run=dry_run
    )
    report.problems = check_header(spec, table)
    if report.problems:
        return report
    # The log entry's reason is public: it names the file by its hash, never by its name.
    reason = f"{kind} import of the file with sha256 {table.sha256}"
    authority = f"file import by {actor.username}"
    try:
        with transaction.atomic(durable=True):
            seen: dict[tuple[Any, ...], int] = {}
            for number, row in table.rows:
                _import_row(spec, site, actor, number, row, seen, report, reason, authority)
            if report.problems or dry_run:
                raise _RollBack
            batch = ImportBatch(
                kind=kind,
                site=site,
                filename=table.name,
                sha256=table.sha256,
                rows=report.rows,
                created=report.created,
                corrected=report.corrected,
                unchanged=report.unchanged,
            )
            full_clean(batch)
            batch.save()
            append_event(batch, action="create", actor=actor, reason=reason)
            report.batch_id = batch.pk
    except _RollBack:
        pass
    return report


def _import_row(
    spec: Kind,
    site: Site,
    actor: Actor,
    number: int,
    row: dict[str, str],
    seen: dict[tuple[Any, ...], int],
    report: ImportReport,
    reason: str,
    authority: str,
) -> None:
    values, problems = parse_row(spec, row)
    report.problems += [RowProblem(number, c, v, why) for c, v, why in problems]
    if problems:
        return
    key = tuple(values.get(k) for k in spec.key)
    if key in seen:
        report.problems.append(
            RowProblem(
                number,
                spec.key[0],
                row.get(spec.key[0], ""),
                _("the same record as row %(row)s") % {"row": seen[key]},
            )
        )
        return
    seen[key] = number
    try:
        with transaction.atomic():
            fields = spec.resolve(site, values)
            existing = spec.find(site, values)
            if existing is None:
                spec.create(actor, site, fields)
                report.created += 1
                return
            changes = {k: v for k, v in fields.items() if _differs(existing, k, v)}
            if not changes:
                report.unchanged += 1
                return
            spec.correct(actor, existing, reason, authority, changes)
            report.corrected += 1
    except InvalidInputError as exc:
        column = exc.field if exc.field in row else (exc.field or "")
        report.problems.append(RowProblem(number, column, row.get(column, ""), exc.message))


def _differs(record: models.Model, name: str, value: Any) -> bool:
    """Whether a field of ``record`` differs from ``value`` (a name that is no field of the
    record, such as a relative's ``other_parent``, only helped to place it: never a change)."""
    if not any(f.name == name for f in record._meta.concrete_fields):
        return False
    current = getattr(record, name)
    if isinstance(current, models.Model) or isinstance(value, models.Model):
        return getattr(current, "pk", None) != getattr(value, "pk", None)
    return bool(current != value)


@dataclass(frozen=True)
class Disagreement:
    """Two transcriptions of the same journal line that differ (or a line only one has)."""

    page: str
    line: str
    column: str
    first: str
    second: str


def compare_keyings(first: Table, second: Table) -> list[Disagreement]:
    """Every difference between two independent transcriptions of the burial journal, line
    by line (matched on page and line), column by column; whitespace runs count as one space."""

    def lines(table: Table) -> dict[tuple[str, str], dict[str, str]]:
        return {(r.get("page", "").strip(), r.get("line", "").strip()): r for _, r in table.rows}

    a, b = lines(first), lines(second)
    columns = [c for c in KINDS["journal"].columns if c not in ("page", "line")]
    out = []
    for page, line in sorted(set(a) | set(b), key=_line_order):
        ra, rb = a.get((page, line)), b.get((page, line))
        if ra is None or rb is None:
            out.append(
                Disagreement(
                    page,
                    line,
                    "(line)",
                    "present" if ra else "missing",
                    "present" if rb else "missing",
                )
            )
            continue
        for column in columns:
            va, vb = " ".join(ra.get(column, "").split()), " ".join(rb.get(column, "").split())
            if va != vb:
                out.append(Disagreement(page, line, column, va, vb))
    return out


def _line_order(key: tuple[str, str]) -> tuple[int, int, str, str]:
    page, line = key
    return (
        int(page) if page.isdigit() else 10**9,
        int(line) if line.isdigit() else 10**9,
        page,
        line,
    )
