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
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
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
