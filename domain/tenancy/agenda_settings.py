"""A company's agenda settings (Configurações › Agenda): the local calendar (on or off,
opening hours per weekday, slot length, closed days) and its Cal.com (API URL and key, user,
event types, webhook secret), kept in `companies.settings["agenda"]` and `["cal"]`.

A new company starts with the local calendar on and DEFAULT_AGENDA, so it can book from its
first day; configuring Cal.com (URL, key and an event type) switches it there (see
domain/agenda/config.py). Secrets are write-only, as in the rest of Configurações."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import flag_modified

from domain.agenda.opening_hours import DEFAULT_HOURS
from domain.errors import InvalidField, NotFound
from domain.security.targets import RefusedTarget, TargetPolicy
from domain.tenancy.models import Company

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SLOT_CHOICES = (10, 15, 20, 30, 40, 45, 50, 60, 90, 120)
DEFAULT_CAL_URL = "https://api.cal.com/v2"
# What a new company gets: weekdays 08:00–18:00 in 30-minute slots, national holidays closed.
DEFAULT_AGENDA: dict[str, Any] = {
    "local": True,
    "hours": {day: (["08:00-18:00"] if day in DAYS[:5] else []) for day in DAYS},
    "slot_minutes": 30,
    "holidays": [],
    "country": "BR",
}
CAL_SECRETS = ("api_key", "webhook_secret")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def local_from_form(form: Mapping[str, str], current: Mapping[str, Any]) -> dict[str, Any]:
    """The `agenda` section with the local calendar's fields from the form (other keys of
    `current`, such as reminders, kept). InvalidField naming the field at fault."""
    pause = _pause(form)
    hours = {day: _day_spans(form, day, pause) for day in DAYS}
    slot = (form.get("slot_minutes") or "").strip()
    if not slot.isdigit() or int(slot) not in SLOT_CHOICES:
        raise InvalidField("unknown slot length", field="slot_minutes", code="invalid_slot")
    return {
        **current,
        "local": form.get("local") == "on",
        "hours": hours,
        "slot_minutes": int(slot),
        "holidays": closed_days(form.get("closed_days") or ""),
        "country": "BR" if form.get("national_holidays") == "on" else None,
    }


def _clock(form: Mapping[str, str], field: str) -> time | None:
    text = (form.get(field) or "").strip()
    if not text:
        return None
    if not _TIME.match(text):
        raise InvalidField("not a time (HH:MM)", field=field, code="invalid_time")
    return time.fromisoformat(text)


def _pause(form: Mapping[str, str]) -> tuple[time, time] | None:
    start, end = _clock(form, "break_start"), _clock(form, "break_end")
    if start is None and end is None:
        return None
    if start is None or end is None or end <= start:
        raise InvalidField(
            "break needs a start and a later end", field="break_end", code="invalid_break"
        )
    return start, end


def _day_spans(form: Mapping[str, str], day: str, pause: tuple[time, time] | None) -> list[str]:
    """The day's open spans ("08:00-12:00"); none when it is closed (both times empty)."""
    opens, closes = _clock(form, f"{day}_open"), _clock(form, f"{day}_close")
    if opens is None and closes is None:
        return []
    if opens is None or closes is None or closes <= opens:
        raise InvalidField("closes before it opens", field=f"{day}_close", code="invalid_hours")
    spans = [(opens, closes)]
    if pause and opens < pause[0] and pause[1] < closes:
        spans = [(opens, pause[0]), (pause[1], closes)]
    return [f"{a:%H:%M}-{b:%H:%M}" for a, b in spans]


def closed_days(text: str) -> list[str]:
    """Dates written one per line or separated by commas, as dd/mm/aaaa or aaaa-mm-dd,
    sorted and without repeats (ISO, as the local calendar reads them)."""
    found: set[date] = set()
    for part in re.split(r"[\s,;]+", text.strip()):
        if not part:
            continue
        try:
            found.add(
                datetime.strptime(part, "%d/%m/%Y").date()
                if "/" in part
                else date.fromisoformat(part)
            )
        except ValueError:
            raise InvalidField(
                f"not a date: {part[:20]}", field="closed_days", code="invalid_date"
            ) from None
    if len(found) > 366:
        raise InvalidField("too many closed days", field="closed_days", code="invalid_date")
    return [d.isoformat() for d in sorted(found)]


