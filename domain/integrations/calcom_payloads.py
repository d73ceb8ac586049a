"""Cal.com's wire shapes (G1), both API versions: what its answers mean (slots, bookings,
errors) and the attendee fields it insists on. Pure functions; the HTTP calls live in
`domain/integrations/calcom.py`, the only module that talks to Cal.com.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

NOT_CONFIGURED = "Agenda automática não configurada"
# Cal.com's own address for phone-only attendees (packages/lib/contructEmailFromPhoneNumber.ts);
# Cal.com never sends e-mail to it (isSmsCalEmail), so the patient gets no stray mail.
PLACEHOLDER_EMAIL_DOMAIN = "sms.cal.com"
# Words of a 400 that mean "this time can no longer be booked" (packages/lib/errorCodes.ts and
# the v2 bookings service's handleBookingError, which turns no_available_users_found_error into
# "User either already has booking at this time or is not available").
CONFLICT_MARKERS = (
    "already has booking",
    "not available",
    "no_available_users_found",
    "unavailable_for_booking",
    "booking_conflict",
    "booking_time_out_of_bounds",
    "seats_full",
    "not_enough_available_seats",
    "in the past",
    "minimum booking notice",
)
RETRYABLE_KINDS = frozenset({"rate_limited", "unavailable", "timeout", "unreachable"})


@dataclass(frozen=True)
class Slot:
    start: datetime  # aware, in the zone that was asked for
    end: datetime | None = None


@dataclass(frozen=True)
class Booking:
    uid: str
    id: int | None
    start: datetime
    end: datetime | None
    status: str  # lowercase: accepted | pending | cancelled | rejected
    meeting_url: str | None = None
    rescheduled_from_uid: str | None = None


class CalcomError(Exception):
    """`kind`: not_configured | auth | not_found | conflict | invalid | bad_response (permanent);
    rate_limited | unavailable | timeout | unreachable (retryable)."""

    def __init__(
        self, kind: str, status: int | None, message: str, retryable: bool | None = None
    ) -> None:
        super().__init__(message)
        self.kind, self.status, self.message = kind, status, message
        self.retryable = kind in RETRYABLE_KINDS if retryable is None else retryable

    @property
    def needs_setup(self) -> bool:
        """The clinic must fix its Cal.com settings; `message` starts with NOT_CONFIGURED."""
        return self.kind in ("not_configured", "auth")


def classify(status: int, body: str) -> CalcomError:
    """What a non-2xx answer of either API version means for us."""
    detail = error_text(body)
    lowered = detail.lower()
    if status in (401, 403):
        message = f"{NOT_CONFIGURED}: o Cal.com recusou a chave de API ({status}: {detail})"
        return CalcomError("auth", status, message)
    if status == 404 or (status == 400 and ("not found" in lowered or "not_found" in lowered)):
        return CalcomError("not_found", status, f"Cal.com: not found: {detail}")
    if status == 409 or (status in (400, 422) and any(m in lowered for m in CONFLICT_MARKERS)):
        return CalcomError("conflict", status, f"Cal.com: time not bookable: {detail}")
    if status == 429:
        return CalcomError("rate_limited", status, f"Cal.com rate limit: {detail}")
    if status >= 500:
        return CalcomError("unavailable", status, f"Cal.com answered {status}: {detail}")
    return CalcomError("invalid", status, f"Cal.com refused the request ({status}): {detail}")


def error_text(body: str) -> str:
    """v2 errors are `{status: "error", error: {code, message}}`; v1 errors are `{message}`."""
    try:
        payload = json.loads(body)
    except ValueError:
        return body[:300]
    if isinstance(payload, dict):
        error = payload.get("error")
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return str(error["message"])[:300]
        for key in ("message", "error"):
            if isinstance(payload.get(key), str):
                return str(payload[key])[:300]
    return body[:300]


def parse_time(value: Any, zone: ZoneInfo | None = None) -> datetime | None:
    """An ISO string as an aware datetime (naive ones are taken to be in `zone`, else UTC)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone or UTC)
    return parsed.astimezone(zone) if zone else parsed


