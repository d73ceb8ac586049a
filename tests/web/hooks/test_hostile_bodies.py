"""What a stranger (or a broken sender) can put in a webhook never crashes it (issue 13): odd
characters in signature headers are a wrong signature (401), odd company names are unknown
(404), and a signed body is either refused naming the field (400/413/422) or accepted with
its values bounded to their columns. Every case below answered 500 once."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.agenda.models import Appointment
from domain.billing.models import BillingEvent
from domain.conversations.models import Contact, Message
from tests.support import reads
from tests.support.calcom import cal_fixture, signed, with_webhook_secret
from tests.support.factories import MakeCompany, allow_manual_billing
from tests.support.jobs import job_context
from tests.support.webhooks import signed_headers, text_body

WHATICKET, BILLING, CAL = "/webhook/whaticket", "/webhook/billing", "/api/agenda/webhook/cal"
DOMAIN = {"X-Company-Domain": "acme.example.com"}
DEEP = json.loads("[" * 300 + "]" * 300)


@pytest.fixture
async def acme(make_company: MakeCompany, engine: AsyncEngine) -> int:
    made = await make_company("acme", domain="acme.example.com", secret="acme-secret")
    await with_webhook_secret(engine, made.company.id)
    await allow_manual_billing(engine, made.company.id)
    return made.company.id


async def answer(response: Any) -> tuple[int, dict[str, Any]]:
    return response.status_code, await response.get_json()


# --- headers: signatures and company names -----------------------------------------------


@pytest.mark.parametrize("signature", ["é", "éé", "sha256=é", "\u00ff" * 64, "😀"])
@pytest.mark.parametrize(
    ("url", "header"),
    [
        (WHATICKET, "X-Signature"),
        (BILLING, "X-Signature"),
        (CAL, "X-Cal-Signature-256"),
        (CAL, "X-Cal-Signature"),
    ],
)
async def test_a_non_ascii_signature_is_a_wrong_signature(
    client: Any, acme: int, url: str, header: str, signature: str
) -> None:
    body = text_body("m1", "oi")
    headers = {
        **DOMAIN,
        "X-Cal-Company": "acme",
        "X-Timestamp": str(int(time.time())),
        header: signature,
    }
    status, error = await answer(await client.post(url, data=body, headers=headers))
    assert (status, error["error"]) == (401, "invalid_signature")


@pytest.mark.parametrize(
    "header",
    [
        {"Stripe-Signature": f"t={int(time.time())},v1=é"},
        {"x-signature": f"ts={int(time.time())},v1=é", "x-request-id": "r"},
    ],
)
async def test_a_non_ascii_provider_signature_is_a_wrong_signature(
    client: Any, acme: int, engine: AsyncEngine, header: dict[str, str]
) -> None:
    from tests.support.factories import configure

    await configure(
        engine,
        acme,
        billing={"stripe_webhook_secret": "whsec", "mercadopago_webhook_secret": "mp"},
    )
    body = b'{"id": "evt_1", "type": "invoice.paid", "data": {"id": "1", "object": {}}}'
    response = await client.post(f"{BILLING}?data.id=1", data=body, headers={**DOMAIN, **header})
    assert (await answer(response))[0] == 401


@pytest.mark.parametrize("stamp", ["²", "١٧٠٠٠٠٠٠٠٠", "1_700_000_000", "9" * 5000, "-", "é"])
async def test_an_odd_timestamp_is_refused_as_one(client: Any, acme: int, stamp: str) -> None:
    body = text_body("m1", "oi")
    headers = {**DOMAIN, "X-Timestamp": stamp, "X-Signature": "0" * 64}
    status, error = await answer(await client.post(WHATICKET, data=body, headers=headers))
    assert (status, error["error"]) == (401, "invalid_timestamp")


@pytest.mark.parametrize(
    "company", ["²", "10000000000000000000000000", "9" * 5000, "é" * 300, "acme\xa0"]
)
async def test_an_odd_cal_company_is_an_unknown_company(
    client: Any, acme: int, company: str
) -> None:
    body = b'{"triggerEvent": "PING"}'
    response = await client.post(CAL, data=body, headers=signed(body, company=company))
    assert (await answer(response))[0] == 404


@pytest.mark.parametrize("domain", ["é" * 300, "²", "x" * 5000])
async def test_an_odd_company_domain_is_an_unknown_company(
    client: Any, acme: int, domain: str
) -> None:
    body = text_body("m1", "oi")
    for url in (WHATICKET, BILLING):
        headers = signed_headers("acme-secret", body, **{"X-Company-Domain": domain})
        assert (await client.post(url, data=body, headers=headers)).status_code == 404


# --- Whaticket bodies ---------------------------------------------------------------------


def wa(message_id: str = "ABC", **changes: Any) -> dict[str, Any]:
    """A Baileys message from the fixtures' customer, with `changes` (key: merged into key)."""
    message: dict[str, Any] = {
        "key": {"remoteJid": "5511999999999@s.whatsapp.net", "fromMe": False, "id": message_id},
        "message": {"conversation": "oi"},
        "pushName": "Ana",
        "messageTimestamp": 1_700_000_000,
    }
    message["key"].update(changes.pop("key", {}))
    message.update(changes)
    return message


