"""The Cal.com client against a fake Cal.com over HTTP: its configuration, API v2 and v1 as
their contracts say, and which of the two a bare base URL turns out to serve."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.integrations.calcom import DEFAULT_CANCEL_REASON, CalcomClient, CalcomConfig
from domain.integrations.calcom_payloads import (
    NOT_CONFIGURED,
    CalcomError,
)
from tests.fakes.calcom import FakeCalcom
from tests.support.calcom import (
    FIXTURE_METADATA,
    FIXTURE_TIMES,
    LUCIA,
    MADRID,
    MARCH_10,
    MARCH_11,
    book_lucia,
    cal_fixture,
    v1,
    v2,
)

# --- configuration ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("base_url", "api_key", "event_type_id"),
    [(None, "k", 1), ("https://api.cal.com/v2", "", 1), ("https://api.cal.com/v2", "k", None)],
)
async def test_missing_settings_mean_not_configured_and_nothing_is_sent(
    fake_calcom: tuple[FakeCalcom, str],
    calcom_client: CalcomClient,
    base_url: str | None,
    api_key: str,
    event_type_id: int | None,
) -> None:
    config = CalcomConfig(base_url, api_key, event_type_id)
    assert not config.configured
    with pytest.raises(CalcomError) as raised:
        await calcom_client.slots(config, MARCH_10, MARCH_11, "Europe/Madrid")
    assert raised.value.kind == "not_configured" and raised.value.needs_setup
    assert raised.value.message.startswith(NOT_CONFIGURED)
    assert fake_calcom[0].requests == []


def test_version_comes_from_the_base_url_suffix() -> None:
    assert CalcomConfig("https://api.cal.com/v2/", "k", 1).version == "v2"
    assert CalcomConfig("https://agenda.clinica.example/api/v1", "k", 1).version == "v1"
    assert CalcomConfig("https://agenda.clinica.example", "k", 1).version is None


# --- API v2 against the fake -----------------------------------------------------------------


async def test_v2_slots_follow_the_contract(
    fake_calcom: tuple[FakeCalcom, str], calcom_client: CalcomClient
) -> None:
    calcom, _ = fake_calcom
    slots = await calcom_client.slots(v2(fake_calcom), MARCH_10, MARCH_11, "Europe/Madrid")
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
    fake_calcom: tuple[FakeCalcom, str], calcom_client: CalcomClient
) -> None:
    calcom, _ = fake_calcom
    config = v2(fake_calcom)
    # The fixtures' appointment: 10:30 in Madrid, sent as 09:30 UTC.
    booking = await book_lucia(calcom_client, config, datetime(2026, 3, 10, 10, 30, tzinfo=MADRID))
    [call] = calcom.calls("POST", "/v2/bookings")
    expected = cal_fixture("v2_booking_create_request.json")
    del expected["location"]  # the event type's own location applies; see the calcom_client
    assert call["json"] == expected
    assert call["headers"]["cal-api-version"] == "2024-08-13"
    assert booking.uid in calcom.bookings and booking.id == 5012
    assert (booking.start, booking.end, booking.status) == (
        datetime(2026, 3, 10, 9, 30, tzinfo=UTC),
        datetime(2026, 3, 10, 10, 0, tzinfo=UTC),
        "accepted",
    )
    assert booking.meeting_url == f"https://app.cal.com/video/{booking.uid}"
    later = await calcom_client.slots(config, MARCH_10, MARCH_10, "Europe/Madrid")
    assert booking.start not in [slot.start for slot in later] and len(later) == 3


async def test_a_taken_time_is_a_permanent_conflict_not_retried(
    fake_calcom: tuple[FakeCalcom, str], calcom_client: CalcomClient
) -> None:
    calcom, _ = fake_calcom
    start = datetime(2026, 3, 11, 9, 0, tzinfo=MADRID)
    await book_lucia(calcom_client, v2(fake_calcom), start)
    with pytest.raises(CalcomError) as raised:
        await book_lucia(calcom_client, v2(fake_calcom), start)
    assert (raised.value.kind, raised.value.status, raised.value.retryable) == (
        "conflict",
        400,
        False,
    )
    assert len(calcom.calls("POST", "/v2/bookings")) == 2


async def test_an_attendee_without_email_gets_cal_coms_phone_only_address(
    fake_calcom: tuple[FakeCalcom, str], calcom_client: CalcomClient
) -> None:
    calcom, _ = fake_calcom
    start = datetime(2026, 3, 10, 16, 0, tzinfo=MADRID)
    await calcom_client.book(
        v2(fake_calcom), start, "Ana", None, "55 11 99999-9999", "America/Sao_Paulo"
    )
    [call] = calcom.calls("POST", "/v2/bookings")
    attendee = call["json"]["attendee"]
    assert attendee["email"] == "5511999999999@sms.cal.com"
    assert attendee["phoneNumber"] == "+5511999999999" and attendee["language"] == "pt-BR"


async def test_naive_times_are_refused_before_sending(
    fake_calcom: tuple[FakeCalcom, str], calcom_client: CalcomClient
) -> None:
    with pytest.raises(CalcomError) as raised:
        await calcom_client.book(
            v2(fake_calcom), datetime(2026, 3, 10, 9, 0), "Ana", None, "+5511999999999", "UTC"
        )
    assert raised.value.kind == "invalid"
    assert fake_calcom[0].calls("POST", "/v2/bookings") == []


async def test_v2_reschedule_gives_a_new_uid_and_cancels_the_old_booking(
    fake_calcom: tuple[FakeCalcom, str], calcom_client: CalcomClient
) -> None:
    calcom, _ = fake_calcom
    config = v2(fake_calcom)
    old = await book_lucia(calcom_client, config, datetime(2026, 3, 10, 9, 30, tzinfo=MADRID))
    new = await calcom_client.reschedule(
        config, old.uid, datetime(2026, 3, 11, 12, 30, tzinfo=MADRID), "Paciente pediu"
    )
    [call] = calcom.calls("POST", f"/v2/bookings/{old.uid}/reschedule")
    assert call["json"] == {"start": "2026-03-11T11:30:00Z", "reschedulingReason": "Paciente pediu"}
    assert call["headers"]["cal-api-version"] == "2024-08-13"
    assert new.uid != old.uid and new.rescheduled_from_uid == old.uid
    assert new.start == datetime(2026, 3, 11, 11, 30, tzinfo=UTC) and new.status == "accepted"
    assert (await calcom_client.get_booking(config, old.uid)).status == "cancelled"
    free = [
        slot.start
        for slot in await calcom_client.slots(config, MARCH_10, MARCH_11, "Europe/Madrid")
    ]
    assert old.start in free and new.start not in free


async def test_v2_cancel_marks_the_booking_cancelled_and_frees_the_time(
    fake_calcom: tuple[FakeCalcom, str], calcom_client: CalcomClient
) -> None:
    calcom, _ = fake_calcom
    config = v2(fake_calcom)
    booking = await book_lucia(calcom_client, config, datetime(2026, 3, 10, 9, 0, tzinfo=MADRID))
    await calcom_client.cancel(config, booking.uid)
    [call] = calcom.calls("POST", f"/v2/bookings/{booking.uid}/cancel")
    assert call["json"] == {"cancellationReason": DEFAULT_CANCEL_REASON}
    assert calcom.bookings[booking.uid].status == "cancelled"
    assert (await calcom_client.get_booking(config, booking.uid)).status == "cancelled"
    free = await calcom_client.slots(config, MARCH_10, MARCH_10, "Europe/Madrid")
    assert booking.start in [slot.start for slot in free]


async def test_cancelling_an_unknown_booking_is_not_found(
    fake_calcom: tuple[FakeCalcom, str], calcom_client: CalcomClient
) -> None:
    with pytest.raises(CalcomError) as raised:
        await calcom_client.cancel(v2(fake_calcom), "no-such-uid", "x")
    assert raised.value.kind == "not_found" and not raised.value.retryable
    assert len(fake_calcom[0].requests) == 1


# --- API v1 against the fake -----------------------------------------------------------------


async def test_v1_slots_send_the_key_as_query_and_the_days_as_instants(
    fake_calcom: tuple[FakeCalcom, str], calcom_client: CalcomClient
) -> None:
    calcom, _ = fake_calcom
    slots = await calcom_client.slots(v1(fake_calcom), MARCH_10, MARCH_11, "Europe/Madrid")
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
    fake_calcom: tuple[FakeCalcom, str], calcom_client: CalcomClient, wrapped: bool
) -> None:
    calcom, _ = fake_calcom
    calcom.v1_wrapped = wrapped
    booking = await book_lucia(
        calcom_client, v1(fake_calcom), datetime(2026, 3, 10, 10, 30, tzinfo=MADRID)
    )
    [call] = calcom.calls("POST", "/api/v1/bookings")
    expected = cal_fixture("v1_booking_create_request.json")
    del expected["end"]  # optional in v1 (bookingCreateBodySchema); Cal.com adds the length
    del expected["responses"]["location"]  # the event type's own location applies
    assert call["json"] == expected
    assert call["args"] == {"apiKey": calcom.api_key}
    assert booking.uid in calcom.bookings and booking.id == 5012 and booking.status == "accepted"
    assert booking.start == datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
    assert booking.end == datetime(2026, 3, 10, 10, 0, tzinfo=UTC)
    assert booking.meeting_url == f"https://app.cal.com/video/{booking.uid}"


async def test_v1_reschedule_rebooks_with_reschedule_uid_and_cancels_the_old_one(
    fake_calcom: tuple[FakeCalcom, str], calcom_client: CalcomClient
) -> None:
    calcom, _ = fake_calcom
    config = v1(fake_calcom)
    old = await book_lucia(calcom_client, config, datetime(2026, 3, 10, 9, 30, tzinfo=MADRID))
    new = await calcom_client.reschedule(
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
    assert (
        await calcom_client.get_booking(config, old.uid, booking_id=old.id)
    ).status == "cancelled"


async def test_v1_cancel_is_a_delete_with_the_reason_in_the_query(
    fake_calcom: tuple[FakeCalcom, str], calcom_client: CalcomClient
) -> None:
    calcom, _ = fake_calcom
    config = v1(fake_calcom)
    booking = await book_lucia(calcom_client, config, datetime(2026, 3, 11, 9, 0, tzinfo=MADRID))
    await calcom_client.cancel(config, booking.uid, "Não poderá ir", booking_id=booking.id)
    [call] = calcom.calls("DELETE", f"/api/v1/bookings/{booking.id}/cancel")
    assert call["args"] == {"cancellationReason": "Não poderá ir", "apiKey": calcom.api_key}
    assert calcom.bookings[booking.uid].status == "cancelled"


async def test_v1_needs_the_numeric_booking_id(
    fake_calcom: tuple[FakeCalcom, str], calcom_client: CalcomClient
) -> None:
    with pytest.raises(CalcomError) as raised:
        await calcom_client.cancel(v1(fake_calcom), "some-uid", "x")
    assert raised.value.kind == "invalid"
    assert fake_calcom[0].requests == []


# --- probing a bare base URL -----------------------------------------------------------------


async def test_a_bare_base_url_is_probed_once_and_v2_is_preferred(
    fake_calcom: tuple[FakeCalcom, str], calcom_client: CalcomClient
) -> None:
    calcom, url = fake_calcom
    config = CalcomConfig(url, calcom.api_key, 1234, timeout=2.0)
    await calcom_client.slots(config, MARCH_10, MARCH_11, "Europe/Madrid")
    booking = await book_lucia(calcom_client, config, datetime(2026, 3, 10, 9, 0, tzinfo=MADRID))
    assert calcom_client.versions == {url: "v2"} and booking.uid in calcom.bookings
    assert [r["path"] for r in calcom.requests] == ["/v2/slots", "/v2/slots", "/v2/bookings"]


async def test_a_bare_base_url_without_v2_falls_back_to_v1(
    fake_calcom: tuple[FakeCalcom, str], calcom_client: CalcomClient
) -> None:
    calcom, url = fake_calcom
    calcom.v2 = False
    config = CalcomConfig(url + "/", calcom.api_key, 1234, timeout=2.0)
    slots = await calcom_client.slots(config, MARCH_10, MARCH_11, "Europe/Madrid")
    await book_lucia(calcom_client, config, datetime(2026, 3, 10, 9, 0, tzinfo=MADRID))
    assert [slot.start for slot in slots] == FIXTURE_TIMES and calcom_client.versions == {url: "v1"}
    assert [r["path"] for r in calcom.requests] == [
        "/v2/slots",
        "/api/v1/slots",
        "/api/v1/slots",
        "/api/v1/bookings",
    ]


async def test_a_probe_with_a_wrong_key_still_finds_v2_and_reports_auth(
    fake_calcom: tuple[FakeCalcom, str], calcom_client: CalcomClient
) -> None:
    _, url = fake_calcom
    with pytest.raises(CalcomError) as raised:
        await calcom_client.slots(CalcomConfig(url, "wrong", 1234), MARCH_10, MARCH_10, "UTC")
    assert raised.value.kind == "auth" and calcom_client.versions == {url: "v2"}


async def test_a_base_url_with_no_cal_com_is_not_found_and_not_remembered(
    fake_calcom: tuple[FakeCalcom, str], calcom_client: CalcomClient
) -> None:
    calcom, url = fake_calcom
    calcom.v2 = calcom.v1 = False
    with pytest.raises(CalcomError) as raised:
        await calcom_client.slots(
            CalcomConfig(url, calcom.api_key, 1234), MARCH_10, MARCH_10, "UTC"
        )
    assert raised.value.kind == "not_found" and not raised.value.retryable
    assert calcom_client.versions == {}
