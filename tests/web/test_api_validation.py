"""One behaviour suite over every JSON API endpoint, driven by /openapi.json: what the
document says a query parameter or a body accepts is what the code enforces. A value outside
a documented enum, range or format is 422 naming that parameter; a body that is not a JSON
object is 400 invalid_json; a body without what the document requires is 422 naming it.
Never a 500, never an HTML page."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from typing import Any

from tests.support.api import bearer
from tests.support.factories import Cast

# Every constrained query parameter the API has; the walk must have refused a bad value of
# each, so a parameter that loses its constraint in the document fails here too.
CONSTRAINED = {
    *("company_id", "status", "limit", "period", "format", "from", "to"),
    *("kind", "min_score", "max_score", "since", "until", "offset", "days"),  # Pós-Atendimento
}
BODIES = {
    "/api/auth/token",
    "/api/keys",
    "/api/nlu/analyze",
    "/api/tenants/provision",
    "/api/agenda/import",
}
# Also read as CSV (text/plain included): its refusals of other bodies are in
# tests/web/api/test_history_import.py.
ALSO_CSV = {"/api/agenda/import"}
NOT_AN_OBJECT = [
    (b"{not json", "application/json"),
    (b"", "application/json"),
    (b'["a", "list"]', "application/json"),
    (b"null", "application/json"),
    (b'{"name": "a form?"}', "text/plain"),
    (b"name=x", "application/x-www-form-urlencoded"),
]


def refused_values(schema: dict[str, Any]) -> list[str]:
    """Query values the parameter's documented schema refuses (none for a free string)."""
    typed = next(s for s in schema.get("anyOf", [schema]) if s.get("type") != "null")
    if "enum" in typed:
        return ["not-one-of-them", str(typed["enum"][0]).upper()]
    if typed["type"] == "integer":
        bounds = [typed["minimum"] - 1] if "minimum" in typed else []
        bounds += [typed["maximum"] + 1] if "maximum" in typed else []
        return ["many", "1.5", *(str(b) for b in bounds)]
    if typed.get("format") == "date":
        values = ["31/12/2026", "2026-02-30"]
        if "formatMinimum" in typed:
            values.append(str(date.fromisoformat(typed["formatMinimum"]) - timedelta(days=1)))
        if "formatMaximum" in typed:
            values.append(str(date.fromisoformat(typed["formatMaximum"]) + timedelta(days=1)))
        return values
    return []


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(method, path with its ids filled in, operation) of every /api/ operation (the
    Cal.com webhook under /api/agenda/ reads its signed body itself: see web/hooks)."""
    return [
        (method.upper(), re.sub(r"\{[a-z_]+\}", "1", path), operation)
        for path, methods in spec["paths"].items()
        if path.startswith("/api/") and "/webhook/" not in path
        for method, operation in methods.items()
    ]


def body_schema(spec: dict[str, Any], operation: dict[str, Any]) -> dict[str, Any]:
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    if "$ref" in schema:
        return dict(spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]])
    return dict(schema)


async def answer(response: Any) -> tuple[int, dict[str, Any]]:
    """Status and JSON body; fails on a 5xx or a body that is not the API's JSON error."""
    status = int(response.status_code)
    assert status < 500, await response.get_data(as_text=True)
    assert response.mimetype == "application/json", await response.get_data(as_text=True)
    return status, await response.get_json()


async def test_every_documented_query_constraint_is_enforced_with_a_named_422(
    client: Any, cast: Cast
) -> None:
    admin = await bearer(client, cast.admin, cast.password)
    spec = await (await client.get("/openapi.json")).get_json()
    checked: set[str] = set()
    for method, path, operation in operations(spec):
        query = [p for p in operation["parameters"] if p["in"] == "query"]
        names = {p["name"] for p in query}
        for parameter in query:
            name = parameter["name"]
            for value in refused_values(parameter["schema"]):
                args = {name: value}
                if name != "company_id" and "company_id" in names:
                    args["company_id"] = str(cast.a.company.id)
                response = await client.open(path, method=method, query_string=args, headers=admin)
                status, body = await answer(response)
                assert (status, body["error"], body.get("field")) == (
                    422,
                    "invalid_field",
                    name,
                ), (method, path, args, body)
                checked.add(name)
    assert checked == CONSTRAINED


async def test_every_body_that_is_not_the_documented_object_is_refused(
    client: Any, cast: Cast
) -> None:
    admin = await bearer(client, cast.admin, cast.password)
    spec = await (await client.get("/openapi.json")).get_json()
    seen = set()
    for method, path, operation in operations(spec):
        if "requestBody" not in operation:
            continue
        seen.add(path)
        acts_in_a_company = "keys" in path or path in ALSO_CSV
        url = f"{path}?company_id={cast.a.company.id}" if acts_in_a_company else path
        for raw, content_type in NOT_AN_OBJECT:
            if path in ALSO_CSV and content_type != "application/json":
                continue
            response = await client.open(
                url, method=method, data=raw, headers={**admin, "Content-Type": content_type}
            )
            status, body = await answer(response)
            assert (status, body["error"]) == (400, "invalid_json"), (path, raw, content_type)
        required = body_schema(spec, operation)["required"][0]
        for sent in ({}, {required: ["not", "this"]}):
            response = await client.open(url, method=method, json=sent, headers=admin)
            status, body = await answer(response)
            # A refused item of a list is named with its index ("appointments.0").
            named = body["field"].split(".")[0]
            assert (status, body["error"], named) == (422, "invalid_field", required), (
                path,
                json.dumps(sent),
            )
    assert seen == BODIES
