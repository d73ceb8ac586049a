"""The JSON API's query, body and response models: the handlers validate with them
(`@validate_querystring`, `@validate_request`), so /openapi.json documents exactly what the
code accepts. Body models of other areas are used where they are defined:
`domain/auth/schemas.py` (TokenRequest, NewApiKey) and `domain/tenancy/provisioning.py`
(ProvisionRequest)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    RootModel,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

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
        # The pattern says the years to generators that ignore formatMaximum.
        json_schema_extra={
            "formatMinimum": str(FIRST_DAY),
            "formatMaximum": str(LAST_DAY),
            "pattern": "^20[0-9]{2}-",
        },
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
    company_id: int | None = Field(
        default=None, ge=1, le=2**31 - 1, description="platform admin: any company"
    )


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


class FeedbackSummaryQuery(CompanyQuery):
    days: int = Field(default=30, ge=1, le=365, description="the period, in days up to now")


class FeedbackQuery(CompanyQuery):
    kind: Literal["csat", "nps"] | None = None
    min_score: int | None = Field(default=None, ge=0, le=10)
    max_score: int | None = Field(default=None, ge=0, le=10)
    since: Day | None = Field(
        default=None,
        description=(
            "YYYY-MM-DD; default: 29 days before until. Not after until (nor, without until, "
            "after today in the company's time zone): 422 naming the field"
        ),
    )
    until: Day | None = Field(default=None, description="YYYY-MM-DD, inclusive; default: today")
    professional: str | None = Field(default=None, max_length=200)
    limit: int = Field(default=50, ge=1, le=500)
    offset: int = Field(default=0, ge=0, le=100_000)

    # Checked on the later field, so the 422 names it ("until", "max_score").
    @field_validator("until")
    @classmethod
    def _after_since(cls, until: date | None, info: ValidationInfo) -> date | None:
        since = info.data.get("since")
        if until and since and since > until:
            raise PydanticCustomError("date_order", "must not be before since")
        return until

    @field_validator("max_score")
    @classmethod
    def _above_min(cls, top: int | None, info: ValidationInfo) -> int | None:
        low = info.data.get("min_score")
        if top is not None and low is not None and low > top:
            raise PydanticCustomError("score_order", "must not be below min_score")
        return top


class FeedbackExportQuery(FeedbackQuery):
    format: Literal["csv"] = "csv"


class AnalyzeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=MAX_INPUT_CHARS * 4)
    # The sender's WhatsApp name, checked for injection like the text (it reaches the prompt).
    name: str | None = Field(default=None, max_length=256)


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
    admin_email: str | None = None
    invitation_url: str | None = Field(
        default=None,
        description="shown once: where the first admin sets a password, or accepts with the "
        "one their existing account has (7 days, single use); null when no admin_email was given",
    )


# --- what /openapi.json says of the answers (web/openapi.py attaches them) -----------------


class ErrorBody(BaseModel):
    """Refused: `error` is the machine-readable code, `message` says why, `field` names the
    input at fault when there is one."""

    error: str
    message: str
    field: str | None = None


class AppointmentsResponse(BaseModel):
    """The period's appointments (times in the company's zone) and its attendance."""

    appointments: list[dict[str, Any]]
    attendance: dict[str, Any]


class HistoryImported(BaseModel):
    """What the import did: rows received, new, updated, and each refused row's line
    (CSV: the file's line, the header being 1; JSON: its position from 1) and reason."""

    received: int
    imported: int
    updated: int
    rejected_count: int
    rejected: list[dict[str, Any]]


class Retrained(BaseModel):
    """The model now scoring the company's appointments and how many it scored."""

    model_version: str
    algorithm: str
    trained: bool  # False: the history had not changed since the last training
    training_size: int
    scored: int
    evaluation: dict[str, Any] | None


class Reminded(BaseModel):
    sent: bool
    queued: bool


class UsageSummary(BaseModel):
    """Today, this week and this month: messages, tokens, response time, estimated cost; the
    plan's use and its alerts."""

    model_config = ConfigDict(extra="allow")

    company_id: int


class UsageHistory(BaseModel):
    """The daily series of the last week or month, zeros included."""

    company_id: int
    period: str
    days: list[dict[str, Any]]


class FeedbackList(BaseModel):
    """The answers to follow-ups, newest first (score on the question's scale)."""

    items: list[dict[str, Any]]
    count: int


class FeedbackSummary(BaseModel):
    """Response rate (0-1), median seconds to answer, CSAT mean and NPS with its sample and
    95 % interval (null below 30 answers)."""

    model_config = ConfigDict(extra="allow")

    days: int
    sent: int
    answered: int
    response_rate: float | None
    median_answer_seconds: float | None
    csat: dict[str, Any]
    nps: dict[str, Any]


class ConversationList(BaseModel):
    conversations: list[dict[str, Any]]


class ConversationState(BaseModel):
    id: int
    status: Literal["handoff", "open"]


class ApiKeyView(BaseModel):
    id: int
    company_id: int
    name: str
    role: str
    prefix: str
    created_at: str | None
    last_used_at: str | None
    revoked_at: str | None


class ApiKeyList(BaseModel):
    keys: list[ApiKeyView]


class IssuedApiKey(ApiKeyView):
    api_key: str = Field(description="shown once")


class RevokedKey(BaseModel):
    id: int
    revoked_at: str | None


class Health(BaseModel):
    """Each component with its latency; 503 when any of them failed."""

    model_config = ConfigDict(extra="allow")

    status: str


# --- webhooks: what other systems post (read from the raw body, which is signed) ---------


class Open(BaseModel):
    """An object whose fields other than these are kept as they came."""

    model_config = ConfigDict(extra="allow")


class WaKey(Open):
    remoteJid: str = Field(max_length=320, description="sender JID: <digits>@s.whatsapp.net")
    fromMe: bool | None = None
    id: str | None = Field(default=None, max_length=128, description="the WhatsApp message id")
    remoteJidAlt: str | None = Field(default=None, description="the phone of an @lid sender")
    senderPn: str | None = None


class WaMessage(Open):
    """A Baileys WAMessage as Whaticket SaaS forks post it."""

    key: WaKey
    message: dict[str, Any] | None = Field(
        default=None, description="conversation, extendedTextMessage, a reply, media…"
    )
    pushName: str | None = Field(default=None, description="kept to 200 characters")
    messageTimestamp: int | str | dict[str, int] | None = Field(
        default=None, description="Unix seconds (number, string or protobuf Long)"
    )


class WrappedWaMessage(Open):
    message: WaMessage


class SeedContact(Open):
    number: str | None = None
    name: str | None = None


class SeedTicket(Open):
    contact: SeedContact | None = None
    isGroup: bool | None = None


class SeedMessage(Open):
    """The seed's shape: the text in `message`, the sender in `number` or the ticket."""

    message: dict[str, Any]
    number: str | None = None
    ticket: SeedTicket | None = None
    id: str | None = Field(default=None, max_length=128)
    pushName: str | None = None


class WhaticketBody(RootModel[WaMessage | WrappedWaMessage | SeedMessage]):
    """An inbound WhatsApp message, at most 64 KiB and nested at most 64 levels."""


class WhaticketOutcome(BaseModel):
    """202: stored and queued; 200: not queued, and why (duplicate, from_me, group…)."""

    queued: bool
    reason: str | None = None


class CalAttendee(Open):
    name: str | None = Field(default=None, description="kept to 200 characters")
    email: str | None = Field(default=None, max_length=254)
    phoneNumber: str | None = None
    noShow: bool | None = None


class CalBooking(Open):
    uid: str | None = Field(default=None, min_length=1, max_length=100)
    bookingUid: str | None = Field(default=None, min_length=1, max_length=100)
    bookingId: int | None = Field(default=None, ge=0, le=2**63 - 1)
    eventTypeId: int | None = Field(default=None, ge=0, le=2**31 - 1)
    title: str | None = Field(default=None, description="kept to 300 characters")
    startTime: str | None = Field(
        default=None, description="ISO 8601 with its offset, 2000-2099 (required to book)"
    )
    endTime: str | None = Field(default=None, description="ISO 8601 with its offset")
    length: int | None = Field(default=None, ge=1, le=1440, description="minutes")
    status: str | None = None
    attendees: list[CalAttendee] | None = None
    responses: dict[str, Any] | None = None
    metadata: dict[str, Any] | None = None
    videoCallData: dict[str, Any] | None = None
    smsReminderNumber: str | None = None
    rescheduleUid: str | None = Field(default=None, min_length=1, max_length=100)
    cancellationReason: str | None = None


class CalDelivery(Open):
    """A Cal.com webhook delivery: BOOKING_* wrapped in `payload`, MEETING_* also flat."""

    triggerEvent: str = Field(max_length=64)
    createdAt: str | None = Field(default=None, max_length=64)
    payload: CalBooking | None = None


class CalOutcome(BaseModel):
    """What the delivery did: pong, created, rescheduled, cancelled, completed, ended,
    no_show, duplicate or ignored."""

    received: bool
    trigger: str
    outcome: str


class ManualBillingEvent(Open):
    """Signed with the company's webhook secret (X-Timestamp, X-Signature)."""

    event_id: str = Field(min_length=1, max_length=200)
    status: Literal["trialing", "active", "past_due", "canceled"]


class StripeData(Open):
    object: dict[str, Any]


class StripeEvent(Open):
    """Signed in Stripe-Signature."""

    id: str = Field(min_length=1, max_length=200)
    type: str
    data: StripeData


class MercadoPagoData(Open):
    id: str | int | None = None


class MercadoPagoNotification(Open):
    """Signed in x-signature over the resource id (?data.id=) and x-request-id."""

    id: str | int
    type: str | None = None
    topic: str | None = None
    action: str | None = None
    data: MercadoPagoData | None = None


class BillingBody(RootModel[ManualBillingEvent | StripeEvent | MercadoPagoNotification]):
    """A payment provider's event, at most 64 KiB and nested at most 64 levels."""


class BillingOutcome(BaseModel):
    received: bool
    outcome: Literal["applied", "recorded", "duplicate"]
    event_id: str
    subscription: str | None
