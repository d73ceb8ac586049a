"""The API's OpenAPI document at /openapi.json (quart-schema), from the same pydantic models
the handlers validate with. No documentation UI is mounted: those pages load scripts from
CDNs, which this product never does; any OpenAPI viewer can read the JSON."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field
from quart import Quart
from quart_schema import QuartSchema


def install(app: Quart) -> None:
    QuartSchema(
        app,
        openapi_path="/openapi.json",
        swagger_ui_path=None,
        redoc_ui_path=None,
        scalar_ui_path=None,
        info={
            "title": "Secretaria Virtual API",
            "version": "1",
            "description": (
                "Multi-tenant virtual secretary for WhatsApp. Send `Authorization: Bearer "
                "<access token or API key>`; a platform admin may act on any company with "
                "`?company_id=`. Errors are `{error, message[, field]}`."
            ),
        },
        security_schemes={"bearer": {"type": "http", "scheme": "bearer", "bearer_format": "JWT"}},
        security=[{"bearer": []}],
    )


class CompanyQuery(BaseModel):
    company_id: int | None = Field(default=None, description="platform admin: any company")


class ConversationsQuery(CompanyQuery):
    status: Literal["open", "handoff", "closed"] | None = None
    limit: int = Field(default=50, ge=1, le=500)


class HistoryQuery(CompanyQuery):
    period: Literal["week", "month"] = "week"


class ReportQuery(CompanyQuery):
    format: Literal["csv", "pdf"] = "csv"
    period: Literal["week", "month"] = "month"


class AppointmentsQuery(CompanyQuery):
    from_: str | None = Field(default=None, alias="from", description="YYYY-MM-DD")
    to: str | None = Field(default=None, description="YYYY-MM-DD, inclusive")
    status: str | None = None
    client: str | None = Field(default=None, description="part of the name or phone")


class TokenResponse(BaseModel):
    access_token: str
    token_type: Literal["bearer"]
    expires_in: int
    company_id: int | None
    role: str


class AnalyzeResponse(BaseModel):
    intent: str
    confidence: float
    sentiment: Literal["positive", "neutral", "negative"]
    injection: bool


class ProvisionResponse(BaseModel):
    company_id: int
    slug: str
    domain: str
    plan: str
    schema_: str = Field(alias="schema")
    queue: str
    api_token: str = Field(description="shown once")
    webhook_secret: str = Field(description="shown once")
    webhook_url: str
    webhook_headers: dict[str, str]
    webhook_url_token: str = Field(description="shown once")
    worker_command: str
