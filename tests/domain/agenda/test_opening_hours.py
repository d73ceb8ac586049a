"""Opening hours of the local calendar: business hours, slot length, holidays, lead time, booked slots."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from domain.agenda.opening_hours import OpeningHours

SP = ZoneInfo("America/Sao_Paulo")
MONDAY = date(2026, 11, 30)
EARLY = datetime(2026, 11, 29, 8, 0, tzinfo=SP)


def test_default_hours_give_half_hour_slots_on_weekdays() -> None:
    calendar = OpeningHours.from_settings({}, "America/Sao_Paulo")
    slots = calendar.slots(MONDAY, MONDAY, [], EARLY)
    assert len(slots) == 18  # 08-12 and 13-18 in 30-minute steps
    assert slots[0] == datetime(2026, 11, 30, 8, 0, tzinfo=SP)
    assert datetime(2026, 11, 30, 12, 0, tzinfo=SP) not in slots  # lunch
    sunday = calendar.slots(date(2026, 12, 6), date(2026, 12, 6), [], EARLY)
    assert sunday == []


def test_booked_slots_holidays_and_the_lead_time_are_left_out() -> None:
    calendar = OpeningHours.from_settings(
        {
            "agenda": {
                "slot_minutes": 60,
                "holidays": ["2026-12-01"],
                "hours": {"mon": ["09:00-12:00"], "tue": ["09:00-12:00"], "wed": ["09:00-12:00"]},
            }
        },
        "America/Sao_Paulo",
    )
    busy = [(datetime(2026, 11, 30, 10, 0, tzinfo=SP), datetime(2026, 11, 30, 10, 30, tzinfo=SP))]
    now = datetime(2026, 11, 30, 8, 30, tzinfo=SP)  # 9:00 is inside the 60-minute lead
    slots = calendar.slots(MONDAY, MONDAY + timedelta(days=2), busy, now)
    assert [s.strftime("%d %H:%M") for s in slots] == [
        "30 11:00",
        "02 09:00",
        "02 10:00",
        "02 11:00",
    ]


def test_national_holidays_close_the_day() -> None:
    calendar = OpeningHours.from_settings({}, "America/Sao_Paulo")
    christmas = date(2026, 12, 25)  # a Friday
    assert calendar.is_closed(christmas)
    assert calendar.slots(christmas, christmas, [], EARLY) == []


def test_why_closed_names_the_closed_day_the_holiday_and_the_hours() -> None:
    hours = OpeningHours.from_settings({"agenda": {"holidays": ["2026-12-08"]}}, SP.key)

    def why(day: int, hour: int, minute: int = 0) -> str | None:
        start = datetime(2026, 12, day, hour, minute, tzinfo=SP)
        return hours.why_closed(start, start + timedelta(minutes=30))

    assert why(7, 9) is None and why(7, 13) is None  # a Monday's morning and afternoon
    assert why(6, 9) == "domingo é dia fechado"
    assert why(25, 9) == "25/12/2026 é feriado (Natal)"
    assert why(8, 9) == "08/12/2026 está marcado como dia fechado"
    lunch = "fora do horário de atendimento de segunda (08:00–12:00, 13:00–18:00)"
    assert why(7, 12) == lunch
    assert why(7, 11, 45) == lunch  # it would end past noon
    assert why(7, 7, 30) == lunch
