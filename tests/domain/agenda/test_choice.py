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


TUESDAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("text", "wish"),
    [
        ("amanhã de manhã", Wish(day=date(2026, 11, 25), period="manha")),
        ("amanhã às 10h", Wish(day=date(2026, 11, 25), at=time(10))),
        ("quinta às 15h", Wish(day=date(2026, 11, 26), at=time(15))),
        ("dia 10 à tarde", Wish(day=date(2026, 12, 10), period="tarde")),
        ("semana que vem", Wish(span=(date(2026, 11, 30), date(2026, 12, 6)))),
        ("o mais cedo possível", Wish(asap=True)),
        ("sexta depois das 14h", Wish(day=date(2026, 11, 27), after=time(14))),
        ("segunda 9h30", Wish(day=date(2026, 11, 30), at=time(9, 30))),
        ("hoje à noite", Wish(day=TUESDAY, period="noite")),
        ("depois de amanhã", Wish(day=date(2026, 11, 26))),
        ("depois de amanhã às 9h", Wish(day=date(2026, 11, 26), at=time(9))),
        ("terça", Wish(day=date(2026, 12, 1))),  # today is Tuesday: the next one
        ("sexta à tarde", Wish(day=date(2026, 11, 27), period="tarde")),
        ("quarta antes das 11h", Wish(day=date(2026, 11, 25), before=time(11))),
        ("às 3 da tarde", Wish(at=time(15), period="tarde")),
        ("meio-dia de amanhã", Wish(day=date(2026, 11, 25), at=time(12))),
        ("10 de dezembro de manhã", Wish(day=date(2026, 12, 10), period="manha")),
        ("03/12 14:30", Wish(day=date(2026, 12, 3), at=time(14, 30))),
        ("tem horário amanhã cedo?", Wish(day=date(2026, 11, 25), period="manha")),
        ("que horas vocês abrem?", Wish()),
        ("qual o endereço?", Wish()),
        ("obrigada", Wish()),
    ],
)
def test_reads_days_hours_and_periods_as_people_write_them(text: str, wish: Wish) -> None:
    assert read_wish(text, NOW) == wish
