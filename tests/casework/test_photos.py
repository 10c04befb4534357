"""Photos: stored by content hash after the commit, copies without metadata, bad files refused,
seen only by the roles that see their record, effects shown to family liaison when chosen."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from PIL import ExifTags, Image

from exhume.audit.events import Actor
from exhume.audit.models import LogEntry
from exhume.casework import photos
from exhume.casework.actions import do_add_photo, do_record_grave, do_show_photo_to_liaison
from exhume.casework.models import Photo
from exhume.errors import InvalidInputError

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("EXHUME_DATA_DIR", str(folder))
    return folder


def camera_jpeg(size: tuple[int, int] = (64, 48)) -> bytes:
    """A JPEG as a phone writes it: maker, orientation (turned 90°) and a GPS position."""
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SecretCameraMaker"
    exif[ExifTags.Base.Orientation] = 6
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (49.0, 12.0, 33.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (37.0, 16.0, 5.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A small PNG whose header declares ``width`` × ``height`` pixels (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    body = zlib.compress(b"\x00" * 10_000)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    )


@pytest.fixture
def record(make_site: Any, make_remains: Any) -> Any:
    return make_remains(make_site())


def add(record: Any, django_capture_on_commit_callbacks: Any, **fields: Any) -> Photo:
    defaults: dict[str, Any] = {"data": camera_jpeg(), "subject": "effects", "remains": record}
    with django_capture_on_commit_callbacks(execute=True):
        return do_add_photo(Actor("morgue-1", "morgue"), **{**defaults, **fields})


def test_a_photo_is_stored_by_its_hash_with_the_hash_in_its_log_entry(
    record: Any, django_capture_on_commit_callbacks: Any
) -> None:
    data = camera_jpeg()
    photo = add(record, django_capture_on_commit_callbacks, data=data)
    sha = photo.sha256
    folder = photos.photo_folder(sha)
    assert (folder / "original").read_bytes() == data  # the evidence, byte for byte
    assert folder.parent.name == sha[:2]
    assert (photo.width, photo.height, photo.media_type) == (64, 48, "image/jpeg")
    entry = LogEntry.objects.get(record_type="casework.photo", record_id=str(photo.pk))
    assert entry.reason == f"effects photo; original sha256 {sha}"
    assert not list((photos.photos_dir() / ".staging").iterdir())


def test_the_derived_copies_carry_no_exif_and_no_gps_and_stand_upright(
    record: Any, django_capture_on_commit_callbacks: Any
) -> None:
    photo = add(record, django_capture_on_commit_callbacks)
    for variant in photos.VARIANTS:
        raw = photos.variant_path(photo.sha256, variant).read_bytes()
        assert b"Exif" not in raw and b"SecretCameraMaker" not in raw
        with Image.open(io.BytesIO(raw)) as copy:
            assert len(copy.getexif()) == 0
            assert copy.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
            assert copy.size == (48, 64)  # the camera's orientation applied


def test_files_are_moved_into_place_only_after_the_commit(record: Any) -> None:
    photo = do_add_photo(
        Actor("m", "morgue"), data=camera_jpeg(), subject="remains", remains=record
    )
    # inside the test's transaction: not committed, so nothing is in place yet
    assert not photos.photo_folder(photo.sha256).exists()
    assert len(list((photos.photos_dir() / ".staging").iterdir())) == 1


def test_a_refused_record_leaves_no_file(record: Any) -> None:
    with pytest.raises(InvalidInputError, match="at most 300 characters"):
        do_add_photo(
            Actor("m", "morgue"), data=camera_jpeg(), subject="effects", remains=record,
            caption="x" * 301,
        )  # fmt: skip
    assert not Photo.objects.exists()
    assert list(photos.photos_dir().rglob("*.jpg")) == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.4 not an image at all", "the file is not an image that can be read"),
        (camera_jpeg()[:200], "the file is not an image that can be read"),
        (png_declaring(50_000, 50_000), "refused as a possible decompression bomb"),
    ],
    ids=["not-an-image", "truncated-jpeg", "decompression-bomb"],
)
def test_bad_files_are_refused_and_nothing_is_written(
    record: Any, data: bytes, message: str
) -> None:
    with pytest.raises(InvalidInputError, match=message) as err:
        do_add_photo(Actor("m", "morgue"), data=data, subject="effects", remains=record)
    assert err.value.field == "photo"
    assert not Photo.objects.exists()
    assert not LogEntry.objects.filter(record_type="casework.photo").exists()
    assert not photos.photos_dir().exists() or list(photos.photos_dir().rglob("*.*")) == []


def test_a_bomb_is_refused_from_its_header_below_pillows_own_limit(
    record: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(photos, "MAX_PIXELS", 1_000_000)
    with pytest.raises(InvalidInputError, match=r"\(2000 × 2000\).*at most 1 million"):
        do_add_photo(
            Actor("m", "morgue"), data=png_declaring(2000, 2000), subject="effects", remains=record
        )


def test_a_photo_over_the_stated_limit_is_refused_naming_the_limit(
    record: Any, settings: Any
) -> None:
    settings.EXHUME_PHOTO_MAX_BYTES = 512 * 1024  # 0.5 MB; the default is 50 MB
    big = io.BytesIO()
    Image.effect_noise((900, 900), 100).save(big, format="PNG")  # noise does not compress
    assert len(big.getvalue()) > 512 * 1024
    with pytest.raises(InvalidInputError, match=r"the photo is 0\.\d MB; the limit is 0.5 MB"):
        do_add_photo(Actor("m", "morgue"), data=big.getvalue(), subject="remains", remains=record)
    assert not Photo.objects.exists()


def test_the_default_limit_refuses_200_mb(settings: Any) -> None:
    from exhume import config

    assert settings.EXHUME_PHOTO_MAX_BYTES == config.photo_max_bytes() == 50 * 2**20
    with pytest.raises(InvalidInputError, match="the photo is 200 MB; the limit is 50 MB"):
        photos.check_size(200 * 2**20, settings.EXHUME_PHOTO_MAX_BYTES)  # the size alone


def test_what_a_photo_shows_follows_its_record(record: Any, make_site: Any) -> None:
    grave = do_record_grave(Actor("f", "field"), site=record.site, grave_number="17")
    with pytest.raises(InvalidInputError, match="shows one of: grave, document"):
        do_add_photo(Actor("f", "field"), data=camera_jpeg(), subject="effects", grave=grave)
    with pytest.raises(InvalidInputError, match="only a photo of personal effects"):
        do_add_photo(
            Actor("m", "morgue"), data=camera_jpeg(), subject="remains", remains=record,
            shown_to_liaison=True,
        )  # fmt: skip
    with pytest.raises(InvalidInputError, match="one grave or one remains record"):
        do_add_photo(Actor("m", "morgue"), data=camera_jpeg(), subject="document")


def test_the_same_image_twice_is_stored_once(
    record: Any, django_capture_on_commit_callbacks: Any
) -> None:
    first = add(record, django_capture_on_commit_callbacks)
    second = add(record, django_capture_on_commit_callbacks, subject="document")
    assert first.sha256 == second.sha256 and first.pk != second.pk
    assert len(list(photos.photos_dir().glob("*/*/original"))) == 1
    assert not list((photos.photos_dir() / ".staging").iterdir())


# --- pages: who sees and adds photos


def client_as(role: str) -> Client:
    user = User.objects.create_user(f"photo-{role}", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client = Client()
    client.force_login(user)
    return client


def test_the_morgue_uploads_on_the_page_and_sees_the_copy(
    record: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_as("morgue")
    url = f"/staff/remains/{record.pk}/photos/"
    upload = io.BytesIO(camera_jpeg())
    upload.name = "IMG_0001.jpg"
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(url, {"photo": upload, "subject": "effects", "caption": "a watch"})
    assert answer.status_code == 302, answer.content.decode()
    photo = Photo.objects.get()
    page = client.get(url).content.decode()
    assert f"/staff/remains/photos/{photo.pk}/thumb.jpg" in page and "a watch" in page
    copy = client.get(f"/staff/remains/photos/{photo.pk}/view.jpg")
    assert copy.status_code == 200 and copy["Content-Type"] == "image/jpeg"
    assert b"SecretCameraMaker" not in b"".join(copy.streaming_content)
    assert client.get(f"/staff/remains/photos/{photo.pk}/original.jpg").status_code == 404
    twin = client.get(f"/api/staff/remains/{record.pk}/photos").json()
    assert [p["sha256"] for p in twin] == [photo.sha256]


def test_the_page_refuses_an_upload_over_the_limit_before_reading_it(
    record: Any, settings: Any
) -> None:
    settings.EXHUME_PHOTO_MAX_BYTES = 512 * 1024
    big = io.BytesIO(b"\xff" * (700 * 1024))
    big.name = "huge.jpg"
    answer = client_as("morgue").post(
        f"/staff/remains/{record.pk}/photos/", {"photo": big, "subject": "effects"}
    )
    assert answer.status_code == 400
    assert "the limit is 0.5 MB (EXHUME_PHOTO_MAX_MB)" in answer.content.decode()
    assert not Photo.objects.exists()


def test_a_not_image_upload_is_named_on_the_page(record: Any) -> None:
    bad = io.BytesIO(b"just text")
    bad.name = "notes.jpg"
    answer = client_as("field").post(
        f"/staff/remains/{record.pk}/photos/", {"photo": bad, "subject": "document"}
    )
    assert answer.status_code == 400
    assert "the file is not an image that can be read" in answer.content.decode()


@pytest.mark.parametrize(("role", "status"), [("lab", 403), ("liaison", 403), ("board", 200)])
def test_only_roles_that_see_remains_in_full_see_their_photos(
    record: Any, django_capture_on_commit_callbacks: Any, role: str, status: int
) -> None:
    photo = add(record, django_capture_on_commit_callbacks)
    client = client_as(role)
    assert client.get(f"/staff/remains/{record.pk}/photos/").status_code == status
    assert client.get(f"/staff/remains/photos/{photo.pk}/thumb.jpg").status_code == status


def test_a_role_that_only_reads_may_not_upload(record: Any) -> None:
    upload = io.BytesIO(camera_jpeg())
    upload.name = "a.jpg"
    answer = client_as("investigator").post(
        f"/staff/remains/{record.pk}/photos/", {"photo": upload, "subject": "effects"}
    )
    assert answer.status_code == 403
    assert not Photo.objects.exists()


def test_liaison_sees_only_the_effects_staff_chose_and_no_case_number(
    record: Any, django_capture_on_commit_callbacks: Any
) -> None:
    chosen = add(record, django_capture_on_commit_callbacks, caption="case C-0001 watch")
    other = add(record, django_capture_on_commit_callbacks, data=camera_jpeg((30, 30)))
    liaison = client_as("liaison")
    assert liaison.get(f"/staff/liaison/photos/{chosen.pk}/thumb.jpg").status_code == 404
    shown = do_show_photo_to_liaison(
        Actor("m", "morgue"),
        chosen,
        shown=True,
        reason="families' viewing",
        authority="morgue head",
    )
    assert shown.version == 2
    page = liaison.get("/staff/liaison/photos/").content.decode()
    assert f"/staff/liaison/photos/{chosen.pk}/thumb.jpg" in page
    assert f"/staff/liaison/photos/{other.pk}/" not in page
    assert record.case_number not in page and "watch" not in page
    assert liaison.get(f"/staff/liaison/photos/{chosen.pk}/view.jpg").status_code == 200
    assert liaison.get(f"/staff/liaison/photos/{other.pk}/view.jpg").status_code == 404
    assert client_as("field").get("/staff/liaison/photos/").status_code == 403


def test_staff_set_the_liaison_flag_on_the_page_with_a_reason(
    record: Any, django_capture_on_commit_callbacks: Any
) -> None:
    photo = add(record, django_capture_on_commit_callbacks)
    client = client_as("morgue")
    url = f"/staff/remains/photos/{photo.pk}/liaison/"
    assert client.post(url, {"shown": "on", "reason": "to show families"}).status_code == 302
    photo.refresh_from_db()
    assert photo.shown_to_liaison
    entry = LogEntry.objects.filter(record_type="casework.photo").latest("seq")
    assert (entry.action, entry.reason) == ("correct", "to show families")
    assert client_as("liaison").post(url, {"reason": "x"}).status_code == 403


def test_a_restricted_records_photos_are_hidden(
    record: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from exhume.access.actions import do_restrict_record

    photo = add(record, django_capture_on_commit_callbacks)
    keeper = User.objects.create_user("keeper")
    do_restrict_record(Actor("admin", "admin"), record, people=[keeper], reason="sealed")
    client = client_as("board")
    assert client.get(f"/staff/remains/{record.pk}/photos/").status_code == 404
    assert client.get(f"/staff/remains/photos/{photo.pk}/thumb.jpg").status_code == 404


def test_liaison_photos_leave_out_restricted_remains_but_for_their_people_in_two_queries(
    record: Any,
    make_remains: Any,
    django_capture_on_commit_callbacks: Any,
    django_assert_num_queries: Any,
) -> None:
    from exhume.access.actions import do_restrict_record
    from exhume.casework.queries import liaison_photos

    sealed = make_remains(record.site)
    chosen = []
    for size, remains in ((20, record), (30, sealed), (40, record), (50, sealed)):
        photo = add(remains, django_capture_on_commit_callbacks, data=camera_jpeg((size, size)))
        chosen.append(do_show_photo_to_liaison(
            Actor("m", "morgue"), photo, shown=True, reason="viewing", authority="morgue head"
        ).pk)  # fmt: skip
    keeper, other = User.objects.create_user("keeper"), User.objects.create_user("other")
    do_restrict_record(Actor("admin", "admin"), sealed, people=[keeper], reason="sealed")
    open_ones = [chosen[0], chosen[2]]
    with django_assert_num_queries(2):  # the hidden remains' ids, then the photos
        assert [row["id"] for row in liaison_photos(other)] == open_ones
    assert [row["id"] for row in liaison_photos(keeper)] == chosen
    assert [row["id"] for row in liaison_photos(None)] == open_ones


def test_a_move_a_crash_interrupted_is_finished_and_verify_names_missing_or_changed_files(
    record: Any,
) -> None:
    from exhume.casework.queries import photo_file_problems

    # committed record, files still staged (the process died before on_commit ran)
    photo = do_add_photo(
        Actor("m", "morgue"), data=camera_jpeg(), subject="effects", remains=record
    )
    [problem] = photo_file_problems()
    assert problem.startswith(f"casework.photo {photo.pk}: original, view.jpg, thumb.jpg missing")
    assert "a crash interrupted its move" in problem
    assert photos.finish_interrupted(lambda sha: sha == photo.sha256) == [photo.sha256]
    assert photo_file_problems() == []
    (photos.photo_folder(photo.sha256) / "original").write_bytes(b"changed")
    [changed] = photo_file_problems()
    assert f"no longer has the SHA-256 {photo.sha256}" in changed
