"""Security headers on every response, HSTS behind TLS, and no inline script or style anywhere
(the Content-Security-Policy allows neither)."""

from __future__ import annotations

import re
import runpy
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from exhume.project.middleware import CONTENT_SECURITY_POLICY
from tests.web.builders import SLUG, Built

SRC = Path(__file__).resolve().parents[2] / "src" / "exhume"
TEMPLATES = sorted(SRC.glob("**/templates/**/*.html"))
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=|\son[a-z]+=|hx-on", re.I)


def test_every_page_denies_framing_and_carries_the_policy(client: Client, built: Built) -> None:
    for url in ("/", f"/sites/{SLUG}/", f"/api/sites/{SLUG}", "/accounts/login/", "/nowhere/"):
        response = client.get(url)
        assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, url
        assert response["X-Frame-Options"] == "DENY", url
        assert response["Referrer-Policy"] == "same-origin", url
        assert response["X-Content-Type-Options"] == "nosniff", url


def test_the_policy_allows_no_inline_script_or_style() -> None:
    directives = dict(part.split(" ", 1) for part in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(SRC)))
def test_no_template_has_an_inline_script_or_style(template: Path) -> None:
    text = template.read_text(encoding="utf-8")
    assert INLINE_SCRIPT.findall(text) == []
    assert INLINE_STYLE.findall(text) == []


def _settings_with(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **env: str) -> dict[str, Any]:
    monkeypatch.setenv("EXHUME_DATA_DIR", str(tmp_path))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SRC / "project" / "settings.py"))


def test_behind_tls_it_sends_hsts_and_marks_cookies_secure(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    values = _settings_with(monkeypatch, tmp_path, EXHUME_BEHIND_TLS="1")
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert values["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["DEBUG"] is False


def test_without_tls_it_sends_no_hsts(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("EXHUME_BEHIND_TLS", raising=False)
    values = _settings_with(monkeypatch, tmp_path)
    assert "SECURE_HSTS_SECONDS" not in values
