"""POST /webhook/whaticket end to end over HTTP (W1-W6), against real PostgreSQL and Redis."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain import queues
from domain.conversations.models import Message
from domain.settings import Settings
from tests.support import reads
from tests.support.api import bearer
from tests.support.factories import MakeCompany, change_company
from tests.support.webhooks import fixture_bytes, post_webhook, signed_headers, text_body

URL = "/webhook/whaticket"


async def stored_messages(engine: AsyncEngine, company_id: int) -> list[Any]:
    return await reads.rows(engine, Message, tenant=company_id)


@pytest.fixture
async def acme(make_company: MakeCompany) -> Any:
    return await make_company("acme", domain="acme.example.com", secret="acme-secret")


post = post_webhook


async def test_accepts_stores_and_enqueues_a_signed_message(
    client: Any, acme: Any, engine: AsyncEngine, redis: Any, settings: Settings
) -> None:
    body = fixture_bytes("inbound_text.json")
    response = await post(client, body, "acme-secret", **{"X-Correlation-ID": "corr-123"})
    assert response.status_code == 202
    assert await response.get_json() == {"queued": True}
    [row] = await stored_messages(engine, acme.company.id)
    assert (row.external_id, row.status, row.phone, row.body) == (
        "3A5F0C2B9D7E4A1C8B6F",
        "received",
        "5511999999999",
        "olá",
    )
    assert row.correlation_id == "corr-123"
    assert response.headers["X-Correlation-ID"] == "corr-123"
    job_key = queues.inbound_job_key(settings.redis_namespace, acme.company.id, row.id)
    job = await redis.get(f"saq:job:{queues.queue_name(settings.redis_namespace)}:{job_key}")
    assert job is not None and b'"correlation_id": "corr-123"' in job.replace(b'":"', b'": "')


async def test_duplicate_message_id_is_not_queued_twice(
    client: Any, acme: Any, engine: AsyncEngine
) -> None:
    body = fixture_bytes("inbound_text.json")
    assert (await post(client, body, "acme-secret")).status_code == 202
    again = await post(client, body, "acme-secret")
    assert again.status_code == 200
    assert await again.get_json() == {"queued": False, "reason": "duplicate"}
    assert len(await stored_messages(engine, acme.company.id)) == 1


@pytest.mark.parametrize(
    "fixture",
    [
        "inbound_text.json",
        "inbound_extended_text.json",
        "inbound_buttons_reply.json",
        "inbound_list_reply.json",
        "inbound_template_button_reply.json",
        "inbound_interactive_response.json",
        "inbound_image_caption.json",
        "inbound_lid.json",
        "inbound_wrapped_message.json",
        "inbound_with_ticket.json",
    ],
)
async def test_every_customer_fixture_is_accepted(client: Any, acme: Any, fixture: str) -> None:
    response = await post(client, fixture_bytes(fixture), "acme-secret")
    assert response.status_code == 202, await response.get_data()


@pytest.mark.parametrize(
    ("fixture", "reason"),
    [
        ("inbound_from_me.json", "from_me"),
        ("inbound_group.json", "group"),
        ("inbound_status_broadcast.json", "status_broadcast"),
    ],
)
async def test_ignored_kinds_answer_200_with_reason(
    client: Any, acme: Any, engine: AsyncEngine, fixture: str, reason: str
) -> None:
    response = await post(client, fixture_bytes(fixture), "acme-secret")
    assert response.status_code == 200
    assert await response.get_json() == {"queued": False, "reason": reason}
    assert await stored_messages(engine, acme.company.id) == []


@pytest.mark.parametrize(
    ("body", "error", "names"),
    [
        (b"{not json", "invalid_json", "not valid JSON"),
        (b"", "invalid_json", "empty"),
        (b'{"message": {"conversation": "ol\xc3\xa1"}}', "invalid_payload", "number"),
        (b'{"number": "5511999999999", "message": {}}', "invalid_payload", "no text"),
        (
            b'{"number": 5511999999999, "message": {"conversation": "x"}}',
            "invalid_payload",
            "string",
        ),
    ],
)
async def test_invalid_payload_is_400_naming_the_problem(
    client: Any, acme: Any, engine: AsyncEngine, body: bytes, error: str, names: str
) -> None:
    response = await post(client, body, "acme-secret")
    assert response.status_code == 400
    payload = await response.get_json()
    assert payload["error"] == error
    assert names in payload["message"]
    assert await stored_messages(engine, acme.company.id) == []


async def test_nul_characters_do_not_break_storage(
    client: Any, acme: Any, engine: AsyncEngine
) -> None:
    body = b'{"message": {"conversation": "oi\\u0000tudo bem"}, "number": "5511999999999"}'
    assert (await post(client, body, "acme-secret")).status_code == 202
    [row] = await stored_messages(engine, acme.company.id)
    assert row.body == "oitudo bem"


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ({"X-Signature": "0" * 64}, "invalid_signature"),
        ({"X-Signature": None}, "missing_signature"),
        # Timestamps as offsets from the moment the request is signed, never from collection
        # time: on a slow machine the suite runs minutes after it was collected.
        ({"X-Timestamp": -301}, "stale_timestamp"),
        ({"X-Timestamp": +1}, "invalid_signature"),
    ],
)
async def test_bad_signature_is_401_and_counted(
    client: Any, acme: Any, engine: AsyncEngine, headers: dict[str, Any], code: str
) -> None:
    body = fixture_bytes("inbound_text.json")
    now = int(time.time())
    sent = signed_headers("acme-secret", body, ts=now, **{"X-Company-Domain": "acme.example.com"})
    for name, value in headers.items():
        if value is None:
            sent.pop(name)
        elif isinstance(value, int):
            sent[name] = str(now + value)
        else:
            sent[name] = value
    response = await client.post(URL, data=body, headers=sent)
    assert response.status_code == 401
    assert (await response.get_json())["error"] == code
    assert await stored_messages(engine, acme.company.id) == []
    metrics_text = (await (await client.get("/metrics")).get_data()).decode()
    assert 'secretaria_webhook_received_total{status="rejected"} 1.0' in metrics_text


async def test_stale_but_correctly_signed_timestamp_is_rejected(client: Any, acme: Any) -> None:
    body = fixture_bytes("inbound_text.json")
    headers = signed_headers(
        "acme-secret", body, ts=int(time.time()) - 400, **{"X-Company-Domain": "acme.example.com"}
    )
    response = await client.post(URL, data=body, headers=headers)
    assert response.status_code == 401
    assert (await response.get_json())["error"] == "stale_timestamp"


async def test_body_over_64_kib_is_413(client: Any, acme: Any) -> None:
    body = b'{"number": "5511999999999", "message": {"conversation": "' + b"a" * 70_000 + b'"}}'
    response = await post(client, body, "acme-secret")
    assert response.status_code == 413
    assert (await response.get_json())["error"] == "payload_too_large"


async def test_unknown_company_domain_is_404(client: Any, acme: Any) -> None:
    response = await post(
        client, fixture_bytes("inbound_text.json"), "acme-secret", domain="nobody.example.com"
    )
    assert response.status_code == 404
    assert (await response.get_json())["error"] == "unknown_company"


async def test_routes_by_company_domain_and_secrets_do_not_cross(
    client: Any, make_company: MakeCompany, engine: AsyncEngine
) -> None:
    a = await make_company("clinica-a", domain="a.example.com", secret="secret-a")
    b = await make_company("clinica-b", domain="b.example.com", secret="secret-b")
    body = fixture_bytes("inbound_text.json")
    assert (await post(client, body, "secret-b", domain="b.example.com")).status_code == 202
    # B's secret never opens A's webhook.
    assert (await post(client, body, "secret-b", domain="a.example.com")).status_code == 401
    assert len(await stored_messages(engine, b.company.id)) == 1
    assert await stored_messages(engine, a.company.id) == []


async def test_demo_company_is_used_when_no_domain_is_sent(
    client: Any, make_company: MakeCompany, engine: AsyncEngine
) -> None:
    demo = await make_company("demo", domain="demo.localhost", secret="demo-secret")
    response = await post(client, fixture_bytes("inbound_text.json"), "demo-secret", domain=None)
    assert response.status_code == 202
    assert len(await stored_messages(engine, demo.company.id)) == 1


async def test_url_token_form_accepts_without_signature(
    client: Any, acme: Any, engine: AsyncEngine
) -> None:
    url = f"/webhook/whaticket/acme/{acme.url_token}"
    response = await client.post(url, data=fixture_bytes("inbound_text.json"))
    assert response.status_code == 202
    assert len(await stored_messages(engine, acme.company.id)) == 1


@pytest.mark.parametrize("path", ["/webhook/whaticket/acme/wrong", "/webhook/whaticket/nobody/x"])
async def test_url_token_form_rejects_wrong_token_or_slug(
    client: Any, acme: Any, path: str
) -> None:
    response = await client.post(path, data=fixture_bytes("inbound_text.json"))
    assert response.status_code == 401
    assert (await response.get_json())["error"] == "invalid_token"


async def test_webhook_token_header_is_required_once_configured(
    client: Any, acme: Any, engine: AsyncEngine
) -> None:
    from domain.tenancy.tokens import digest

    await change_company(engine, acme.company.id, webhook_token_hash=digest("tok-123"))
    body = fixture_bytes("inbound_text.json")
    without = await post(client, body, "acme-secret")
    assert without.status_code == 401
    wrong = await post(client, body, "acme-secret", **{"X-Webhook-Token": "nope"})
    assert wrong.status_code == 401
    right = await post(client, body, "acme-secret", **{"X-Webhook-Token": "tok-123"})
    assert right.status_code == 202


async def test_webhook_sends_no_cors_headers(client: Any, acme: Any) -> None:
    response = await post(
        client,
        fixture_bytes("inbound_text.json"),
        "acme-secret",
        **{"Origin": "https://evil.example"},
    )
    assert "Access-Control-Allow-Origin" not in response.headers


async def test_an_access_token_selects_its_company_whose_secret_must_sign(
    client: Any, cast: Any, engine: Any
) -> None:
    globex = await bearer(client, cast.outsider, cast.password)  # company B
    body = text_body("jwt-1", "oi")
    ok = await client.post(
        "/webhook/whaticket", data=body, headers={**signed_headers("secret-globex", body), **globex}
    )
    assert ok.status_code == 202
    assert await reads.count(engine, Message, tenant=cast.b.company.id) == 1
    # A's secret does not open B's webhook, whatever the token.
    wrong = await client.post(
        "/webhook/whaticket",
        data=text_body("jwt-2", "oi"),
        headers={**signed_headers("secret-acme", text_body("jwt-2", "oi")), **globex},
    )
    assert wrong.status_code == 401
    forged = {"Authorization": "Bearer not.a.jwt"}
    assert (
        await client.post(
            "/webhook/whaticket",
            data=body,
            headers={**signed_headers("secret-globex", body), **forged},
        )
    ).status_code == 401
