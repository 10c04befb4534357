"""Ukrainian and English: every shown string marked, every message translated, .mo compiled."""

from __future__ import annotations

import re

from babel.messages.pofile import read_po

from exhume.translations import extract
from exhume.translations.catalog import compile_catalogs

PLACEHOLDER = re.compile(r"%\((\w+)\)[sdr]")


def po_catalogue():  # type: ignore[no-untyped-def]
    with extract.PO.open("rb") as handle:
        return read_po(handle, locale="uk")


def test_no_string_shown_to_people_is_left_unmarked_for_translation() -> None:
    assert extract.unmarked() == []


def test_every_marked_message_is_in_the_ukrainian_catalogue() -> None:
    catalogue = po_catalogue()
    absent = sorted(
        {str(m.msgid) for m in extract.messages() if catalogue.get(m.msgid, m.context) is None}
    )
    assert absent == [], "run: python -m exhume.translations.extract, then translate"


def test_no_ukrainian_entry_is_empty_or_fuzzy() -> None:
    assert extract.untranslated(po_catalogue()) == []


def test_translations_keep_every_placeholder_of_their_message() -> None:
    wrong = []
    for message in po_catalogue():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple | list) else [message.id]
        strings = message.string if isinstance(message.string, tuple | list) else [message.string]
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        wrong += [s for s in strings if set(PLACEHOLDER.findall(s)) != wanted]
    assert wrong == []


def test_the_catalogue_compiles_without_a_system_gettext_tool() -> None:
    [mo] = compile_catalogs(force=True)
    assert mo.name == "django.mo" and mo.stat().st_size > 10_000
    assert compile_catalogs() == []  # up to date: nothing rewritten


def test_a_template_message_with_an_apostrophe_is_extracted(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # templatize writes such a message in double quotes; the extractor once read only single
    # quotes and dropped it, so seven warnings and headings stayed English in Ukrainian pages
    from django.utils.translation.template import templatize

    page = tmp_path / "page.html"
    source = (
        "{% load i18n %}{% translate \"the family's consent\" %} {% translate 'plain' %}"
        "{% blocktranslate with n=count %}{{ n }} relatives' samples{% endblocktranslate %}"
    )
    code = templatize(source, origin=str(page))
    found = [m.msgid for m in extract._template_calls(code, extract.PACKAGE / "page.html")]
    assert found == ["the family's consent", "plain", "%(n)s relatives' samples"]
