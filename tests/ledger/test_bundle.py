"""Release bundles: writing, offline verification, and tampering that must be named."""

from __future__ import annotations

import json
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from exhume.counting import summarise
from exhume.errors import InvalidInputError
from exhume.ledger.bundle import (
    ReleaseBundle,
    build_release,
    manifest_digest,
    read_release,
    write_release,
)
from exhume.ledger.keys import COSIGNATURE_V1, generate_signer
from exhume.ledger.log import Log
from exhume.ledger.note import parse_note
from exhume.ledger.verify import VerificationReport, verify_release, verify_release_against_log

from .factories import T0, basic_counts, change, create, person

ORIGIN = "exhume.example/site-7"


class Site:
    """A log with a key and a witness, publishing releases into a temporary directory."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.log = Log()
        self.key = generate_signer(ORIGIN)
        self.witness = generate_signer("witness.example/w1", COSIGNATURE_V1)
        self.releases: dict[str, ReleaseBundle] = {}

    def publish(self, label: str, previous: str | None = None, **kw: Any) -> Path:
        records = {
            (e["record_type"], e["record_id"]) for e in map(self.log.entry, range(self.log.size))
        }
        bundle = build_release(
            self.log,
            origin=ORIGIN,
            release=label,
            site="Site 7",
            records=sorted(r for r in records if r[0] == "remains"),
            count=basic_counts,
            signer=kw.get("signer", self.key),
            actor_role="release-officer",
            time=T0 + timedelta(days=len(self.releases) + 1),
            previous=self.releases.get(previous) if previous else None,
            witnesses=[self.witness],
            witness_time=1_700_000_000,
        )
        self.releases[label] = bundle
        write_release(self.root / label, bundle)
        return self.root / label

    def trusted(self) -> list[str]:
        return [self.key.verifier.vkey, self.witness.verifier.vkey]


def first_release(tmp_path: Path) -> tuple[Site, Path]:
    site = Site(tmp_path)
    create(site.log, "R-1", person("male", torture=True))
    create(site.log, "R-2", person("female"))
    create(site.log, "R-3", {"kind": "body_part"})
    return site, site.publish("r1")


def verify(site: Site, path: Path, previous: Path | None = None) -> VerificationReport:
    return verify_release(path, previous, site.trusted(), count=basic_counts, quorum=1)


def edit_json(path: Path, change_it: Any) -> None:
    data = json.loads(path.read_text())
    change_it(data)
    path.write_text(json.dumps(data))


def test_a_fresh_release_verifies_and_says_what_it_checked(tmp_path: Path) -> None:
    site, r1 = first_release(tmp_path)
    report = verify(site, r1)
    assert report.problems == []
    assert report.ok
    assert (report.release, report.tree_size, report.records_checked) == ("r1", 4, 3)
    assert sorted(p.name for p in r1.iterdir()) == [
        "checkpoint.txt",
        "consistency.json",
        "keys.json",
        "proofs.json",
        "records.json",
        "summary.json",
    ]
    summary = json.loads((r1 / "summary.json").read_text())
    assert summary["counts"] == {
        "body_parts": 1,
        "persons": 2,
        "persons_by_sex": {"female": 1, "male": 1},
        "torture": 1,
    }


def test_records_json_never_holds_names(tmp_path: Path) -> None:
    _, r1 = first_release(tmp_path)
    text = "".join(p.read_text() for p in r1.iterdir())
    assert "secret name" not in text


def test_manifest_entry_commits_to_summary_and_records(tmp_path: Path) -> None:
    site, r1 = first_release(tmp_path)
    bundle = read_release(r1)
    manifest = site.log.entry(bundle.proofs["manifest_leaf_index"])
    assert manifest["commitment"] == manifest_digest(bundle.summary, bundle.records)
    assert manifest["action"] == "publish" and manifest["record_id"] == "r1"


def test_without_trusted_keys_it_warns_that_keys_came_from_the_bundle(tmp_path: Path) -> None:
    _, r1 = first_release(tmp_path)
    report = verify_release(r1, count=basic_counts)
    assert report.ok
    assert report.keys_from == "this release's own keys.json"
    assert "proves the release is intact, not who signed it" in report.warnings[0]


def test_a_second_release_with_a_correction_verifies_against_the_first(tmp_path: Path) -> None:
    site, r1 = first_release(tmp_path)
    change(site.log, site.log.entry(1), person("male", torture=True))
    create(site.log, "R-4", person("female"))
    r2 = site.publish("r2", previous="r1")
    report = verify_release(r2, r1, count=basic_counts)
    assert report.problems == []
    assert report.keys_from == "the previous release's keys.json"
    assert json.loads((r2 / "summary.json").read_text())["counts"]["torture"] == 2


def test_a_retracted_record_leaves_the_count_and_still_verifies(tmp_path: Path) -> None:
    site, r1 = first_release(tmp_path)
    change(site.log, site.log.entry(2), None, action="retract")
    r2 = site.publish("r2", previous="r1")
    report = verify(site, r2, r1)
    assert report.problems == []
    assert json.loads((r2 / "summary.json").read_text())["counts"]["body_parts"] == 0


# --- tampering ---------------------------------------------------------------------------------


def test_reordered_log_entries_are_named(tmp_path: Path) -> None:
    site, r1 = first_release(tmp_path)

    def swap(proofs: dict[str, Any]) -> None:
        first, second = proofs["entries"][0], proofs["entries"][1]
        first["entry"], second["entry"] = second["entry"], first["entry"]

    edit_json(r1 / "proofs.json", swap)
    problems = verify(site, r1).problems
    assert "entry 1 (remains R-2 v1) is presented as leaf 0: entries were reordered" in problems
    assert "entry 0 (remains R-1 v1) is presented as leaf 1: entries were reordered" in problems
    assert "record remains R-1 (records.json[0]): no proven log entry at leaf 0" in problems


def test_a_truncated_log_is_caught_by_the_consistency_proof(tmp_path: Path) -> None:
    site, r1 = first_release(tmp_path)
    # The operator rebuilds the log without its last two entries (R-3 and the r1 manifest),
    # re-creates R-3 as a person, and publishes again.
    site.log = Log.from_leaves(site.log.leaves()[:2])
    create(site.log, "R-3", person("male"))
    create(site.log, "R-4", person("female"))
    r2 = site.publish("r2", previous="r1")
    problems = verify(site, r2, r1).problems
    assert problems[0].startswith(
        "the log was rewritten since the previous release (truncated or changed): "
        "consistency proof from size 4 to size 5"
    )
    assert problems[1] == (
        "record remains R-3: the previous release listed leaf 2 with commitment "
        f"{site.releases['r1'].records[2]['commitment']} and category "
        '{"kind":"body_part"}; the entry now at leaf 2 is entry 2 (remains R-3 v1) with '
        f"commitment {site.log.entry(2)['commitment']} and category "
        '{"kind":"person","sex":"male","torture":false}: the log was rewritten'
    )
    assert len(problems) == 2


def test_a_checkpoint_cut_to_a_smaller_size_fails_its_signature(tmp_path: Path) -> None:
    site, r1 = first_release(tmp_path)
    note = (r1 / "checkpoint.txt").read_text()
    (r1 / "checkpoint.txt").write_text(note.replace("\n4\n", "\n3\n", 1))
    problems = verify(site, r1).problems
    assert problems[0].startswith(f"checkpoint.txt: signature by {ORIGIN} (key ID ")
    assert problems[0].endswith(") does not verify")
    assert "proofs.json is for tree size 4, the checkpoint for 3" in problems


def test_a_swapped_signature_is_named(tmp_path: Path) -> None:
    site, r1 = first_release(tmp_path)
    create(site.log, "R-4", person("female"))
    r2 = site.publish("r2", previous="r1")
    old_line = parse_note((r1 / "checkpoint.txt").read_text()).signatures[0].line()
    note = parse_note((r2 / "checkpoint.txt").read_text())
    swapped = note.text + "\n" + old_line + "".join(s.line() for s in note.signatures[1:])
    (r2 / "checkpoint.txt").write_text(swapped)
    problems = verify(site, r2, r1).problems
    assert problems == [
        f"checkpoint.txt: signature by {ORIGIN} (key ID {site.key.key_id.hex()}) does not verify"
    ]


def test_a_checkpoint_signed_with_another_key_is_refused(tmp_path: Path) -> None:
    site, r1 = first_release(tmp_path)
    create(site.log, "R-4", person("female"))
    r2 = site.publish("r2", previous="r1", signer=generate_signer(ORIGIN))
    # keys.json of r2 now names the impostor key; trust comes from r1's keys.json.
    problems = verify_release(r2, r1, count=basic_counts).problems
    assert problems[0].startswith(
        f"checkpoint.txt: checkpoint is not signed by a trusted log key ({ORIGIN} (key ID "
    )
    assert (
        verify_release(r2, None, [site.key.verifier.vkey], count=basic_counts)
        .problems[0]
        .startswith("checkpoint.txt: note has no signature from a known key")
    )


def test_a_lowered_category_in_records_json_is_named(tmp_path: Path) -> None:
    site, r1 = first_release(tmp_path)

    def lower(records: list[dict[str, Any]]) -> None:
        records[0]["category"] = {"kind": "body_part"}

    def recount(summary: dict[str, Any]) -> None:
        summary["counts"].update(persons=1, body_parts=2, persons_by_sex={"female": 1}, torture=0)

    edit_json(r1 / "records.json", lower)
    edit_json(r1 / "summary.json", recount)
    problems = verify(site, r1).problems
    assert (
        "record remains R-1 (records.json[0]): records.json says category = "
        '{"kind":"body_part"}, its entry 0 (remains R-1 v1) says '
        '{"kind":"person","sex":"male","torture":true}'
    ) in problems
    assert any(
        "are not the ones the publish entry 3 (release r1 v1) committed to" in p for p in problems
    )
    assert "summary.json counts.persons is 1, the committed records give 2" in problems
    assert "summary.json counts.torture is 0, the committed records give 1" in problems


def test_a_category_lowered_by_an_update_instead_of_a_correction_is_named(tmp_path: Path) -> None:
    site, r1 = first_release(tmp_path)
    change(site.log, site.log.entry(0), {"kind": "body_part"}, action="update")
    r2 = site.publish("r2", previous="r1")
    problems = verify(site, r2, r1).problems
    assert problems == [
        "entry 4 (remains R-1 v2) changes the category of record remains R-1 from "
        '{"kind":"person","sex":"male","torture":true} to {"kind":"body_part"} with action '
        "'update'; a change of category needs a 'correct' entry with a reason and an authority"
    ]


def test_a_dropped_record_is_named(tmp_path: Path) -> None:
    site, r1 = first_release(tmp_path)
    create(site.log, "R-4", person("female"))
    r2 = site.publish("r2", previous="r1")
    edit_json(r2 / "records.json", lambda records: records.pop(1))
    problems = verify(site, r2, r1).problems
    assert any("record remains R-2 was in the previous release (leaf 1)" in p for p in problems)
    assert any("committed to" in p for p in problems)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    site, r1 = first_release(tmp_path)
    (r1 / "proofs.json").unlink()
    assert verify(site, r1).problems == [f"release: release {r1} has no proofs.json"]


def test_it_never_overwrites_a_release(tmp_path: Path) -> None:
    site, r1 = first_release(tmp_path)
    with pytest.raises(InvalidInputError, match="refusing to overwrite"):
        write_release(r1, site.releases["r1"])


def test_release_labels_are_unique_in_the_log(tmp_path: Path) -> None:
    site, _ = first_release(tmp_path)
    with pytest.raises(InvalidInputError, match="creates a record that exists"):
        site.publish("r1")


def test_report_as_dict_is_json_ready(tmp_path: Path) -> None:
    site, r1 = first_release(tmp_path)
    data = verify(site, r1).as_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["ok"] is True and data["problems"] == []


def test_a_release_counted_by_the_published_counting_rule_verifies(tmp_path: Path) -> None:
    """The real rule of exhume.counting (floats, nested lists) round-trips through a bundle."""

    def rule(categories: list[dict[str, Any]]) -> dict[str, Any]:
        summary: dict[str, Any] = summarise(categories).as_dict()
        return summary

    site = Site(tmp_path)
    base = {"status": "civilian", "age_class": "adult", "torture": False}
    for i, (sex, violent) in enumerate([("male", "yes"), ("female", "no"), ("female", "yes")]):
        day = f"2022-09-{16 + i}"
        create(site.log, f"R-{i}", person(sex, **base, violent_death=violent, exhumed_on=day))
    create(site.log, "R-9", {"kind": "part_of_person", **base, "exhumed_on": "2022-09-18"})
    bundle = build_release(
        site.log,
        origin=ORIGIN,
        release="r1",
        site="Site 7",
        records=[("remains", f"R-{i}") for i in (0, 1, 2, 9)],
        count=rule,
        signer=site.key,
        actor_role="release-officer",
        time=T0,
    )
    write_release(tmp_path / "r1", bundle)
    assert bundle.summary["counts"]["violent_death_share"] == 0.6667
    assert bundle.summary["counts"]["total"] == 3
    report = verify_release(tmp_path / "r1", None, [site.key.verifier.vkey], count=rule)
    assert report.problems == []


def test_an_old_release_presented_under_a_newer_checkpoint_is_named(tmp_path: Path) -> None:
    site, r1 = first_release(tmp_path)
    create(site.log, "R-4", person("female"))
    r2 = site.publish("r2", previous="r1")
    # Replay r1's summary and records with r2's (valid) checkpoint and proofs for r1's entries.
    old = site.releases["r1"]
    proofs = {
        "tree_size": site.log.size,
        "manifest_leaf_index": old.proofs["manifest_leaf_index"],
        "entries": [
            {
                "leaf_index": i,
                "entry": site.log.entry(i),
                "proof": [h.hex() for h in site.log.inclusion_proof(i)],
            }
            for i in (0, 1, 2, 3)
        ],
    }
    (r2 / "proofs.json").write_text(json.dumps(proofs))
    (r2 / "summary.json").write_text((r1 / "summary.json").read_text())
    (r2 / "records.json").write_text((r1 / "records.json").read_text())
    problems = verify(site, r2, r1).problems
    assert problems == [
        "the publish entry 3 (release r1 v1) is not the last entry of the signed tree (leaf 5): "
        "an older release is being presented as this one"
    ]


def test_it_warns_when_keys_json_differs_from_the_trusted_keys(tmp_path: Path) -> None:
    site, r1 = first_release(tmp_path)
    report = verify_release(r1, None, [site.key.verifier.vkey], count=basic_counts)
    assert report.ok
    assert report.warnings == [
        f"keys.json lists {sorted(site.trusted())}, which differs from the trusted keys given; "
        "only the latter were trusted"
    ]


JSON_FILES = ["summary.json", "records.json", "proofs.json", "consistency.json", "keys.json"]
junk = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 10) | st.text(max_size=3),
    lambda inner: (
        st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=3), inner, max_size=2)
    ),
    max_leaves=4,
)


def replace_somewhere(value: Any, path: list[int], new: Any) -> Any:
    """Replace the sub-value reached by following ``path`` (indexes into lists/dict values)."""
    if not path or not isinstance(value, dict | list) or not value:
        return new
    keys = list(value) if isinstance(value, dict) else list(range(len(value)))
    key = keys[path[0] % len(keys)]
    value[key] = replace_somewhere(value[key], path[1:], new)
    return value


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(name="keys.json", path=[0], new=None)
@given(
    name=st.sampled_from(JSON_FILES),
    path=st.lists(st.integers(0, 20), max_size=4),
    new=junk,
)
def test_corrupted_bundles_give_problems_never_crashes(
    name: str, path: list[int], new: Any
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        site, r1 = first_release(Path(tmp))
        create(site.log, "R-4", person("female"))
        r2 = site.publish("r2", previous="r1")
        original = (r2 / name).read_text()
        data = replace_somewhere(json.loads(original), path, new)
        (r2 / name).write_text(json.dumps(data))
        report = verify(site, r2, r1)
        changed = json.loads(original) != data
        if changed and name != "keys.json":
            assert report.problems, (name, path, new)
        assert all(isinstance(p, str) for p in report.problems)


def test_an_auditor_with_the_full_log_finds_a_stale_or_missing_record(tmp_path: Path) -> None:
    site, r1 = first_release(tmp_path)
    assert verify_release_against_log(r1, site.log.leaves()) == []
    # R-3 is corrected from body part to person after r1; r2 is then forged to keep r1's rows.
    change(site.log, site.log.entry(2), person("male"))
    create(site.log, "R-4", person("female"))
    r2 = site.publish("r2", previous="r1")
    assert verify_release_against_log(r2, site.log.leaves()) == []
    stale = json.loads((r1 / "records.json").read_text())
    edit_json(r2 / "records.json", lambda rows: rows.__setitem__(slice(None), stale))
    assert verify_release_against_log(r2, site.log.leaves()) == [
        "record remains R-3: records.json lists leaf 2, but the record's latest entry in the "
        "signed log is entry 4 (remains R-3 v2) (correct)",
        "record remains R-4 counts (its latest entry 5 (remains R-4 v1) has a category) but is "
        "not in records.json",
    ]


def test_an_auditor_log_with_another_root_is_refused(tmp_path: Path) -> None:
    site, r1 = first_release(tmp_path)
    leaves = site.log.leaves()
    assert verify_release_against_log(r1, [leaves[1], leaves[0], *leaves[2:]]) == [
        "the log given does not have the checkpoint's root at size 4"
    ]


def test_a_release_over_format_1_and_format_2_corrections_verifies(tmp_path: Path) -> None:
    site = Site(tmp_path)
    first = create(site.log, "R-1", person("male"))
    old = change(site.log, first, person("female"), entry_format=1)
    r1 = site.publish("r1")
    change(site.log, old, person("male"))
    r2 = site.publish("r2", previous="r1")
    assert verify(site, r1).problems == []
    assert verify(site, r2, r1).problems == []
    entries = [item["entry"] for item in json.loads((r2 / "proofs.json").read_text())["entries"]]
    formats = {e["seq"]: e.get("format") for e in entries if e["action"] == "correct"}
    assert formats == {1: None, 3: 2}
    assert b"chief pathologist" in (r1 / "proofs.json").read_bytes()  # format 1: as written then
