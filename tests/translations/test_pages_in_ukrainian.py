"""Pages in the reader's language: Accept-Language, the switch on every page, dates and
numbers per locale; records' own prose in both languages; JSON keys stay English."""

from __future__ import annotations

import pytest
from django.test import Client

from exhume.audit.events import Actor
from exhume.casework.actions import do_translate_site
from tests.web.builders import SLUG, Built

UK = {"Accept-Language": "uk"}


@pytest.fixture
def texts_uk(built: Built) -> None:
    do_translate_site(
        Actor.system("tests"),
        site=built.site,
        language="uk",
        name="Лісове кладовище Лісова Поляна",
        place="Лісова Поляна, Харківська область, Україна",
        description="Лісове кладовище, де загиблих поховали під номерними хрестами.",
    )


def test_the_site_page_in_ukrainian(client: Client, built: Built, texts_uk: None) -> None:
    html = client.get(f"/sites/{SLUG}/", headers=UK).content.decode()
    assert '<html lang="uk">' in html
    for text in (
        "Лісове кладовище Лісова Поляна",  # the site's own name, given in Ukrainian
        "Лісова Поляна, Харківська область, Україна",
        "вбитих",  # headline
        "Хто вони були",  # groups
        "жінки",
        "військовослужбовці",
        "Наростальний підсумок за днями ексгумації",  # chart
        "Як підраховано ці цифри",  # counting rules
        "Одиниця підрахунку — особа",
        "16 вересня 2022",  # dates per locale
    ):
        assert text in html, text
    assert "Who they were" not in html and "September" not in html


def test_the_site_page_stays_english_without_a_choice(
    client: Client, built: Built, texts_uk: None
) -> None:
    html = client.get(f"/sites/{SLUG}/", headers={"Accept-Language": "en"}).content.decode()
    assert "Lisova Poliana forest cemetery" in html and "16 September 2022" in html
    assert "Лісове кладовище" not in html


def test_json_twins_keep_english_keys_with_values_in_the_readers_language(
    client: Client, built: Built, texts_uk: None
) -> None:
    page = client.get(f"/api/sites/{SLUG}", headers=UK).json()
    assert {"title", "headline", "infobox", "summary"} <= set(page)
    assert page["title"] == "Лісове кладовище Лісова Поляна"
    assert page["headline"] == "15 вбитих"
    assert page["infobox"]["date"] == "16 вересня 2022 – 18 вересня 2022"


def test_every_page_has_the_language_switch(client: Client, built: Built) -> None:
    for url in ("/", f"/sites/{SLUG}/", "/accounts/login/", "/no-such-page/"):
        html = client.get(url).content.decode()
        assert 'href="/language/?language=uk&amp;next=' in html, url
        assert "csrfmiddlewaretoken" not in html or url == "/accounts/login/", url


def test_choosing_ukrainian_keeps_it_for_the_staff_pages(client: Client, built: Built) -> None:
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user("olha")
    user.groups.add(Group.objects.get(name="field"))
    client.force_login(user)
    assert "Remains" in client.get(f"/staff/sites/{SLUG}/remains/").content.decode()
    chosen = client.get("/language/", {"language": "uk", "next": "/staff/"})
    assert chosen.status_code == 302 and chosen["Location"] == "/staff/"
    html = client.get(f"/staff/sites/{SLUG}/remains/", {"torture": "yes"}).content.decode()
    assert "Останки" in html and "Зв’язані руки" in html and "Вогнепальне поранення" in html
    denied = client.get(f"/api/staff/sites/{SLUG}/journal").json()
    assert denied["error"] == "AccessDeniedError"
    assert (
        denied["message"] == "ваша роль (Польова група) не має доступу до цих даних (journal_names)"
    )
