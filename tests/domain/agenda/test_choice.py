"""Reading which slot the customer wants, by number or by words (Portuguese, informal)."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from domain.agenda.choice import Wish, best_match, read_choice, read_wish

SP = ZoneInfo("America/Sao_Paulo")
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=SP)  # a Tuesday
OPTIONS = [
    datetime(2026, 11, 25, 9, 0, tzinfo=SP),  # Wednesday morning
    datetime(2026, 11, 25, 14, 0, tzinfo=SP),
    datetime(2026, 11, 26, 15, 0, tzinfo=SP),  # Thursday afternoon
    datetime(2026, 12, 3, 14, 30, tzinfo=SP),
]


@pytest.mark.parametrize(
    ("text", "index"),
    [
        ("2", 1),
        ("opção 3", 2),
        ("1.", 0),
        ("quinta às 15h", 2),
        ("quinta as 15:00", 2),
        ("pode ser quinta 3 da tarde", 2),
        ("amanhã de manhã", 0),
        ("amanha a tarde", 1),
        ("03/12 14:30", 3),
        ("dia 3 às 14h30", 3),
    ],
)
def test_picks_by_number_or_by_words(text: str, index: int) -> None:
    choice = read_choice(text, len(OPTIONS), NOW)
    picked = choice if isinstance(choice, int) else best_match(choice, OPTIONS)
    assert picked == index, (text, choice)


def test_a_time_not_offered_or_a_number_out_of_range_picks_nothing() -> None:
    assert read_choice("9", len(OPTIONS), NOW) is None
    wish = read_choice("quinta às 8h", len(OPTIONS), NOW)
    assert wish == Wish(date(2026, 11, 26), time(8, 0), None)
    assert best_match(wish, OPTIONS) is None
    assert read_choice("tanto faz", len(OPTIONS), NOW) is None


@pytest.mark.parametrize(
    ("text", "today", "day"),
    [
        ("dia 30", date(2027, 1, 31), date(2027, 3, 30)),  # February has no 30th
        ("dia 31", date(2027, 4, 30), date(2027, 5, 31)),
        ("dia ²", date(2027, 1, 31), date(2027, 2, 2)),  # a superscript two is read as 2
        ("dia 45", date(2027, 1, 31), None),
        ("dia 0", date(2027, 1, 31), None),
        ("dia 99999999999999999999999", date(2027, 1, 31), None),
    ],
)
def test_a_day_of_the_month_is_the_next_that_has_it_or_none(
    text: str, today: date, day: date | None
) -> None:
    now = datetime.combine(today, time(10, 0), tzinfo=SP)
    assert read_wish(text, now).day == day
