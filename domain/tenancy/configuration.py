"""A company's own configuration (panel "Configurações"): integrations, business hours and
the secretary's name and tone, kept in `companies.settings`; webhook secret rotation.

Secrets are write-only: reading the configuration tells only whether each one is set, an
empty field keeps the current value, and the audit row names the fields changed, never the
values.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic import AnyUrl, BaseModel, ConfigDict, Field, HttpUrl, field_validator
from pydantic_core import PydanticCustomError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import flag_modified

from domain.errors import InvalidField, NotFound
from domain.feedback.policy import text_problem
from domain.security.targets import RefusedTarget, TargetPolicy
from domain.tenancy.models import Company
from domain.tenancy.tokens import digest, new_secret

# Never shown at all: payment secrets (not edited here) and a rotated-out webhook secret.
HIDDEN = ("billing", "previous_webhook_secret")
SECRETS = {
    ("whaticket", "token"),
    ("whaticket", "password"),
    ("gemini", "api_key"),
    ("cal", "api_key"),  # edited in Configurações › Agenda (domain/tenancy/agenda_settings.py)
    ("cal", "webhook_secret"),
}
# Settings where 0 or False is a choice ("no grace", "at once", "never NPS", "off"), not unset.
ZERO_IS_A_VALUE = ("no_show_grace_minutes", "enabled", "delay_minutes", "nps_every")
# After a rotation the old webhook secret keeps working this long (Whaticket's config may lag).
ROTATION_GRACE = timedelta(hours=24)


class ConfigurationForm(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    whaticket_base_url: HttpUrl | None = None
    whaticket_token: str | None = Field(default=None, max_length=4000)
    whaticket_email: str | None = Field(default=None, max_length=254)
    whaticket_password: str | None = Field(default=None, max_length=1000)
    gemini_api_key: str | None = Field(default=None, max_length=400)
    gemini_model: str | None = Field(default=None, pattern=r"^[a-z0-9.-]{1,80}$")
    business_hours: str | None = Field(default=None, max_length=300)
    # Said by the secretary when a customer asks where the company is.
    address: str | None = Field(default=None, max_length=300)
    secretary_name: str | None = Field(default=None, max_length=80)
    secretary_tone: Literal["cordial", "formal", "descontraido"] = "cordial"
    alert_url: HttpUrl | None = None
    # Agenda (G5, G6): hours before the start ("24, 1"); minutes after the end for a no-show.
    reminder_hours: str | None = Field(default=None, pattern=r"^\d{1,3}(\s*,\s*\d{1,3})*$")
    no_show_grace_minutes: int | None = Field(default=None, ge=0, le=24 * 60)
    # Pós-Atendimento (G7): on or off, minutes after the end, the text ({cliente},
    # {profissional}, {empresa}), local quiet hours ("21:00-08:00"), NPS every Nth follow-up.
    followup_enabled: Literal["on", "off"] | None = None
    followup_delay_minutes: int | None = Field(default=None, ge=0, le=7 * 24 * 60)
    followup_text: str | None = Field(default=None, max_length=500)
    followup_quiet_hours: str | None = Field(
        default=None, pattern=r"^([01]\d|2[0-3]):[0-5]\d\s*-\s*([01]\d|2[0-3]):[0-5]\d$"
    )
    followup_nps_every: int | None = Field(default=None, ge=0, le=1000)
    clear: list[str] = Field(default_factory=list)  # secrets to remove, as "section.key"

    @field_validator("followup_text")
    @classmethod
    def _sendable(cls, text: str | None) -> str | None:
        """Refused when saved, not discovered by a customer: an unknown placeholder, a stray
        brace, or only spaces (an empty field already means the default text)."""
        if text is None:
            return None
        problem = text_problem(text)
        if problem is not None:
            code, placeholder = problem
            allowed = "use só {cliente}, {profissional} e {empresa}"
            raise PydanticCustomError(code, f"{code}: {allowed}", {"placeholder": placeholder})
        return text


async def check_urls(form: ConfigurationForm, targets: TargetPolicy) -> None:
    """InvalidField (code unsafe_url) for a URL our servers would call that leads inside our
    network (SSRF): checked here, when it is saved, and again on every connection. Every URL
    field of the form is one (Whaticket, alert URL, and whatever URL field comes next)."""
    for field, url in form:
        if not isinstance(url, AnyUrl):
            continue
        try:
            await targets.vet(str(url))
        except RefusedTarget as refused:
            raise InvalidField(f"{field}: {refused}", field=field, code="unsafe_url") from None


def public_view(settings: dict[str, Any]) -> dict[str, Any]:
    """The configuration with every secret replaced by whether it is set."""
    view: dict[str, Any] = {}
    for section, values in settings.items():
        if section in HIDDEN:
            continue
        if isinstance(values, dict):
            view[section] = {
                key: (bool(value) if (section, key) in SECRETS else value)
                for key, value in values.items()
            }
        else:
            view[section] = values
    return view


def apply(settings: dict[str, Any], form: ConfigurationForm) -> tuple[dict[str, Any], list[str]]:
    """The new settings and the names of the fields that changed."""
    new = {k: (dict(v) if isinstance(v, dict) else v) for k, v in settings.items()}
    changed: list[str] = []
    base_url = form.whaticket_base_url
    values = {
        ("whaticket", "base_url"): str(base_url).rstrip("/") if base_url else None,
        ("whaticket", "token"): form.whaticket_token,
        ("whaticket", "email"): form.whaticket_email,
        ("whaticket", "password"): form.whaticket_password,
        ("gemini", "api_key"): form.gemini_api_key,
        ("gemini", "model"): form.gemini_model,
        ("secretary", "name"): form.secretary_name,
        ("secretary", "tone"): form.secretary_tone,
        ("secretary", "business_hours"): form.business_hours,
        ("secretary", "address"): form.address,
        ("agenda", "reminders"): (
            sorted({int(h) * 60 for h in form.reminder_hours.split(",")}, reverse=True)
            if form.reminder_hours
            else None
        ),
        ("agenda", "no_show_grace_minutes"): form.no_show_grace_minutes,
        ("followup", "enabled"): (
            None if form.followup_enabled is None else form.followup_enabled == "on"
        ),
        ("followup", "delay_minutes"): form.followup_delay_minutes,
        ("followup", "text"): form.followup_text,
        ("followup", "quiet_hours"): (
            form.followup_quiet_hours.replace(" ", "") if form.followup_quiet_hours else None
        ),
        ("followup", "nps_every"): form.followup_nps_every,
    }
    for (section, key), value in values.items():
        if (section, key) in SECRETS and not value:
            continue  # write-only: an empty field keeps the secret
        if value is not None and key in ZERO_IS_A_VALUE:
            pass  # zero (or off) is a value here, not "unset"
        elif not value:
            value = None
        if new.get(section, {}).get(key) != value:
            new.setdefault(section, {})[key] = value
            changed.append(f"{section}.{key}")
    for name in form.clear:
        section, _, key = name.partition(".")
        if (section, key) in SECRETS and new.get(section, {}).get(key):
            new[section][key] = None
            changed.append(f"{section}.{key}")
    alert = str(form.alert_url) if form.alert_url else None
    if new.get("alert_url") != alert:
        new["alert_url"] = alert
        changed.append("alert_url")
    return new, changed


async def save(session: AsyncSession, company_id: int, form: ConfigurationForm) -> list[str]:
    company = await session.get(Company, company_id, with_for_update=True)
    if company is None:
        raise NotFound("no such company")
    company.settings, changed = apply(dict(company.settings or {}), form)
    flag_modified(company, "settings")
    return changed


async def rotate_webhook_secret(session: AsyncSession, company_id: int) -> str:
    """A new HMAC secret (returned once); the old one is honoured for ROTATION_GRACE."""
    company = await session.get(Company, company_id, with_for_update=True)
    if company is None:
        raise NotFound("no such company")
    secret = new_secret()
    settings = dict(company.settings or {})
    if company.webhook_secret:
        until = datetime.now(UTC) + ROTATION_GRACE
        settings["previous_webhook_secret"] = {
            "secret": company.webhook_secret,
            "until": until.isoformat(),
        }
    company.settings = settings
    company.webhook_secret = secret
    flag_modified(company, "settings")
    return secret


async def new_url_token(session: AsyncSession, company_id: int) -> str:
    """A new token for the URL-token webhook form (returned once; the old one stops)."""
    company = await session.get(Company, company_id, with_for_update=True)
    if company is None:
        raise NotFound("no such company")
    token = new_secret()
    company.url_token_hash = digest(token)
    return token


def previous_secret(settings: dict[str, Any], now: datetime) -> str | None:
    """The rotated-out webhook secret while its grace period lasts."""
    previous = settings.get("previous_webhook_secret") or {}
    until = previous.get("until")
    if not until or datetime.fromisoformat(until) < now:
        return None
    return str(previous.get("secret") or "") or None
