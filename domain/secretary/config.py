"""Per-company integration settings: the company's own values override the environment's,
and the environment's apply only to the demo company (P5, issue 3 item 1)."""

from __future__ import annotations

from domain.integrations.gemini import GeminiConfig
from domain.integrations.whaticket import WhaticketConfig
from domain.settings import Settings
from domain.tenancy.company_settings import picker
from domain.tenancy.directory import CompanyProfile


def whaticket_config(company: CompanyProfile, settings: Settings) -> WhaticketConfig:
    pick = picker(company, "whaticket")
    return WhaticketConfig(
        base_url=pick("base_url", settings.whaticket_base_url) or "",
        token=pick("token", settings.whaticket_token),
        email=pick("email", settings.whaticket_email),
        password=pick("password", settings.whaticket_password),
    )


def gemini_config(company: CompanyProfile, settings: Settings) -> GeminiConfig:
    pick = picker(company, "gemini")
    own_model = ((company.settings or {}).get("gemini") or {}).get("model")
    return GeminiConfig(
        api_key=pick("api_key", settings.gemini_api_key),
        model=own_model or settings.gemini_model,
        base_url=pick("base_url", settings.gemini_base_url),
        timeout_seconds=settings.gemini_timeout_seconds,
    )
