"""Generated Ukrainian names (common surnames and given names; no real person is meant)."""

from __future__ import annotations

import random

from exhume.names.variants import RUSSIAN_OF_UKRAINIAN as RUSSIAN_VARIANTS

SURNAMES = (
    "Мельник", "Шевченко", "Бойко", "Коваленко", "Бондаренко", "Ткаченко", "Кравченко",
    "Ковальчук", "Олійник", "Шевчук", "Поліщук", "Лисенко", "Бондар", "Марченко", "Савченко",
    "Руденко", "Мороз", "Кравчук", "Петренко", "Клименко", "Павленко", "Левченко", "Харченко",
    "Карпенко", "Гончаренко", "Ващенко", "Кузьменко", "Литвиненко", "Романенко", "Іваненко",
    "Сидоренко", "Зінченко", "Гриценко", "Яковенко", "Остапенко", "Приходько", "Дяченко",
    "Хоменко", "Лук'яненко", "Юрченко",
)  # fmt: skip
FEMALE = (
    "Олена", "Наталія", "Тетяна", "Ірина", "Світлана", "Людмила", "Галина", "Ольга", "Валентина",
    "Надія", "Марія", "Ніна", "Любов", "Катерина", "Віра", "Анна", "Лідія", "Раїса", "Зінаїда",
    "Тамара", "Оксана", "Юлія", "Інна", "Лариса", "Антоніна",
)  # fmt: skip
MALE = (
    "Олександр", "Сергій", "Володимир", "Микола", "Іван", "Василь", "Петро", "Михайло",
    "Віктор", "Юрій", "Анатолій", "Олег", "Андрій", "Григорій", "Павло", "Віталій", "Дмитро",
    "Леонід", "Валерій", "Борис", "Ігор", "Євген", "Степан", "Богдан", "Федір",
)  # fmt: skip


def patronymic(father: str, *, female: bool) -> str:
    """A patronymic from a father's given name (Олександр -> Олександрович / Олександрівна)."""
    stem = {"Микола": "Миколай", "Григорій": "Григор", "Юрій": "Юр", "Сергій": "Серг",
            "Андрій": "Андр", "Віталій": "Вітал", "Анатолій": "Анатол", "Валерій": "Валер",
            "Дмитро": "Дмитр", "Петро": "Петр", "Леонід": "Леонід", "Євген": "Євген",
            "Василь": "Васил", "Михайло": "Михайл", "Павло": "Павл", "Ігор": "Ігор"}.get(
        father, father)  # fmt: skip
    if stem.endswith("й"):
        return stem + ("івна" if female else "ович")
    if stem in {"Серг", "Андр", "Вітал", "Анатол", "Валер", "Юр"}:
        return stem + ("іївна" if female else "ійович")
    return stem + ("івна" if female else "ович")


def full_name(rng: random.Random, sex: str) -> tuple[str, str, str]:
    """(family name, given name, patronymic) for a generated person of this sex."""
    female = sex == "female" or (sex == "undetermined" and rng.random() < 0.5)
    given = rng.choice(FEMALE if female else MALE)
    return rng.choice(SURNAMES), given, patronymic(rng.choice(MALE), female=female)


def as_written(rng: random.Random, surname: str, given: str, patro: str) -> str:
    """The name as a clerk wrote it: usually in full, sometimes with initials or in Russian."""
    roll = rng.random()
    if roll < 0.12:
        return f"{surname} {given[0]}.{patro[0]}."
    if roll < 0.22:
        return " ".join(RUSSIAN_VARIANTS.get(p, p) for p in (surname, given)) + f" {patro}"
    if roll < 0.25:
        return f"{surname.upper()} {given}"
    return f"{surname} {given} {patro}"
