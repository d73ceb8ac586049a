"""The JSON API's query, body and response models: the handlers validate with them
(`@validate_querystring`, `@validate_request`), so /openapi.json documents exactly what the
code accepts. Body models of other areas are used where they are defined:
`domain/auth/schemas.py` (TokenRequest, NewApiKey) and `domain/tenancy/provisioning.py`
(ProvisionRequest)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from domain.agenda.listing import StatusFilter
from domain.billing.analytics import Period
from domain.billing.reports import Format
from domain.secretary.guardrails import MAX_INPUT_CHARS

FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)
# JSON Schema has no bounds for dates; formatMinimum/formatMaximum say them for validators
# that know the keyword, and the description for people.
Day = Annotated[
    date,
    Field(
        ge=FIRST_DAY,
        le=LAST_DAY,
        json_schema_extra={"formatMinimum": str(FIRST_DAY), "formatMaximum": str(LAST_DAY)},
    ),
]


class Query(BaseModel):
    """A query string. An empty value is a parameter not given (what an HTML form sends for
    an empty field); parameters the model does not name are ignored."""

    @model_validator(mode="before")
    @classmethod
    def _empty_is_absent(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {key: value for key, value in data.items() if value != ""}
        return data


class CompanyQuery(Query):
    company_id: int | None = Field(default=None, ge=1, description="platform admin: any company")


class ConversationsQuery(CompanyQuery):
    status: Literal["open", "handoff", "closed"] | None = None
    limit: int = Field(default=50, ge=1, le=500)


class HistoryQuery(CompanyQuery):
    period: Period = "week"


class ReportQuery(CompanyQuery):
    format: Format = "csv"
    period: Period = "month"


class AppointmentsQuery(CompanyQuery):
    from_: Day | None = Field(
        default=None,
        alias="from",
        description="YYYY-MM-DD, 2000 to 2099; default: today where the company is",
    )
    to: Day | None = Field(
        default=None, description="YYYY-MM-DD, 2000 to 2099, inclusive; default: from + 7 days"
    )
    status: StatusFilter | None = Field(
        default=None, description="unconfirmed: pending or scheduled"
    )
    client: str | None = Field(default=None, description="part of the name or phone")


class AnalyzeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=MAX_INPUT_CHARS * 4)


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
