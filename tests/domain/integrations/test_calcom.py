"""The Cal.com client: fixture parsing, and v2/v1/probing against a fake Cal.com over HTTP."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from domain.integrations.calcom import DEFAULT_CANCEL_REASON, CalcomClient, CalcomConfig
from domain.integrations.calcom_payloads import (
    NOT_CONFIGURED,
    CalcomError,
    classify,
    parse_booking,
    parse_slots,
)
from tests.fakes.calcom import FIXTURES, FakeCalcom
from tests.fakes.server import LocalServer

MADRID = ZoneInfo("Europe/Madrid")
MARCH_10, MARCH_11 = date(2026, 3, 10), date(2026, 3, 11)
FIXTURE_UID = "7xQk2mRZp9VbLc3NwTfYsA"
FIXTURE_TIMES = [
    datetime(2026, 3, 10, 9, 0, tzinfo=MADRID),
    datetime(2026, 3, 10, 9, 30, tzinfo=MADRID),
    datetime(2026, 3, 10, 10, 30, tzinfo=MADRID),
    datetime(2026, 3, 10, 16, 0, tzinfo=MADRID),
    datetime(2026, 3, 11, 9, 0, tzinfo=MADRID),
    datetime(2026, 3, 11, 12, 30, tzinfo=MADRID),
]
LUCIA = {"name": "Lucía Fernández", "email": "lucia.fernandez@example.com", "phone": "+34612345678"}
FIXTURE_METADATA = {"source": "whatsapp", "waConversationId": "wa-conv-8f2e91"}


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


@pytest.fixture
async def fake() -> AsyncIterator[tuple[FakeCalcom, str]]:
    calcom = FakeCalcom()
    async with LocalServer(calcom.app()) as url:
        yield calcom, url


@pytest.fixture
async def client() -> AsyncIterator[CalcomClient]:
    async with httpx.AsyncClient() as http:
        yield CalcomClient(http, attempts=3, max_wait=0.01, max_total=5.0)


def v2(fake: tuple[FakeCalcom, str], **overrides: Any) -> CalcomConfig:
    calcom, url = fake
    return replace(CalcomConfig(f"{url}/v2", calcom.api_key, 1234, timeout=2.0), **overrides)


def v1(fake: tuple[FakeCalcom, str], **overrides: Any) -> CalcomConfig:
    calcom, url = fake
    return replace(CalcomConfig(f"{url}/api/v1", calcom.api_key, 1234, timeout=2.0), **overrides)


async def book_lucia(client: CalcomClient, config: CalcomConfig, start: datetime) -> Any:
    return await client.book(
        config,
        start,
        LUCIA["name"],
        LUCIA["email"],
        LUCIA["phone"],
        "Europe/Madrid",
        language="es",
        metadata=FIXTURE_METADATA,
        notes="Revisión anual y limpieza",
    )


# --- parsing the fixture files --------------------------------------------------------------


def test_v2_slots_fixture_parses_to_aware_madrid_times() -> None:
    slots = parse_slots(fixture("v2_slots_response.json"), "Europe/Madrid")
    assert [slot.start for slot in slots] == FIXTURE_TIMES
    assert all(slot.start.utcoffset() is not None and slot.end is None for slot in slots)
    assert slots[0].start.astimezone(UTC) == datetime(2026, 3, 10, 8, 0, tzinfo=UTC)


def test_v1_slots_fixture_gives_the_same_instants_as_v2() -> None:
    assert [
        slot.start for slot in parse_slots(fixture("v1_slots_response.json"), "Europe/Madrid")
    ] == FIXTURE_TIMES


def test_slots_are_shown_in_the_zone_that_was_asked_for() -> None:
    [first, *_] = parse_slots(fixture("v2_slots_response.json"), "America/Sao_Paulo")
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
    raw = fixture("v1_booking_create_response.json")
    booking = parse_booking({"booking": raw} if wrapped else raw)
    assert (booking.uid, booking.id, booking.status) == (FIXTURE_UID, 5012, "accepted")
    assert booking.start == datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
    assert booking.end == datetime(2026, 3, 10, 10, 0, tzinfo=UTC)
    assert booking.meeting_url == f"https://app.cal.com/video/{FIXTURE_UID}"


def test_v2_create_answer_parses_from_its_envelope() -> None:
    booking = parse_booking(fixture("v2_booking_create_response.json"))
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


# --- configuration --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("base_url", "api_key", "event_type_id"),
    [(None, "k", 1), ("https://api.cal.com/v2", "", 1), ("https://api.cal.com/v2", "k", None)],
)
async def test_missing_settings_mean_not_configured_and_nothing_is_sent(
    fake: tuple[FakeCalcom, str],
    client: CalcomClient,
    base_url: str | None,
    api_key: str,
    event_type_id: int | None,
) -> None:
    config = CalcomConfig(base_url, api_key, event_type_id)
    assert not config.configured
    with pytest.raises(CalcomError) as raised:
        await client.slots(config, MARCH_10, MARCH_11, "Europe/Madrid")
    assert raised.value.kind == "not_configured" and raised.value.needs_setup
    assert raised.value.message.startswith(NOT_CONFIGURED)
    assert fake[0].requests == []


def test_version_comes_from_the_base_url_suffix() -> None:
    assert CalcomConfig("https://api.cal.com/v2/", "k", 1).version == "v2"
    assert CalcomConfig("https://agenda.clinica.example/api/v1", "k", 1).version == "v1"
    assert CalcomConfig("https://agenda.clinica.example", "k", 1).version is None


# --- API v2 against the fake ----------------------------------------------------------------


async def test_v2_slots_follow_the_contract(
    fake: tuple[FakeCalcom, str], client: CalcomClient
) -> None:
    calcom, _ = fake
    slots = await client.slots(v2(fake), MARCH_10, MARCH_11, "Europe/Madrid")
    assert [slot.start for slot in slots] == FIXTURE_TIMES
    [call] = calcom.requests
    assert call["path"] == "/v2/slots"
    assert call["args"] == {
        "eventTypeId": "1234",
        "start": "2026-03-10",
        "end": "2026-03-11",
        "timeZone": "Europe/Madrid",
    }
    assert call["headers"]["authorization"] == f"Bearer {calcom.api_key}"
    assert call["headers"]["cal-api-version"] == "2024-09-04"


async def test_v2_booking_sends_the_fixture_request_and_the_time_leaves_the_slots(
    fake: tuple[FakeCalcom, str], client: CalcomClient
) -> None:
    calcom, _ = fake
    config = v2(fake)
    # The fixtures' appointment: 10:30 in Madrid, sent as 09:30 UTC.
    booking = await book_lucia(client, config, datetime(2026, 3, 10, 10, 30, tzinfo=MADRID))
    [call] = calcom.calls("POST", "/v2/bookings")
    expected = fixture("v2_booking_create_request.json")
    del expected["location"]  # the event type's own location applies; see the client
    assert call["json"] == expected
    assert call["headers"]["cal-api-version"] == "2024-08-13"
    assert booking.uid in calcom.bookings and booking.id == 5012
    assert (booking.start, booking.end, booking.status) == (
        datetime(2026, 3, 10, 9, 30, tzinfo=UTC),
        datetime(2026, 3, 10, 10, 0, tzinfo=UTC),
        "accepted",
    )
    assert booking.meeting_url == f"https://app.cal.com/video/{booking.uid}"
    later = await client.slots(config, MARCH_10, MARCH_10, "Europe/Madrid")
    assert booking.start not in [slot.start for slot in later] and len(later) == 3


async def test_a_taken_time_is_a_permanent_conflict_not_retried(
    fake: tuple[FakeCalcom, str], client: CalcomClient
) -> None:
    calcom, _ = fake
    start = datetime(2026, 3, 11, 9, 0, tzinfo=MADRID)
    await book_lucia(client, v2(fake), start)
    with pytest.raises(CalcomError) as raised:
        await book_lucia(client, v2(fake), start)
    assert (raised.value.kind, raised.value.status, raised.value.retryable) == (
        "conflict",
        400,
        False,
    )
    assert len(calcom.calls("POST", "/v2/bookings")) == 2


async def test_an_attendee_without_email_gets_cal_coms_phone_only_address(
    fake: tuple[FakeCalcom, str], client: CalcomClient
) -> None:
    calcom, _ = fake
    start = datetime(2026, 3, 10, 16, 0, tzinfo=MADRID)
    await client.book(v2(fake), start, "Ana", None, "55 11 99999-9999", "America/Sao_Paulo")
    [call] = calcom.calls("POST", "/v2/bookings")
    attendee = call["json"]["attendee"]
    assert attendee["email"] == "5511999999999@sms.cal.com"
    assert attendee["phoneNumber"] == "+5511999999999" and attendee["language"] == "pt-BR"


async def test_naive_times_are_refused_before_sending(
    fake: tuple[FakeCalcom, str], client: CalcomClient
) -> None:
    with pytest.raises(CalcomError) as raised:
        await client.book(
            v2(fake), datetime(2026, 3, 10, 9, 0), "Ana", None, "+5511999999999", "UTC"
        )
    assert raised.value.kind == "invalid"
    assert fake[0].calls("POST", "/v2/bookings") == []


async def test_v2_reschedule_gives_a_new_uid_and_cancels_the_old_booking(
    fake: tuple[FakeCalcom, str], client: CalcomClient
) -> None:
    calcom, _ = fake
    config = v2(fake)
    old = await book_lucia(client, config, datetime(2026, 3, 10, 9, 30, tzinfo=MADRID))
    new = await client.reschedule(
        config, old.uid, datetime(2026, 3, 11, 12, 30, tzinfo=MADRID), "Paciente pediu"
    )
    [call] = calcom.calls("POST", f"/v2/bookings/{old.uid}/reschedule")
    assert call["json"] == {"start": "2026-03-11T11:30:00Z", "reschedulingReason": "Paciente pediu"}
    assert call["headers"]["cal-api-version"] == "2024-08-13"
    assert new.uid != old.uid and new.rescheduled_from_uid == old.uid
    assert new.start == datetime(2026, 3, 11, 11, 30, tzinfo=UTC) and new.status == "accepted"
    assert (await client.get_booking(config, old.uid)).status == "cancelled"
    free = [slot.start for slot in await client.slots(config, MARCH_10, MARCH_11, "Europe/Madrid")]
    assert old.start in free and new.start not in free


async def test_v2_cancel_marks_the_booking_cancelled_and_frees_the_time(
    fake: tuple[FakeCalcom, str], client: CalcomClient
) -> None:
    calcom, _ = fake
    config = v2(fake)
    booking = await book_lucia(client, config, datetime(2026, 3, 10, 9, 0, tzinfo=MADRID))
    await client.cancel(config, booking.uid)
    [call] = calcom.calls("POST", f"/v2/bookings/{booking.uid}/cancel")
    assert call["json"] == {"cancellationReason": DEFAULT_CANCEL_REASON}
    assert calcom.bookings[booking.uid].status == "cancelled"
    assert (await client.get_booking(config, booking.uid)).status == "cancelled"
    free = await client.slots(config, MARCH_10, MARCH_10, "Europe/Madrid")
    assert booking.start in [slot.start for slot in free]


async def test_cancelling_an_unknown_booking_is_not_found(
    fake: tuple[FakeCalcom, str], client: CalcomClient
) -> None:
    with pytest.raises(CalcomError) as raised:
        await client.cancel(v2(fake), "no-such-uid", "x")
    assert raised.value.kind == "not_found" and not raised.value.retryable
    assert len(fake[0].requests) == 1


# --- API v1 against the fake ----------------------------------------------------------------


async def test_v1_slots_send_the_key_as_query_and_the_days_as_instants(
    fake: tuple[FakeCalcom, str], client: CalcomClient
) -> None:
    calcom, _ = fake
    slots = await client.slots(v1(fake), MARCH_10, MARCH_11, "Europe/Madrid")
    assert [slot.start for slot in slots] == FIXTURE_TIMES
    [call] = calcom.requests
    assert call["path"] == "/api/v1/slots" and "authorization" not in call["headers"]
    assert call["args"] == {
        "eventTypeId": "1234",
        "startTime": "2026-03-09T23:00:00.000Z",
        "endTime": "2026-03-11T22:59:59.999Z",
        "timeZone": "Europe/Madrid",
        "apiKey": calcom.api_key,
    }


@pytest.mark.parametrize("wrapped", [False, True], ids=["top_level", "wrapped_in_booking"])
async def test_v1_booking_sends_the_fixture_request_and_reads_either_answer(
    fake: tuple[FakeCalcom, str], client: CalcomClient, wrapped: bool
) -> None:
    calcom, _ = fake
    calcom.v1_wrapped = wrapped
    booking = await book_lucia(client, v1(fake), datetime(2026, 3, 10, 10, 30, tzinfo=MADRID))
    [call] = calcom.calls("POST", "/api/v1/bookings")
    expected = fixture("v1_booking_create_request.json")
    del expected["end"]  # optional in v1 (bookingCreateBodySchema); Cal.com adds the length
    del expected["responses"]["location"]  # the event type's own location applies
    assert call["json"] == expected
    assert call["args"] == {"apiKey": calcom.api_key}
    assert booking.uid in calcom.bookings and booking.id == 5012 and booking.status == "accepted"
    assert booking.start == datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
    assert booking.end == datetime(2026, 3, 10, 10, 0, tzinfo=UTC)
    assert booking.meeting_url == f"https://app.cal.com/video/{booking.uid}"


async def test_v1_reschedule_rebooks_with_reschedule_uid_and_cancels_the_old_one(
    fake: tuple[FakeCalcom, str], client: CalcomClient
) -> None:
    calcom, _ = fake
    config = v1(fake)
    old = await book_lucia(client, config, datetime(2026, 3, 10, 9, 30, tzinfo=MADRID))
    new = await client.reschedule(
        config,
        old.uid,
        datetime(2026, 3, 10, 16, 0, tzinfo=MADRID),
        "Outro horário",
        booking_id=old.id,
    )
    assert new.uid != old.uid and new.rescheduled_from_uid == old.uid
    assert new.start == datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
    rebook = calcom.calls("POST", "/api/v1/bookings")[-1]["json"]
    assert rebook["rescheduleUid"] == old.uid and rebook["start"] == "2026-03-10T15:00:00.000Z"
    assert rebook["responses"] == {
        "name": LUCIA["name"],
        "email": LUCIA["email"],
        "attendeePhoneNumber": LUCIA["phone"],
        "rescheduleReason": "Outro horário",
    }
    assert rebook["metadata"] == FIXTURE_METADATA and rebook["timeZone"] == "Europe/Madrid"
    assert (await client.get_booking(config, old.uid, booking_id=old.id)).status == "cancelled"


async def test_v1_cancel_is_a_delete_with_the_reason_in_the_query(
    fake: tuple[FakeCalcom, str], client: CalcomClient
) -> None:
    calcom, _ = fake
    config = v1(fake)
    booking = await book_lucia(client, config, datetime(2026, 3, 11, 9, 0, tzinfo=MADRID))
    await client.cancel(config, booking.uid, "Não poderá ir", booking_id=booking.id)
    [call] = calcom.calls("DELETE", f"/api/v1/bookings/{booking.id}/cancel")
    assert call["args"] == {"cancellationReason": "Não poderá ir", "apiKey": calcom.api_key}
    assert calcom.bookings[booking.uid].status == "cancelled"


async def test_v1_needs_the_numeric_booking_id(
    fake: tuple[FakeCalcom, str], client: CalcomClient
) -> None:
    with pytest.raises(CalcomError) as raised:
        await client.cancel(v1(fake), "some-uid", "x")
    assert raised.value.kind == "invalid"
    assert fake[0].requests == []


# --- probing a bare base URL ----------------------------------------------------------------


async def test_a_bare_base_url_is_probed_once_and_v2_is_preferred(
    fake: tuple[FakeCalcom, str], client: CalcomClient
) -> None:
    calcom, url = fake
    config = CalcomConfig(url, calcom.api_key, 1234, timeout=2.0)
    await client.slots(config, MARCH_10, MARCH_11, "Europe/Madrid")
    booking = await book_lucia(client, config, datetime(2026, 3, 10, 9, 0, tzinfo=MADRID))
    assert client.versions == {url: "v2"} and booking.uid in calcom.bookings
    assert [r["path"] for r in calcom.requests] == ["/v2/slots", "/v2/slots", "/v2/bookings"]


async def test_a_bare_base_url_without_v2_falls_back_to_v1(
    fake: tuple[FakeCalcom, str], client: CalcomClient
) -> None:
    calcom, url = fake
    calcom.v2 = False
    config = CalcomConfig(url + "/", calcom.api_key, 1234, timeout=2.0)
    slots = await client.slots(config, MARCH_10, MARCH_11, "Europe/Madrid")
    await book_lucia(client, config, datetime(2026, 3, 10, 9, 0, tzinfo=MADRID))
    assert [slot.start for slot in slots] == FIXTURE_TIMES and client.versions == {url: "v1"}
    assert [r["path"] for r in calcom.requests] == [
        "/v2/slots",
        "/api/v1/slots",
        "/api/v1/slots",
        "/api/v1/bookings",
    ]


async def test_a_probe_with_a_wrong_key_still_finds_v2_and_reports_auth(
    fake: tuple[FakeCalcom, str], client: CalcomClient
) -> None:
    _, url = fake
    with pytest.raises(CalcomError) as raised:
        await client.slots(CalcomConfig(url, "wrong", 1234), MARCH_10, MARCH_10, "UTC")
    assert raised.value.kind == "auth" and client.versions == {url: "v2"}


async def test_a_base_url_with_no_cal_com_is_not_found_and_not_remembered(
    fake: tuple[FakeCalcom, str], client: CalcomClient
) -> None:
    calcom, url = fake
    calcom.v2 = calcom.v1 = False
    with pytest.raises(CalcomError) as raised:
        await client.slots(CalcomConfig(url, calcom.api_key, 1234), MARCH_10, MARCH_10, "UTC")
    assert raised.value.kind == "not_found" and not raised.value.retryable
    assert client.versions == {}


# --- failures -------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["v2", "v1"])
async def test_a_wrong_key_is_a_permanent_auth_error_and_is_not_retried(
    fake: tuple[FakeCalcom, str], client: CalcomClient, version: str
) -> None:
    config = (v2 if version == "v2" else v1)(fake, api_key="cal_wrong")
    with pytest.raises(CalcomError) as raised:
        await client.slots(config, MARCH_10, MARCH_10, "Europe/Madrid")
    error = raised.value
    assert (error.kind, error.status, error.retryable, error.needs_setup) == (
        "auth",
        401,
        False,
        True,
    )
    assert error.message.startswith(NOT_CONFIGURED)
    assert len(fake[0].requests) == 1


@pytest.mark.parametrize("status", [500, 503, 429])
async def test_server_errors_are_retried_then_succeed(
    fake: tuple[FakeCalcom, str], client: CalcomClient, status: int
) -> None:
    calcom, _ = fake
    calcom.fail_next(2, status)
    slots = await client.slots(v2(fake), MARCH_10, MARCH_11, "Europe/Madrid")
    assert len(slots) == 6 and len(calcom.requests) == 3


async def test_retries_stop_after_the_configured_attempts(
    fake: tuple[FakeCalcom, str], client: CalcomClient
) -> None:
    calcom, _ = fake
    calcom.fail_next(5, 502)
    with pytest.raises(CalcomError) as raised:
        await client.slots(v2(fake), MARCH_10, MARCH_11, "Europe/Madrid")
    assert (raised.value.kind, raised.value.status, raised.value.retryable) == (
        "unavailable",
        502,
        True,
    )
    assert len(calcom.requests) == 3


async def test_a_booking_is_not_sent_twice_after_a_server_error(
    fake: tuple[FakeCalcom, str], client: CalcomClient
) -> None:
    calcom, _ = fake
    calcom.fail_next(1, 500)
    with pytest.raises(CalcomError) as raised:
        await book_lucia(client, v2(fake), datetime(2026, 3, 10, 9, 0, tzinfo=MADRID))
    assert raised.value.retryable  # the caller may try later, after checking
    assert len(calcom.calls("POST", "/v2/bookings")) == 1


async def test_a_rate_limited_booking_is_sent_again(
    fake: tuple[FakeCalcom, str], client: CalcomClient
) -> None:
    calcom, _ = fake
    calcom.fail_next(1, 429)
    booking = await book_lucia(client, v2(fake), datetime(2026, 3, 10, 9, 0, tzinfo=MADRID))
    assert booking.uid in calcom.bookings and len(calcom.calls("POST", "/v2/bookings")) == 2


async def test_a_slow_cal_com_is_a_retryable_timeout(fake: tuple[FakeCalcom, str]) -> None:
    calcom, _ = fake
    calcom.delay = 0.5
    async with httpx.AsyncClient() as http:
        with pytest.raises(CalcomError) as raised:
            await CalcomClient(http, attempts=1).slots(
                v2(fake, timeout=0.05), MARCH_10, MARCH_10, "UTC"
            )
    assert raised.value.kind == "timeout" and raised.value.retryable


async def test_an_unreachable_cal_com_is_retryable(client: CalcomClient) -> None:
    config = CalcomConfig("http://127.0.0.1:1/v2", "k", 1234, timeout=1.0)
    with pytest.raises(CalcomError) as raised:
        await client.slots(config, MARCH_10, MARCH_10, "UTC")
    assert raised.value.kind == "unreachable" and raised.value.retryable


async def test_the_v1_key_never_reaches_an_error_message(
    fake: tuple[FakeCalcom, str], client: CalcomClient
) -> None:
    calcom, _ = fake
    calcom.script.append((400, {"message": f"bad request to /slots?apiKey={calcom.api_key}"}))
    with pytest.raises(CalcomError) as raised:
        await client.slots(v1(fake), MARCH_10, MARCH_10, "UTC")
    assert raised.value.kind == "invalid"
    assert calcom.api_key not in raised.value.message and calcom.api_key not in str(raised.value)
