"""The burial journal factor: LR per name class, closed form, and a mismatch never excludes."""

from __future__ import annotations

import pytest

from exhume.evidence.journal import P_OTHER, P_SAME, journal_factor, journal_lr
from exhume.names.match import NameClass


def test_each_class_has_its_closed_form() -> None:
    assert journal_lr(NameClass.EXACT) == pytest.approx(0.95 * 0.80 / 0.001 + 0.05)
    assert journal_lr(NameClass.MISMATCH) == pytest.approx(0.95 * 0.005 / 0.982 + 0.05)


def test_the_class_probabilities_sum_to_one() -> None:
    assert sum(P_SAME.values()) == pytest.approx(1.0)
    assert sum(P_OTHER.values()) == pytest.approx(1.0)


def test_the_classes_are_ordered_by_strength() -> None:
    lrs = [journal_lr(c) for c in NameClass]
    assert lrs == sorted(lrs, reverse=True)


def test_a_journal_that_disagrees_lowers_the_odds_but_never_excludes() -> None:
    f = journal_factor("Бойко Іван Петрович", "Мельник", "Олена", source="journal p.1 l.2")
    assert 0.04 < f.lr < 0.06
    assert f.inputs["class"] == "mismatch"


def test_no_journal_line_is_not_informative() -> None:
    f = journal_factor(None, "Мельник", source="grave 12")
    assert f.lr == 1.0 and f.error_rate is None


@pytest.mark.parametrize("written", ["невідомий", "Н/В", "дитина, невідома", "Неизвестная"])
def test_a_line_that_names_nobody_is_not_informative(written: str) -> None:
    f = journal_factor(written, "Мельник", "Олена", source="journal p.1 l.2")
    assert f.lr == 1.0 and "names nobody" in f.detail


def test_the_factor_never_repeats_the_name() -> None:
    f = journal_factor("Мельник Олена", "Мельник", "Олена", source="journal p.1 l.2")
    assert "Мельник" not in f.detail and "Melnyk" not in f.detail
