"""GET /openapi.json documents every API route from the models the handlers validate with."""

from __future__ import annotations

import re
from typing import Any


async def test_every_api_route_is_documented_with_its_body_and_security(
    app: Any, client: Any
) -> None:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    spec = await response.get_json()
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["title"] == "Secretaria Virtual API"
    documented = set(spec["paths"])
    for rule in app.app.url_map.iter_rules():
        path = re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?([a-z_]+)>", r"{\1}", rule.rule)
        if path.startswith(("/api/", "/webhook/")):
            assert path in documented, path
    token = spec["paths"]["/api/auth/token"]["post"]
    assert token["security"] == []
    assert token["requestBody"]["content"]["application/json"]["schema"]["title"] == "TokenRequest"
    provision = spec["paths"]["/api/tenants/provision"]["post"]
    assert "201" in provision["responses"]
    assert "security" not in provision  # the document-wide bearer requirement applies
    assert spec["security"] == [{"bearer": []}]
    history = spec["paths"]["/api/analytics/history"]["get"]["parameters"]
    assert {p["name"] for p in history} == {"company_id", "period"}
    assert "/" not in documented


async def test_every_operation_says_what_it_answers_and_refuses(app: Any, client: Any) -> None:
    """Issue 13: success bodies, each refusal as `{error, message[, field]}`, the headers the
    webhooks require and the bodies other systems post; one DOCS entry per endpoint."""
    from web.openapi import DOCS

    spec = await (await client.get("/openapi.json")).get_json()
    documented_endpoints = {
        rule.endpoint
        for rule in app.app.url_map.iter_rules()
        if rule.endpoint != "openapi"
        and not rule.endpoint.startswith(("panel", "login"))
        and re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?([a-z_]+)>", r"{\1}", rule.rule) in spec["paths"]
    }
    assert documented_endpoints == set(DOCS)
    error = {"$ref": "#/components/schemas/ErrorBody"}
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            statuses = {int(status) for status in operation["responses"]}
            assert any(200 <= s < 300 for s in statuses), (method, path)
            for status in statuses - {503} if path == "/healthz" else statuses:
                if status >= 400:
                    body = operation["responses"][str(status)]["content"]["application/json"]
                    assert body["schema"] == error, (method, path, status)
            if path != "/healthz":
                assert statuses & set(range(400, 500)), (method, path)
    whaticket = spec["paths"]["/webhook/whaticket"]["post"]
    required = {p["name"] for p in whaticket["parameters"] if p.get("required")}
    assert required == {"X-Timestamp", "X-Signature"}
    assert whaticket["requestBody"]["required"] is True
    cal = spec["paths"]["/api/agenda/webhook/cal"]["post"]
    assert {p["name"] for p in cal["parameters"] if p.get("required")} == {
        "X-Cal-Company",
        "X-Cal-Signature-256",
    }
    delivery = cal["requestBody"]["content"]["application/json"]["schema"]
    assert delivery["title"] == "CalDelivery" and "payload" in delivery["properties"]
    billing = spec["paths"]["/webhook/billing"]["post"]
    assert "503" in billing["responses"] and "requestBody" in billing
    revoke = spec["paths"]["/api/keys/{key_id}"]["delete"]["parameters"][0]["schema"]
    assert revoke == {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
