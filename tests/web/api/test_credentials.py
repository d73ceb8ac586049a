"""Access tokens, API keys and login throttling (T5), with the fixed cast."""

from __future__ import annotations

import time
from typing import Any

import jwt

from domain.settings import Settings
from tests.support.api import bearer
from tests.support.factories import Cast, deactivate, join, leave, remove_user
from tests.support.waiting import eventually

KEY = "test-signing-key-that-is-long-enough-0123456789"


async def login(client: Any, email: str, password: str, **extra: Any) -> Any:
    return await client.post(
        "/api/auth/token", json={"email": email, "password": password, **extra}
    )


async def test_token_carries_company_role_and_expiry(client: Any, cast: Cast) -> None:
    before = int(time.time())
    response = await login(client, cast.owner, cast.password)
    after = time.time()
    assert response.status_code == 200
    body = await response.get_json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    claims = jwt.decode(
        body["access_token"], KEY, algorithms=["HS256"], issuer="secretaria-virtual"
    )
    assert claims["company_id"] == cast.a.company.id
    assert claims["role"] == "company_admin"
    assert claims["exp"] - claims["iat"] == 3600
    assert before <= claims["iat"] <= after  # issued during the request, however slow


async def test_wrong_password_and_unknown_email_get_the_same_401(client: Any, cast: Cast) -> None:
    wrong = await login(client, cast.owner, "not it")
    unknown = await login(client, "nobody@example.com", cast.password)
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert (await response.get_json())["error"] == "invalid_credentials"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


async def test_bad_login_bodies_name_the_problem(client: Any, cast: Cast) -> None:
    not_json = await client.post(
        "/api/auth/token", data=b"email=x", headers={"Content-Type": "text/plain"}
    )
    assert not_json.status_code == 400
    bad_email = await login(client, "not-an-email", cast.password)
    assert bad_email.status_code == 422
    assert (await bad_email.get_json())["field"] == "email"
    bad_company = await login(client, cast.owner, cast.password, company_id="abc")
    assert (await bad_company.get_json())["field"] == "company_id"


async def test_user_of_several_companies_must_choose(client: Any, cast: Cast, engine: Any) -> None:
    await join(engine, cast.owner, cast.b.company.id, "operator")
    undecided = await login(client, cast.owner, cast.password)
    assert undecided.status_code == 400
    assert (await undecided.get_json())["error"] == "company_required"
    chosen = await login(client, cast.owner, cast.password, company_id=cast.b.company.id)
    assert (await chosen.get_json())["role"] == "operator"
    not_member = await login(client, cast.member, cast.password, company_id=cast.b.company.id)
    assert not_member.status_code == 403


async def test_platform_admin_token_is_bound_to_no_company_unless_asked(
    client: Any, cast: Cast
) -> None:
    free = await (await login(client, cast.admin, cast.password)).get_json()
    assert (free["company_id"], free["role"]) == (None, "platform_admin")
    bound = await (
        await login(client, cast.admin, cast.password, company_id=cast.b.company.id)
    ).get_json()
    assert bound["company_id"] == cast.b.company.id
    missing = await login(client, cast.admin, cast.password, company_id=999_999)
    assert missing.status_code == 404


async def test_repeated_failures_lock_the_account_even_for_the_right_password(
    client: Any, cast: Cast, settings: Any
) -> None:
    for _ in range(settings.login_max_failures):
        assert (await login(client, cast.member, "guess")).status_code == 401
    locked = await login(client, cast.member, cast.password)
    assert locked.status_code == 429
    assert 0 < int(locked.headers["Retry-After"]) <= settings.login_window_seconds
    # Another account from the same address is not locked by these failures.
    assert (await login(client, cast.owner, cast.password)).status_code == 200


async def test_a_successful_login_resets_the_failure_count(
    client: Any, cast: Cast, settings: Any
) -> None:
    for _ in range(settings.login_max_failures - 1):
        await login(client, cast.member, "guess")
    assert (await login(client, cast.member, cast.password)).status_code == 200
    assert (await login(client, cast.member, "guess")).status_code == 401
    assert (await login(client, cast.member, cast.password)).status_code == 200


