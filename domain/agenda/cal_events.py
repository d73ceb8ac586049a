"""Cal.com webhook deliveries (G2): signature, envelope and the fields we keep.

Signature: lowercase hex HMAC-SHA256 of the raw body with the webhook secret, in
`X-Cal-Signature-256` (what Cal.com sends) or `X-Cal-Signature` (the seed's name); no
timestamp. `no-secret-provided` is what Cal.com sends for a webhook without a secret: refused.
Booking triggers are wrapped in `{triggerEvent, createdAt, payload}`; MEETING_* may be flat.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import phonenumbers

from domain.errors import InvalidInput, Unauthorized


@dataclass(frozen=True)
class CalEvent:
    trigger: str
    created: str  # the delivery's createdAt (the booking's for flat MEETING_* bodies)
    uid: str  # the booking uid ("" for PING)
    payload: dict[str, Any]


def verify_cal_signature(secret: str, presented: str | None, raw: bytes) -> None:
    if not presented or presented.strip() == "no-secret-provided":
        raise Unauthorized("X-Cal-Signature-256 is missing", code="missing_signature")
    expected = hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, presented.strip().lower()):
        raise Unauthorized("X-Cal-Signature-256 does not match the body", code="invalid_signature")


def parse_event(body: Any) -> CalEvent:
    if not isinstance(body, dict) or not isinstance(body.get("triggerEvent"), str):
        raise InvalidInput("not a Cal.com webhook: triggerEvent is missing")
    payload = body.get("payload", body)
    if not isinstance(payload, dict):
        raise InvalidInput("payload must be an object")
    uid = payload.get("uid") or payload.get("bookingUid") or ""
    created = str(
        body.get("createdAt") or payload.get("createdAt") or payload.get("startTime") or ""
    )
    return CalEvent(body["triggerEvent"], created, str(uid), payload)


def when(payload: dict[str, Any], key: str) -> datetime | None:
    value = payload.get(key)
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def phones(payload: dict[str, Any], region: str = "BR") -> list[str]:
    """Every phone number the booking carries, as E.164 digits without '+', in order:
    attendees[].phoneNumber, responses.attendeePhoneNumber.value, smsReminderNumber."""
    found: list[str] = []
    candidates = [
        a.get("phoneNumber") for a in payload.get("attendees") or [] if isinstance(a, dict)
    ]
    response = (payload.get("responses") or {}).get("attendeePhoneNumber")
    candidates.append(response.get("value") if isinstance(response, dict) else response)
    candidates.append(payload.get("smsReminderNumber"))
    for raw in candidates:
        if not isinstance(raw, str) or not raw.strip():
            continue
        try:
            number = phonenumbers.parse(raw, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            digits = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)[1:]
            if digits not in found:
                found.append(digits)
    return found


def attendee(payload: dict[str, Any]) -> tuple[str | None, str | None]:
    """(name, e-mail) of the first attendee."""
    first = next((a for a in payload.get("attendees") or [] if isinstance(a, dict)), {})
    return first.get("name"), first.get("email")


def meeting_url(payload: dict[str, Any]) -> str | None:
    video = payload.get("videoCallData") or {}
    url = (payload.get("metadata") or {}).get("videoCallUrl") or video.get("url")
    return str(url) if url else None
