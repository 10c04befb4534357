"""Compare the live database with its log: what was changed outside the application.

:func:`check_database` returns one message per problem, each naming the log entry (by seq) or
the record (``<record type> <id>``) at fault. It checks:

1. **the log table itself**: ``seq`` runs 0, 1, 2, ... without gap or repeat; every row's
   stored ``leaf`` equals ``entry_leaf`` of the entry its own fields describe; the leaves obey
   every format and history rule (:func:`exhume.ledger.audit_entries`); the log head's size
   equals the number of rows;
2. **the log against every release** (passed in by the caller, :mod:`exhume.publication`, which
   owns releases): each release's signed checkpoint verifies with a known
   log key, its tree size is at most the log's size and its root is the root of the first
   ``tree_size`` leaves, and its ``publish`` entry is the leaf at ``tree_size - 1``. So rows
   reordered, rewritten or deleted (truncation) before the latest release are detected even
   when the attacker also recomputed the leaves;
3. **every logged table against the log**: a model is logged when it has a ``version`` field
   (every such model is written only through actions). For each row the snapshot, committed
   with the salt of the record's latest entry, must equal that entry's commitment (else the
   row was UPDATEd outside the application; when the table's counting category differs from
   the logged one, the changed counting fields are named); a row with no entry was INSERTed
   outside the application; a record whose latest entry is not a ``retract`` and that has no
   row was DELETEd outside the application.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from django.apps import apps
from django.db import models

from exhume.audit.events import (
    commitment,
    entry_of_row,
    logged_names,
    logged_when_set,
    snapshot_values,
)
from exhume.audit.models import LogEntry, LogHead, SigningKey
from exhume.errors import ExhumeError, InvalidInputError
from exhume.ledger import leaf_hash, verify_checkpoint
from exhume.ledger.canonical import canonical_json_simple
from exhume.ledger.checkpoint import parse_checkpoint_body
from exhume.ledger.commitments import parse_entry_leaf
from exhume.ledger.keys import Verifier, parse_vkey
from exhume.ledger.log import HistoryAuditor
from exhume.ledger.merkle import MerkleTree
from exhume.ledger.note import parse_note

#: The record type of ``publish`` entries (set by :func:`exhume.ledger.build_release`).
RELEASE_TYPE = "release"
#: record type -> function giving a row's counting category (to name changed counting fields).
Categorisers = Mapping[str, Callable[[Any], dict[str, Any] | None]]


class Row(NamedTuple):
    """One log row, as read for checking (lighter than a model instance)."""

    pk: int
    seq: int
    record_type: str
    record_id: str
    version: int
    commitment: str
    action: str
    actor_role: str
    time: dt.datetime
    supersedes_id: int | None
    reason: str
    authority: str
    category: Any
    leaf: str
    salt: str
    entry_format: int
    reason_code: str
    note: str


@dataclass
class DatabaseReport:
    """What :func:`check_database` found; ``ok`` when ``problems`` is empty."""

    entries: int = 0
    records: int = 0
    releases: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form for ``exhume verify --db --json``."""
        return {
            "ok": self.ok,
            "entries": self.entries,
            "records": self.records,
            "releases": self.releases,
            "problems": list(self.problems),
        }


class SignedRelease(Protocol):
    """What the checks read of a release (a ``publication.Release`` row)."""

    @property
    def label(self) -> str: ...
    @property
    def tree_size(self) -> int: ...
    @property
    def root(self) -> str: ...
    @property
    def checkpoint(self) -> str: ...
    @property
    def path(self) -> Path: ...


def check_database(
    releases: Iterable[SignedRelease], categorisers: Categorisers | None = None
) -> DatabaseReport:
    """Every difference between the live database and its log and ``releases`` (every release
    ever published, oldest first), as the module docstring lists."""
    rows = log_rows()
    report = DatabaseReport(entries=len(rows))
    leaves = [row.leaf.encode() for row in rows]
    report.problems += check_log_rows(rows)
    report.problems += _check_head(len(rows))
    releases = list(releases)
    report.releases = len(releases)
    report.problems += check_releases(leaves, releases)
    latest = latest_rows(rows)
    for model in logged_models():
        report.records += model._default_manager.count()
        report.problems += check_table(model, latest, categorisers or {})
    report.problems += _check_unknown_types(latest, {r.label for r in releases})
    return report


