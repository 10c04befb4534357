"""A missing ../shared/data skips on a user's clone and fails in CI."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.shared_data import require


def test_missing_data_skips_with_the_reason_on_a_users_clone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="dvi-json examples not found at"):
        require(tmp_path / "absent", "dvi-json examples")


@pytest.mark.parametrize("value", ["true", "1", "TRUE"])
def test_missing_data_fails_the_run_in_ci(
    value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.fail.Exception, match=r"CI must run with \.\./shared/data"):
        require(tmp_path / "absent", "test vectors")


def test_present_data_is_returned_in_ci_and_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")
    assert require(tmp_path, "shared data") == tmp_path
