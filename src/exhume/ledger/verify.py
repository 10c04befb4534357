"""Offline verification of a release bundle (format in :mod:`exhume.ledger.bundle`).

:func:`verify_release` never stops at the first failure: it returns a
:class:`VerificationReport` listing every problem, each naming the file, entry or record at
fault. It checks, in order:

1. which keys to trust: the ``trusted_keys`` given (vkeys; type 0x01 = log, 0x04 = witness),
   else the previous release's keys.json (key continuity), else the bundle's own keys.json
   (reported as a warning: that proves integrity, not who signed);
2. the checkpoint's signatures and the witness quorum;
3. every entry in proofs.json: a valid entry, ``seq`` equal to its leaf index, and an
   inclusion proof to the checkpoint root;
4. every records.json row: its entry is proven and matches (version, commitment, category);
   no record twice;
5. the manifest ``publish`` entry commits to exactly this summary.json and records.json;
6. the counts: the counting rule re-run on the committed categories equals summary.json;
7. every supersedes link shown: a category only changes through a ``correct`` (or
   ``retract``) entry, which carries a reason and an authority;
8. with a previous release: its checkpoint verifies, consistency.json proves the log only grew,
   and every record it listed is still listed, either unchanged or through a complete chain
   of proven entries back to the entry it listed.

What a bundle alone cannot show is that it lists each record's *latest* entry and every record
that counts: an auditor who holds the full log checks that with
:func:`verify_release_against_log`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exhume.errors import ExhumeError, VerificationError
from exhume.ledger.bundle import (
    CountingRule,
    ReleaseBundle,
    manifest_digest,
    read_release,
    record_row,
)
from exhume.ledger.canonical import canonical_json
from exhume.ledger.checkpoint import Checkpoint, parse_checkpoint_body, verify_checkpoint
from exhume.ledger.commitments import check_entry, describe_entry, entry_leaf, parse_entry_leaf
from exhume.ledger.keys import COSIGNATURE_V1, Verifier, parse_vkey
from exhume.ledger.merkle import (
    leaf_hash,
    root_from_leaf_hashes,
    verify_consistency,
    verify_inclusion,
)
from exhume.ledger.note import parse_note


@dataclass
class VerificationReport:
    """What :func:`verify_release` found. ``ok`` when ``problems`` is empty."""

    directory: str
    release: str | None = None
    tree_size: int | None = None
    records_checked: int = 0
    entries_checked: int = 0
    keys_from: str = ""
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form, for the CLI's ``--json`` and the API."""
        return {
            "directory": self.directory,
            "ok": self.ok,
            "release": self.release,
            "tree_size": self.tree_size,
            "records_checked": self.records_checked,
            "entries_checked": self.entries_checked,
            "keys_from": self.keys_from,
            "problems": list(self.problems),
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class _Keys:
    log: list[Verifier]
    witnesses: list[Verifier]


def verify_release(
    directory: Path,
    previous: Path | None = None,
    trusted_keys: Sequence[str] | None = None,
    *,
    count: CountingRule,
    quorum: int = 0,
) -> VerificationReport:
    """Verify the release in ``directory`` (and its link to ``previous``); see module docstring."""
    report = VerificationReport(str(directory))
    bundle = _read(directory, "release", report)
    before = _read(previous, "previous release", report) if previous else None
    if bundle is None:
        return report
    report.release = str(bundle.summary.get("release"))
    keys = _trusted_keys(bundle, before, trusted_keys, report)
    head = _check_checkpoint(bundle.checkpoint, keys, quorum, "checkpoint.txt", report)
    if head is None:
        return report
    report.tree_size = head.size
    proven: dict[int, dict[str, Any]] = {}
    _guard("proofs.json", lambda: proven.update(_check_proofs(bundle.proofs, head, report)), report)
    _guard("records.json", lambda: _check_records(bundle.records, proven, report), report)
    _guard("the manifest", lambda: _check_manifest(bundle, proven, head.size, report), report)
    _guard("the counts", lambda: _check_counts(bundle, proven, count, report), report)
    _guard("supersedes links", lambda: _check_links(proven, report), report)
    if before is not None:
        check = _check_previous
        _guard(
            "the previous release",
            lambda: check(bundle, before, head, proven, keys, report),
            report,
        )
    elif bundle.consistency is not None:
        report.warnings.append("consistency.json is present but no previous release was given")
    return report


def _guard(what: str, check: Callable[[], object], report: VerificationReport) -> None:
    """Run one check; a malformed file that breaks it becomes a problem, never a crash."""
    try:
        check()
    except (ExhumeError, KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        report.problems.append(f"could not check {what}: malformed data ({_reason(exc)})")


def _read(directory: Path, what: str, report: VerificationReport) -> ReleaseBundle | None:
    try:
        return read_release(directory)
    except ExhumeError as exc:
        report.problems.append(f"{what}: {exc.message}")
        return None


def _trusted_keys(
    bundle: ReleaseBundle,
    before: ReleaseBundle | None,
    trusted: Sequence[str] | None,
    report: VerificationReport,
) -> _Keys:
    if trusted is not None:
        vkeys, report.keys_from = list(trusted), "the trusted keys given"
    elif before is not None:
        vkeys, report.keys_from = _bundle_vkeys(before), "the previous release's keys.json"
    else:
        vkeys, report.keys_from = _bundle_vkeys(bundle), "this release's own keys.json"
        report.warnings.append(
            "no trusted keys were given: the bundle's own keys.json was used, which proves the "
            "release is intact, not who signed it; pass the published log key to prove that"
        )
    if report.keys_from != "this release's own keys.json" and set(vkeys) != set(
        _bundle_vkeys(bundle)
    ):
        report.warnings.append(
            f"keys.json lists {sorted(_bundle_vkeys(bundle))}, which differs from "
            f"{report.keys_from}; only the latter were trusted"
        )
    verifiers: list[Verifier] = []
    for vkey in vkeys:
        try:
            verifiers.append(parse_vkey(vkey))
        except ExhumeError as exc:
            report.problems.append(f"key {vkey!r} from {report.keys_from}: {exc.message}")
    return _Keys(
        log=[v for v in verifiers if v.sig_type != COSIGNATURE_V1],
        witnesses=[v for v in verifiers if v.sig_type == COSIGNATURE_V1],
    )


def _bundle_vkeys(bundle: ReleaseBundle) -> list[str]:
    """The vkeys listed in keys.json (lists under "log" and "witnesses"; anything else ignored)."""
    found: list[str] = []
    for group in ("log", "witnesses"):
        items = bundle.keys.get(group)
        found += [str(k) for k in items] if isinstance(items, list) else []
    return found


def _check_checkpoint(
    note: str, keys: _Keys, quorum: int, label: str, report: VerificationReport
) -> Checkpoint | None:
    """Verify signatures (a problem when they fail) and return the parsed tree head anyway."""
    try:
        verify_checkpoint(note, keys.log, keys.witnesses, quorum=quorum)
    except ExhumeError as exc:
        report.problems.append(f"{label}: {exc.message}")
    try:
        return parse_checkpoint_body(parse_note(note).text)
    except ExhumeError as exc:
        report.problems.append(f"{label}: {exc.message}")
        return None


def _check_proofs(
    proofs: Mapping[str, Any], head: Checkpoint, report: VerificationReport
) -> dict[int, dict[str, Any]]:
    """Entries of proofs.json whose inclusion in the checkpoint's tree is proven, by leaf."""
    if proofs.get("tree_size") != head.size:
        report.problems.append(
            f"proofs.json is for tree size {proofs.get('tree_size')}, "
            f"the checkpoint for {head.size}"
        )
    proven: dict[int, dict[str, Any]] = {}
    for position, item in enumerate(proofs.get("entries", [])):
        entry = _proven_entry(item, position, head, report)
        if entry is not None:
            proven[entry["seq"]] = entry
    report.entries_checked = len(proven)
    return proven


def _proven_entry(
    item: Any, position: int, head: Checkpoint, report: VerificationReport
) -> dict[str, Any] | None:
    where = f"proofs.json entries[{position}]"
    try:
        index, entry = item["leaf_index"], item["entry"]
        proof = [bytes.fromhex(h) for h in item["proof"]]
        check_entry(entry, where=f"{where} (leaf {index})")
    except (KeyError, TypeError, ValueError, ExhumeError) as exc:
        report.problems.append(f"{where}: malformed ({_reason(exc)})")
        return None
    if entry["seq"] != index:
        report.problems.append(
            f"{describe_entry(entry)} is presented as leaf {index}: entries were reordered"
        )
        return None
    try:
        verify_inclusion(leaf_hash(entry_leaf(entry)), index, head.size, proof, head.root)
    except VerificationError as exc:
        report.problems.append(f"{describe_entry(entry)} is not in the signed log: {exc.message}")
        return None
    return dict(entry)


def _reason(exc: Exception) -> str:
    return exc.message if isinstance(exc, ExhumeError) else f"{type(exc).__name__}: {exc}"


def _check_records(
    records: Sequence[Any], proven: Mapping[int, Mapping[str, Any]], report: VerificationReport
) -> None:
    seen: dict[tuple[Any, Any], int] = {}
    for position, row in enumerate(records):
        name = _row_name(row, position)
        if not isinstance(row, dict):
            report.problems.append(f"records.json[{position}] is not an object")
            continue
        key = (row.get("record_type"), row.get("record_id"))
        if key in seen:
            report.problems.append(f"{name} is listed twice (rows {seen[key]} and {position})")
        seen[key] = position
        index = row.get("leaf_index")
        entry = proven.get(index) if isinstance(index, int) else None
        if entry is None:
            report.problems.append(f"{name}: no proven log entry at leaf {row.get('leaf_index')}")
            continue
        report.records_checked += 1
        for field_name, expected in record_row(entry["seq"], entry).items():
            if row.get(field_name) != expected:
                report.problems.append(
                    f"{name}: records.json says {field_name} = {_show(row.get(field_name))}, "
                    f"its {describe_entry(entry)} says {_show(expected)}"
                )


def _row_name(row: Any, position: int) -> str:
    if isinstance(row, dict):
        return f"record {row.get('record_type')} {row.get('record_id')} (records.json[{position}])"
    return f"records.json[{position}]"


def _show(value: Any) -> str:
    try:
        return canonical_json(value).decode()
    except ExhumeError:
        return repr(value)


def _check_manifest(
    bundle: ReleaseBundle,
    proven: Mapping[int, Mapping[str, Any]],
    tree_size: int,
    report: VerificationReport,
) -> None:
    index = bundle.proofs.get("manifest_leaf_index")
    manifest = proven.get(index) if isinstance(index, int) else None
    if manifest is None or manifest["action"] != "publish":
        report.problems.append(f"proofs.json: no proven 'publish' entry at leaf {index}")
        return
    if manifest["seq"] != tree_size - 1:
        report.problems.append(
            f"the publish {describe_entry(manifest)} is not the last entry of the signed tree "
            f"(leaf {tree_size - 1}): an older release is being presented as this one"
        )
    if manifest["record_id"] != bundle.summary.get("release"):
        report.problems.append(
            f"summary.json names release {bundle.summary.get('release')!r}, "
            f"the publish {describe_entry(manifest)} names {manifest['record_id']!r}"
        )
    try:
        digest = manifest_digest(bundle.summary, bundle.records)
    except ExhumeError as exc:
        report.problems.append(f"summary.json/records.json cannot be digested: {exc.message}")
        return
    if digest != manifest["commitment"]:
        report.problems.append(
            f"summary.json and records.json are not the ones the publish {describe_entry(manifest)}"
            " committed to: a record or a count was added, removed or changed after signing"
        )


def _check_counts(
    bundle: ReleaseBundle,
    proven: Mapping[int, Mapping[str, Any]],
    count: CountingRule,
    report: VerificationReport,
) -> None:
    rows = [r for r in bundle.records if isinstance(r, dict)]
    entries = [proven[r["leaf_index"]] for r in rows if r.get("leaf_index") in proven]
    categories = [dict(e["category"]) for e in entries if e["category"] is not None]
    recomputed = count(categories)
    stated = bundle.summary.get("counts")
    for difference in _differences(stated, recomputed, "counts"):
        report.problems.append(f"summary.json {difference}")


def _differences(stated: Any, recomputed: Any, path: str) -> list[str]:
    if isinstance(stated, dict) and isinstance(recomputed, dict):
        out: list[str] = []
        for key in sorted(set(stated) | set(recomputed), key=str):
            out += _differences(stated.get(key), recomputed.get(key), f"{path}.{key}")
        return out
    if _show(stated) == _show(recomputed):  # as published: 0 and 0.0 are both written "0"
        return []
    return [f"{path} is {_show(stated)}, the committed records give {_show(recomputed)}"]


def _check_links(proven: Mapping[int, Mapping[str, Any]], report: VerificationReport) -> None:
    for entry in proven.values():
        before = proven.get(entry["supersedes"]) if entry["supersedes"] is not None else None
        if before is None:
            continue
        if (before["record_type"], before["record_id"]) != (
            entry["record_type"],
            entry["record_id"],
        ):
            report.problems.append(
                f"{describe_entry(entry)} supersedes {describe_entry(before)}, another record"
            )
        elif before["category"] != entry["category"] and entry["action"] not in (
            "correct",
            "retract",
        ):
            report.problems.append(
                f"{describe_entry(entry)} changes the category of record {entry['record_type']} "
                f"{entry['record_id']} from {_show(before['category'])} to "
                f"{_show(entry['category'])} with action '{entry['action']}'; a change of category "
                "needs a 'correct' entry with a reason and an authority"
            )


def _check_previous(
    bundle: ReleaseBundle,
    before: ReleaseBundle,
    head: Checkpoint,
    proven: Mapping[int, Mapping[str, Any]],
    keys: _Keys,
    report: VerificationReport,
) -> None:
    old = _check_checkpoint(before.checkpoint, keys, 0, "previous checkpoint.txt", report)
    if old is None:
        return
    _check_consistency(bundle.consistency, old, head, report)
    now = {(r.get("record_type"), r.get("record_id")): r for r in bundle.records}
    for row in before.records:
        name = f"record {row.get('record_type')} {row.get('record_id')}"
        current = now.get((row.get("record_type"), row.get("record_id")))
        if current is None:
            report.problems.append(
                f"{name} was in the previous release (leaf {row.get('leaf_index')}) and is "
                "missing from records.json; a record leaves the count only by a 'retract' entry"
            )
            continue
        _check_chain(name, row, current.get("leaf_index"), proven, report)


def _check_consistency(
    consistency: Mapping[str, Any] | None,
    old: Checkpoint,
    head: Checkpoint,
    report: VerificationReport,
) -> None:
    if consistency is None:
        report.problems.append("consistency.json is empty but a previous release was given")
        return
    stated = (
        consistency.get("from_size"),
        consistency.get("from_root"),
        consistency.get("to_size"),
    )
    if stated != (old.size, old.root.hex(), head.size):
        report.problems.append(
            f"consistency.json is for sizes {stated[0]} -> {stated[2]}, the checkpoints are "
            f"{old.size} -> {head.size}"
        )
    try:
        proof = [bytes.fromhex(h) for h in consistency.get("proof", [])]
        verify_consistency(old.size, head.size, old.root, head.root, proof)
    except (ValueError, TypeError) as exc:
        report.problems.append(f"consistency.json: malformed proof ({exc})")
    except VerificationError as exc:
        report.problems.append(
            "the log was rewritten since the previous release (truncated or changed): "
            f"{exc.message}"
        )


def _check_chain(
    name: str,
    old_row: Mapping[str, Any],
    new_index: Any,
    proven: Mapping[int, Mapping[str, Any]],
    report: VerificationReport,
) -> None:
    """Walk supersedes links from the current entry back to the previous release's entry,
    which must still hold what the previous release listed."""
    old_index = old_row["leaf_index"]
    entry = proven.get(new_index)
    while entry is not None and entry["seq"] > old_index:
        entry = proven.get(entry["supersedes"]) if entry["supersedes"] is not None else None
    if entry is None or entry["seq"] != old_index:
        report.problems.append(
            f"{name}: the previous release listed leaf {old_index}, this one leaf {new_index}, "
            "and no chain of proven supersedes entries connects them"
        )
    elif record_row(old_index, entry) != dict(old_row):
        report.problems.append(
            f"{name}: the previous release listed leaf {old_index} with commitment "
            f"{old_row.get('commitment')} and category {_show(old_row.get('category'))}; the "
            f"entry now at leaf {old_index} is {describe_entry(entry)} with commitment "
            f"{entry['commitment']} and category {_show(entry['category'])}: the log was rewritten"
        )


def verify_release_against_log(
    directory: Path,
    leaves: Sequence[bytes],
    scope: Collection[tuple[str, str]] | None = None,
) -> list[str]:
    """For an auditor holding the full log: is the release complete and up to date?

    Checks that the checkpoint's root is the root of the first ``size`` leaves, that every
    records.json row lists its record's *latest* entry at that size, and that every record of
    ``scope`` whose latest entry has a category (so it counts) is listed. ``scope`` is the
    ``(record type, record id)`` of every record of the release's site (the log does not say
    which site a record belongs to: whoever holds the database does); ``None`` takes every
    record of the log, right only for a log of one site. Signatures and proofs are the job of
    :func:`verify_release`; run both. Returns the problems, each naming the record.
    """
    try:
        bundle = read_release(directory)
        head = parse_checkpoint_body(parse_note(bundle.checkpoint).text)
        if head.size > len(leaves):
            return [f"the checkpoint covers {head.size} entries, the log given has {len(leaves)}"]
        if root_from_leaf_hashes(leaf_hash(leaf) for leaf in leaves[: head.size]) != head.root:
            return [f"the log given does not have the checkpoint's root at size {head.size}"]
        latest = _latest_entries(leaves[: head.size])
    except ExhumeError as exc:
        return [exc.message]
    listed = {
        (str(r.get("record_type")), str(r.get("record_id"))): r
        for r in bundle.records
        if isinstance(r, dict)
    }
    problems = [_stale(key, row, latest.get(key)) for key, row in listed.items()]
    problems += [
        f"record {key[0]} {key[1]} counts (its latest {describe_entry(entry)} has a category) "
        "but is not in records.json"
        for key, entry in latest.items()
        if entry["category"] is not None and key not in listed and (scope is None or key in scope)
    ]
    return [p for p in problems if p]


def _latest_entries(leaves: Sequence[bytes]) -> dict[tuple[str, str], dict[str, Any]]:
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for index, leaf in enumerate(leaves):
        entry = parse_entry_leaf(leaf, where=f"leaf {index}")
        latest[(entry["record_type"], entry["record_id"])] = entry
    return latest


def _stale(key: tuple[str, str], row: Mapping[str, Any], entry: Mapping[str, Any] | None) -> str:
    if entry is None:
        return f"record {key[0]} {key[1]} is in records.json but has no entry in the log"
    if row.get("leaf_index") != entry["seq"]:
        return (
            f"record {key[0]} {key[1]}: records.json lists leaf {row.get('leaf_index')}, but the "
            f"record's latest entry in the signed log is {describe_entry(entry)} "
            f"({entry['action']})"
        )
    return ""
