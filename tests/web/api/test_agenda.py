"""The appointments API (/api/agenda/appointments, G2, G5, G6): filters by date, status and
client, ranges it refuses, the attendance, and "send a reminder now"."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support import factories
from tests.support.api import bearer
from tests.support.calcom import (
    post_cal_webhook,
    with_webhook_secret,
)
from tests.support.factories import Cast


async def test_appointments_api_filters_by_date_status_and_client(
    client: Any, engine: AsyncEngine, cast: Cast
) -> None:
    await with_webhook_secret(engine, cast.a.company.id)
    await post_cal_webhook(client, "webhook_booking_created.json")
    headers = await bearer(client, cast.member, cast.password)
    found = await (
        await client.get(
            "/api/agenda/appointments?from=2026-03-01&to=2026-03-31&client=Luc%C3%ADa",
            headers=headers,
        )
    ).get_json()
    assert [a["status"] for a in found["appointments"]] == ["scheduled"]
    assert found["appointments"][0]["start"].endswith("-03:00")  # the company's time zone
    none = await (
        await client.get(
            "/api/agenda/appointments?from=2026-03-01&to=2026-03-31&status=cancelled",
            headers=headers,
        )
    ).get_json()
    assert none["appointments"] == []
    bad = await client.get("/api/agenda/appointments?from=03/01/2026", headers=headers)
    assert (bad.status_code, (await bad.get_json())["field"]) == (422, "from")
    outsider = await bearer(client, cast.outsider, cast.password)
    assert (
        await client.get(
            f"/api/agenda/appointments?company_id={cast.a.company.id}", headers=outsider
        )
    ).status_code == 403


async def test_appointments_api_refuses_ranges_it_cannot_list(client: Any, cast: Cast) -> None:
    headers = await bearer(client, cast.member, cast.password)
    for query, field in (
        ("from=2026-03-10&to=2026-03-09", "to"),  # ends before it starts
        ("from=9999-12-31", "from"),  # past the documented range (was a 500: date overflow)
        ("to=1999-12-31", "to"),
        ("status=unconfirmed&client=Ana&company_id=zero", "company_id"),
    ):
        bad = await client.get(f"/api/agenda/appointments?{query}", headers=headers)
        assert (bad.status_code, (await bad.get_json())["field"]) == (422, field), query
    empty = await client.get("/api/agenda/appointments?from=&to=&status=", headers=headers)
    assert (await empty.get_json())["appointments"] == []


async def test_api_users_filter_unconfirmed_see_attendance_and_send_a_reminder(
    client: Any, engine: AsyncEngine, cast: Cast
) -> None:
    """The API's side of G5/G6: the same quick filter, the attendance and "send now"."""
    from datetime import UTC, datetime, timedelta

    a = cast.a.company.id
    start = (datetime.now(UTC) + timedelta(days=2)).replace(microsecond=0)
    await factories.appointment(engine, a, start, cal_uid="api-1", phone="5511900000001")
    bia = {"phone": "5511900000002", "name": "Bia", "status": "completed"}
    await factories.appointment(engine, a, start, cal_uid="api-2", **bia)
    headers = await bearer(client, cast.member, cast.password)
    listed = await (
        await client.get("/api/agenda/appointments?status=unconfirmed", headers=headers)
    ).get_json()
    assert [x["name"] for x in listed["appointments"]] == ["Ana"]
    assert listed["attendance"] == {"attended": 1, "missed": 0, "rate": 1.0}
    assert listed["appointments"][0]["reminded_at"] is None
    bad = await client.get("/api/agenda/appointments?status=perdido", headers=headers)
    assert (bad.status_code, (await bad.get_json())["field"]) == (422, "status")

    ana = listed["appointments"][0]["id"]
    sent = await client.post(f"/api/agenda/appointments/{ana}/remind", headers=headers)
    assert sent.status_code == 202 and (await sent.get_json())["sent"] is True
    again = await client.post(f"/api/agenda/appointments/{ana}/remind", headers=headers)
    assert again.status_code == 409
    done = await client.post(f"/api/agenda/appointments/{ana + 1}/remind", headers=headers)
    assert done.status_code == 409  # completed: nothing to remind of
    other = await bearer(client, cast.outsider, cast.password)
    foreign = await client.post(
        f"/api/agenda/appointments/{ana}/remind?company_id={a}", headers=other
    )
    assert foreign.status_code == 403
    mine = await (
        await client.get("/api/agenda/appointments?status=unconfirmed", headers=headers)
    ).get_json()
    assert mine["appointments"][0]["reminded_at"] is not None