def parse_slots(body: Any, tz: str) -> list[Slot]:
    """v2 `{status, data: {date: [{start, end?}]}}` or v1 `{slots: {date: [{time}]}}`."""
    zone = ZoneInfo(tz)
    days = body.get("data", body.get("slots")) if isinstance(body, dict) else None
    if isinstance(days, dict) and isinstance(days.get("slots"), dict):
        days = days["slots"]  # the pre-2024-09-04 v2 shape nests once more
    if not isinstance(days, dict):
        raise CalcomError("bad_response", None, "Cal.com slots answer without a date map")
    slots = []
    for items in days.values():
        for item in items if isinstance(items, list) else []:
            fields = item if isinstance(item, dict) else {"start": item}
            start = parse_time(fields.get("start") or fields.get("time"), zone)
            if start is not None:
                slots.append(Slot(start, parse_time(fields.get("end"), zone)))
    return sorted(slots, key=lambda slot: slot.start)


def parse_booking(body: Any) -> Booking:
    """v2 `{status, data: BookingOutput}`; v1 the booking at the top level or in `{booking}`."""
    data = unwrap(body)
    uid = data.get("uid")
    start = parse_time(data.get("start") or data.get("startTime"))
    if not isinstance(uid, str) or not uid or start is None:
        raise CalcomError("bad_response", None, "Cal.com booking answer without uid or start")
    ident = data.get("id")
    previous = data.get("rescheduledFromUid") or data.get("fromReschedule")
    return Booking(
        uid=uid,
        id=ident if isinstance(ident, int) and not isinstance(ident, bool) else None,
        start=start,
        end=parse_time(data.get("end") or data.get("endTime")),
        status=str(data.get("status") or "unknown").lower(),
        meeting_url=_meeting_url(data),
        rescheduled_from_uid=previous if isinstance(previous, str) else None,
    )


def unwrap(body: Any) -> dict[str, Any]:
    """The booking object inside either version's envelope (`data`, `booking`, or none)."""
    if not isinstance(body, dict):
        raise CalcomError("bad_response", None, "Cal.com booking answer is not an object")
    for key in ("data", "booking"):
        inner = body.get(key)
        if isinstance(inner, list) and inner:
            inner = inner[0]  # recurring bookings come back as a list; the first is ours
        if isinstance(inner, dict):
            return inner
    return body


def _meeting_url(data: dict[str, Any]) -> str | None:
    metadata, references = json_field(data, "metadata", dict), json_field(data, "references", list)
    candidates = [
        data.get("meetingUrl"),  # v2
        data.get("videoCallUrl"),  # v1
        metadata.get("videoCallUrl"),  # v1 keeps it in metadata too
        *(ref.get("meetingUrl") for ref in references if isinstance(ref, dict)),
        data.get("location"),  # v2 puts the Cal Video link here as well
    ]
    for url in candidates:
        if isinstance(url, str) and url.startswith(("https://", "http://")):
            return url
    return None


def placeholder_email(phone: str) -> str:
    """Cal.com wants an attendee e-mail; WhatsApp patients may have none (see the constant)."""
    digits = re.sub(r"\D", "", phone)
    if not digits:
        raise CalcomError("invalid", None, "attendee has neither an e-mail nor a phone number")
    return f"{digits}@{PLACEHOLDER_EMAIL_DOMAIN}"


def international(phone: str) -> str:
    """Cal.com validates phones in international form (`+` and digits)."""
    digits = re.sub(r"\D", "", phone)
    return f"+{digits}" if digits else ""


def clean_metadata(metadata: dict[str, Any] | None) -> dict[str, str]:
    """Both APIs take string values only: at most 50 keys of 40 chars, values of 500 chars."""
    items = list((metadata or {}).items())[:50]
    return {str(key)[:40]: str(value)[:500] for key, value in items if value is not None}


def json_field(data: dict[str, Any], key: str, kind: type[Any]) -> Any:
    """`data[key]` when it has the expected JSON type, else an empty one."""
    value = data.get(key)
    return value if isinstance(value, kind) else kind()
