"""Conversations API: list, take over and give back (P7), audited, tenant-scoped."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.operations.models import AuditLog
from domain.settings import Settings
from tests.support import reads
from tests.support.api import bearer
from tests.support.chat import a_conversation
from tests.support.factories import Cast


async def test_operator_takes_over_and_gives_back_with_an_audit_trail(
    client: Any, engine: AsyncEngine, settings: Settings, cast: Cast
) -> None:
    await a_conversation(client, engine, settings, cast.a.company.id)
    operator = await bearer(client, cast.member, cast.password)
    listed = await (await client.get("/api/conversations", headers=operator)).get_json()
    [conversation] = listed["conversations"]
    assert conversation["status"] == "open"
    assert conversation["contact"]["phone"] == "5511999999999"

    taken = await client.post("/api/conversations/1/handoff", headers=operator)
    assert (taken.status_code, (await taken.get_json())["status"]) == (200, "handoff")
    handed = await (
        await client.get("/api/conversations?status=handoff", headers=operator)
    ).get_json()
    assert [(c["id"], c["handoff_reason"]) for c in handed["conversations"]] == [(1, "operator")]

    released = await client.post("/api/conversations/1/release", headers=operator)
    assert released.status_code == 200
    again = await client.post("/api/conversations/1/release", headers=operator)
    assert again.status_code == 409
    assert (await again.get_json())["error"] == "not_handed_off"
    actions = await reads.rows(engine, AuditLog, tenant=cast.a.company.id)
    assert [a.action for a in actions] == ["conversation.handoff", "conversation.release"]
    assert all(a.actor.startswith("user:") for a in actions)


async def test_other_companies_cannot_see_or_release_a_conversation(
    client: Any, engine: AsyncEngine, settings: Settings, cast: Cast
) -> None:
    await a_conversation(client, engine, settings, cast.a.company.id)
    outsider = await bearer(client, cast.outsider, cast.password)
    a_id = cast.a.company.id
    # Their own company has no conversation 1; naming A's company is forbidden.
    assert (await client.post("/api/conversations/1/handoff", headers=outsider)).status_code == 404
    assert (
        await client.get(f"/api/conversations?company_id={a_id}", headers=outsider)
    ).status_code == 403
    own = await (await client.get("/api/conversations", headers=outsider)).get_json()
    assert own["conversations"] == []
    assert (await client.post("/api/conversations/1/handoff")).status_code == 401
    admin = await bearer(client, cast.admin, cast.password)
    taken = await client.post(f"/api/conversations/1/handoff?company_id={a_id}", headers=admin)
    assert taken.status_code == 200


async def test_bad_filters_are_named(client: Any, cast: Cast) -> None:
    operator = await bearer(client, cast.member, cast.password)
    bad = await client.get("/api/conversations?status=nope", headers=operator)
    assert (bad.status_code, (await bad.get_json())["field"]) == (422, "status")
    bad = await client.get("/api/conversations?limit=many", headers=operator)
    assert (bad.status_code, (await bad.get_json())["field"]) == (422, "limit")
    missing = await client.post("/api/conversations/42/release", headers=operator)
    assert missing.status_code == 404


async def test_a_limit_past_500_is_refused_not_clamped(
    client: Any, engine: AsyncEngine, settings: Settings, cast: Cast
) -> None:
    """The documented `limit` (1 to 500) is what the API enforces; it used to clamp."""
    await a_conversation(client, engine, settings, cast.a.company.id)
    operator = await bearer(client, cast.member, cast.password)
    for limit in ("501", "0"):
        bad = await client.get(f"/api/conversations?limit={limit}", headers=operator)
        assert (bad.status_code, (await bad.get_json())["field"]) == (422, "limit")
    most = await client.get("/api/conversations?limit=500", headers=operator)
    assert len((await most.get_json())["conversations"]) == 1
    # An empty value is a filter not given, as a form sends it.
    blank = await client.get("/api/conversations?status=&limit=", headers=operator)
    assert len((await blank.get_json())["conversations"]) == 1
