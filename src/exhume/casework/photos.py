"""Photo files: checked with Pillow, stored by content hash, derived copies without metadata.

An uploaded photo is refused unless it is a JPEG, PNG, TIFF or WebP image that Pillow decodes,
no larger than the stated limit (``EXHUME_PHOTO_MAX_MB``) and of at most :data:`MAX_PIXELS`
pixels (a decompression bomb, a small file declaring a huge image, is refused from its header,
before any pixel is decoded).

Files live under ``EXHUME_DATA_DIR/photos/<first two hex digits>/<sha256>/``: ``original``
(the bytes as uploaded, whose SHA-256 names the folder and is logged), ``view.jpg`` (at most
:data:`VIEW_SIZE` pixels a side) and ``thumb.jpg`` (at most :data:`THUMB_SIZE`). The derived
copies are made from the pixels alone: no EXIF, no GPS position, no XMP, no ICC profile, no
comment survives into them (the camera's orientation is applied first). Only derived copies
are ever served to a page; the original stays as evidence.

Files are first written into ``photos/.staging/`` and moved into place by
:func:`move_into_place` once the record's transaction has committed. A crash between the commit
and the move leaves a staged folder whose record exists: :func:`finish_interrupted` (run before
every upload) moves it into place; :func:`file_problems` (``exhume verify --db``) names every
photo record whose files are missing or whose original no longer has its SHA-256.
"""

from __future__ import annotations

import hashlib
import io
import math
import os
import secrets
import shutil
import time
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from exhume import config
from exhume.errors import InvalidInputError

#: formats accepted, as Pillow names them -> the media type stored with the photo
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "TIFF": "image/tiff", "WEBP": "image/webp"}
#: the most pixels a photo may have (100 megapixels: a medium-format camera's photo)
MAX_PIXELS = 100_000_000
#: longest side of the copy shown on pages, and of the thumbnail
VIEW_SIZE = 1600
THUMB_SIZE = 320
#: the derived copies a page may ask for
VARIANTS = ("view", "thumb")


@dataclass(frozen=True)
class CheckedImage:
    """An upload that passed every check: its bytes' SHA-256, media type and size in pixels."""

    sha256: str
    media_type: str
    width: int
    height: int
    size_bytes: int


def photos_dir() -> Path:
    """``EXHUME_DATA_DIR/photos``."""
    return config.data_dir() / "photos"


def photo_folder(sha256: str) -> Path:
    """The folder of the photo whose original has this SHA-256."""
    return photos_dir() / sha256[:2] / sha256


def variant_path(sha256: str, variant: str) -> Path:
    """The file of a derived copy (``view`` or ``thumb``)."""
    return photo_folder(sha256) / f"{variant}.jpg"


def check_size(size: int, limit: int) -> None:
    """Refuse a file larger than ``limit`` bytes, stating the limit."""
    if size > limit:
        raise InvalidInputError(
            _("the photo is %(size)s MB; the limit is %(limit)s MB (EXHUME_PHOTO_MAX_MB)")
            % {"size": _megabytes(size), "limit": _megabytes(limit)},
            field="photo",
        )


def _megabytes(size: int) -> str:
    return f"{size / 2**20:.1f}".removesuffix(".0")


def check_image(data: bytes, *, limit: int) -> CheckedImage:
    """The checks of the module docstring, on the bytes of an upload."""
    from PIL import Image

    check_size(len(data), limit)
    with warnings.catch_warnings():
        # Pillow warns above its own limit (89 million pixels) and refuses above twice that;
        # the stated limit here is checked from the header, before any pixel is decoded
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as image:
                fmt = image.format or ""
                width, height = image.size
                _check_kind(fmt, width, height)
                image.load()  # decodes every pixel: a damaged file fails here
        except InvalidInputError:
            raise
        except Image.DecompressionBombError:
            raise InvalidInputError(_too_many_pixels(), field="photo") from None
        except Exception:  # Pillow raises many kinds for bytes that are not an image
            raise InvalidInputError(
                _("the file is not an image that can be read (JPEG, PNG, TIFF or WebP)"),
                field="photo",
            ) from None
    return CheckedImage(
        sha256=hashlib.sha256(data).hexdigest(),
        media_type=FORMATS[fmt],
        width=width,
        height=height,
        size_bytes=len(data),
    )


