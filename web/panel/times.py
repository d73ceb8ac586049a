"""Times as the clinic reads them: in the acting company's time zone (companies.timezone),
written the Brazilian way (dd/mm HH:MM). Every template shows a time through `local_time`, so
no page can show UTC next to another showing local time."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import pass_context
from quart import Quart, g

from domain.settings import Settings
from web.services import services

SHORT = "%d/%m %H:%M"


def install(app: Quart, settings: Settings) -> None:
    """The `local_time` filter, and the zone it converts to in every template's context."""

    @app.context_processor
    async def company_zone() -> dict[str, Any]:
        return {"timezone": await acting_zone(settings.default_timezone)}

    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["zone_name"] = zone_name


# Brazil's zones by the names people use ("horário de Brasília"), not the tz database's.
_ZONES = {
    **dict.fromkeys(
        (
            "America/Sao_Paulo",
            "America/Bahia",
            "America/Fortaleza",
            "America/Recife",
            "America/Maceio",
            "America/Belem",
            "America/Araguaina",
            "America/Santarem",
            "Brazil/East",
        ),
        "horário de Brasília",
    ),
    **dict.fromkeys(("America/Manaus", "Brazil/West"), "horário do Amazonas"),
    **dict.fromkeys(("America/Cuiaba", "America/Campo_Grande"), "horário de Mato Grosso"),
    "America/Porto_Velho": "horário de Rondônia",
    "America/Boa_Vista": "horário de Roraima",
    **dict.fromkeys(("America/Rio_Branco", "America/Eirunepe", "Brazil/Acre"), "horário do Acre"),
    **dict.fromkeys(("America/Noronha", "Brazil/DeNoronha"), "horário de Fernando de Noronha"),
    "UTC": "horário UTC",
}


def zone_name(zone: str) -> str:
    """ "America/Sao_Paulo" -> "horário de Brasília"; elsewhere the zone's city."""
    return _ZONES.get(zone) or "horário de " + zone.rsplit("/", 1)[-1].replace("_", " ")


async def acting_zone(default: str) -> str:
    """The time zone of the company the logged-in person acts in, else the platform's."""
    principal = g.get("principal")
    if principal is None or principal.company_id is None:
        return default
    profile = await services().directory.profile(principal.company_id)
    return profile.timezone if profile is not None else default


def to_local(value: datetime, zone: str) -> datetime:
    """`value` in `zone`; a naive value is taken as UTC (how PostgreSQL hands them out)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(ZoneInfo(zone))


@pass_context
def local_time(context: Any, value: datetime | None, fmt: str = SHORT) -> str:
    """`{{ m.received_at|local_time }}` -> "01/11 14:05" in the company's zone."""
    if value is None:
        return ""
    return to_local(value, context.get("timezone") or "UTC").strftime(fmt)
