"""What the no-show model knows about an appointment (issue 18, item 2): pure functions from
appointments to feature dictionaries, the same for live, imported and synthetic history.

A customer's past is read only from appointments that started before this one, so the
features of a past appointment are what was known before it happened (no leakage from the
future), and a future appointment's are what is known now.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

Features = dict[str, float | str]

# The label: only these outcomes teach the model (a cancellation is not a no-show).
OUTCOMES = {"completed": 0, "no_show": 1}
CANCELLED = ("cancelled",)
MOVED = ("rescheduled",)
# Published patterns (issue 18): same-day bookings almost always come, 2-4 weeks ahead the
# most often do not; the buckets let a linear model bend where the rate does.
LEAD_BUCKETS = ((0, "same_day"), (3, "1-3d"), (13, "4-13d"), (28, "14-28d"))
LONGEST_BUCKET = "29d+"
HISTORY_CAP = 5  # more past no-shows than this tell nothing more


@dataclass(frozen=True)
class Visit:
    """One appointment as the model sees it."""

    id: int | None
    phone: str
    start: datetime
    booked: datetime  # when the customer booked it (created_at, or the imported booked_at)
    status: str
    service: str | None = None
    professional: str | None = None
    confirmed: bool = False  # answered a reminder with a confirmation
    reminded: bool = False  # a reminder went out
    moved: bool = False  # made by rescheduling an earlier appointment


def label(visit: Visit) -> int | None:
    """1 for a no-show, 0 for an attended appointment, None when the outcome is unknown."""
    return OUTCOMES.get(visit.status)


def lead_bucket(days: float) -> str:
    for limit, name in LEAD_BUCKETS:
        if days < limit + 1:  # whole days ahead: 0.9 days is still "same day"
            return name
    return LONGEST_BUCKET


def hour_band(hour: int) -> str:
    if hour < 9:
        return "early"
    if hour < 12:
        return "morning"
    if hour < 14:
        return "lunch"
    if hour < 18:
        return "afternoon"
    return "evening"


@dataclass
class _Past:
    """A customer's appointments so far."""

    seen: int = 0
    attended: int = 0
    no_shows: int = 0
    cancelled: int = 0
    moved: int = 0

    def add(self, visit: Visit) -> None:
        self.seen += 1
        outcome = label(visit)
        self.attended += outcome == 0
        self.no_shows += outcome == 1
        self.cancelled += visit.status in CANCELLED
        self.moved += visit.moved or visit.status in MOVED


def featurize(visits: Sequence[Visit], zone: ZoneInfo) -> list[Features]:
    """The features of every visit, in the order given; `visits` holds the customers' whole
    history (each visit's past is read from the others)."""
    order = sorted(range(len(visits)), key=lambda i: (visits[i].phone, visits[i].start))
    out: list[Features] = [{} for _ in visits]
    pasts: dict[str, _Past] = defaultdict(_Past)
    pending: list[int] = []  # visits at the same start: none is the other's past
    for i in order:
        if pending and (visits[pending[0]].phone, visits[pending[0]].start) != (
            visits[i].phone,
            visits[i].start,
        ):
            for j in pending:
                pasts[visits[j].phone].add(visits[j])
            pending.clear()
        out[i] = features(visits[i], pasts[visits[i].phone], zone)
        pending.append(i)
    return out


def features(visit: Visit, past: _Past, zone: ZoneInfo) -> Features:
    """One visit's features given the customer's past."""
    local = visit.start.astimezone(zone)
    lead_days = max((visit.start - visit.booked).total_seconds(), 0.0) / 86400
    known = past.attended + past.no_shows
    return {
        "lead_days": math.log1p(lead_days),
        "lead": lead_bucket(lead_days),
        "weekday": str(local.weekday()),  # 0 Monday
        "hour_band": hour_band(local.hour),
        "hour": float(local.hour),
        "past_visits": math.log1p(past.seen),
        "first_visit": float(past.seen == 0),
        "past_no_shows": float(min(past.no_shows, HISTORY_CAP)),
        # Smoothed toward the usual ~20 % so one miss out of one is not a certainty.
        "past_no_show_rate": (past.no_shows + 0.2 * 2) / (known + 2),
        "past_cancellations": float(min(past.cancelled, HISTORY_CAP)),
        "past_reschedules": float(min(past.moved, HISTORY_CAP)),
        "confirmed": float(visit.confirmed),
        "reminder_unanswered": float(visit.reminded and not visit.confirmed),
        "moved": float(visit.moved),
        "service": visit.service or "?",
        "professional": visit.professional or "?",
    }


# The features each reason stands for: a reason's weight is how much the risk falls when
# they take the typical appointment's values (domain/insights/model.explain).
FACTORS: dict[str, tuple[str, ...]] = {
    "lead": ("lead_days", "lead"),
    "weekday": ("weekday",),
    "hour": ("hour_band", "hour"),
    "history": ("past_no_shows", "past_no_show_rate"),
    "first_visit": ("first_visit", "past_visits"),
    "cancellations": ("past_cancellations", "past_reschedules", "moved"),
    "confirmation": ("confirmed", "reminder_unanswered"),
    "service": ("service",),
    "professional": ("professional",),
}
WEEKDAYS = ("segunda", "terça", "quarta", "quinta", "sexta", "sábado", "domingo")


def reason_text(factor: str, visit: Visit, values: Features, zone: ZoneInfo) -> str | None:
    """The reason as the Agenda shows it (Portuguese); None when there is nothing to say (no
    service or professional recorded)."""
    if factor == "lead":
        days = round(math.expm1(float(values["lead_days"])))
        return "marcado no mesmo dia" if days == 0 else f"marcado com {days} dias de antecedência"
    if factor == "weekday":
        return f"atendimento de {WEEKDAYS[int(values['weekday'])]}"
    if factor == "hour":
        return f"horário das {visit.start.astimezone(zone).hour}h"
    if factor == "history":
        return f"faltou {int(values['past_no_shows'])} vez(es) antes"
    if factor == "first_visit":
        return "primeira consulta" if values["first_visit"] else "poucas consultas antes"
    if factor == "cancellations":
        changed = int(values["past_cancellations"]) + int(values["past_reschedules"])
        return f"cancelou ou remarcou {changed} vez(es) antes"
    if factor == "confirmation":
        return "não respondeu ao lembrete" if values["reminder_unanswered"] else "não confirmou"
    named = str(values[factor])
    if named in ("?", "other"):
        return None
    return f"serviço: {named}" if factor == "service" else f"profissional: {named}"
