"""A company's follow-up settings (Configurações › Pós-Atendimento) over the defaults, and the
quiet hours: pure, so the dispatcher and the panel read them the same way."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from domain.settings import Settings

if TYPE_CHECKING:  # the directory reads the configuration, which checks the text here
    from domain.tenancy.directory import CompanyProfile

DEFAULT_TEXT = "Olá, {cliente}! Como foi seu atendimento com {profissional} na {empresa}?"
# Placeholders the company's text may use; any other brace is refused when it is saved.
PLACEHOLDERS = ("{cliente}", "{profissional}", "{empresa}")
BRACED = re.compile(r"\{[^{}]*\}")
QUIET = re.compile(r"^\s*([01]\d|2[0-3]):([0-5]\d)\s*-\s*([01]\d|2[0-3]):([0-5]\d)\s*$")


@dataclass(frozen=True)
class FollowupPolicy:
    company_id: int
    enabled: bool
    delay: timedelta
    text: str
    quiet: tuple[time, time] | None  # local [start, end): nothing is sent in between
    nps_every: int  # every Nth follow-up asks NPS; 0 never
    timezone: str


def parse_quiet(value: str | None) -> tuple[time, time] | None:
    """ "21:00-08:00" -> (21:00, 08:00); empty or equal ends -> None (no quiet hours)."""
    match = QUIET.match(value or "")
    if match is None:
        return None
    start = time(int(match[1]), int(match[2]))
    end = time(int(match[3]), int(match[4]))
    return None if start == end else (start, end)


def text_problem(text: str) -> tuple[str, str] | None:
    """Why the company's follow-up text cannot go out as written: ("blank_text", ""),
    ("unknown_placeholder", "{nome}") or ("unbalanced_brace", ""); None when it can. The
    customer must never read a raw "{nome}" or a stray brace."""
    if not text.strip():
        return "blank_text", ""
    for braced in BRACED.findall(text):
        if braced not in PLACEHOLDERS:
            return "unknown_placeholder", braced
    if "{" in BRACED.sub("", text) or "}" in BRACED.sub("", text):
        return "unbalanced_brace", ""
    return None


def policy_for(company: CompanyProfile, settings: Settings) -> FollowupPolicy:
    """The company's `followup` settings over the defaults."""
    own: dict[str, Any] = (company.settings or {}).get("followup") or {}

    def pick(key: str, default: Any) -> Any:
        value = own.get(key)
        return default if value is None else value

    text = str(pick("text", "") or "")
    if not text or text_problem(text) is not None:
        # Saved before the text was checked (or written around the form): the default
        # rather than a raw placeholder in front of the customer.
        text = DEFAULT_TEXT
    return FollowupPolicy(
        company_id=company.id,
        enabled=bool(pick("enabled", True)),
        delay=timedelta(minutes=int(pick("delay_minutes", settings.followup_delay_minutes))),
        text=text,
        quiet=parse_quiet(str(pick("quiet_hours", settings.followup_quiet_hours))),
        nps_every=int(pick("nps_every", settings.followup_nps_every)),
        timezone=company.timezone,
    )


def in_quiet(at: time, quiet: tuple[time, time] | None) -> bool:
    """Whether the local time `at` falls in the quiet hours (which may cross midnight)."""
    if quiet is None:
        return False
    start, end = quiet
    if start < end:
        return start <= at < end
    return at >= start or at < end


def next_allowed(moment: datetime, policy: FollowupPolicy) -> datetime:
    """`moment`, or the end of the quiet hours it falls in (the same night's morning)."""
    zone = ZoneInfo(policy.timezone)
    local = moment.astimezone(zone)
    if policy.quiet is None or not in_quiet(local.timetz().replace(tzinfo=None), policy.quiet):
        return moment
    end = policy.quiet[1]
    morning = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if morning <= local:
        morning += timedelta(days=1)
    # Built from local wall time: re-read in the zone so a DST change lands on a real instant.
    return datetime.combine(morning.date(), end, zone)


def nps_turn(sent_before: int, every: int) -> bool:
    """Whether the next follow-up (after `sent_before` of the company's) asks NPS."""
    return every > 0 and (sent_before + 1) % every == 0