async def cal_from_form(
    form: Mapping[str, str], clear: list[str], current: Mapping[str, Any], targets: TargetPolicy
) -> dict[str, Any]:
    """The `cal` section from the form: an empty secret field keeps the secret, "remover"
    clears it; the API URL must lead outside our network (SSRF)."""
    new = dict(current)
    url = (form.get("cal_base_url") or "").strip().rstrip("/")
    if url:
        if not re.match(r"^https?://[^\s/]+", url) or len(url) > 500:
            raise InvalidField("not a URL", field="cal_base_url", code="url_parsing")
        try:
            await targets.vet(url)
        except RefusedTarget as refused:
            raise InvalidField(
                f"cal_base_url: {refused}", field="cal_base_url", code="unsafe_url"
            ) from None
    new["username"] = (form.get("cal_username") or "").strip()[:120] or None
    new["event_type_ids"] = event_types(form.get("cal_event_types") or "")
    new["event_type_id"] = new["event_type_ids"][0] if new["event_type_ids"] else None
    for key in CAL_SECRETS:
        value = (form.get(f"cal_{key}") or "").strip()
        if len(value) > 400:
            raise InvalidField("too long", field=f"cal_{key}")
        if value:
            new[key] = value
        elif f"cal.{key}" in clear:
            new[key] = None
    # A key without an address means Cal.com's own cloud.
    new["base_url"] = url or (DEFAULT_CAL_URL if new.get("api_key") else None)
    return new


def event_types(text: str) -> list[int]:
    """Event type ids written separated by commas or spaces, first one the default."""
    ids: list[int] = []
    for part in re.split(r"[\s,;]+", text.strip()):
        if not part:
            continue
        if not part.isdigit() or len(part) > 12:
            raise InvalidField(
                "not an event type id", field="cal_event_types", code="invalid_event_type"
            )
        if int(part) not in ids:
            ids.append(int(part))
    return ids


def local_view(agenda: Mapping[str, Any], on_by_default: bool) -> dict[str, Any]:
    """The local calendar's settings as the form shows them: each day's opening and closing
    time, one break (the first gap found), slot length and closed days as dd/mm/aaaa."""
    spans = agenda.get("hours") or DEFAULT_HOURS
    days, pause = {}, ("", "")
    for day in DAYS:
        today = [s.split("-") for s in spans.get(day) or []]
        days[day] = (today[0][0], today[-1][1]) if today else ("", "")
        if len(today) > 1 and not pause[0]:
            pause = (today[0][1], today[1][0])
    closed = [date.fromisoformat(d).strftime("%d/%m/%Y") for d in agenda.get("holidays") or []]
    return {
        "local": bool(agenda.get("local", on_by_default)),
        "days": days,
        "break": pause,
        "slot_minutes": int(agenda.get("slot_minutes") or 30),
        "closed_days": "\n".join(closed),
        "national_holidays": agenda.get("country", "BR") is not None,
    }


def echo_view(form: Mapping[str, str]) -> dict[str, Any]:
    """What was typed, in the shape of `local_view`: a refused form is shown again as sent."""
    return {
        "local": form.get("local") == "on",
        "days": {day: (form.get(f"{day}_open", ""), form.get(f"{day}_close", "")) for day in DAYS},
        "break": (form.get("break_start", ""), form.get("break_end", "")),
        "slot_minutes": form.get("slot_minutes", ""),
        "closed_days": form.get("closed_days", ""),
        "national_holidays": form.get("national_holidays") == "on",
    }


def public_cal(cal: Mapping[str, Any]) -> dict[str, Any]:
    """The `cal` section as it may be shown: each secret only as set or not."""
    return {k: (bool(v) if k in CAL_SECRETS else v) for k, v in cal.items()}


async def save(
    session: AsyncSession, company_id: int, section: str, value: dict[str, Any]
) -> list[str]:
    """Store one section (`agenda` or `cal`); the names of the keys that changed (for the
    audit log: never the values)."""
    company = await session.get(Company, company_id, with_for_update=True)
    if company is None:
        raise NotFound("no such company", code="unknown_company")
    settings = dict(company.settings or {})
    before = dict(settings.get(section) or {})
    changed = sorted(
        f"{section}.{k}" for k in set(before) | set(value) if before.get(k) != value.get(k)
    )
    settings[section] = value
    company.settings = settings
    flag_modified(company, "settings")
    return changed
