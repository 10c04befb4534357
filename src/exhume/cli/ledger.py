"""``exhume release``, ``verify``, ``disclose``, ``verify-disclosure`` and ``keys``.

A thin skin over :mod:`exhume.publication.releases` (writes and database checks) and
:mod:`exhume.ledger` (offline verification). ``exhume verify DIR`` needs no database: it reads
the bundle, checks every signature and proof and re-runs the counting rule. Problems are
printed one per line (``problem: ...``) and the exit status is 2 when any was found.
"""

from __future__ import annotations

import dataclasses
import getpass
import json
from pathlib import Path
from typing import Any

import click

from exhume.cli.base import ExhumeGroup, _, main, setup_django
from exhume.counting import SMALL_CLASS, ClassSizes, class_sizes, count_rule
from exhume.errors import AccessDeniedError, ExhumeError, InvalidInputError, VerificationError

FAILED = VerificationError.exit_code


def _actor() -> Any:
    """The account named by ``$EXHUME_USER`` with its role, else this machine's user acting as
    the system (never an administrator by default)."""
    from exhume import config
    from exhume.access.policy import role_of
    from exhume.audit.events import Actor
    from exhume.audit.models import Role

    named = config.cli_user()
    if named:
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.filter(username=named, is_active=True).first()
        role = role_of(user)
        if role is None:
            raise AccessDeniedError(_("EXHUME_USER=%(name)s is not an account with a role")
                                    % {"name": repr(named)})  # fmt: skip
        return Actor(named, role)
    try:
        osuser = getpass.getuser()
    except (KeyError, OSError):
        osuser = "unknown"
    return Actor(f"cli:{osuser}", Role.SYSTEM)


@main.command()
@click.option("--site", "slug", required=True, help="Slug of the site, e.g. izium.")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Also write the bundle here (always kept in the data folder).")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def release(slug: str, out: Path | None, as_json: bool) -> None:
    """Publish a signed release of a site's counts (keys are generated on first use)."""
    setup_django(migrate=True)
    from exhume.casework.queries import get_site
    from exhume.publication.releases import do_publish_release, export_release, release_summary

    published = do_publish_release(_actor(), get_site(slug))
    if out is not None:
        export_release(published, out)
    info = {**release_summary(published), "directory": str(published.path), "out": str(out or "")}
    classes = _class_sizes(published.path)
    info["classes"] = dataclasses.asdict(classes)
    if as_json:
        click.echo(json.dumps(info, indent=2))
        return
    click.echo(
        _("released %(label)s: tree size %(size)s, root %(root)s\n  bundle: %(path)s")
        % {"label": published.label, "size": published.tree_size, "root": published.root,
           "path": published.path}
        + (_("\n  copy:   %(out)s") % {"out": out} if out else "")
    )  # fmt: skip
    if classes.in_small_classes:
        click.echo(
            _("warning: %(small)s of %(persons)s persons share their published attributes with "
              "fewer than %(limit)s (smallest class: %(smallest)s, alone: %(alone)s); on a "
              "small site they may point at someone: see docs/counting.md, 'Re-identification'")
            % {"small": classes.in_small_classes, "persons": classes.persons,
               "limit": SMALL_CLASS, "smallest": classes.smallest, "alone": classes.alone}
        )  # fmt: skip


def _class_sizes(directory: Path) -> ClassSizes:
    from exhume.ledger import read_release

    rows = read_release(directory).records
    return class_sizes(r["category"] for r in rows if r.get("category") is not None)


@main.command()
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@click.option("--previous", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="The site's previous release: prove the log only grew since.")  # fmt: skip
@click.option("--key", "keys", multiple=True,
              help="A trusted log vkey, or a file of vkeys (repeatable).")  # fmt: skip
@click.option("--db", "check_db", is_flag=True,
              help="Compare the live database with its log (and DIR with it).")  # fmt: skip
