"""exhume's own deployment checks, run with Django's by ``exhume check --deploy``.

Each names the environment variable or the file to change. Django's checks already cover
DEBUG, the secret key's strength, HSTS, secure cookies and the SSL redirect.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

from exhume import config


def _loose(path: Path, allowed: int) -> bool:
    """True when ``path`` grants more than ``allowed`` to group or others."""
    mode = stat.S_IMODE(path.stat().st_mode)
    return bool(mode & ~allowed & 0o077)


@register(Tags.security, deploy=True)
def secrets_are_private(app_configs: Sequence[Any] | None, **kwargs: Any) -> list[CheckMessage]:
    """The generated secret key and the private log keys are readable by their owner only."""
    found: list[CheckMessage] = []
    folder = config.data_dir()
    secret = folder / config.SECRET_KEY_FILE
    if "EXHUME_SECRET_KEY" not in os.environ and secret.is_file() and _loose(secret, 0):
        found.append(
            Error(
                f"{secret} (the generated secret key) is readable by other users",
                hint=f"chmod 600 {secret}",
                id="exhume.E001",
            )
        )
    keys = folder / "keys"
    if keys.is_dir():
        loose = [p for p in [keys, *sorted(keys.iterdir())] if _loose(p, 0)]
        found.extend(
            Error(
                f"{path} (private log keys) is readable by other users",
                hint=f"chmod {'700' if path.is_dir() else '600'} {path}",
                id="exhume.E002",
            )
            for path in loose
        )
        if any(keys.glob("*.key")):
            found.append(
                Warning(
                    f"the private log keys are on this server ({keys})",
                    hint="keep an offline copy (exhume backup); a stolen key can sign a false "
                    "release, a lost one cannot sign the next",
                    id="exhume.W001",
                )
            )
    return found


@register(Tags.security, deploy=True)
def served_safely(app_configs: Sequence[Any] | None, **kwargs: Any) -> list[CheckMessage]:
    """TLS, host names and static files, named by the variables that set them."""
    found: list[CheckMessage] = []
    if not config.behind_tls():
        found.append(
            Warning(
                "EXHUME_BEHIND_TLS is off: no HSTS, cookies are not marked Secure, no redirect "
                "to https",
                hint="serve behind a TLS proxy that sets X-Forwarded-Proto and set "
                "EXHUME_BEHIND_TLS=1",
                id="exhume.W002",
            )
        )
    if "*" in settings.ALLOWED_HOSTS:
        found.append(
            Warning(
                "EXHUME_ALLOWED_HOSTS contains '*': any Host header is accepted",
                hint="list the public host names, e.g. EXHUME_ALLOWED_HOSTS=counts.example.org",
                id="exhume.W003",
            )
        )
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    uses_manifest = "Manifest" in settings.STORAGES["staticfiles"]["BACKEND"]
    if uses_manifest and not manifest.is_file():
        found.append(
            Warning(
                f"the static files are not collected ({manifest} is missing): pages would fail",
                hint="start the server with `exhume serve`, which collects them first",
                id="exhume.W004",
            )
        )
    return found
