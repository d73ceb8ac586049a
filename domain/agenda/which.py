"""Which of a customer's appointments a cancel or a reschedule is about (walk defect 1): "a
do dia 15", "a de terça", "15/12", "a das 16h20", or the number of the list we showed.

Pure functions over (uid, local start) pairs; `now` is the company's local time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from domain.agenda.choice import WEEKDAYS, read_choice, read_wish, weekday_named
from domain.agenda.wording import when_text

Choice = tuple[str, datetime]  # (calendar uid, start in the company's zone)


def named(text: str, choices: Sequence[Choice], now: datetime) -> list[int] | None:
    """The indexes of the appointments `text` points at by day, weekday or hour; None when it
    names none of these (so any appointment may be meant)."""
    wish = read_wish(text, now)
    weekday = weekday_named(text)
    if wish.day is None and wish.at is None and weekday is None:
        return None
    found = list(range(len(choices)))
    if wish.day is not None:
        same_day = [i for i in found if choices[i][1].date() == wish.day]
        # "a de terça" is any Tuesday of theirs, not only the next one.
        found = same_day or [
            i for i in found if weekday and choices[i][1].weekday() == WEEKDAYS.index(weekday)
        ]
    if wish.at is not None:
        found = [i for i in found if choices[i][1].time() == wish.at]
    return found


def chosen(text: str, choices: Sequence[Choice], now: datetime) -> int | None:
    """The one appointment the reply picks (by its number or its day and hour), or None."""
    picked = read_choice(text, len(choices), now)
    if isinstance(picked, int):
        return picked
    found = named(text, choices, now)
    return found[0] if found is not None and len(found) == 1 else None


def numbered(choices: Sequence[Choice], kind: str, zone: ZoneInfo) -> str:
    """The question listing the appointments, numbered from 1."""
    lines = "\n".join(
        f"{n}. {when_text(start, zone)}" for n, (_, start) in enumerate(choices, start=1)
    )
    verb = "cancelar" if kind == "cancel" else "remarcar"
    return (
        f"Você tem {len(choices)} horários marcados:\n{lines}\n"
        f"Qual deles quer {verb}? Responda com o número ou o dia (por exemplo, "
        f'"1" ou "dia {choices[-1][1]:%d}").'
    )
