"""Properties of reading Cal.com deliveries over anything a signed sender can post (issue 13):
a delivery is read or refused naming the field (400/422), never anything else; a booking that
is read fits the appointment's columns and its times are real, ordered and within 2000-2099."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from domain.agenda.cal_events import (
    CREATED_MAX,
    EMAIL_MAX,
    NAME_MAX,
    TITLE_MAX,
    TRIGGER_MAX,
    UID_MAX,
    parse_event,
    verify_cal_signature,
)
from domain.errors import InvalidInput, Unauthorized
from domain.webhooks.bounds import in_range
from tests.support.hostile import BOUNDED, cal_bodies, odd_text


@BOUNDED
@given(cal_bodies())
def test_any_delivery_is_read_or_refused_by_name(body: Any) -> None:
    try:
        event = parse_event(body)
    except InvalidInput as refused:
        assert refused.status in (400, 422) and refused.message
        return
    assert len(event.trigger) <= TRIGGER_MAX and len(event.created) <= CREATED_MAX
    assert len(event.uid) <= UID_MAX
    assert "\\u0000" not in json.dumps(event.payload)
    booking = event.booking
    if booking is None:
        return
    assert booking.uid == event.uid and 0 < len(booking.uid) <= UID_MAX
    for value, limit in ((booking.name, NAME_MAX), (booking.title, TITLE_MAX)):
        assert value is None or (0 < len(value) <= limit and "\x00" not in value)
    assert booking.email is None or len(booking.email) <= EMAIL_MAX
    assert booking.booking_id is None or 0 <= booking.booking_id < 2**63
    assert booking.event_type_id is None or 0 <= booking.event_type_id < 2**31
    assert all(p.isascii() and p.isdigit() and len(p) <= 15 for p in booking.phones)
    if booking.start is not None:
        assert booking.end is not None and booking.start.tzinfo is not None
        assert in_range(booking.start) and booking.start <= booking.end
    if event.trigger in ("BOOKING_CREATED", "BOOKING_REQUESTED", "BOOKING_RESCHEDULED"):
        assert booking.start is not None


@BOUNDED
@given(odd_text, st.one_of(st.none(), odd_text), st.binary(max_size=200))
def test_any_signature_is_checked_or_refused_as_unauthorized(
    secret: str, presented: str | None, raw: bytes
) -> None:
    try:
        verify_cal_signature(secret or "s", presented, raw)
    except Unauthorized:
        return