def log_rows() -> list[Row]:
    """Every log row in seq order (only the fields the checks read)."""
    rows = LogEntry.objects.order_by("seq", "pk").values_list(*Row._fields)
    return [Row(*values) for values in rows.iterator(chunk_size=5000)]


def check_log_rows(rows: Iterable[Row]) -> list[str]:
    """Contiguous seq from 0; each stored leaf equal to the leaf of the row's fields; and every
    format and history rule on the stored leaves, exactly as :func:`exhume.ledger.audit_entries`
    states them (same rules, same messages).

    One pass: a stored leaf equal to ``entry_leaf`` of the row's validated entry *is* that
    entry, so only a leaf that differs is parsed again.
    """
    rows = list(rows)
    seq_of = {row.pk: row.seq for row in rows}
    auditor, problems = HistoryAuditor(), []
    for index, row in enumerate(rows):
        if row.seq != index:
            problems.append(
                f"log row {_name(row)} sits at position {index}: seq must run 0, 1, 2, ... "
                "without gaps or repeats (rows were deleted or inserted)"
            )
        leaf = row.leaf.encode()
        entry = _entry_of_fields(row, seq_of, leaf, problems)
        if entry is None:
            entry = _entry_of_leaf(leaf, index, problems)
        problem = auditor.feed(leaf, entry)
        if problem is not None:
            problems.append(problem)
    return problems


def _entry_of_fields(
    row: Row, seq_of: Mapping[int, int], leaf: bytes, problems: list[str]
) -> dict[str, Any] | None:
    """The row's entry when its stored leaf is exactly the leaf of its fields, else None."""
    supersedes = None if row.supersedes_id is None else seq_of.get(row.supersedes_id, -1)
    try:
        entry = entry_of_row(row, supersedes)  # validated by make_entry
    except ExhumeError as exc:
        problems.append(f"log row {_name(row)}: its fields are not a valid entry: {exc}")
        return None
    if canonical_json_simple(entry) == leaf:
        return entry
    problems.append(
        f"log row {_name(row)}: the stored leaf is not the leaf of the row's fields "
        "(the row or its leaf was edited)"
    )
    return None


def _entry_of_leaf(leaf: bytes, index: int, problems: list[str]) -> dict[str, Any] | None:
    try:
        return parse_entry_leaf(leaf, where=f"leaf {index}")
    except InvalidInputError as exc:
        problems.append(exc.message)
        return None


def check_releases(leaves: list[bytes], releases: Iterable[SignedRelease]) -> list[str]:
    """Each release's checkpoint: signed by a known key, and a prefix of the log as it is."""
    tree = MerkleTree()
    for leaf in leaves:
        tree.append(leaf_hash(leaf))
    keys = _verifiers()
    problems: list[str] = []
    for release in releases:
        problems += _check_release(release, tree, leaves, keys)
    return problems


def _check_release(
    release: SignedRelease, tree: MerkleTree, leaves: list[bytes], keys: list[Verifier]
) -> list[str]:
    name = f"release {release.label}"
    try:
        verify_checkpoint(release.checkpoint, keys)
        head = parse_checkpoint_body(parse_note(release.checkpoint).text)
    except ExhumeError as exc:
        return [f"{name}: its stored checkpoint does not verify: {exc.message}"]
    if head.size > tree.size:
        return [
            f"{name}: its signed checkpoint covers {head.size} entries but the log has only "
            f"{tree.size}: log entries {tree.size}..{head.size - 1} were deleted (truncated)"
        ]
    if tree.root(head.size) != head.root:
        return [
            f"{name}: the first {head.size} log entries no longer hash to its signed root "
            f"{head.root.hex()}: entries up to seq {head.size - 1} were changed, reordered or "
            "removed"
        ]
    if (head.size, head.root.hex()) != (release.tree_size, release.root):
        return [f"{name}: the Release row's tree size or root differs from its checkpoint"]
    publish = json.loads(leaves[head.size - 1]) if head.size else {}
    if (publish.get("action"), publish.get("record_id")) != ("publish", release.label):
        return [f"{name}: log entry {head.size - 1} is not its publish entry"]
    return _check_release_files(release)


def _check_release_files(release: SignedRelease) -> list[str]:
    """The bundle kept under the data folder still carries the checkpoint recorded."""
    path = release.path / "checkpoint.txt"
    if not path.is_file():
        return [f"release {release.label}: {path} is missing; restore the release files"]
    if path.read_text(encoding="utf-8") != release.checkpoint:
        return [f"release {release.label}: {path} is not the checkpoint recorded at publication"]
    return []


