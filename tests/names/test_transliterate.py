"""Ukrainian transliteration follows the official 2010 table, including its examples."""

from __future__ import annotations

import pytest

from exhume.names import transliterate_uk


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("Згорани", "Zghorany"), ("Розгон", "Rozghon"), ("Борщагівка", "Borshchahivka"),
        ("Вінниця", "Vinnytsia"), ("Ґалаґан", "Galagan"), ("Єнакієве", "Yenakiieve"),
        ("Їжакевич", "Yizhakevych"), ("Йосипівка", "Yosypivka"), ("Стрий", "Stryi"),
        ("Олексій", "Oleksii"), ("Юрій", "Yurii"), ("Яготин", "Yahotyn"),
        ("Знам’янка", "Znamianka"), ("Щербухи", "Shcherbukhy"), ("Ізюм", "Izium"),
    ],
)  # fmt: skip
def test_it_follows_the_official_examples(cyrillic: str, latin: str) -> None:
    assert transliterate_uk(cyrillic) == latin


def test_it_keeps_spaces_and_capitalises_each_word() -> None:
    assert transliterate_uk("Шевченко Юлія") == "Shevchenko Yuliia"
