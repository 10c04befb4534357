"""Release bundles: the files a public release consists of, and how they are written.

A release directory holds (all JSON is UTF-8, written canonically)::

    checkpoint.txt    C2SP signed checkpoint of the log (log signature + optional cosignatures)
    summary.json      {"release", "site", "counts": {...}}: the published counts
    records.json      [{"leaf_index", "record_type", "record_id", "version", "commitment",
                        "category"}]: one row per record in scope, its latest entry; never names
    proofs.json       {"tree_size", "manifest_leaf_index", "entries": [{"leaf_index", "entry",
                        "proof": [hex]}]}: every entry the verifier needs, with inclusion proofs
    consistency.json  {"from_size", "from_root", "to_size", "proof": [hex]} from the previous
                      release's checkpoint, or null for a first release
    keys.json         {"log": [vkey], "witnesses": [vkey]}

Rules:

* Publishing appends one ``publish`` entry to the log (record_type ``release``, record_id = the
  release label) whose commitment is the *manifest digest*
  ``SHA-256("exhume/release-manifest/v1" || 0x00 || canonical_json({"records", "summary"}))``.
  The checkpoint covers it, so the list of counted records and the counts are signed too:
  dropping a record from records.json, or editing a count, breaks the manifest.
* The counts are ``count(categories)``: a pure counting rule applied to the ``category`` of
  every record whose latest entry has one (retracted records have none). The rule is supplied by
  the caller (the Django side passes its real counting function) and re-run by the verifier.
* proofs.json holds the latest entry of every record, the manifest entry, and, for a record
  that changed since the previous release, every entry of its supersedes chain back to the
  entry the previous release listed, so that each change can be checked.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from exhume.errors import InvalidInputError
from exhume.ledger.canonical import canonical_json, loads_strict
from exhume.ledger.checkpoint import cosign_checkpoint, parse_checkpoint_body
from exhume.ledger.commitments import make_entry
from exhume.ledger.keys import Signer
from exhume.ledger.log import Log
from exhume.ledger.note import parse_note

#: A counting rule: category dicts in, summary counts out. Must be pure and deterministic.
CountingRule = Callable[[list[dict[str, Any]]], dict[str, Any]]

MANIFEST_TAG = b"exhume/release-manifest/v1\x00"
CHECKPOINT, SUMMARY, RECORDS, PROOFS, CONSISTENCY, KEYS = (
    "checkpoint.txt",
    "summary.json",
    "records.json",
    "proofs.json",
    "consistency.json",
    "keys.json",
)
RECORD_FIELDS = ("leaf_index", "record_type", "record_id", "version", "commitment", "category")


def manifest_digest(summary: Mapping[str, Any], records: Sequence[Mapping[str, Any]]) -> str:
    """``SHA-256(tag || canonical_json({"records": records, "summary": summary}))`` in hex."""
    body = canonical_json({"records": list(records), "summary": dict(summary)})
    return hashlib.sha256(MANIFEST_TAG + body).hexdigest()


def counted_categories(records: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The categories the counting rule sees: those of records that have one, in list order."""
    return [dict(r["category"]) for r in records if r.get("category") is not None]


@dataclass(frozen=True)
class ReleaseBundle:
    """The content of a release directory (see the module docstring for each file)."""

    checkpoint: str
    summary: dict[str, Any]
    records: list[dict[str, Any]]
    proofs: dict[str, Any]
    consistency: dict[str, Any] | None
    keys: dict[str, list[str]]

    def files(self) -> dict[str, bytes]:
        """File name -> bytes, as written to disk."""
        return {
            CHECKPOINT: self.checkpoint.encode(),
            SUMMARY: canonical_json(self.summary),
            RECORDS: canonical_json(self.records),
            PROOFS: canonical_json(self.proofs),
            CONSISTENCY: canonical_json(self.consistency),
            KEYS: canonical_json(self.keys),
        }


def record_row(leaf_index: int, entry: Mapping[str, Any]) -> dict[str, Any]:
    """The records.json row of a record whose latest entry is ``entry``."""
    row = {name: entry[name] for name in RECORD_FIELDS if name != "leaf_index"}
    return {"leaf_index": leaf_index, **row}


