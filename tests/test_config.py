"""Configuration from the environment: typed, failing loudly with the variable's name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from exhume import config
from exhume.errors import ConfigurationError


@pytest.mark.parametrize(
    ("raw", "value"), [("1", True), (" Yes ", True), ("off", False), ("", False)]
)
def test_a_boolean_variable_reads_the_usual_spellings(
    raw: str, value: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXHUME_DEBUG", raw)
    assert config.env_bool("EXHUME_DEBUG", default=not value) is value


def test_an_unset_boolean_takes_its_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EXHUME_DEBUG", raising=False)
    assert config.env_bool("EXHUME_DEBUG", default=True) is True


def test_it_refuses_a_boolean_it_cannot_read_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("EXHUME_DEBUG", "maybe")
    with pytest.raises(ConfigurationError, match=r"EXHUME_DEBUG='maybe' is not a boolean"):
        config.env_bool("EXHUME_DEBUG", default=True)


def test_the_data_folder_is_created_where_the_variable_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXHUME_DATA_DIR", str(tmp_path / "a" / "b"))
    assert config.data_dir() == (tmp_path / "a" / "b").resolve()
    assert config.data_dir().is_dir()


def test_without_a_url_the_database_is_sqlite_in_the_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXHUME_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("EXHUME_DATABASE_URL", raising=False)
    db = config.database().as_django()
    assert (db["ENGINE"], db["NAME"]) == (
        "django.db.backends.sqlite3",
        str(tmp_path.resolve() / "exhume.sqlite3"),
    )
    assert db["OPTIONS"] == {"timeout": 20}


def test_a_postgresql_url_gives_every_part_unquoted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXHUME_DATABASE_URL", "postgresql://ex%40hume:p%2Fw@db.local:6543/my%20db")
    assert config.database() == config.DatabaseConfig(
        "django.db.backends.postgresql", "my db", "ex@hume", "p/w", "db.local", "6543"
    )


@pytest.mark.parametrize(
    ("url", "name"),
    [("sqlite:///tmp/x.db", "/tmp/x.db"), ("sqlite:////tmp/x.db", "/tmp/x.db"),
     ("sqlite://:memory:", ":memory:"), ("sqlite://", ":memory:")],
)  # fmt: skip
def test_sqlite_urls(url: str, name: str) -> None:
    assert config.parse_database_url(url, variable="V").name == name


def test_the_test_database_defaults_to_sqlite_in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EXHUME_TEST_DATABASE_URL", raising=False)
    assert config.test_database() == config.DatabaseConfig("django.db.backends.sqlite3", ":memory:")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "postgresql://u@h:5432/",
            "EXHUME_DATABASE_URL='postgresql://u@h:5432/' names no database",
        ),
        ("mysql://u@h/db", "unsupported scheme 'mysql'; use sqlite:/// or postgresql://"),
    ],
)
def test_it_refuses_a_database_url_it_cannot_use_naming_the_variable(
    url: str, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXHUME_DATABASE_URL", url)
    with pytest.raises(ConfigurationError) as error:
        config.database()
    assert message in str(error.value)


def test_the_log_origin_comes_from_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EXHUME_LOG_ORIGIN", raising=False)
    assert config.log_origin() == "exhume.local/log"
    monkeypatch.setenv("EXHUME_LOG_ORIGIN", " example.org/izium-log ")
    assert config.log_origin() == "example.org/izium-log"


SOURCE = Path(__file__).resolve().parents[1] / "src" / "exhume"
#: Django's settings module reads its own variables (the settings are configuration too).
READERS = {"config.py", "project/settings.py"}


def test_only_the_configuration_reads_exhume_variables() -> None:
    readers = {
        str(path.relative_to(SOURCE))
        for path in SOURCE.rglob("*.py")
        if re.search(r"(environ\.get\(|getenv\(|environ\[)\s*[\"']EXHUME_", path.read_text("utf-8"))
    }
    assert readers <= READERS, sorted(readers - READERS)


def test_every_exhume_variable_is_documented_in_the_readme() -> None:
    readme = (SOURCE.parents[1] / "README.md").read_text(encoding="utf-8")
    used = {
        name
        for path in SOURCE.rglob("*.py")
        for name in re.findall(r"[\"'](EXHUME_[A-Z_]+)[\"']", path.read_text(encoding="utf-8"))
    }
    assert used and sorted(n for n in used if f"`{n}`" not in readme) == []
