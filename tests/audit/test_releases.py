"""Publishing signed releases through the action, and verifying them offline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from exhume.audit.events import Actor
from exhume.audit.keys import current_key, do_rotate_log_key
from exhume.audit.models import LogEntry
from exhume.counting import count_rule
from exhume.errors import VerificationError
from exhume.ledger import read_release, verify_release
from exhume.publication.models import Release
from exhume.publication.releases import export_release

pytestmark = pytest.mark.django_db


def check(directory: Path, previous: Path | None = None, keys: list[str] | None = None) -> Any:
    return verify_release(directory, previous, keys, count=count_rule)


def vkey() -> str:
    key = current_key()
    assert key is not None
    return key.vkey


def test_a_release_holds_the_real_counts_and_verifies_with_the_log_key(
    small_site: Any, publish: Any, data_dir: Path
) -> None:
    release = publish(small_site)
    directory = data_dir / "releases" / "lisova" / "lisova-1"
    assert release.path == directory
    counts = json.loads((directory / "summary.json").read_text())["counts"]
    assert (counts["total"], counts["women"], counts["men"], counts["servicemen"]) == (4, 2, 1, 1)
    assert counts["body_parts_unassociated"] == 0
    report = check(directory, keys=[vkey()])
    assert report.problems == [] and report.warnings == []
    assert (report.records_checked, report.tree_size) == (5, release.tree_size)


def test_publishing_appends_the_publish_entry_last_in_the_database_log(
    small_site: Any, publish: Any
) -> None:
    release = publish(small_site)
    last = LogEntry.objects.order_by("-seq").first()
    assert last is not None
    assert (last.seq, last.action, last.record_type, last.record_id) == (
        release.tree_size - 1, "publish", "release", "lisova-1",
    )  # fmt: skip
    assert last.actor_role == "admin"


def test_records_json_holds_commitments_and_categories_never_names(
    small_site: Any, publish: Any
) -> None:
    rows = json.loads((publish(small_site).path / "records.json").read_text())
    assert {tuple(sorted(r)) for r in rows} == {
        ("category", "commitment", "leaf_index", "record_id", "record_type", "version")
    }
    assert "C-0001" not in json.dumps(rows)


def test_the_same_rule_counts_live_and_released(small_site: Any, publish: Any) -> None:
    from exhume.publication.queries import site_summary

    summary = read_release(publish(small_site).path).summary
    assert summary["counts"] == site_summary(small_site).as_dict()


def test_a_second_release_proves_consistency_with_the_first(
    small_site: Any, publish: Any, make_remains: Any
) -> None:
    first = publish(small_site)
    make_remains(small_site, sex="male")
    second = publish(small_site)
    report = check(second.path, first.path)
    assert report.problems == []
    assert read_release(second.path).summary["counts"]["total"] == 5
    assert (second.label, second.number) == ("lisova-2", 2)


def test_a_site_whose_slug_is_corrected_keeps_its_releases(
    small_site: Any, publish: Any, actor: Any, make_remains: Any
) -> None:
    from exhume.casework.actions import do_correct_site
    from exhume.publication.releases import site_releases

    first = publish(small_site)
    site = do_correct_site(
        actor, small_site, reason="official name", authority="oblast", slug="lis"
    )
    assert [r.label for r in site_releases(site)] == ["lisova-1"]
    make_remains(site, sex="male")
    second = publish(site)
    assert (second.label, second.number) == ("lis-2", 2)
    assert check(second.path, first.path).problems == []


def test_a_correction_between_releases_verifies_with_its_reason(
    small_site: Any, publish: Any, actor: Any
) -> None:
    from exhume.casework.actions import do_correct_remains

    first = publish(small_site)
    remains = small_site.remains.get(case_number="C-0002")
    do_correct_remains(actor, remains, reason="re-examined", authority="board", sex="male")
    second = publish(small_site)
    assert check(second.path, first.path).problems == []


def test_after_a_key_rotation_the_old_key_hands_over_to_the_new_one(
    small_site: Any, publish: Any
) -> None:
    first = publish(small_site)
    old = vkey()
    _, new = do_rotate_log_key(Actor("admin-1", "admin"))
    second = publish(small_site)
    assert check(second.path, first.path).problems == []
    assert check(second.path, keys=[new.vkey]).problems == []
    assert check(first.path, keys=[old]).problems == []
    assert second.log_key == new.vkey


def test_publishing_is_refused_when_a_remains_row_no_longer_matches_the_log(
    small_site: Any, publish: Any
) -> None:
    from django.db import connection

    remains = small_site.remains.get(case_number="C-0004")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE casework_remains SET status = 'civilian' WHERE id = %s", [remains.pk]
        )
    with pytest.raises(VerificationError, match=f"casework.remains {remains.pk} \\(case C-0004\\)"):
        publish(small_site)
    assert Release.objects.count() == 0


def test_export_copies_the_bundle_and_refuses_to_overwrite(
    small_site: Any, publish: Any, tmp_path: Path
) -> None:
    release = publish(small_site)
    out = export_release(release, tmp_path / "out")
    assert (out / "checkpoint.txt").read_text() == release.checkpoint
    with pytest.raises(Exception, match="never rewritten"):
        export_release(release, out)


def test_the_public_page_links_the_latest_release_and_serves_its_files(
    small_site: Any, publish: Any, client: Client
) -> None:
    release = publish(small_site)
    html = client.get("/sites/lisova/").content.decode()
    assert 'data-release="lisova-1"' in html
    assert 'href="/sites/lisova/releases/lisova-1/checkpoint.txt"' in html
    served = client.get("/sites/lisova/releases/lisova-1/checkpoint.txt")
    assert served.status_code == 200
    assert served.content.decode() == release.checkpoint
    assert client.get("/sites/lisova/releases/lisova-1/../keys").status_code == 404
    assert client.get("/sites/lisova/releases/lisova-1/secret.key").status_code == 404
    assert client.get("/sites/lisova/releases/lisova-9/summary.json").status_code == 404


def test_the_releases_json_twin_lists_each_release_with_its_file_urls(
    small_site: Any, publish: Any, client: Client
) -> None:
    publish(small_site)
    publish(small_site)
    rows = client.get("/api/sites/lisova/releases").json()
    assert [r["label"] for r in rows] == ["lisova-2", "lisova-1"]
    assert rows[0]["urls"]["summary.json"] == "/sites/lisova/releases/lisova-2/summary.json"
    assert client.get("/api/sites/lisova").json()["latest_release"]["label"] == "lisova-2"


def test_a_site_without_a_release_shows_no_release_section(small_site: Any, client: Client) -> None:
    assert "data-release=" not in client.get("/sites/lisova/").content.decode()
    assert client.get("/api/sites/lisova").json()["latest_release"] is None


def test_a_previous_release_whose_files_were_edited_blocks_the_next_one(
    small_site: Any, publish: Any
) -> None:
    first = publish(small_site)
    path = first.path / "checkpoint.txt"
    path.write_text(path.read_text().replace("\n\n", "\n\n— x AAAA\n", 1))
    with pytest.raises(VerificationError, match=r"release lisova-1: .*checkpoint\.txt is not the"):
        publish(small_site)


def test_the_release_folder_is_kept_relative_to_the_data_folder(
    small_site: Any, publish: Any, data_dir: Path, tmp_path: Path, monkeypatch: Any
) -> None:
    from exhume.publication.releases import check_live_database

    release = publish(small_site)
    assert release.directory == "releases/lisova/lisova-1"
    moved = tmp_path / "restored"
    data_dir.rename(moved)
    monkeypatch.setenv("EXHUME_DATA_DIR", str(moved))
    assert release.path == moved / "releases" / "lisova" / "lisova-1"
    assert check_live_database().problems == []
    assert publish(small_site).label == "lisova-2"


def test_releases_and_keys_are_read_only_in_the_admin(
    small_site: Any, publish: Any, admin_client: Client
) -> None:
    release = publish(small_site)
    assert "lisova-1" in admin_client.get("/admin/publication/release/").content.decode()
    assert admin_client.get("/admin/publication/release/add/").status_code == 403
    assert admin_client.post(f"/admin/publication/release/{release.pk}/delete/").status_code == 403
    assert admin_client.get("/admin/audit/signingkey/add/").status_code == 403
