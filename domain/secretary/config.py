"""Per-company integration settings: the company's own values override the environment's,
and the environment's apply only to the demo company (P5, issue 3 item 1)."""

from __future__ import annotations

from typing import Any

from domain.integrations.gemini import GeminiConfig
from domain.integrations.whaticket import WhaticketConfig
from domain.settings import Settings
from domain.tenancy.directory import DEMO_SLUG


def _picker(company: Any, section: str) -> Any:
    own = (company.settings or {}).get(section) or {}
    demo = company.slug == DEMO_SLUG

    def pick(key: str, default: Any) -> Any:
        value = own.get(key)
        if value:
            return value
        if not demo or default is None:
            return None
        return default.get_secret_value() if hasattr(default, "get_secret_value") else default

    return pick


def whaticket_config(company: Any, settings: Settings) -> WhaticketConfig:
    pick = _picker(company, "whaticket")
    return WhaticketConfig(
        base_url=pick("base_url", settings.whaticket_base_url) or "",
        token=pick("token", settings.whaticket_token),
        email=pick("email", settings.whaticket_email),
        password=pick("password", settings.whaticket_password),
    )


def gemini_config(company: Any, settings: Settings) -> GeminiConfig:
    pick = _picker(company, "gemini")
    own_model = ((company.settings or {}).get("gemini") or {}).get("model")
    return GeminiConfig(
        api_key=pick("api_key", settings.gemini_api_key),
        model=own_model or settings.gemini_model,
        base_url=pick("base_url", settings.gemini_base_url),
        timeout_seconds=settings.gemini_timeout_seconds,
    )
