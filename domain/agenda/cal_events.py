"""Cal.com webhook deliveries (G2): signature, envelope and the fields we keep.

Signature: lowercase hex HMAC-SHA256 of the raw body with the webhook secret, in
`X-Cal-Signature-256` (what Cal.com sends) or `X-Cal-Signature` (the seed's name); no
timestamp. `no-secret-provided` is what Cal.com sends for a webhook without a secret: refused.
Booking triggers are wrapped in `{triggerEvent, createdAt, payload}`; MEETING_* may be flat.

Only a signed body is read, and read whole before anything is written: a field of the wrong
type, an identifier longer than its column, a time that is not ISO 8601 with its offset (or
is outside 2000-2099, or ends before it starts) is refused with 422 naming the field; free text
(names, titles, reasons) is cut to its column and loses control characters.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from domain.agenda.models import Appointment, CalWebhookEvent
from domain.agenda.phones import DEFAULT_REGION, e164_digits
from domain.errors import InvalidField, InvalidInput, Unauthorized
from domain.webhooks.bounds import (
    column_length,
    identifier,
    in_range,
    optional_text,
    storable,
    whole_number,
)
from domain.webhooks.signatures import same_digest

# The triggers applied to appointments (cal_sync.HANDLERS); any other is acknowledged only.
APPLIED = frozenset(
    {
        "BOOKING_CREATED",
        "BOOKING_REQUESTED",
        "BOOKING_RESCHEDULED",
        "BOOKING_CANCELLED",
        "BOOKING_REJECTED",
        "MEETING_ENDED",
        "BOOKING_NO_SHOW_UPDATED",
    }
)
# Triggers that create or move a booking: their times are required.
TIMED = frozenset({"BOOKING_CREATED", "BOOKING_REQUESTED", "BOOKING_RESCHEDULED"})

TRIGGER_MAX = column_length(CalWebhookEvent.trigger)
CREATED_MAX = column_length(CalWebhookEvent.created)
UID_MAX = min(column_length(CalWebhookEvent.uid), column_length(Appointment.cal_uid))
NAME_MAX = column_length(Appointment.name)
EMAIL_MAX = column_length(Appointment.email)
TITLE_MAX = column_length(Appointment.title)
TEXT_MAX = 2000  # a cancellation reason (a text column, bounded all the same)
URL_MAX = 2048
BIGINT = 2**63 - 1
INT = 2**31 - 1
DAY_MINUTES = 24 * 60


@dataclass(frozen=True)
class Booking:
    """The booking a delivery describes, every field checked and bounded."""

    uid: str
    booking_id: int | None
    name: str | None
    email: str | None
    phones: list[str]
    title: str | None
    event_type_id: int | None
    start: datetime | None
    end: datetime | None  # given, or start + length
    status: str
    meeting_url: str | None
    reschedule_uid: str | None
    cancellation_reason: str | None
    no_show: bool  # an attendee is marked as not having come


@dataclass(frozen=True)
class CalEvent:
    trigger: str
    created: str  # the delivery's createdAt (the booking's for flat MEETING_* bodies)
    uid: str  # the booking uid ("" for PING)
    payload: dict[str, Any]  # as PostgreSQL can store it (no U+0000)
    booking: Booking | None = None  # for the triggers in APPLIED with a uid


def verify_cal_signature(secret: str, presented: str | None, raw: bytes) -> None:
    if not presented or presented.strip() == "no-secret-provided":
        raise Unauthorized("X-Cal-Signature-256 is missing", code="missing_signature")
    expected = hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    if not same_digest(expected, presented.strip().lower()):
        raise Unauthorized("X-Cal-Signature-256 does not match the body", code="invalid_signature")


def parse_event(body: Any) -> CalEvent:
    if not isinstance(body, dict) or not isinstance(body.get("triggerEvent"), str):
        raise InvalidInput("not a Cal.com webhook: triggerEvent is missing")
    trigger = identifier(body["triggerEvent"], "triggerEvent", TRIGGER_MAX)
    wrapped = "payload" in body
    payload = body["payload"] if wrapped else body
    where = "payload." if wrapped else ""
    if not isinstance(payload, dict):
        raise InvalidInput("payload must be an object", field="payload")
    if trigger not in APPLIED:  # acknowledged (PING answers pong), never read further
        return CalEvent(trigger, "", "", {})
    raw_uid = payload.get("uid") or payload.get("bookingUid") or ""
    uid_field = where + ("uid" if payload.get("uid") else "bookingUid")
    uid = identifier(raw_uid, uid_field, UID_MAX) if raw_uid != "" else ""
    created = body.get("createdAt") or payload.get("createdAt") or payload.get("startTime") or ""
    if not isinstance(created, str):
        raise InvalidField("createdAt must be a string", field="createdAt")
    booking = _booking(payload, uid, trigger, where) if uid else None
    return CalEvent(trigger, created[:CREATED_MAX], uid, storable(payload), booking)


def _booking(payload: dict[str, Any], uid: str, trigger: str, where: str) -> Booking:
    attendees = _list(payload, "attendees", where)
    first = next((a for a in attendees if isinstance(a, dict)), {})
    start = _time(payload, "startTime", where, required=trigger in TIMED)
    end = _time(payload, "endTime", where)
    length = whole_number(payload.get("length"), where + "length", 1, DAY_MINUTES)
    if start is not None and end is None:
        end = start + timedelta(minutes=length or 30)
    if start is not None and end is not None and end < start:
        raise InvalidField(f"{where}endTime is before {where}startTime", field=where + "endTime")
    reschedule = payload.get("rescheduleUid")
    return Booking(
        uid=uid,
        booking_id=whole_number(payload.get("bookingId"), where + "bookingId", 0, BIGINT),
        name=optional_text(first.get("name"), where + "attendees[0].name", NAME_MAX),
        email=_email(first.get("email"), where + "attendees[0].email"),
        phones=_phones(payload, attendees, where),
        title=optional_text(payload.get("title"), where + "title", TITLE_MAX),
        event_type_id=whole_number(payload.get("eventTypeId"), where + "eventTypeId", 0, INT),
        start=start,
        end=end,
        status=str(payload.get("status") or "ACCEPTED")[:32],
        meeting_url=_meeting_url(payload, where),
        reschedule_uid=(
            identifier(reschedule, where + "rescheduleUid", UID_MAX) if reschedule else None
        ),
        cancellation_reason=optional_text(
            payload.get("cancellationReason"), where + "cancellationReason", TEXT_MAX
        ),
        no_show=any(a.get("noShow") is True for a in attendees if isinstance(a, dict)),
    )


def _time(
    payload: dict[str, Any], key: str, where: str, *, required: bool = False
) -> datetime | None:
    """An ISO 8601 time with its UTC offset, within 2000-2099."""
    value = payload.get(key)
    field = where + key
    if value is None:
        if required:
            raise InvalidField(f"{field} is required", field=field)
        return None
    moment = None
    if isinstance(value, str) and len(value) <= 64:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            moment = None
    if moment is None or moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidField(f"{field} must be an ISO 8601 time with its UTC offset", field=field)
    if not in_range(moment):
        raise InvalidField(f"{field} must be between 2000 and 2099", field=field)
    return moment


def _list(payload: dict[str, Any], key: str, where: str) -> list[Any]:
    value = payload.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidField(f"{where}{key} must be a list", field=where + key)
    return value


def _object(payload: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = payload.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidField(f"{where}{key} must be an object", field=where + key)
    return value


def _email(value: Any, field: str) -> str | None:
    if value is None or value == "":
        return None
    return identifier(value, field, EMAIL_MAX)


def _phones(payload: dict[str, Any], attendees: list[Any], where: str) -> list[str]:
    """Every phone number the booking carries, as E.164 digits without '+', in order:
    attendees[].phoneNumber, responses.attendeePhoneNumber.value, smsReminderNumber."""
    candidates = [a.get("phoneNumber") for a in attendees if isinstance(a, dict)]
    response = _object(payload, "responses", where).get("attendeePhoneNumber")
    candidates.append(response.get("value") if isinstance(response, dict) else response)
    candidates.append(payload.get("smsReminderNumber"))
    return phones(candidates)


def phones(candidates: list[Any], region: str = DEFAULT_REGION) -> list[str]:
    """The valid phone numbers among `candidates`, as E.164 digits, each once."""
    found: list[str] = []
    for raw in candidates:
        digits = e164_digits(raw, region)
        if digits is not None and digits not in found:
            found.append(digits)
    return found


def _meeting_url(payload: dict[str, Any], where: str) -> str | None:
    video = _object(payload, "videoCallData", where)
    url = _object(payload, "metadata", where).get("videoCallUrl") or video.get("url")
    if not isinstance(url, str) or not url or len(url) > URL_MAX:
        return None  # a link we cannot use is left out, not stored
    if not url.lower().startswith(("https://", "http://")):
        # It is sent to customers on WhatsApp and shown in the panel: a javascript: or
        # data: link from a webhook is never stored (the panel also filters at render).
        return None
    return optional_text(url, where + "videoCallUrl", URL_MAX)
