"""``exhume check --deploy``: Django's deployment checks plus exhume's own."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from exhume.cli import main

SettingsWrapper = Any  # pytest-django's `settings` fixture (its class is private)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("EXHUME_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("EXHUME_BEHIND_TLS", raising=False)
    return tmp_path


@pytest.fixture
def production(settings: SettingsWrapper, monkeypatch: pytest.MonkeyPatch) -> SettingsWrapper:
    """The settings as ``EXHUME_BEHIND_TLS=1`` makes them, with a strong secret key."""
    monkeypatch.setenv("EXHUME_BEHIND_TLS", "1")
    settings.DEBUG = False
    settings.SECRET_KEY = secrets.token_urlsafe(50)
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    return settings


def test_it_reports_plain_http_naming_the_variable(data_dir: Path) -> None:
    result = CliRunner().invoke(main, ["check", "--deploy"])
    assert result.exit_code == 1
    assert "exhume.W002" in result.output
    assert "EXHUME_BEHIND_TLS=1" in result.output
    assert "security.W004" in result.output  # Django's own: no HSTS


def test_a_production_configuration_passes(data_dir: Path, production: SettingsWrapper) -> None:
    result = CliRunner().invoke(main, ["check", "--deploy"])
    assert result.output.strip().endswith("System check identified no issues (1 silenced).")
    assert result.exit_code == 0


def test_it_reports_a_secret_key_file_others_can_read(
    data_dir: Path, production: SettingsWrapper, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("EXHUME_SECRET_KEY", raising=False)
    key = data_dir / "secret_key"
    key.write_text("x" * 60)
    os.chmod(key, 0o644)
    result = CliRunner().invoke(main, ["check", "--deploy"])
    assert result.exit_code == 1
    assert f"exhume.E001) {key} (the generated secret key) is readable by other users" in (
        result.output
    )
    assert f"chmod 600 {key}" in result.output


def test_it_reports_private_keys_others_can_read_and_asks_for_an_offline_copy(
    data_dir: Path, production: SettingsWrapper
) -> None:
    keys = data_dir / "keys"
    keys.mkdir(mode=0o755)
    os.chmod(keys, 0o755)
    (keys / "log-0a0b0c0d.key").write_text("private")
    os.chmod(keys / "log-0a0b0c0d.key", 0o600)
    result = CliRunner().invoke(main, ["check", "--deploy"])
    assert f"exhume.E002) {keys} (private log keys) is readable by other users" in result.output
    assert "exhume.W001" in result.output
    assert "keep an offline copy (exhume backup)" in result.output


def test_it_reports_a_wildcard_host(data_dir: Path, production: SettingsWrapper) -> None:
    production.ALLOWED_HOSTS = ["*"]
    result = CliRunner().invoke(main, ["check", "--deploy"])
    assert "exhume.W003) EXHUME_ALLOWED_HOSTS contains '*'" in result.output


def test_it_reports_static_files_not_collected(data_dir: Path, production: SettingsWrapper) -> None:
    production.STORAGES = {
        **production.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    production.STATIC_ROOT = data_dir / "static"
    result = CliRunner().invoke(main, ["check", "--deploy"])
    assert "exhume.W004) the static files are not collected" in result.output