def _verifiers() -> list[Verifier]:
    return [parse_vkey(v) for v in SigningKey.objects.values_list("vkey", flat=True)]


def latest_rows(rows: Iterable[Row]) -> dict[tuple[str, str], Row]:
    """The latest log row of every (record type, record id)."""
    latest: dict[tuple[str, str], Row] = {}
    for row in rows:
        latest[(row.record_type, row.record_id)] = row
    return latest


def logged_models() -> list[type[models.Model]]:
    """Every model with a ``version`` field (the log itself aside): written only through
    actions, so logged."""
    return [
        m
        for m in apps.get_models()
        if m is not LogEntry and any(f.name == "version" for f in m._meta.concrete_fields)
    ]


def check_table(
    model: type[models.Model],
    latest: Mapping[tuple[str, str], Row],
    categorisers: Categorisers,
) -> list[str]:
    """UPDATEd, INSERTed and DELETEd rows of one logged table (module docstring, rule 3)."""
    record_type = f"{model._meta.app_label}.{model._meta.model_name}"
    categorise = categorisers.get(record_type)
    problems: list[str] = []
    seen: set[str] = set()
    for values in _rows(model):
        record_id = str(values[model._meta.pk.attname])
        seen.add(record_id)
        entry = latest.get((record_type, record_id))
        problems += _row_problem(f"{record_type} {record_id}", model, values, entry, categorise)
    for (kind, record_id), entry in latest.items():
        if kind == record_type and record_id not in seen and entry.action != "retract":
            problems.append(
                f"{record_type} {record_id} was DELETEd outside the application: the log has it "
                f"(latest entry seq {entry.seq}, v{entry.version}) but its table has no such row"
            )
    return problems


def _rows(model: type[models.Model]) -> Iterator[dict[str, Any]]:
    """Every row as ``{attname: value}``, the shape :func:`snapshot_values` reads."""
    names = [f.attname for f in model._meta.concrete_fields]
    return model._default_manager.order_by("pk").values(*names).iterator(chunk_size=2000)


def _row_problem(
    name: str,
    model: type[models.Model],
    values: dict[str, Any],
    entry: Row | None,
    categorise: Callable[[Any], dict[str, Any] | None] | None,
) -> list[str]:
    if entry is None:
        return [f"{name} was INSERTed outside the application: it has no log entry"]
    if entry.action == "retract":
        return [f"{name} exists but its latest log entry seq {entry.seq} retracts it"]
    opened = snapshot_values(values, logged_names(model), logged_when_set(model))
    if not entry.salt or commitment(opened, entry.salt) == entry.commitment:
        return []
    changed = _changed_counting_fields(entry.category, categorise, model(**values))
    return [
        f"{name} was changed outside the application: the row no longer opens the commitment "
        f"of its latest log entry seq {entry.seq} (v{entry.version}){changed}"
    ]


def _changed_counting_fields(
    logged: dict[str, Any] | None,
    categorise: Callable[[Any], dict[str, Any] | None] | None,
    instance: models.Model,
) -> str:
    if categorise is None or logged is None:
        return ""
    now = categorise(instance) or {}
    diffs = [
        f"{key}: logged {logged.get(key)!r}, table {now.get(key)!r}"
        for key in sorted(set(logged) | set(now))
        if logged.get(key) != now.get(key)
    ]
    return f"; counting fields changed: {', '.join(diffs)}" if diffs else ""


def _check_head(size: int) -> list[str]:
    head = LogHead.objects.filter(pk=1).first()
    recorded = head.size if head else 0
    if recorded != size:
        return [f"the log head says {recorded} entries but the log table holds {size} rows"]
    return []


def _check_unknown_types(latest: Mapping[tuple[str, str], Row], labels: set[str]) -> list[str]:
    known = {f"{m._meta.app_label}.{m._meta.model_name}" for m in logged_models()}
    problems = []
    for (kind, record_id), entry in latest.items():
        if kind == RELEASE_TYPE and record_id not in labels:
            problems.append(
                f"release {record_id} is in the log (entry seq {entry.seq}) but has no Release row"
            )
        elif kind != RELEASE_TYPE and kind not in known:
            problems.append(f"log entry seq {entry.seq} names record type {kind!r}, which no "
                            "logged table holds")  # fmt: skip
    return problems


def _name(row: Row) -> str:
    return f"seq {row.seq} ({row.record_type} {row.record_id} v{row.version})"
