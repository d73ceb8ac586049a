"""'Testar conexão' of Configurações: whether the company's Cal.com and Whaticket settings,
as saved, reach a service that accepts them. The answer is a code (the panel words it) and,
for Cal.com, how many event types the key sees."""

from __future__ import annotations

from dataclasses import dataclass

from domain.agenda.config import calcom_config
from domain.integrations.calcom import CalcomClient
from domain.integrations.calcom_payloads import CalcomError
from domain.integrations.whaticket import WhaticketClient, WhaticketError
from domain.secretary.config import whaticket_config
from domain.settings import Settings
from domain.tenancy.company_settings import picker
from domain.tenancy.directory import CompanyProfile

CALCOM_CODES = {
    # The test needs only the key (the URL has a default, event types come later).
    "not_configured": "calcom_key_missing",
    "auth": "calendar_auth",
    "not_found": "calcom_not_found",
}
WHATICKET_CODES = {"auth": "whaticket_auth", "blocked_target": "unsafe_url"}


@dataclass(frozen=True)
class Checked:
    ok: bool
    code: str  # "ok", or why not (a code of web/panel/messages.py)
    count: int = 0


async def check_calcom(
    company: CompanyProfile, settings: Settings, client: CalcomClient
) -> Checked:
    """Ask Cal.com for the event types the saved key sees."""
    config = calcom_config(company, settings)
    username = picker(company, "cal")("username", None)
    try:
        count = await client.event_types(config, username)
    except CalcomError as error:
        return Checked(False, CALCOM_CODES.get(error.kind, "calendar_unavailable"))
    return Checked(True, "ok", count)


async def check_whaticket(
    company: CompanyProfile, settings: Settings, client: WhaticketClient
) -> Checked:
    """Ask Whaticket whether the saved address and credentials work (nothing is sent)."""
    config = whaticket_config(company, settings)
    if not config.configured:
        return Checked(False, "whaticket_not_configured")
    try:
        await client.check(config)
    except WhaticketError as error:
        return Checked(False, WHATICKET_CODES.get(error.kind, "whaticket_unavailable"))
    return Checked(True, "ok")
