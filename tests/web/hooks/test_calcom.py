"""POST /api/agenda/webhook/cal (G2): every fixture, signatures, duplicates, phones in E.164,
reschedule chains, no-shows, and the company each delivery is for."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.agenda.models import Appointment
from tests.support import factories, reads
from tests.support.calcom import (
    CAL,
    WEBHOOK_SECRET,
    compact,
    post_cal_webhook,
    signed,
    with_webhook_secret,
)
from tests.support.factories import Cast


async def test_the_fixtures_match_the_documented_test_vectors() -> None:
    mac = hmac.new(
        WEBHOOK_SECRET.encode(), compact("webhook_booking_created.json"), hashlib.sha256
    ).hexdigest()
    assert mac == "5ce06c2fefdc287741873052d26e0a45e7b11574e31876d6ff9bad435c60ec96"


async def test_created_rescheduled_cancelled_and_ended_keep_appointments_in_step(
    client: Any, engine: AsyncEngine, cast: Cast
) -> None:
    a = cast.a.company.id
    await with_webhook_secret(engine, a)
    assert (await (await post_cal_webhook(client, "webhook_ping.json")).get_json())[
        "outcome"
    ] == "pong"
    created = await post_cal_webhook(client, "webhook_booking_created.json")
    assert (created.status_code, (await created.get_json())["outcome"]) == (200, "created")
    [booked] = await reads.rows(engine, Appointment, tenant=a)
    assert (
        booked.status == "scheduled"
        and booked.phone == "34612345678"
        and booked.name == "Lucía Fernández"
    )
    assert booked.meeting_url and booked.contact_id is not None
    again = await post_cal_webhook(
        client, "webhook_booking_created.json"
    )  # Cal.com retries deliveries
    assert (await again.get_json())["outcome"] == "duplicate"

    await post_cal_webhook(
        client, "webhook_booking_rescheduled.json", header="X-Cal-Signature"
    )  # the seed's header
    old, new = await reads.rows(engine, Appointment, tenant=a)
    assert old.status == "rescheduled" and old.rescheduled_to_uid == new.cal_uid
    assert new.rescheduled_from_uid == old.cal_uid and new.status == "scheduled"

    cancelled = json.loads((CAL / "webhook_booking_cancelled.json").read_text())["payload"]["uid"]
    await post_cal_webhook(client, "webhook_booking_cancelled.json")
    rows = {r.cal_uid: r for r in await reads.rows(engine, Appointment, tenant=a)}
    assert rows[cancelled].status == "cancelled"
    await post_cal_webhook(client, "webhook_meeting_ended.json")  # flat body
    ended_uid = json.loads((CAL / "webhook_meeting_ended.json").read_text())["uid"]
    rows = {r.cal_uid: r for r in await reads.rows(engine, Appointment, tenant=a)}
    assert rows[ended_uid].status == "completed"  # a booking first seen when it ended
    assert rows[cancelled].status == "cancelled"


async def test_a_meeting_that_ended_is_only_done_when_confirmed_or_checked_in(
    client: Any, engine: AsyncEngine, cast: Cast
) -> None:
    """MEETING_ENDED says the time is over, not that the customer came (G6): an unconfirmed
    appointment stays for the no-show check, which then offers a new time once."""
    from datetime import timedelta

    from domain.agenda.dispatcher import Dispatcher
    from domain.settings import Settings
    from domain.tenancy.directory import CompanyDirectory

    a = cast.a.company.id
    await with_webhook_secret(engine, a)
    await post_cal_webhook(client, "webhook_booking_created.json")
    ended = json.loads((CAL / "webhook_booking_created.json").read_text())
    ended = {
        "triggerEvent": "MEETING_ENDED",
        "createdAt": "2026-03-10T12:00:00Z",
        "payload": ended["payload"],
    }
    body = json.dumps(ended, separators=(",", ":")).encode()
    response = await client.post("/api/agenda/webhook/cal", data=body, headers=signed(body))
    assert (await response.get_json())["outcome"] == "ended"
    [row] = await reads.rows(engine, Appointment, tenant=a)
    assert row.status == "scheduled"
    # The fixture's booking is in the past: as if we had learned of it in time (one learned
    # of after its start gets no check) and the check ran when due (a stale one sends nothing).
    booked_in_time = Appointment.id == row.id
    await factories.change(
        engine, Appointment, booked_in_time, tenant=a, created_at=row.start_at - timedelta(days=1)
    )
    due = row.end_at + timedelta(minutes=15)
    await factories.reminder(engine, a, row.id, "no_show", starts_at=row.start_at, due_at=due)
    dispatcher = Dispatcher(CompanyDirectory(engine), Settings())

    async def dispatch() -> Any:
        async with engine.begin() as conn:
            return await dispatcher.run(conn, due + timedelta(minutes=1), 100)

    done = await dispatch()
    assert done.no_shows == 1
    [row] = await reads.rows(engine, Appointment, tenant=a)
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
    await with_webhook_secret(engine, cast.a.company.id)
    await post_cal_webhook(client, "webhook_booking_created.json")
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
    [row] = await reads.rows(engine, Appointment, tenant=cast.a.company.id)
    assert row.status == "no_show"


async def test_signatures_and_companies_are_checked(
    client: Any, engine: AsyncEngine, cast: Cast
) -> None:
    body = compact("webhook_booking_created.json")
    await with_webhook_secret(engine, cast.a.company.id)
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
    assert await reads.rows(engine, Appointment, tenant=cast.b.company.id) == []  # B saw nothing


async def test_an_addressee_that_names_no_company_is_404_whatever_it_looks_like(
    client: Any, engine: AsyncEngine, cast: Cast
) -> None:
    body = compact("webhook_booking_created.json")
    await with_webhook_secret(engine, cast.a.company.id)
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
    assert await reads.rows(engine, Appointment, tenant=cast.a.company.id) == []
