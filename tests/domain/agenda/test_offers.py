"""Which free times a customer is shown: a few per day, those fitting the wish, or the nearest
with an honest note."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.agenda.choice import Wish
from domain.agenda.offers import by_day, for_wish
from domain.agenda.wording import listing

SP = ZoneInfo("America/Sao_Paulo")
TODAY = date(2026, 11, 24)  # a Tuesday


def free(day: date, *hours: str) -> list[datetime]:
    return [datetime.combine(day, time.fromisoformat(h), SP) for h in hours]


WEDNESDAY, THURSDAY, FRIDAY = (TODAY + timedelta(days=n) for n in (1, 2, 3))
FREE = (
    free(WEDNESDAY, "08:00", "08:30", "09:00", "13:00", "17:30")
    + free(THURSDAY, "14:30", "16:00")
    + free(FRIDAY, "08:00", "15:00")
    + free(FRIDAY + timedelta(days=1), "09:00")
)


def test_a_few_times_per_day_spread_over_the_day_for_three_days() -> None:
    shown = by_day(FREE)
    assert [f"{s:%d %H:%M}" for s in shown] == [
        "25 08:00",
        "25 09:00",
        "25 17:30",
        "26 14:30",
        "26 16:00",
        "27 08:00",
        "27 15:00",
    ]
    text = listing(shown, SP)
    assert text.startswith("*Quarta, 25/11*\n1. 08:00\n2. 09:00\n3. 17:30\n*Quinta, 26/11*")


def test_a_free_time_asked_for_is_the_answer() -> None:
    offer = for_wish(Wish(day=THURSDAY, at=time(16)), FREE, SP, TODAY)
    assert offer.exact == free(THURSDAY, "16:00")[0]


def test_a_taken_time_gets_the_closest_before_and_after_honestly() -> None:
    offer = for_wish(Wish(day=THURSDAY, at=time(15)), FREE, SP, TODAY)
    assert offer.exact is None
    assert offer.note == "Não tenho quinta, 26/11 às 15h; tenho 14h30 ou 16h."
    assert offer.options == free(THURSDAY, "14:30", "16:00")


def test_a_period_with_no_free_time_offers_the_nearest() -> None:
    offer = for_wish(Wish(day=THURSDAY, period="manha"), FREE, SP, TODAY)
    assert offer.note.startswith("Não tenho horários livres quinta, 26/11 de manhã.")
    assert offer.options == free(THURSDAY, "14:30", "16:00")
    tomorrow = for_wish(Wish(day=WEDNESDAY, period="tarde"), FREE, SP, TODAY)
    assert tomorrow.note == "Tenho estes horários livres amanhã à tarde:"
    assert tomorrow.options == free(WEDNESDAY, "13:00", "17:30")


def test_after_an_hour_and_as_soon_as_possible() -> None:
    friday = for_wish(Wish(day=FRIDAY, after=time(14)), FREE, SP, TODAY)
    assert friday.options == free(FRIDAY, "15:00")
    assert for_wish(Wish(asap=True), FREE, SP, TODAY).exact == FREE[0]
