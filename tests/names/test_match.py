"""Journal names against missing persons across scripts, spellings, initials and misspellings."""

from __future__ import annotations

import pytest

from exhume.names.match import NameClass, match_written, parse_written, word_similarity

PERSON = ("Мельник", "Олена", "Олександрівна")


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Мельник Олена Олександрівна", NameClass.EXACT),
        ("МЕЛЬНИК Олена", NameClass.EXACT),  # capitals, no patronymic
        ("Мельник Елена Олександрівна", NameClass.EXACT),  # Russian spelling of the given name
        ("Olena Melnyk", NameClass.EXACT),  # Latin, given name first
        ("Melnyk Olena", NameClass.EXACT),
        ("Мельнік Олєна Олександрівна", NameClass.CLOSE),  # misspelt given name
        ("Мельник Олна Олександрівна", NameClass.CLOSE),  # a letter dropped
        ("Мельник О.О.", NameClass.INITIALS),
        ("Мельник О. О.", NameClass.INITIALS),
        ("Мельник", NameClass.FAMILY_ONLY),
        ("Мельник І.О.", NameClass.MISMATCH),  # initial of another given name
        ("Мельник Ірина Петрівна", NameClass.MISMATCH),
        ("Мельник Олена Петрівна", NameClass.MISMATCH),  # another father
        ("Бойко Олена Олександрівна", NameClass.MISMATCH),
    ],
)
def test_it_classifies_how_a_written_name_agrees(written: str, expected: NameClass) -> None:
    assert match_written(written, *PERSON).name_class is expected


def test_it_reads_russian_letters_in_a_ukrainian_family_name() -> None:
    match = match_written("Иваненко Николай Петрович", "Іваненко", "Микола", "Петрович")
    assert match.name_class is NameClass.EXACT


def test_it_splits_initials_written_together() -> None:
    assert parse_written("Бойко В.П.").given == "В."
    assert parse_written("Бойко В.П.").patronymic == "П."


def test_word_similarity_is_symmetric_and_100_for_a_russian_variant() -> None:
    assert word_similarity("Сергій", "Сергей") == 100.0
    assert word_similarity("Мельник", "Бойко") == word_similarity("Бойко", "Мельник") < 50