async def post_whaticket(client: Any, payload: Any) -> Any:
    body = json.dumps(payload).encode()
    return await client.post(
        WHATICKET, data=body, headers=signed_headers("acme-secret", body, **DOMAIN)
    )


async def stored(engine: AsyncEngine, company_id: int) -> Any:
    [row] = await reads.rows(engine, Message, tenant=company_id)
    return row


async def test_a_long_push_name_is_cut_to_its_column(
    client: Any, acme: int, engine: AsyncEngine
) -> None:
    response = await post_whaticket(client, wa(pushName="Ana\x01" + "p" * 300))
    assert response.status_code == 202
    row = await stored(engine, acme)
    assert row.push_name == ("Ana" + "p" * 300)[:200]


@pytest.mark.parametrize(
    "stamp",
    [
        "99999999999999",
        -1_000_000_000_000,
        {"low": 1, "high": 2**40},
        "²",
        "1" * 5000,
        1.5e9,
        {"low": "x"},
        0,
        253402300800,  # year 10000
    ],
)
async def test_a_timestamp_out_of_range_is_left_out(
    client: Any, acme: int, engine: AsyncEngine, stamp: Any
) -> None:
    response = await post_whaticket(client, wa(messageTimestamp=stamp))
    assert response.status_code == 202
    assert (await stored(engine, acme)).wa_timestamp is None


async def test_a_protobuf_long_timestamp_is_read(
    client: Any, acme: int, engine: AsyncEngine
) -> None:
    response = await post_whaticket(client, wa(messageTimestamp={"low": 1_700_000_000, "high": 0}))
    assert response.status_code == 202
    assert (await stored(engine, acme)).wa_timestamp.timestamp() == 1_700_000_000


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (wa("k" * 300), "key.id"),
        (wa("a\x01b"), "key.id"),
        (wa(key={"id": 5}), "key.id"),
        (wa(pushName=["x"]), "pushName"),
        ({"id": "i" * 129, "number": "5511999999999", "message": {"conversation": "oi"}}, "id"),
    ],
)
async def test_an_identifier_that_does_not_fit_is_refused_by_name(
    client: Any, acme: int, payload: Any, field: str
) -> None:
    status, error = await answer(await post_whaticket(client, payload))
    assert (status, error.get("field")) == (400, field), error


@pytest.mark.parametrize("deep", [DEEP, {"a": DEEP}, json.loads('{"a":' * 70 + "1" + "}" * 70)])
async def test_a_body_nested_too_deep_is_refused_before_it_is_read(
    client: Any, acme: int, engine: AsyncEngine, deep: Any
) -> None:
    status, error = await answer(await post_whaticket(client, wa(extra=deep)))
    assert (status, error["error"]) == (400, "too_deep")
    assert await reads.count(engine, Message, tenant=acme) == 0


