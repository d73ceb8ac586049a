"""The JSON API's query, body and response models: what the handlers validate with is what
/openapi.json documents."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


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