@click.option("--disclosure", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Also check a disclosure file against DIR.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def verify(
    directory: Path | None,
    previous: Path | None,
    keys: tuple[str, ...],
    check_db: bool,
    disclosure: Path | None,
    as_json: bool,
) -> None:
    """Verify a release bundle (DIR) or a site archive (FILE, from exhume export site) offline,
    and/or the live database against its log."""
    if directory is None and not check_db:
        raise InvalidInputError(_("give a release DIR to verify, or --db"), field="DIRECTORY")
    if check_db:
        setup_django()  # first, so that every line is in the reader's language
    result: dict[str, Any] = {"ok": True}
    lines: list[str] = []
    if directory is not None and not directory.exists():
        raise InvalidInputError(_("%(path)s: no such release folder or site archive")
                                % {"path": directory}, field="DIRECTORY")  # fmt: skip
    if directory is not None and directory.is_file():
        result["archive"] = _verify_archive(directory, keys, lines)
        directory = None
    if directory is not None:
        result["release"] = _verify_bundle(directory, previous, keys, lines)
        if disclosure is not None:
            result["disclosure"] = _verify_disclosure(disclosure, directory, keys, lines)
    if check_db:
        result["database"] = _verify_database(directory, lines)
    result["ok"] = not any(line.startswith("problem:") for line in lines)
    if as_json:
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        for line in lines:
            click.echo(line)
    if not result["ok"]:
        raise SystemExit(FAILED)


def _verify_bundle(
    directory: Path, previous: Path | None, keys: tuple[str, ...], lines: list[str]
) -> dict[str, Any]:
    from exhume.ledger import verify_release

    trusted = _vkeys(keys) if keys else None
    report = verify_release(directory, previous, trusted, count=count_rule)
    lines += [f"warning: {w}" for w in report.warnings]
    lines += [f"problem: {p}" for p in report.problems]
    if report.ok:
        lines.append(
            _("ok: release %(release)s verifies: %(records)s records, %(entries)s proven "
              "entries, tree size %(size)s (keys from %(keys)s)")
            % {"release": report.release, "records": report.records_checked,
               "entries": report.entries_checked, "size": report.tree_size,
               "keys": report.keys_from}
        )  # fmt: skip
    return report.as_dict()


def _verify_archive(path: Path, keys: tuple[str, ...], lines: list[str]) -> dict[str, Any]:
    from exhume.ledger.archive import verify_site_archive

    report = verify_site_archive(path, _vkeys(keys) if keys else None, count=count_rule)
    lines += [f"warning: {w}" for w in report.warnings]
    lines += [f"problem: {p}" for p in report.problems]
    if report.ok:
        lines.append(
            _("ok: site archive %(path)s (%(site)s) verifies: %(entries)s log entries, "
              "%(records)s records open their commitments, %(photos)s photos' hashes, "
              "%(releases)s releases consistent with the log")
            % {"path": path, "site": report.site, "entries": report.log_size,
               "records": report.records, "photos": report.photos,
               "releases": len(report.releases)}
        )  # fmt: skip
    return report.as_dict()


def _verify_database(directory: Path | None, lines: list[str]) -> dict[str, Any]:
    setup_django()
    from exhume.audit.models import LogEntry
    from exhume.casework.queries import photo_file_problems
    from exhume.ledger import verify_release_against_log
    from exhume.publication.releases import check_live_database, release_scope

    report = check_live_database()
    photos = photo_file_problems()
    report.problems += photos
    result = report.as_dict()
    result["photo_files"] = photos
    if directory is not None:
        leaves = [leaf.encode() for leaf in LogEntry.objects.order_by("seq").values_list(
            "leaf", flat=True)]  # fmt: skip
        scope = release_scope(_release_label(directory))
        stale = verify_release_against_log(directory, leaves, scope)
        result["release_against_log"] = stale
        report.problems += stale
    lines += [f"problem: {p}" for p in report.problems]
    if report.ok:
        lines.append(
            _("ok: the database matches its log: %(entries)s entries, %(records)s records, "
              "%(releases)s releases")
            % {"entries": report.entries, "records": report.records,
               "releases": report.releases}
        )  # fmt: skip
    return result


def _release_label(directory: Path) -> str:
    """The label in the bundle's summary.json ("" when unreadable: the offline check says why)."""
    from exhume.ledger import read_release

    try:
        return str(read_release(directory).summary.get("release", ""))
    except ExhumeError:
        return ""


def _verify_disclosure(
    path: Path, directory: Path, keys: tuple[str, ...], lines: list[str]
) -> dict[str, Any]:
    from exhume.ledger import (
        Disclosure,
        open_note,
        parse_checkpoint_body,
        parse_vkey,
        read_release,
        verify_checkpoint,
        verify_disclosure,
    )
    from exhume.ledger.note import parse_note

    try:
        bundle = read_release(directory)
        vkeys = _vkeys(keys) if keys else list(bundle.keys.get("log", []))
        if not keys:
            lines.append("warning: no --key given: the release's own keys.json was trusted")
        verify_checkpoint(bundle.checkpoint, [parse_vkey(k) for k in vkeys])
        head = parse_checkpoint_body(parse_note(bundle.checkpoint).text)
        data = json.loads(path.read_text(encoding="utf-8"))
        found = Disclosure.from_dict(data)
        verify_disclosure(found, head)
        texts = data.get("note")
        if texts is not None:
            open_note(found.entry, texts["reason"], texts["authority"],
                      bytes.fromhex(texts["salt"]))  # fmt: skip
    except (ExhumeError, ValueError, KeyError, TypeError) as exc:
        message = exc.message if isinstance(exc, ExhumeError) else f"{path}: {exc!r}"
        lines.append(f"problem: disclosure {path}: {message}")
        return {"ok": False, "problem": message}
    entry = found.entry
    lines.append(
        f"ok: disclosure of {entry['record_type']} {entry['record_id']} v{entry['version']} "
        f"(entry {entry['seq']}) verifies against release {bundle.summary.get('release')} "
        f"(tree size {head.size})"
    )
    if texts is not None:
        lines.append(f"ok: its note opens: reason {entry['reason']!r} ({texts['reason']!r}), "
                     f"authority {texts['authority']!r}")  # fmt: skip
    return {"ok": True, "record_type": entry["record_type"], "record_id": entry["record_id"]}


def _vkeys(values: tuple[str, ...]) -> list[str]:
    found: list[str] = []
    for value in values:
        path = Path(value)
        if "+" in value:
            found.append(value.strip())
        elif path.is_file():
            found += [ln.strip() for ln in path.read_text().splitlines() if ln.strip()]
        else:
            raise InvalidInputError(_("--key %(value)s is neither a vkey nor a file of vkeys")
                                    % {"value": repr(value)})  # fmt: skip
    return found


@main.command()
@click.option("--record", "ref", required=True, help="Remains id (17) or TYPE:ID.")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), required=True)
@click.option("--release", "label", default=None, help="Release label (default: the newest).")
@click.option("--as", "as_user", default=None, metavar="USER",
              help="The account this read acts as (default: $EXHUME_USER).")  # fmt: skip
