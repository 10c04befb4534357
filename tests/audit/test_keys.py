"""Log keys: generated on first use outside the database, 0600, rotation logged."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest

from exhume.audit.events import Actor
from exhume.audit.keys import current_signer, do_rotate_log_key, key_path, signer_for
from exhume.audit.models import LogEntry, SigningKey
from exhume.errors import ConfigurationError

pytestmark = pytest.mark.django_db
ADMIN = Actor("admin-1", "admin")


def test_the_first_use_generates_a_private_key_file_0600_and_logs_its_vkey(data_dir: Path) -> None:
    key, signer = current_signer(ADMIN)
    path = data_dir / "keys" / f"log-{key.key_id}.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert signer.verifier.vkey == key.vkey
    assert key.vkey.startswith("exhume.local/log+")
    entry = LogEntry.objects.get(record_type="audit.signingkey", record_id=str(key.pk))
    assert (entry.action, entry.actor_role) == ("create", "admin")
    assert "PRIVATE" not in key.vkey


def test_a_second_use_loads_the_same_key(data_dir: Path) -> None:
    first, _ = current_signer(ADMIN)
    again, _ = current_signer(ADMIN)
    assert first.pk == again.pk
    assert SigningKey.objects.count() == 1


def test_rotation_logs_a_new_key_and_keeps_the_old_one(data_dir: Path) -> None:
    old, _ = current_signer(ADMIN)
    before, new = do_rotate_log_key(ADMIN)
    assert before is not None and before.pk == old.pk
    assert current_signer(ADMIN)[0].pk == new.pk
    assert key_path(old).is_file() and key_path(new).is_file()
    assert signer_for(old).verifier.vkey == old.vkey
    logged = LogEntry.objects.filter(record_type="audit.signingkey").values_list("record_id")
    assert sorted(r for (r,) in logged) == sorted([str(old.pk), str(new.pk)])


def test_a_missing_private_key_names_where_it_was_expected(data_dir: Path) -> None:
    key, _ = current_signer(ADMIN)
    key_path(key).unlink()
    with pytest.raises(ConfigurationError, match=f"log-{key.key_id}.key"):
        signer_for(key)


def test_the_origin_comes_from_the_environment(monkeypatch: Any, data_dir: Path) -> None:
    monkeypatch.setenv("EXHUME_LOG_ORIGIN", "exhume.example.org/izium")
    key, _ = current_signer(ADMIN)
    assert key.name == "exhume.example.org/izium"


def test_an_origin_with_a_space_is_refused_naming_the_variable(monkeypatch: Any) -> None:
    monkeypatch.setenv("EXHUME_LOG_ORIGIN", "my log")
    with pytest.raises(ConfigurationError, match="EXHUME_LOG_ORIGIN='my log'"):
        current_signer(ADMIN)
