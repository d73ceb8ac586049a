"""Cal.com's answers read as the fixture files say (domain/integrations/calcom_payloads.py):
slots and bookings of API v2 and v1, and every error answer classified."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from domain.integrations.calcom_payloads import (
    CalcomError,
    classify,
    parse_booking,
    parse_slots,
)
from tests.support.calcom import (
    FIXTURE_TIMES,
    FIXTURE_UID,
    MADRID,
    cal_fixture,
)


def test_v2_slots_fixture_parses_to_aware_madrid_times() -> None:
    slots = parse_slots(cal_fixture("v2_slots_response.json"), "Europe/Madrid")
    assert [slot.start for slot in slots] == FIXTURE_TIMES
    assert all(slot.start.utcoffset() is not None and slot.end is None for slot in slots)
    assert slots[0].start.astimezone(UTC) == datetime(2026, 3, 10, 8, 0, tzinfo=UTC)


def test_v1_slots_fixture_gives_the_same_instants_as_v2() -> None:
    assert [
        slot.start for slot in parse_slots(cal_fixture("v1_slots_response.json"), "Europe/Madrid")
    ] == FIXTURE_TIMES


def test_slots_are_shown_in_the_zone_that_was_asked_for() -> None:
    [first, *_] = parse_slots(cal_fixture("v2_slots_response.json"), "America/Sao_Paulo")
    assert first.start == FIXTURE_TIMES[0]
    assert (first.start.hour, first.start.tzinfo) == (5, ZoneInfo("America/Sao_Paulo"))


def test_naive_v1_times_are_read_in_the_requested_zone() -> None:
    body = {"slots": {"2026-03-10": [{"time": "2026-03-10T09:00:00"}, {"time": "garbage"}]}}
    [slot] = parse_slots(body, "Europe/Madrid")
    assert slot.start.astimezone(UTC) == datetime(2026, 3, 10, 8, 0, tzinfo=UTC)


def test_range_slots_keep_their_end() -> None:
    body = {
        "status": "success",
        "data": {
            "2026-03-10": [
                {
                    "start": "2026-03-10T09:00:00.000+01:00",
                    "end": "2026-03-10T09:30:00.000+01:00",
                    "seatsBooked": 0,
                }
            ]
        },
    }
    [slot] = parse_slots(body, "Europe/Madrid")
    assert slot.end == datetime(2026, 3, 10, 9, 30, tzinfo=MADRID)


@pytest.mark.parametrize("wrapped", [False, True], ids=["top_level", "wrapped_in_booking"])
def test_v1_create_answer_parses_at_top_level_or_wrapped(wrapped: bool) -> None:
    raw = cal_fixture("v1_booking_create_response.json")
    booking = parse_booking({"booking": raw} if wrapped else raw)
    assert (booking.uid, booking.id, booking.status) == (FIXTURE_UID, 5012, "accepted")
    assert booking.start == datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
    assert booking.end == datetime(2026, 3, 10, 10, 0, tzinfo=UTC)
    assert booking.meeting_url == f"https://app.cal.com/video/{FIXTURE_UID}"


def test_v2_create_answer_parses_from_its_envelope() -> None:
    booking = parse_booking(cal_fixture("v2_booking_create_response.json"))
    assert (booking.uid, booking.id, booking.status) == (FIXTURE_UID, 5012, "accepted")
    assert (booking.start, booking.end) == (
        datetime(2026, 3, 10, 9, 30, tzinfo=UTC),
        datetime(2026, 3, 10, 10, 0, tzinfo=UTC),
    )
    assert booking.meeting_url == f"https://app.cal.com/video/{FIXTURE_UID}"
    assert booking.rescheduled_from_uid is None


def test_unknown_fields_are_ignored_and_optional_ones_may_be_missing() -> None:
    booking = parse_booking(
        {
            "status": "success",
            "data": {"uid": "u1", "start": "2026-03-10T09:30:00Z", "novelty": {"x": 1}},
        }
    )
    assert (booking.uid, booking.id, booking.end, booking.meeting_url) == ("u1", None, None, None)
    assert booking.start.tzinfo is not None and booking.status == "unknown"


def test_a_booking_answer_without_uid_is_a_bad_response() -> None:
    with pytest.raises(CalcomError) as raised:
        parse_booking({"status": "success", "data": {"start": "2026-03-10T09:30:00Z"}})
    assert raised.value.kind == "bad_response" and not raised.value.retryable


@pytest.mark.parametrize(
    ("status", "body", "kind"),
    [
        (
            400,
            {
                "status": "error",
                "error": {
                    "code": "BadRequestException",
                    "message": "User either already has booking at this time or is not available",
                },
            },
            "conflict",
        ),
        (400, {"message": "no_available_users_found_error"}, "conflict"),
        (400, {"message": "booking_time_out_of_bounds_error"}, "conflict"),
        (409, {"status": "error", "error": {"message": "booking_conflict_error"}}, "conflict"),
        (400, {"message": "Booking not found"}, "not_found"),
        (
            404,
            {"status": "error", "error": {"message": "Booking with uid=x not found"}},
            "not_found",
        ),
        (
            400,
            {
                "status": "error",
                "error": {"message": "attendee.timeZone must be a valid IANA time zone"},
            },
            "invalid",
        ),
        (401, {"message": "Your apiKey is not valid"}, "auth"),
        (403, {"status": "error", "error": {"message": "Forbidden"}}, "auth"),
        (429, {"message": "Too many requests"}, "rate_limited"),
        (502, "<html>Bad Gateway</html>", "unavailable"),
    ],
)
def test_error_answers_are_classified(status: int, body: Any, kind: str) -> None:
    error = classify(status, body if isinstance(body, str) else json.dumps(body))
    assert (error.kind, error.status) == (kind, status)
    assert error.retryable is (kind in ("rate_limited", "unavailable"))
    assert error.needs_setup is (kind == "auth")
