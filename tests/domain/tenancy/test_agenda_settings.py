"""Configurações › Agenda as data: hours per weekday with a break, slot length, closed days,
Cal.com with write-only secrets and an address outside our network."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from domain.errors import InvalidField
from domain.security.targets import TargetPolicy
from domain.tenancy import agenda_settings
from domain.tenancy.agenda_settings import DEFAULT_AGENDA, local_from_form, local_view

WEEK = {
    f"{d}_{k}": v
    for d in ("mon", "tue", "wed", "thu", "fri")
    for k, v in (("open", "09:00"), ("close", "17:00"))
}


def test_hours_with_a_break_become_two_spans_and_closed_days_iso_dates() -> None:
    form = {
        **WEEK,
        "sat_open": "08:00",
        "sat_close": "12:00",
        "break_start": "12:00",
        "break_end": "13:00",
        "slot_minutes": "45",
        "local": "on",
        "closed_days": "24/12/2026\n2026-12-31, 24/12/2026",
        "national_holidays": "on",
    }
    agenda = local_from_form(form, {"reminders": [1440]})
    assert agenda["hours"]["mon"] == ["09:00-12:00", "13:00-17:00"]
    assert agenda["hours"]["sat"] == ["08:00-12:00"]  # the break is outside its hours
    assert agenda["hours"]["sun"] == []
    assert agenda["slot_minutes"] == 45 and agenda["local"] is True
    assert agenda["holidays"] == ["2026-12-24", "2026-12-31"]
    assert agenda["country"] == "BR" and agenda["reminders"] == [1440]  # other keys kept
    shown = local_view(agenda, False)
    assert shown["days"]["mon"] == ("09:00", "17:00") and shown["break"] == ("12:00", "13:00")
    assert shown["closed_days"] == "24/12/2026\n31/12/2026"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"mon_close": "08:00"}, "mon_close"),
        ({"mon_open": "25:00"}, "mon_open"),
        ({"mon_close": ""}, "mon_close"),
        ({"slot_minutes": "7"}, "slot_minutes"),
        ({"closed_days": "31/02/2026"}, "closed_days"),
        ({"break_start": "12:00"}, "break_end"),
    ],
)
def test_impossible_hours_name_their_field(change: dict[str, str], field: str) -> None:
    with pytest.raises(InvalidField) as refused:
        local_from_form({**WEEK, "slot_minutes": "30", **change}, {})
    assert refused.value.field == field


def test_a_new_company_books_weekdays_eight_to_six_in_half_hours() -> None:
    shown = local_view(DEFAULT_AGENDA, False)
    assert shown["local"] and shown["slot_minutes"] == 30 and shown["national_holidays"]
    assert shown["days"]["fri"] == ("08:00", "18:00") and shown["days"]["sat"] == ("", "")


async def test_calcom_secrets_are_kept_when_left_empty_and_an_inside_url_is_refused() -> None:
    targets = TargetPolicy(False)
    current = {"api_key": "cal_live_x", "webhook_secret": "whsec"}
    form = MultiDict({"cal_event_types": "1234, 99", "cal_username": "dra-ana"})
    cal = await agenda_settings.cal_from_form(form, [], current, targets)
    assert cal["api_key"] == "cal_live_x" and cal["webhook_secret"] == "whsec"
    assert cal["event_type_id"] == 1234 and cal["event_type_ids"] == [1234, 99]
    assert cal["base_url"] == agenda_settings.DEFAULT_CAL_URL  # a key alone: Cal.com's cloud
    cleared = await agenda_settings.cal_from_form(form, ["cal.webhook_secret"], current, targets)
    assert cleared["webhook_secret"] is None
    assert agenda_settings.public_cal(cal)["api_key"] is True
    with pytest.raises(InvalidField) as inside:
        await agenda_settings.cal_from_form(
            MultiDict({"cal_base_url": "http://127.0.0.1:5432/v2"}), [], current, targets
        )
    assert inside.value.code == "unsafe_url"
