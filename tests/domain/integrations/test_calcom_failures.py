"""The Cal.com client when Cal.com fails: a wrong key is permanent, server errors and rate
limits are retried a bounded number of times, a booking is never sent twice after an error,
slow or unreachable is retryable, and the v1 key never leaks into a message."""

from __future__ import annotations

from datetime import datetime

import httpx
import pytest

from domain.integrations.calcom import CalcomClient, CalcomConfig
from domain.integrations.calcom_payloads import (
    NOT_CONFIGURED,
    CalcomError,
)
from domain.security.targets import TargetPolicy
from domain.security.transport import guarded_client
from tests.fakes.calcom import FakeCalcom
from tests.support.calcom import (
    MADRID,
    MARCH_10,
    MARCH_11,
    book_lucia,
    v1,
    v2,
)


@pytest.mark.parametrize("version", ["v2", "v1"])
async def test_a_wrong_key_is_a_permanent_auth_error_and_is_not_retried(
    fake_calcom: tuple[FakeCalcom, str], calcom_client: CalcomClient, version: str
) -> None:
    config = (v2 if version == "v2" else v1)(fake_calcom, api_key="cal_wrong")
    with pytest.raises(CalcomError) as raised:
        await calcom_client.slots(config, MARCH_10, MARCH_10, "Europe/Madrid")
    error = raised.value
    assert (error.kind, error.status, error.retryable, error.needs_setup) == (
        "auth",
        401,
        False,
        True,
    )
    assert error.message.startswith(NOT_CONFIGURED)
    assert len(fake_calcom[0].requests) == 1


@pytest.mark.parametrize("status", [500, 503, 429])
async def test_server_errors_are_retried_then_succeed(
    fake_calcom: tuple[FakeCalcom, str], calcom_client: CalcomClient, status: int
) -> None:
    calcom, _ = fake_calcom
    calcom.fail_next(2, status)
    slots = await calcom_client.slots(v2(fake_calcom), MARCH_10, MARCH_11, "Europe/Madrid")
    assert len(slots) == 6 and len(calcom.requests) == 3


async def test_retries_stop_after_the_configured_attempts(
    fake_calcom: tuple[FakeCalcom, str], calcom_client: CalcomClient
) -> None:
    calcom, _ = fake_calcom
    calcom.fail_next(5, 502)
    with pytest.raises(CalcomError) as raised:
        await calcom_client.slots(v2(fake_calcom), MARCH_10, MARCH_11, "Europe/Madrid")
    assert (raised.value.kind, raised.value.status, raised.value.retryable) == (
        "unavailable",
        502,
        True,
    )
    assert len(calcom.requests) == 3


async def test_a_booking_is_not_sent_twice_after_a_server_error(
    fake_calcom: tuple[FakeCalcom, str], calcom_client: CalcomClient
) -> None:
    calcom, _ = fake_calcom
    calcom.fail_next(1, 500)
    with pytest.raises(CalcomError) as raised:
        await book_lucia(calcom_client, v2(fake_calcom), datetime(2026, 3, 10, 9, 0, tzinfo=MADRID))
    assert raised.value.retryable  # the caller may try later, after checking
    assert len(calcom.calls("POST", "/v2/bookings")) == 1


async def test_a_rate_limited_booking_is_sent_again(
    fake_calcom: tuple[FakeCalcom, str], calcom_client: CalcomClient
) -> None:
    calcom, _ = fake_calcom
    calcom.fail_next(1, 429)
    booking = await book_lucia(
        calcom_client, v2(fake_calcom), datetime(2026, 3, 10, 9, 0, tzinfo=MADRID)
    )
    assert booking.uid in calcom.bookings and len(calcom.calls("POST", "/v2/bookings")) == 2


async def test_a_slow_cal_com_is_a_retryable_timeout(fake_calcom: tuple[FakeCalcom, str]) -> None:
    calcom, _ = fake_calcom
    calcom.delay = 0.5
    async with httpx.AsyncClient() as http:
        with pytest.raises(CalcomError) as raised:
            await CalcomClient(http, attempts=1).slots(
                v2(fake_calcom, timeout=0.05), MARCH_10, MARCH_10, "UTC"
            )
    assert raised.value.kind == "timeout" and raised.value.retryable


async def test_an_unreachable_cal_com_is_retryable(calcom_client: CalcomClient) -> None:
    config = CalcomConfig("http://127.0.0.1:1/v2", "k", 1234, timeout=1.0)
    with pytest.raises(CalcomError) as raised:
        await calcom_client.slots(config, MARCH_10, MARCH_10, "UTC")
    assert raised.value.kind == "unreachable" and raised.value.retryable


async def test_the_v1_key_never_reaches_an_error_message(
    fake_calcom: tuple[FakeCalcom, str], calcom_client: CalcomClient
) -> None:
    calcom, _ = fake_calcom
    calcom.script.append((400, {"message": f"bad request to /slots?apiKey={calcom.api_key}"}))
    with pytest.raises(CalcomError) as raised:
        await calcom_client.slots(v1(fake_calcom), MARCH_10, MARCH_10, "UTC")
    assert raised.value.kind == "invalid"
    assert calcom.api_key not in raised.value.message and calcom.api_key not in str(raised.value)


async def test_a_cal_com_url_leading_inside_our_network_is_a_setting_to_fix_and_not_retried(
    fake_calcom: tuple[FakeCalcom, str],
) -> None:
    calcom, _ = fake_calcom  # on 127.0.0.1, where a production server must not call
    async with guarded_client(TargetPolicy(allow_private=False), timeout=5.0) as http:
        with pytest.raises(CalcomError) as raised:
            await CalcomClient(http, attempts=3, max_wait=0.01).slots(
                v2(fake_calcom), MARCH_10, MARCH_10, "UTC"
            )
    error = raised.value
    assert (error.kind, error.retryable, error.needs_setup) == ("not_configured", False, True)
    assert error.message.startswith(NOT_CONFIGURED) and "127.0.0.1" in error.message
    assert calcom.requests == []