async def test_a_body_deeper_than_the_decoder_allows_is_refused_the_same_way(
    client: Any, acme: int
) -> None:
    body = b'{"key": ' + b"[" * 2000 + b"]" * 2000 + b"}"
    headers = signed_headers("acme-secret", body, **DOMAIN)
    status, error = await answer(await client.post(WHATICKET, data=body, headers=headers))
    assert (status, error["error"]) == (400, "too_deep")


@pytest.mark.parametrize(
    "params", ["[" * 30000, '{"id": ' + "[" * 100 + "]" * 100 + "}", "x" * 5000]
)
async def test_a_native_flow_reply_with_hostile_params_keeps_its_text(
    client: Any, acme: int, engine: AsyncEngine, params: str
) -> None:
    reply = {
        "interactiveResponseMessage": {
            "body": {"text": "Quero agendar"},
            "nativeFlowResponseMessage": {"paramsJson": params},
        }
    }
    response = await post_whaticket(client, wa(message=reply))
    assert response.status_code == 202
    assert (await stored(engine, acme)).body == "Quero agendar"


async def test_nul_characters_are_removed_before_storing(
    client: Any, acme: int, engine: AsyncEngine
) -> None:
    response = await post_whaticket(
        client,
        wa(message={"conversation": "o\u0000i"}, pushName="A\u0000na", extra={"\u0000": "\u0000"}),
    )
    assert response.status_code == 202
    row = await stored(engine, acme)
    assert (row.body, row.push_name, row.payload["extra"]) == ("oi", "Ana", {"": ""})


async def test_a_lid_that_fits_no_contact_is_left_out_and_the_customer_is_answered(
    client: Any, acme: int, engine: AsyncEngine, settings: Any
) -> None:
    """It was accepted, then failed six times on contacts.lid varchar(64) in the job."""
    from tasks.messages import process_inbound

    sender = {"remoteJid": "1" * 100 + "@lid", "remoteJidAlt": "5511999999998@s.whatsapp.net"}
    assert (await post_whaticket(client, wa(key=sender))).status_code == 202
    row = await stored(engine, acme)
    done = await process_inbound(
        job_context(engine, settings), company_id=acme, message_id=row.id, correlation_id=""
    )
    assert done["outcome"] == "filed" and done["reply"] is not None
    [contact] = await reads.rows(engine, Contact, tenant=acme)
    assert (contact.phone, contact.lid) == ("5511999999998", None)


# --- billing bodies ------------------------------------------------------------------------


async def post_billing(client: Any, payload: Any) -> Any:
    body = json.dumps(payload).encode()
    return await client.post(
        BILLING, data=body, headers=signed_headers("acme-secret", body, **DOMAIN)
    )


@pytest.mark.parametrize(
    ("payload", "status", "error"),
    [
        ({"event_id": "e" * 300, "status": "active"}, 422, "invalid_field"),
        ({"event_id": "\u0000", "status": "active"}, 422, "invalid_field"),
        ({"event_id": 7, "status": "active"}, 422, "invalid_field"),
        ({"event_id": "e1", "status": "active", "x": DEEP}, 400, "too_deep"),
        ([1, 2], 400, "invalid_json"),
    ],
)
async def test_a_billing_event_that_does_not_fit_is_refused(
    client: Any, acme: int, engine: AsyncEngine, payload: Any, status: int, error: str
) -> None:
    got = await answer(await post_billing(client, payload))
    assert (got[0], got[1]["error"]) == (status, error), got
    assert await reads.count(engine, BillingEvent) == 0


async def test_nul_in_a_billing_payload_is_stored_without_it(
    client: Any, acme: int, engine: AsyncEngine
) -> None:
    response = await post_billing(
        client, {"event_id": "e1", "status": "active", "note": "a\u0000b"}
    )
    assert response.status_code == 200
    [event] = await reads.rows(engine, BillingEvent)
    assert event.payload["note"] == "ab"


# --- Cal.com bodies ------------------------------------------------------------------------


