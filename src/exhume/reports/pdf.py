"""HTML to PDF with WeasyPrint, which needs the Pango library of the operating system.

WeasyPrint is imported on first use, so that everything else works on a machine without
Pango; :class:`exhume.errors.UnavailableError` says what to install when it is missing.
"""

from __future__ import annotations

from exhume.errors import UnavailableError

PANGO_HINT = (
    "PDF reports need WeasyPrint and the Pango library "
    "(Debian/Ubuntu: apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)"
)


def weasyprint_missing() -> str | None:
    """Why PDF reports cannot be made here, or ``None`` when they can."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:
        return f"{PANGO_HINT}: {exc}"
    return None


def html_to_pdf(html: str, css: str = "") -> bytes:
    """The PDF of a self-contained HTML page styled by ``css`` (no network access: no base
    URL, and a URL fetcher that refuses every URL)."""
    reason = weasyprint_missing()
    if reason:
        raise UnavailableError(reason)
    from weasyprint import CSS, HTML

    def no_fetch(url: str, *args: object, **kwargs: object) -> dict[str, object]:
        raise ValueError(f"reports load nothing from outside: {url}")

    sheets = [CSS(string=css, url_fetcher=no_fetch)] if css else []
    pdf = HTML(string=html, url_fetcher=no_fetch).write_pdf(stylesheets=sheets)
    if pdf is None:
        raise UnavailableError("WeasyPrint returned no PDF")
    return bytes(pdf)