def _check_kind(fmt: str, width: int, height: int) -> None:
    if fmt not in FORMATS:
        raise InvalidInputError(
            _("%(format)s images are not accepted; give a JPEG, PNG, TIFF or WebP photo")
            % {"format": fmt or "unknown"},
            field="photo",
        )
    if width * height > MAX_PIXELS:
        raise InvalidInputError(_too_many_pixels(width, height), field="photo")


def _too_many_pixels(width: int = 0, height: int = 0) -> str:
    size = f" ({width} × {height})" if width else ""
    return _(
        "the image declares more pixels%(size)s than a photo has (at most %(limit)s million): "
        "refused as a possible decompression bomb"
    ) % {"size": size, "limit": MAX_PIXELS // 1_000_000}


def derived_copies(data: bytes) -> dict[str, bytes]:
    """``{"view": JPEG, "thumb": JPEG}`` made from the pixels only (orientation applied, every
    metadata block left behind). ``data`` must have passed :func:`check_image`."""
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as image:
        # a JPEG decodes at a reduced scale (1/2, 1/4, 1/8) while still larger than the view
        scale = min(1.0, VIEW_SIZE / max(image.size))
        image.draft("RGB", (math.ceil(image.width * scale), math.ceil(image.height * scale)))
        upright = ImageOps.exif_transpose(image).convert("RGB")
    out = {}
    for variant, side in (("view", VIEW_SIZE), ("thumb", THUMB_SIZE)):
        copy = upright.copy()
        copy.thumbnail((side, side))
        clean = Image.frombytes("RGB", copy.size, copy.tobytes())  # pixels, nothing else
        buffer = io.BytesIO()
        clean.save(buffer, format="JPEG", quality=85, optimize=True)
        out[variant] = buffer.getvalue()
    return out


def stage(sha256: str, original: bytes, copies: dict[str, bytes]) -> Path:
    """Write the original and its copies into a fresh staging folder (returned)."""
    staging = photos_dir() / ".staging" / f"{sha256}-{secrets.token_hex(4)}"
    staging.mkdir(parents=True)
    (staging / "original").write_bytes(original)
    for variant, data in copies.items():
        (staging / f"{variant}.jpg").write_bytes(data)
    return staging


def move_into_place(staging: Path, sha256: str) -> None:
    """Move a staged photo to its folder; when the same image is stored already (its content
    hash names the folder), the staged copy is dropped."""
    final = photo_folder(sha256)
    if final.exists():
        shutil.rmtree(staging, ignore_errors=True)
        return
    final.parent.mkdir(parents=True, exist_ok=True)
    os.replace(staging, final)


def discard(staging: Path) -> None:
    """Remove a staging folder whose record was not written."""
    shutil.rmtree(staging, ignore_errors=True)


#: a staged folder with no record after this long belongs to an upload that failed
STALE_SECONDS = 24 * 3600


def finish_interrupted(recorded: Callable[[str], bool]) -> list[str]:
    """Move into place the staged photos whose record was committed (``recorded(sha256)``) but
    whose move a crash interrupted; drop day-old staged photos that have no record. Returns the
    SHA-256 of the photos put in place."""
    staging = photos_dir() / ".staging"
    placed = []
    for folder in sorted(staging.iterdir()) if staging.is_dir() else []:
        sha = folder.name.split("-")[0]
        if recorded(sha):
            if not photo_folder(sha).exists():
                placed.append(sha)
            move_into_place(folder, sha)
        elif time.time() - folder.stat().st_mtime > STALE_SECONDS:
            discard(folder)
    return placed


def file_problems(records: Iterable[tuple[int, str]]) -> list[str]:
    """One message per photo record ``(id, sha256)`` whose original, view copy or thumbnail is
    missing, or whose original's bytes no longer hash to the recorded SHA-256."""
    problems = []
    for pk, sha in records:
        folder = photo_folder(sha)
        missing = [n for n in ("original", "view.jpg", "thumb.jpg") if not (folder / n).is_file()]
        if missing:
            staged = any((photos_dir() / ".staging").glob(f"{sha}-*"))
            problems.append(
                f"casework.photo {pk}: {', '.join(missing)} missing in {folder}"
                + ("; a crash interrupted its move from photos/.staging, which the next photo "
                   "upload finishes" if staged else "; restore it from a backup")
            )  # fmt: skip
        elif _file_sha256(folder / "original") != sha:
            problems.append(
                f"casework.photo {pk}: {folder / 'original'} no longer has the SHA-256 {sha} "
                "its record and log entry give; restore it from a backup"
            )
    return problems


def _file_sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()
