"""POST /api/tenants/provision (T2): one call gives a working company."""

from __future__ import annotations

import json
from typing import Any

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.settings import Settings
from domain.tenancy.models import Company, Plan, Subscription
from domain.tenancy.pg_schemas import migration_head
from tests.support import reads
from tests.support.api import bearer
from tests.support.factories import Cast
from tests.support.webhooks import post_webhook, text_body

NEW = {
    "name": "Clínica Sorriso",
    "slug": "sorriso",
    "domain": "Sorriso.Example.com",
    "plan": {"slug": "pro", "name": "Pro", "monthly_messages": 5000, "overage": "allow"},
}


async def provision(client: Any, headers: dict[str, str], **changes: Any) -> Any:
    return await client.post("/api/tenants/provision", json={**NEW, **changes}, headers=headers)


async def test_one_call_gives_a_company_that_works(
    client: Any, cast: Cast, engine: AsyncEngine, redis: Redis, settings: Settings
) -> None:
    admin = await bearer(client, cast.admin, cast.password)
    response = await provision(client, admin)
    assert response.status_code == 201
    done = await response.get_json()
    company_id = done["company_id"]
    assert done["schema"] == f"tenant_{company_id}"
    assert done["domain"] == "sorriso.example.com"
    assert done["worker_command"] == f"python scripts/spawn_worker.py --company-id {company_id}"
    assert done["webhook_url"].endswith("/webhook/whaticket")
    assert done["webhook_url_token"].split("/webhook/whaticket/")[1].startswith("sorriso/")

    assert await reads.schema_version(engine, company_id) == migration_head()
    subscribed = (Subscription.company_id == company_id, Plan.id == Subscription.plan_id)
    [plan] = await reads.rows(
        engine,
        Plan.slug,
        Plan.monthly_messages,
        Plan.overage,
        Subscription.status,
        where=subscribed,
    )
    assert tuple(plan) == ("pro", 5000, "allow", "active")
    tenant = await redis.hgetall(f"{settings.redis_namespace}:tenant:{company_id}")
    assert tenant[b"queue"].decode() == done["queue"]

    # The token administers the new company, and only it.
    token = {"Authorization": f"Bearer {done['api_token']}"}
    keys = await (await client.get("/api/keys", headers=token)).get_json()
    assert [k["company_id"] for k in keys["keys"]] == [company_id]
    assert (
        await client.get(f"/api/keys?company_id={cast.a.company.id}", headers=token)
    ).status_code == 403

    # Both webhook forms accept the new company's messages; A's secret does not.
    body = text_body("n1", "oi")
    signed = await post_webhook(
        client, body, secret=done["webhook_secret"], domain="sorriso.example.com"
    )
    assert signed.status_code == 202
    # No PUBLIC_BASE_URL in the tests: the URL is at the address the request came to.
    assert done["webhook_url_token"].startswith("http://localhost/webhook/whaticket/")
    url = done["webhook_url_token"].removeprefix("http://localhost")
    by_url = await client.post(
        url, data=text_body("n2", "oi"), headers={"Content-Type": "application/json"}
    )
    assert by_url.status_code == 202
    wrong = await post_webhook(
        client, text_body("n3", "oi"), secret="secret-acme", domain="sorriso.example.com"
    )
    assert wrong.status_code == 401


async def test_manual_billing_is_the_platform_s_decision_at_provisioning(
    client: Any, cast: Cast, engine: AsyncEngine
) -> None:
    admin = await bearer(client, cast.admin, cast.password)
    billed = await (await provision(client, admin, manual_billing=True)).get_json()
    plain = await (
        await provision(client, admin, slug="outra", domain="outra.example.com")
    ).get_json()
    ids = [billed["company_id"], plain["company_id"]]
    found = await reads.rows(engine, Company.id, Company.settings, where=Company.id.in_(ids))
    settings = {row.id: row.settings for row in found}
    assert settings[billed["company_id"]]["billing"] == {"manual": True}
    assert "billing" not in (settings[plain["company_id"]] or {})


async def test_taken_slug_or_domain_is_409_naming_the_field(client: Any, cast: Cast) -> None:
    admin = await bearer(client, cast.admin, cast.password)
    assert (await provision(client, admin)).status_code == 201
    same_slug = await provision(client, admin, domain="other.example.com")
    assert same_slug.status_code == 409
    assert (await same_slug.get_json())["field"] == "slug"
    same_domain = await provision(client, admin, slug="outra")
    assert (same_domain.status_code, (await same_domain.get_json())["field"]) == (409, "domain")
    # An existing plan is reused by its slug.
    again = await provision(client, admin, slug="outra", domain="outra.example.com", plan="pro")
    assert again.status_code == 201


async def test_invalid_input_names_the_field(client: Any, cast: Cast) -> None:
    admin = await bearer(client, cast.admin, cast.password)
    for changes, field in (
        ({"slug": "Não Pode"}, "slug"),
        ({"domain": "no spaces.com"}, "domain"),
        ({"name": ""}, "name"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"plan": {"slug": "x", "overage": "maybe"}}, "plan.overage"),
    ):
        response = await provision(client, admin, **changes)
        assert response.status_code == 422, changes
        assert (await response.get_json())["field"] == field
    missing = await client.post(
        "/api/tenants/provision",
        data=json.dumps({"name": "x"}),
        headers={**admin, "Content-Type": "application/json"},
    )
    assert missing.status_code == 422


async def test_only_the_platform_admin_provisions(client: Any, cast: Cast) -> None:
    assert (await provision(client, {})).status_code == 401
    owner = await bearer(client, cast.owner, cast.password)
    assert (await provision(client, owner)).status_code == 403