def booking(**changes: Any) -> dict[str, Any]:
    """The fixtures' BOOKING_CREATED with `changes` to its payload."""
    delivery = cal_fixture("webhook_booking_created.json")
    delivery["payload"].update(changes)
    return delivery


async def post_cal(client: Any, delivery: Any) -> Any:
    body = json.dumps(delivery).encode()
    return await client.post(CAL, data=body, headers=signed(body))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"responses": [1]}, "payload.responses"),
        ({"metadata": [1]}, "payload.metadata"),
        ({"videoCallData": "x", "metadata": {}}, "payload.videoCallData"),
        ({"startTime": "2026-03-10T09:00:00"}, "payload.startTime"),  # no offset
        ({"startTime": "9999-12-31T23:59:59Z"}, "payload.startTime"),
        ({"startTime": "garbage"}, "payload.startTime"),
        ({"startTime": 12345}, "payload.startTime"),
        ({"startTime": None}, "payload.startTime"),
        (
            {"startTime": "2026-03-10T09:00:00Z", "endTime": "2026-03-10T08:00:00Z"},
            "payload.endTime",
        ),
        ({"uid": "u" * 1000}, "payload.uid"),
        ({"uid": {"a": 1}}, "payload.uid"),
        ({"attendees": [{"name": {"a": 1}, "email": "a@b.c"}]}, "payload.attendees[0].name"),
        ({"attendees": "x"}, "payload.attendees"),
        ({"title": ["x"]}, "payload.title"),
        ({"bookingId": "5012"}, "payload.bookingId"),
        ({"bookingId": 2**64}, "payload.bookingId"),
        ({"eventTypeId": 2**40}, "payload.eventTypeId"),
        ({"length": 10**9, "endTime": None}, "payload.length"),
        ({"rescheduleUid": "r" * 101}, "payload.rescheduleUid"),
    ],
)
async def test_a_booking_that_does_not_fit_is_refused_by_field(
    client: Any, acme: int, engine: AsyncEngine, changes: dict[str, Any], field: str
) -> None:
    status, error = await answer(await post_cal(client, booking(**changes)))
    assert (status, error.get("field")) == (422, field), error
    assert await reads.count(engine, Appointment, tenant=acme) == 0


async def test_a_long_title_and_nul_characters_are_cut_and_removed(
    client: Any, acme: int, engine: AsyncEngine
) -> None:
    response = await post_cal(
        client, booking(title="a\u0000b" + "t" * 10_000, description="\u0000")
    )
    assert (await answer(response))[1]["outcome"] == "created"
    [row] = await reads.rows(engine, Appointment, tenant=acme)
    assert row.title == ("ab" + "t" * 10_000)[:300]
    assert row.payload["description"] == ""


@pytest.mark.parametrize(
    "url", ["javascript:alert(document.cookie)", "data:text/html,<script>1</script>", "ftp://x"]
)
async def test_a_meeting_link_that_is_not_http_is_not_stored(
    client: Any, acme: int, engine: AsyncEngine, url: str
) -> None:
    """The link goes to customers on WhatsApp and into the panel: only http(s) is kept."""
    response = await post_cal(client, booking(metadata={"videoCallUrl": url}))
    assert (await answer(response))[1]["outcome"] == "created"
    [row] = await reads.rows(engine, Appointment, tenant=acme)
    assert row.meeting_url is None


async def test_an_unknown_trigger_is_acknowledged_without_reading_it(
    client: Any, acme: int, engine: AsyncEngine
) -> None:
    delivery = {"triggerEvent": "RECORDING_READY", "payload": {"uid": "u1", "startTime": 5}}
    assert (await answer(await post_cal(client, delivery)))[1]["outcome"] == "ignored"
    long_trigger = {"triggerEvent": "X" * 65, "payload": {}}
    status, error = await answer(await post_cal(client, long_trigger))
    assert (status, error.get("field")) == (422, "triggerEvent")


async def test_a_cal_body_nested_too_deep_is_refused(client: Any, acme: int) -> None:
    status, error = await answer(await post_cal(client, booking(metadata={"x": DEEP})))
    assert (status, error["error"]) == (400, "too_deep")