def build_release(
    log: Log,
    *,
    origin: str,
    release: str,
    site: str,
    records: Iterable[tuple[str, str]],
    count: CountingRule,
    signer: Signer,
    actor_role: str,
    time: datetime,
    previous: ReleaseBundle | None = None,
    witnesses: Sequence[Signer] = (),
    witness_time: int | None = None,
) -> ReleaseBundle:
    """Publish a release of ``records`` ((record_type, record_id) pairs) from ``log``.

    Appends the manifest ``publish`` entry to ``log``, signs the checkpoint with ``signer`` and
    has each witness cosign it at POSIX time ``witness_time``. Records listed in ``previous``
    stay in scope (a retracted record appears with its retract entry).
    """
    keys = _scope(records, previous)
    seqs = [_latest(log, key) for key in keys]
    rows = [record_row(seq, log.entry(seq)) for seq in seqs]
    summary = {"release": release, "site": site, "counts": count(counted_categories(rows))}
    manifest = make_entry(
        seq=log.size,
        record_type="release",
        record_id=release,
        version=1,
        commitment=manifest_digest(summary, rows),
        action="publish",
        actor_role=actor_role,
        time=time,
    )
    manifest_index = log.append(manifest)
    note = log.checkpoint(origin, signer)
    for witness in witnesses:
        note = cosign_checkpoint(note, witness, _require(witness_time, "witness_time"))
    needed = sorted({*seqs, manifest_index, *_chains(log, seqs, previous)})
    return ReleaseBundle(
        checkpoint=note,
        summary=summary,
        records=rows,
        proofs=_proofs(log, needed, manifest_index),
        consistency=_consistency(log, previous),
        keys={
            "log": [signer.verifier.vkey],
            "witnesses": [w.verifier.vkey for w in witnesses],
        },
    )


def _require(value: int | None, name: str) -> int:
    if value is None:
        raise InvalidInputError(f"'{name}' is needed when witnesses cosign", field=name)
    return value


def _scope(
    records: Iterable[tuple[str, str]], previous: ReleaseBundle | None
) -> list[tuple[str, str]]:
    keys = dict.fromkeys(records)
    for row in previous.records if previous else []:
        keys.setdefault((row["record_type"], row["record_id"]))
    return list(keys)


def _latest(log: Log, key: tuple[str, str]) -> int:
    seq = log.latest_seq(*key)
    if seq is None:
        raise InvalidInputError(f"record {key[0]} {key[1]} has no entry in the log")
    return seq


def _chains(log: Log, seqs: Sequence[int], previous: ReleaseBundle | None) -> set[int]:
    """Entries between each record's previous-release entry and its latest one."""
    if previous is None:
        return set()
    before = {(r["record_type"], r["record_id"]): r["leaf_index"] for r in previous.records}
    chain: set[int] = set()
    for seq in seqs:
        entry = log.entry(seq)
        stop = before.get((entry["record_type"], entry["record_id"]))
        while stop is not None and entry["seq"] > stop and entry["supersedes"] is not None:
            chain.add(entry["supersedes"])
            entry = log.entry(entry["supersedes"])
    return chain


def _proofs(log: Log, seqs: Sequence[int], manifest_index: int) -> dict[str, Any]:
    entries = [
        {"leaf_index": s, "entry": log.entry(s), "proof": [h.hex() for h in log.inclusion_proof(s)]}
        for s in seqs
    ]
    return {"tree_size": log.size, "manifest_leaf_index": manifest_index, "entries": entries}


def _consistency(log: Log, previous: ReleaseBundle | None) -> dict[str, Any] | None:
    if previous is None:
        return None
    head = parse_checkpoint_body(parse_note(previous.checkpoint).text)
    proof = log.consistency_proof(head.size)
    return {
        "from_size": head.size,
        "from_root": head.root.hex(),
        "to_size": log.size,
        "proof": [h.hex() for h in proof],
    }


def write_release(directory: Path, bundle: ReleaseBundle) -> None:
    """Write the bundle's files into ``directory`` (created; existing files are refused)."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, data in bundle.files().items():
        path = directory / name
        if path.exists():
            raise InvalidInputError(f"refusing to overwrite {path}: a release is never rewritten")
        path.write_bytes(data)


def read_release(directory: Path) -> ReleaseBundle:
    """Read a release directory; raises InvalidInputError naming the missing or malformed file."""
    texts: dict[str, str] = {}
    for name in (CHECKPOINT, SUMMARY, RECORDS, PROOFS, CONSISTENCY, KEYS):
        path = directory / name
        if not path.is_file():
            raise InvalidInputError(f"release {directory} has no {name}")
        texts[name] = path.read_text(encoding="utf-8")
    loaded = {name: loads_strict(texts[name], what=name) for name in texts if name != CHECKPOINT}
    for name, kind in ((SUMMARY, dict), (RECORDS, list), (PROOFS, dict), (KEYS, dict)):
        if not isinstance(loaded[name], kind):
            raise InvalidInputError(f"{name} must hold a JSON {kind.__name__}")
    return ReleaseBundle(
        checkpoint=texts[CHECKPOINT],
        summary=loaded[SUMMARY],
        records=loaded[RECORDS],
        proofs=loaded[PROOFS],
        consistency=loaded[CONSISTENCY],
        keys=loaded[KEYS],
    )
