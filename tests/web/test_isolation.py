"""S1: the fixed cast against every JSON endpoint. Company B's credentials never reach A's
data, tampered or expired tokens are 401, roles are enforced, the platform admin reaches all."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import jwt
import pytest

from tests.support.api import bearer
from tests.support.factories import Cast


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # {a}: company A's id; {conversation}, {key}: A's records
    body: dict[str, Any] | None = None
    role: str = "operator"  # the least role allowed
    scoped: bool = True  # takes ?company_id=


ENDPOINTS = [
    Endpoint("POST", "/api/nlu/analyze", {"text": "quero marcar"}, scoped=False),
    Endpoint("GET", "/api/conversations"),
    Endpoint("POST", "/api/conversations/{conversation}/handoff"),
    Endpoint("GET", "/api/analytics/summary"),
    Endpoint("GET", "/api/analytics/history?period=week"),
    Endpoint("GET", "/api/keys", role="company_admin"),
    Endpoint("POST", "/api/keys", {"name": "isolation"}, role="company_admin"),
    Endpoint("DELETE", "/api/keys/{key}", role="company_admin"),
    Endpoint(
        "POST",
        "/api/tenants/provision",
        {"name": "N", "slug": "n", "domain": "n.example.com", "plan": "basic"},
        role="platform_admin",
        scoped=False,
    ),
]
IDS = [f"{e.method} {e.path}" for e in ENDPOINTS]


@pytest.fixture
async def world(client: Any, cast: Cast, conversation: int) -> dict[str, Any]:
    """Company A with a conversation and an API key; tokens for the whole cast."""
    tokens = {
        "owner": await bearer(client, cast.owner, cast.password),
        "member": await bearer(client, cast.member, cast.password),
        "outsider": await bearer(client, cast.outsider, cast.password),
        "admin": await bearer(client, cast.admin, cast.password),
    }
    key = await (
        await client.post("/api/keys", json={"name": "A's"}, headers=tokens["owner"])
    ).get_json()
    return {
        "tokens": tokens,
        "key": key["id"],
        "conversation": conversation,
        "a": cast.a.company.id,
    }


def url(endpoint: Endpoint, world: dict[str, Any], company_id: int | None = None) -> str:
    path = endpoint.path.format(a=world["a"], conversation=world["conversation"], key=world["key"])
    if company_id is None:
        return path
    return f"{path}{'&' if '?' in path else '?'}company_id={company_id}"


async def call(client: Any, endpoint: Endpoint, path: str, headers: dict[str, str]) -> int:
    response = await client.open(path, method=endpoint.method, json=endpoint.body, headers=headers)
    return int(response.status_code)


def forged(
    claims_change: dict[str, Any], key: str = "test-signing-key-that-is-long-enough-0123456789"
) -> dict[str, str]:
    now = int(time.time())
    claims = {
        "iss": "secretaria-virtual",
        "sub": "1",
        "company_id": 1,
        "role": "platform_admin",
        "iat": now,
        "exp": now + 600,
    }
    return {
        "Authorization": f"Bearer {jwt.encode({**claims, **claims_change}, key, algorithm='HS256')}"
    }


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
async def test_missing_tampered_and_expired_credentials_are_401(
    client: Any, world: dict[str, Any], endpoint: Endpoint
) -> None:
    path = url(endpoint, world)
    good = world["tokens"]["owner"]["Authorization"]
    for headers in (
        {},
        {"Authorization": good[:-3] + "abc"},
        {"Authorization": "Bearer sv_00000000_not-a-real-key"},
        forged({}, key="someone-else's-key-of-enough-length-000000"),
        forged({"iat": int(time.time()) - 7200, "exp": int(time.time()) - 3600}),
    ):
        assert await call(client, endpoint, path, headers) == 401, headers


@pytest.mark.parametrize(
    "endpoint",
    [e for e in ENDPOINTS if e.scoped],
    ids=[i for e, i in zip(ENDPOINTS, IDS, strict=True) if e.scoped],
)
async def test_company_b_never_reaches_company_a(
    client: Any, world: dict[str, Any], endpoint: Endpoint
) -> None:
    outsider = world["tokens"]["outsider"]
    assert await call(client, endpoint, url(endpoint, world, world["a"]), outsider) == 403
    # Without naming A, B acts on its own company: A's records are simply not there.
    own = await call(client, endpoint, url(endpoint, world), outsider)
    if "{" in endpoint.path:
        assert own == 404
    else:
        assert own in (200, 201)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
async def test_roles_decide_and_the_platform_admin_reaches_every_company(
    client: Any, world: dict[str, Any], endpoint: Endpoint
) -> None:
    tokens = world["tokens"]
    rank = {"operator": 1, "company_admin": 2, "platform_admin": 3}
    member_allowed = rank["operator"] >= rank[endpoint.role]
    owner_allowed = rank["company_admin"] >= rank[endpoint.role]
    assert (
        await call(client, endpoint, url(endpoint, world), tokens["member"]) < 300
    ) == member_allowed
    if endpoint.role != "platform_admin":
        assert (
            await call(client, endpoint, url(endpoint, world), tokens["owner"]) < 300
        ) == owner_allowed
    admin_path = url(endpoint, world, world["a"] if endpoint.scoped else None)
    assert await call(client, endpoint, admin_path, tokens["admin"]) in (200, 201)
