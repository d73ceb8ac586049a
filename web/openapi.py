"""The API's OpenAPI document at /openapi.json (quart-schema), from the same pydantic models
the handlers validate with. No documentation UI is mounted: those pages load scripts from
CDNs, which this product never does; any OpenAPI viewer can read the JSON.

Beyond what the handlers' decorators say, every operation here declares what it answers
(DOCS below, one entry per endpoint, checked by tests/web/test_openapi.py): its success
bodies, each refusal it can give (`{error, message[, field]}`), the headers it requires and,
for the webhooks, the bodies other systems post (read raw, since they are signed). The
document is what tests/web/test_schemathesis.py fuzzes every operation against."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from quart import Quart
from quart_schema import QuartSchema
from quart_schema.openapi import OpenAPIProvider
from werkzeug.routing import BaseConverter, IntegerConverter, Rule

from domain.insights.schemas import HistoryFile
from web.api import schemas

REFUSALS = {
    400: "the body is not JSON, not an object, nests too deep, or a field has the wrong type",
    401: "credentials or signature missing, wrong or stale",
    403: "not allowed: another company, a role without the right, a suspended company, "
    "/metrics from another host without METRICS_TOKEN",
    404: "no such company, record or file",
    409: "conflicts with the record's state",
    413: "the body is too large",
    422: "a field is out of its range, the wrong type or too long (named in `field`)",
    429: "too many failed attempts: wait Retry-After seconds",
    503: "a system it depends on did not answer: try again",
}
# Every request to the JSON API with a bearer credential can be refused for these.
BEARER_REFUSALS = (400, 401, 403, 404, 422)


@dataclass(frozen=True)
class Header:
    name: str
    description: str
    required: bool = False


@dataclass(frozen=True)
class Doc:
    """What one endpoint answers besides what its decorators already document."""

    # A model (JSON) or the media types of a body that is not JSON.
    answers: dict[int, type[BaseModel] | tuple[str, ...]] = field(default_factory=dict)
    refuses: tuple[int, ...] = BEARER_REFUSALS
    headers: tuple[Header, ...] = ()
    body: type[BaseModel] | None = None


SIGNED = (
    Header("X-Timestamp", "Unix seconds; within ±300 s of the server clock", required=True),
    Header(
        "X-Signature",
        'hex(hmac_sha256(secret, f"{X-Timestamp}." + raw body)); a sha256= prefix is accepted',
        required=True,
    ),
)
HOOK_REFUSALS = (400, 401, 403, 404, 413)

DOCS: dict[str, Doc] = {
    "static": Doc({200: ("*/*",)}, refuses=(404,)),
    "api.ops.healthz": Doc({200: schemas.Health, 503: schemas.Health}, refuses=()),
    "api.ops.prometheus_metrics": Doc({200: ("text/plain",)}, refuses=(401, 403)),
    "api.credentials.token": Doc(refuses=(400, 401, 403, 413, 422, 429)),
    "api.credentials.list_keys": Doc({200: schemas.ApiKeyList}),
    "api.credentials.new_key": Doc({201: schemas.IssuedApiKey}, refuses=(*BEARER_REFUSALS, 413)),
    "api.credentials.revoke_key": Doc({200: schemas.RevokedKey}),
    "api.analytics.summary": Doc({200: schemas.UsageSummary}),
    "api.analytics.history": Doc({200: schemas.UsageHistory}),
    "api.analytics.report": Doc({200: ("text/csv", "application/pdf")}),
    "api.feedback.listing": Doc({200: schemas.FeedbackList}),
    "api.feedback.summary": Doc({200: schemas.FeedbackSummary}),
    "api.feedback.export": Doc({200: ("text/csv",)}),
    "api.conversations.list_conversations": Doc({200: schemas.ConversationList}),
    "api.conversations.take_over": Doc({200: schemas.ConversationState}, (*BEARER_REFUSALS, 409)),
    "api.conversations.release": Doc({200: schemas.ConversationState}, (*BEARER_REFUSALS, 409)),
    "api.agenda.appointments": Doc({200: schemas.AppointmentsResponse}),
    "api.agenda.remind": Doc({202: schemas.Reminded}, (*BEARER_REFUSALS, 409)),
    "api.agenda.retrain": Doc({200: schemas.Retrained}),
    "api.agenda.import_history": Doc(
        {200: schemas.HistoryImported}, (*BEARER_REFUSALS, 413), body=HistoryFile
    ),
    "api.nlu.analyze": Doc(refuses=(*BEARER_REFUSALS, 413)),
    "api.tenants.provision_tenant": Doc(refuses=(*BEARER_REFUSALS, 409, 413)),
    "hooks.whaticket.whaticket_signed": Doc(
        {200: schemas.WhaticketOutcome, 202: schemas.WhaticketOutcome},
        refuses=HOOK_REFUSALS,
        headers=(
            *SIGNED,
            Header("X-Company-Domain", "which company (its own secret); absent: the demo"),
            Header("X-Webhook-Token", "required only when the company configured one"),
        ),
        body=schemas.WhaticketBody,
    ),
    "hooks.whaticket.whaticket_url_token": Doc(
        {200: schemas.WhaticketOutcome, 202: schemas.WhaticketOutcome},
        refuses=HOOK_REFUSALS,
        body=schemas.WhaticketBody,
    ),
    "hooks.calcom.cal_webhook": Doc(
        {200: schemas.CalOutcome},
        refuses=(*HOOK_REFUSALS, 422),
        headers=(
            Header("X-Cal-Company", "the company's id or slug", required=True),
            Header(
                "X-Cal-Signature-256",
                "hex(hmac_sha256(the company's Cal.com webhook secret, raw body))",
                required=True,
            ),
        ),
        body=schemas.CalDelivery,
    ),
    "hooks.billing.billing_webhook": Doc(
        {200: schemas.BillingOutcome},
        refuses=(*HOOK_REFUSALS, 422, 503),
        headers=(
            Header("X-Company-Domain", "which company", required=True),
            Header("Stripe-Signature", "Stripe: t=<unix>,v1=<hex>"),
            Header(
                "X-Signature",
                "Mercado Pago: ts=<unix>,v1=<hex>; manual events: as for the Whaticket webhook",
            ),
            Header("X-Timestamp", "manual events: Unix seconds"),
            Header("X-Request-Id", "Mercado Pago: signed with the resource id"),
        ),
        body=schemas.BillingBody,
    ),
}


class DocumentedProvider(OpenAPIProvider):
    """quart-schema's document, with each endpoint's entry of DOCS added to it."""

    def build_path_parameter(self, name: str, converter: BaseConverter) -> dict[str, Any]:
        parameter = super().build_path_parameter(name, converter)
        if isinstance(converter, IntegerConverter):  # the ids' bounds (web/app.RowId)
            bounds = {"minimum": converter.min, "maximum": converter.max}
            parameter["schema"].update({k: v for k, v in bounds.items() if v is not None})
        return parameter

    def build_querystring_parameters(
        self, model: Any
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        parameters, definitions = super().build_querystring_parameters(model)
        _no_nul([parameters, definitions])
        for parameter in parameters:
            if not parameter.get("required"):  # schemas.Query: an empty value is no value
                schema = parameter["schema"]
                if "anyOf" in schema:
                    parameter["schema"] = {**schema, "anyOf": [*schema["anyOf"], {"const": ""}]}
                else:
                    parameter["schema"] = {"anyOf": [schema, {"const": ""}]}
        return parameters, definitions

    def build_request_body(self, model: Any, source: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        body, definitions = super().build_request_body(model, source)
        _no_nul([body, definitions])
        return {**body, "required": True}, definitions  # no operation takes an empty body

    def build_paths(self, rule: Rule) -> tuple[dict[str, Any], dict[str, Any]]:
        paths, components = super().build_paths(rule)
        doc = DOCS.get(rule.endpoint)
        if doc is None:
            return paths, components
        for operations in paths.values():
            for method, operation in list(operations.items()):
                operation = operations[method] = {
                    **operation,
                    "responses": dict(operation["responses"]),
                    "parameters": list(operation["parameters"]),
                }
                self._document(operation, doc, components)
        return paths, components

    def _document(self, operation: dict[str, Any], doc: Doc, components: dict[str, Any]) -> None:
        responses = operation["responses"]
        for status, answer in doc.answers.items():
            if isinstance(answer, tuple):
                responses.setdefault(status, _media(answer))
            else:
                responses.setdefault(status, self._model_response(answer, components))
        if doc.refuses:
            components["ErrorBody"] = schemas.ErrorBody.model_json_schema()
        for status in doc.refuses:
            responses.setdefault(status, _refusal(status))
        operation["parameters"] += [
            {
                "name": header.name,
                "in": "header",
                "required": header.required,
                "description": header.description,
                # A value that is not blank: a blank one is refused like a missing one.
                "schema": {"type": "string", "pattern": r"\S"},
            }
            for header in doc.headers
        ]
        if doc.body is not None:
            body, definitions = self.build_request_body(doc.body, _json_source())
            operation["requestBody"] = body
            components.update(definitions)

    def _model_response(self, model: type[BaseModel], components: dict[str, Any]) -> Any:
        response, definitions = self.build_response_object(model, None)
        components.update(definitions)
        return response


def _refusal(status: int) -> dict[str, Any]:
    error = {"schema": {"$ref": "#/components/schemas/ErrorBody"}}
    return {"description": REFUSALS[status], "content": {"application/json": error}}


# PostgreSQL cannot hold U+0000, so no text we take may carry it (web/api/errors.refuse_nul).
NO_NUL = "^[^\\u0000]*$"


def _no_nul(schema: Any) -> None:
    """Say so on every string of an input's schema."""
    if isinstance(schema, list):
        for item in schema:
            _no_nul(item)
    elif isinstance(schema, dict):
        if schema.get("type") == "string" and not {"enum", "const"} & set(schema):
            if "pattern" not in schema:
                schema["pattern"] = NO_NUL
            elif schema["pattern"] != NO_NUL:  # one pattern a schema: the other in allOf
                schema["allOf"] = [*schema.get("allOf", []), {"pattern": NO_NUL}]
        for value in schema.values():
            _no_nul(value)


def _media(media_types: tuple[str, ...]) -> dict[str, Any]:
    return {
        "description": " or ".join(media_types),
        "content": {media_type: {"schema": {}} for media_type in media_types},
    }


def _json_source() -> Any:
    from quart_schema.validation import DataSource

    return DataSource.JSON


def install(app: Quart) -> None:
    QuartSchema(
        app,
        openapi_path="/openapi.json",
        swagger_ui_path=None,
        redoc_ui_path=None,
        scalar_ui_path=None,
        openapi_provider_class=DocumentedProvider,
        info={
            "title": "Secretaria Virtual API",
            "version": "1",
            "description": (
                "Multi-tenant virtual secretary for WhatsApp. Send `Authorization: Bearer "
                "<access token or API key>`; a platform admin may act on any company with "
                "`?company_id=`. Errors are `{error, message[, field]}`."
            ),
        },
        security_schemes={
            "bearer": {"type": "http", "scheme": "bearer", "bearer_format": "JWT"},
            # /metrics: the METRICS_TOKEN setting (without it, loopback clients only)
            "metrics_token": {"type": "http", "scheme": "bearer"},
        },
        security=[{"bearer": []}],
    )