@click.option("--note", is_flag=True,
              help="Also disclose the entry's private reason and authority.")  # fmt: skip
def disclose(ref: str, out: Path, label: str | None, as_user: str | None, note: bool) -> None:
    """Write one record's disclosure (content + salt + entry + proof) against a release."""
    setup_django()
    from exhume.access.accounts import acting_user
    from exhume.access.endpoints import model_rule
    from exhume.access.policy import Data
    from exhume.publication.disclosures import do_disclose, parse_record_ref

    record_type, record_id = parse_record_ref(ref)
    acting_user(as_user, model_rule(record_type))
    if note:
        acting_user(as_user, Data.AUDIT_LOG)  # reasons are the audit log's
    data = do_disclose(record_type, record_id, label, note=note)
    if out.exists():
        raise InvalidInputError(_("refusing to overwrite %(path)s") % {"path": out}, field="out")
    out.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    out.chmod(0o600)
    click.echo(
        _("wrote %(out)s: %(type)s %(id)s (entry %(entry)s) against release %(release)s; it "
          "holds the record's content: hand it only to whoever may see it")
        % {"out": out, "type": record_type, "id": record_id, "entry": data["leaf_index"],
           "release": data["release"]}
    )  # fmt: skip


@main.command("verify-disclosure")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--release", "directory", required=True,
              type=click.Path(path_type=Path, file_okay=False, exists=True))  # fmt: skip
@click.option("--key", "keys", multiple=True, help="A trusted log vkey, or a file of vkeys.")
def verify_disclosure_command(path: Path, directory: Path, keys: tuple[str, ...]) -> None:
    """Check a disclosure file against a release bundle (offline)."""
    lines: list[str] = []
    result = _verify_disclosure(path, directory, keys, lines)
    for line in lines:
        click.echo(line)
    if not result["ok"]:
        raise SystemExit(FAILED)


@main.group(cls=ExhumeGroup)
def keys() -> None:
    """The log's signing keys (private keys live in EXHUME_DATA_DIR/keys/)."""


@keys.command("show")
def keys_show() -> None:
    """Print the current log vkey (generating the first key on first use)."""
    setup_django(migrate=True)
    from exhume.audit.keys import current_signer

    key, _signer = current_signer(_actor())
    click.echo(key.vkey)


@keys.command("rotate")
def keys_rotate() -> None:
    """Start signing with a new key; log it; keep the old one for old releases."""
    setup_django(migrate=True)
    from exhume.audit.keys import do_rotate_log_key

    old, new = do_rotate_log_key(_actor())
    click.echo(_("old: %(old)s\nnew: %(new)s")
               % {"old": old.vkey if old else _("(none)"), "new": new.vkey})  # fmt: skip