async def test_tampered_expired_and_unsigned_tokens_are_401(client: Any, cast: Cast) -> None:
    good = (await bearer(client, cast.owner, cast.password))["Authorization"].split()[1]
    header, payload, signature = good.split(".")
    tampered = f"{header}.{payload}.{signature[:-2]}AA"
    now = int(time.time())
    claims = {
        "iss": "secretaria-virtual",
        "sub": "1",
        "company_id": cast.a.company.id,
        "role": "company_admin",
    }
    expired = jwt.encode({**claims, "iat": now - 7200, "exp": now - 3600}, KEY, algorithm="HS256")
    unsigned = jwt.encode({**claims, "iat": now, "exp": now + 600}, None, algorithm="none")
    other_key = jwt.encode(
        {**claims, "iat": now, "exp": now + 600}, "another-key" * 4, algorithm="HS256"
    )
    expectations = [
        (tampered, "invalid_token"),
        (expired, "token_expired"),
        (unsigned, "invalid_token"),
        (other_key, "invalid_token"),
    ]
    for token, code in expectations:
        response = await client.post(
            "/api/nlu/analyze", json={"text": "oi"}, headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 401, token
        assert (await response.get_json())["error"] == code
    missing = await client.post("/api/nlu/analyze", json={"text": "oi"})
    assert missing.status_code == 401
    assert (await missing.get_json())["error"] == "missing_token"


async def test_api_keys_are_shown_once_work_and_can_be_revoked(client: Any, cast: Cast) -> None:
    owner = await bearer(client, cast.owner, cast.password)
    created = await client.post(
        "/api/keys", json={"name": "CRM", "role": "operator"}, headers=owner
    )
    assert created.status_code == 201
    issued = await created.get_json()
    plaintext = issued["api_key"]
    assert plaintext.startswith(issued["prefix"] + "_") and issued["prefix"].startswith("sv_")

    listed = await (await client.get("/api/keys", headers=owner)).get_json()
    assert [k["name"] for k in listed["keys"]] == ["CRM"]
    assert plaintext not in str(listed)

    with_key = {"Authorization": f"Bearer {plaintext}"}
    analysed = await client.post(
        "/api/nlu/analyze", json={"text": "quero marcar consulta"}, headers=with_key
    )
    assert analysed.status_code == 200
    # An operator key cannot manage keys.
    assert (await client.get("/api/keys", headers=with_key)).status_code == 403

    revoked = await client.delete(f"/api/keys/{issued['id']}", headers=owner)
    assert revoked.status_code == 200
    refused = await client.post("/api/nlu/analyze", json={"text": "oi"}, headers=with_key)
    assert refused.status_code == 401
    listed = await (await client.get("/api/keys", headers=owner)).get_json()
    assert listed["keys"][0]["revoked_at"] is not None
    assert listed["keys"][0]["last_used_at"] is not None


async def test_keys_of_one_company_are_out_of_reach_of_another(client: Any, cast: Cast) -> None:
    owner = await bearer(client, cast.owner, cast.password)
    issued = await (await client.post("/api/keys", json={"name": "A"}, headers=owner)).get_json()
    outsider = await bearer(client, cast.outsider, cast.password)
    a_id = cast.a.company.id
    assert (await client.get(f"/api/keys?company_id={a_id}", headers=outsider)).status_code == 403
    assert (await client.delete(f"/api/keys/{issued['id']}", headers=outsider)).status_code == 404
    member = await bearer(client, cast.member, cast.password)
    assert (await client.post("/api/keys", json={"name": "x"}, headers=member)).status_code == 403
    admin = await bearer(client, cast.admin, cast.password)
    seen = await (await client.get(f"/api/keys?company_id={a_id}", headers=admin)).get_json()
    assert [k["id"] for k in seen["keys"]] == [issued["id"]]
    assert (await client.get("/api/keys?company_id=999999", headers=admin)).status_code == 404
    assert (await client.get("/api/keys", headers=admin)).status_code == 400  # which company?


async def test_a_token_with_malformed_claims_is_401_never_500(client: Any, cast: Cast) -> None:
    now = int(time.time())
    claims = {"iss": "secretaria-virtual", "role": "operator", "iat": now, "exp": now + 600}
    for change in (
        {"sub": "abc", "company_id": cast.a.company.id},
        {"sub": "99999999999", "company_id": cast.a.company.id},
        {"sub": "1", "company_id": "acme"},
        {"sub": "1"},  # no company_id claim
        {"sub": "999", "company_id": cast.a.company.id},  # well formed, but nobody
    ):
        token = jwt.encode({**claims, **change}, KEY, algorithm="HS256")
        response = await client.post(
            "/api/nlu/analyze", json={"text": "oi"}, headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 401, change
        assert (await response.get_json())["error"] == "invalid_token"


async def test_a_token_stops_working_when_its_user_is_removed_or_leaves_the_company(
    client: Any, cast: Cast, engine: Any
) -> None:
    member = await bearer(client, cast.member, cast.password)
    owner = await bearer(client, cast.owner, cast.password)
    await leave(engine, cast.member, cast.a.company.id)
    await remove_user(engine, cast.owner)
    for headers in (member, owner):
        response = await client.get("/api/conversations", headers=headers)
        assert response.status_code == 401
        assert (await response.get_json())["error"] == "invalid_token"


async def test_a_token_stops_working_within_seconds_of_its_user_being_deactivated(
    client: Any, cast: Cast, engine: Any, settings: Settings
) -> None:
    headers = await bearer(client, cast.member, cast.password)
    assert (await client.get("/api/conversations", headers=headers)).status_code == 200
    await deactivate(engine, cast.member)

    async def refused() -> bool:
        return (await client.get("/api/conversations", headers=headers)).status_code == 401

    # The API trusts a confirmed user for AUTH_RECHECK_SECONDS (5), then asks the database.
    assert settings.auth_recheck_seconds <= 5
    await eventually(refused, timeout=settings.auth_recheck_seconds + 10)
