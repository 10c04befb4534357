"""Configuration from the environment: typed, with safe defaults, failing with the variable."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from exhume import config
from exhume.errors import ConfigurationError


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("EXHUME_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("EXHUME_SECRET_KEY", raising=False)
    return tmp_path


def test_debug_is_off_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EXHUME_DEBUG", raising=False)
    assert config.debug() is False
    monkeypatch.setenv("EXHUME_DEBUG", "1")
    assert config.debug() is True


def test_it_generates_the_secret_key_once_into_the_data_folder_mode_0600(data_dir: Path) -> None:
    first = config.secret_key()
    path = data_dir / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) >= 50
    assert config.secret_key() == first
    assert [p.name for p in data_dir.iterdir()] == ["secret_key"]  # no temporary file left


def test_a_given_secret_key_wins_and_writes_no_file(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXHUME_SECRET_KEY", "k" * 50)
    assert config.secret_key() == "k" * 50
    assert not (data_dir / "secret_key").exists()


def test_it_refuses_a_short_secret_key_naming_the_variable(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXHUME_SECRET_KEY", "")
    with pytest.raises(ConfigurationError, match="EXHUME_SECRET_KEY is shorter than 32"):
        config.secret_key()


def test_it_refuses_an_emptied_key_file_naming_it(data_dir: Path) -> None:
    (data_dir / "secret_key").write_text("\n")
    with pytest.raises(
        ConfigurationError,
        match=r"secret_key \(the generated EXHUME_SECRET_KEY\) is too short; delete it",
    ):
        config.secret_key()


@pytest.mark.parametrize(
    ("raw", "message"),
    [("many", "EXHUME_WORKERS='many' is not a whole number"), ("0", "must be at least 1")],
)
def test_it_refuses_a_bad_worker_count_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, raw: str, message: str
) -> None:
    monkeypatch.setenv("EXHUME_WORKERS", raw)
    with pytest.raises(ConfigurationError, match=message):
        config.workers()


def test_the_worker_count_comes_from_the_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EXHUME_WORKERS", raising=False)
    monkeypatch.setattr(config.os, "cpu_count", lambda: 6)
    assert config.workers() == 6
    monkeypatch.setattr(config.os, "cpu_count", lambda: 1)
    assert config.workers() == 2


def test_it_refuses_an_empty_host_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXHUME_ALLOWED_HOSTS", " , ")
    with pytest.raises(ConfigurationError, match="EXHUME_ALLOWED_HOSTS=' , ' names no host"):
        config.allowed_hosts()


def test_it_refuses_a_non_boolean_tls_flag(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXHUME_BEHIND_TLS", "maybe")
    with pytest.raises(ConfigurationError, match="EXHUME_BEHIND_TLS='maybe' is not a boolean"):
        config.behind_tls()
