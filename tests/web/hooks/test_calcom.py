"""POST /api/agenda/webhook/cal (G2): every fixture, signatures, duplicates, phones in E.164,
reschedule chains, and the appointments API."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.agenda.models import Appointment
from tests.support import factories, reads
from tests.support.api import bearer
from tests.support.factories import Cast, configure
from tests.support.paths import FIXTURES

CAL = FIXTURES / "calcom"
SECRET = "calcom_test_secret_123"


def compact(name: str) -> bytes:
    """The fixture re-serialised the way Cal.com sends it (see the fixtures README)."""
    return json.dumps(
        json.loads((CAL / name).read_text()), separators=(",", ":"), ensure_ascii=False
    ).encode()


def signed(
    body: bytes, company: str = "acme", header: str = "X-Cal-Signature-256", secret: str = SECRET
) -> dict[str, str]:
    mac = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"Content-Type": "application/json", "X-Cal-Company": company, header: mac}


async def with_secret(engine: AsyncEngine, company_id: int) -> None:
    """The company signs its Cal.com webhooks with SECRET."""
    await configure(engine, company_id, cal={"webhook_secret": SECRET})


async def appointments(engine: AsyncEngine, company_id: int) -> list[Any]:
    return await reads.rows(engine, Appointment, tenant=company_id)


async def post(client: Any, name: str, **kw: Any) -> Any:
    body = compact(name)
    return await client.post("/api/agenda/webhook/cal", data=body, headers=signed(body, **kw))


async def test_the_fixtures_match_the_documented_test_vectors() -> None:
    mac = hmac.new(
        SECRET.encode(), compact("webhook_booking_created.json"), hashlib.sha256
    ).hexdigest()
    assert mac == "5ce06c2fefdc287741873052d26e0a45e7b11574e31876d6ff9bad435c60ec96"


async def test_created_rescheduled_cancelled_and_ended_keep_appointments_in_step(
    client: Any, engine: AsyncEngine, cast: Cast
) -> None:
    a = cast.a.company.id
    await with_secret(engine, a)
    assert (await (await post(client, "webhook_ping.json")).get_json())["outcome"] == "pong"
    created = await post(client, "webhook_booking_created.json")
    assert (created.status_code, (await created.get_json())["outcome"]) == (200, "created")
    [booked] = await appointments(engine, a)
    assert (
        booked.status == "scheduled"
        and booked.phone == "34612345678"
        and booked.name == "Lucía Fernández"
    )
    assert booked.meeting_url and booked.contact_id is not None
    again = await post(client, "webhook_booking_created.json")  # Cal.com retries deliveries
    assert (await again.get_json())["outcome"] == "duplicate"

    await post(
        client, "webhook_booking_rescheduled.json", header="X-Cal-Signature"
    )  # the seed's header
    old, new = await appointments(engine, a)
    assert old.status == "rescheduled" and old.rescheduled_to_uid == new.cal_uid
    assert new.rescheduled_from_uid == old.cal_uid and new.status == "scheduled"

    cancelled = json.loads((CAL / "webhook_booking_cancelled.json").read_text())["payload"]["uid"]
    await post(client, "webhook_booking_cancelled.json")
    rows = {r.cal_uid: r for r in await appointments(engine, a)}
    assert rows[cancelled].status == "cancelled"
    await post(client, "webhook_meeting_ended.json")  # flat body
    ended_uid = json.loads((CAL / "webhook_meeting_ended.json").read_text())["uid"]
    rows = {r.cal_uid: r for r in await appointments(engine, a)}
    assert rows[ended_uid].status == "completed"  # a booking first seen when it ended
    assert rows[cancelled].status == "cancelled"


async def test_a_meeting_that_ended_is_only_done_when_confirmed_or_checked_in(
    client: Any, engine: AsyncEngine, cast: Cast
) -> None:
    """MEETING_ENDED says the time is over, not that the customer came (G6): an unconfirmed
    appointment stays for the no-show check, which then offers a new time once."""
    from datetime import UTC, datetime, timedelta

    from domain.agenda.dispatcher import Dispatcher
    from domain.settings import Settings
    from domain.tenancy.directory import CompanyDirectory

    a = cast.a.company.id
    await with_secret(engine, a)
    await post(client, "webhook_booking_created.json")
    ended = json.loads((CAL / "webhook_booking_created.json").read_text())
    ended = {
        "triggerEvent": "MEETING_ENDED",
        "createdAt": "2026-03-10T12:00:00Z",
        "payload": ended["payload"],
    }
    body = json.dumps(ended, separators=(",", ":")).encode()
    response = await client.post("/api/agenda/webhook/cal", data=body, headers=signed(body))
    assert (await response.get_json())["outcome"] == "ended"
    [row] = await appointments(engine, a)
    assert row.status == "scheduled"
    dispatcher = Dispatcher(CompanyDirectory(engine), Settings())

    async def dispatch() -> Any:
        async with engine.begin() as conn:
            return await dispatcher.run(conn, datetime.now(UTC) + timedelta(days=3650), 100)

    done = await dispatch()
    assert done.no_shows == 1
    [row] = await appointments(engine, a)
    assert row.status == "no_show"
    # Cal.com marking it a no-show later does not send a second offer.
    no_show = {
        "triggerEvent": "BOOKING_NO_SHOW_UPDATED",
        "createdAt": "2026-03-10T13:00:00Z",
        "payload": {"attendees": [{"noShow": True}], "bookingUid": row.cal_uid},
    }
    body = json.dumps(no_show, separators=(",", ":")).encode()
    await client.post("/api/agenda/webhook/cal", data=body, headers=signed(body))
    assert (await dispatch()).counts == {}


async def test_no_show_updates_mark_the_appointment(
    client: Any, engine: AsyncEngine, cast: Cast
) -> None:
    await with_secret(engine, cast.a.company.id)
    await post(client, "webhook_booking_created.json")
    uid = json.loads((CAL / "webhook_booking_created.json").read_text())["payload"]["uid"]
    body = json.dumps(
        {
            "triggerEvent": "BOOKING_NO_SHOW_UPDATED",
            "createdAt": "2026-03-10T11:00:00Z",
            "payload": {
                "message": "x",
                "attendees": [{"email": "lucia.fernandez@example.com", "noShow": True}],
                "bookingUid": uid,
                "bookingId": 1,
            },
        },
        separators=(",", ":"),
    ).encode()
    response = await client.post("/api/agenda/webhook/cal", data=body, headers=signed(body))
    assert (await response.get_json())["outcome"] == "no_show"
    [row] = await appointments(engine, cast.a.company.id)
    assert row.status == "no_show"


async def test_signatures_and_companies_are_checked(
    client: Any, engine: AsyncEngine, cast: Cast
) -> None:
    body = compact("webhook_booking_created.json")
    await with_secret(engine, cast.a.company.id)
    no_secret = await client.post(
        "/api/agenda/webhook/cal", data=body, headers=signed(body, company="globex")
    )
    assert (no_secret.status_code, (await no_secret.get_json())["error"]) == (401, "no_secret")
    for headers in (
        signed(body, secret="wrong"),
        {**signed(body), "X-Cal-Signature-256": "no-secret-provided"},
        {"Content-Type": "application/json", "X-Cal-Company": "acme"},
    ):
        assert (
            await client.post("/api/agenda/webhook/cal", data=body, headers=headers)
        ).status_code == 401
    pretty = (CAL / "webhook_booking_created.json").read_bytes()  # not the bytes that were signed
    assert (
        await client.post("/api/agenda/webhook/cal", data=pretty, headers=signed(body))
    ).status_code == 401
    assert (
        await client.post(
            "/api/agenda/webhook/cal", data=body, headers=signed(body, company="nobody")
        )
    ).status_code == 404
    by_id = await client.post(
        "/api/agenda/webhook/cal", data=body, headers=signed(body, company=str(cast.a.company.id))
    )
    assert by_id.status_code == 200
    assert await appointments(engine, cast.b.company.id) == []  # B saw nothing


async def test_an_addressee_that_names_no_company_is_404_whatever_it_looks_like(
    client: Any, engine: AsyncEngine, cast: Cast
) -> None:
    body = compact("webhook_booking_created.json")
    await with_secret(engine, cast.a.company.id)
    for who in ("99999999999999999999999", "²", "0", "acme-não"):
        response = await client.post(
            "/api/agenda/webhook/cal", data=body, headers=signed(body, company=who)
        )
        assert (response.status_code, (await response.get_json())["error"]) == (
            404,
            "unknown_company",
        ), who
    missing = await client.post(
        "/api/agenda/webhook/cal", data=body, headers=signed(body, company=" ")
    )
    assert (missing.status_code, (await missing.get_json())["error"]) == (400, "missing_company")
    assert await appointments(engine, cast.a.company.id) == []


async def test_appointments_api_filters_by_date_status_and_client(
    client: Any, engine: AsyncEngine, cast: Cast
) -> None:
    await with_secret(engine, cast.a.company.id)
    await post(client, "webhook_booking_created.json")
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
