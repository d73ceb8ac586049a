"""Whether the customer comes (G5, G6): confirmation, check-in, no-show, and the attendance
rate (presença) the Agenda tab shows. Each change is audited in the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.agenda.models import Appointment
from domain.observability.metrics import (
    APPOINTMENTS_CONFIRMED,
    CONFIRMATIONS,
    NO_SHOWS,
    metrics,
)
from domain.operations.audit import record

_appointments = cast(Table, Appointment.__table__)


async def _move(
    conn: AsyncConnection,
    appointment_id: int,
    allowed_from: tuple[str, ...],
    values: dict[str, Any],
    actor: str,
    action: str,
    reason: str | None = None,
    *conditions: Any,
) -> bool:
    """Change the appointment if its status (and `conditions`) allow; audited. True when it
    changed: the check and the change are one statement, so a concurrent change wins or
    loses cleanly."""
    changed = await conn.execute(
        update(_appointments)
        .where(
            _appointments.c.id == appointment_id,
            _appointments.c.status.in_(allowed_from),
            *conditions,
        )
        .values(**values)
        .returning(_appointments.c.id)
    )
    if changed.scalar() is None:
        return False
    after = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in values.items()}
    if reason:
        after["reason"] = reason
    await record(
        conn,
        actor=actor,
        action=action,
        entity="appointment",
        entity_id=appointment_id,
        after=after,
    )
    return True


async def confirm(conn: AsyncConnection, appointment_id: int, now: datetime, actor: str) -> bool:
    """The customer confirmed (a reminder's answer). Counted by the caller after commit."""
    return await _move(
        conn,
        appointment_id,
        ("pending", "scheduled"),
        {"status": "confirmed", "confirmed_at": now},
        actor,
        "appointment.confirmed",
    )


def count_confirmation() -> None:
    metrics.inc(CONFIRMATIONS)
    metrics.inc(APPOINTMENTS_CONFIRMED)


async def check_in(conn: AsyncConnection, appointment_id: int, now: datetime, actor: str) -> bool:
    """The operator saw the customer arrive; a no-show marked too early is corrected."""
    return await _move(
        conn,
        appointment_id,
        ("pending", "scheduled", "confirmed", "no_show"),
        {"status": "completed", "checked_in_at": now},
        actor,
        "appointment.checked_in",
    )


async def attended(conn: AsyncConnection, appointment: Any, now: datetime) -> bool:
    """Confirmed (or checked in) and over: it happened, as far as anyone told us."""
    return await _move(
        conn,
        appointment.id,
        ("confirmed",),
        {"status": "completed"},
        "sistema",
        "appointment.completed",
        "confirmado e encerrado",
    )


async def mark_no_show(
    conn: AsyncConnection, appointment_id: int, now: datetime, actor: str, reason: str
) -> bool:
    """Marked by Cal.com or the operator, whatever we believed. Counted by the caller after
    commit (count_no_shows)."""
    return await _move(
        conn,
        appointment_id,
        ("pending", "scheduled", "confirmed", "completed"),
        {"status": "no_show"},
        actor,
        "appointment.no_show",
        reason,
    )


async def missed(conn: AsyncConnection, appointment_id: int) -> bool:
    """The no-show check: still neither confirmed nor checked in after its end. A check-in
    committed meanwhile makes this a no-op (False)."""
    return await _move(
        conn,
        appointment_id,
        ("pending", "scheduled"),
        {"status": "no_show"},
        "sistema",
        "appointment.no_show",
        "sem confirmação nem check-in",
        _appointments.c.checked_in_at.is_(None),
    )


def count_no_shows(count: int = 1) -> None:
    metrics.inc(NO_SHOWS, count)


@dataclass(frozen=True)
class Attendance:
    attended: int
    missed: int

    @property
    def rate(self) -> float | None:
        """Share of the appointments that happened among those that happened or were missed;
        None when there are none yet."""
        total = self.attended + self.missed
        return self.attended / total if total else None


async def attendance(conn: AsyncConnection, first: datetime, last: datetime) -> Attendance:
    """Attendance of the appointments starting in [first, last)."""
    counted = (
        await conn.execute(
            select(
                func.count().filter(_appointments.c.status == "completed"),
                func.count().filter(_appointments.c.status == "no_show"),
            ).where(
                _appointments.c.start_at >= first,
                _appointments.c.start_at < last,
                _appointments.c.simulated.is_(False),  # the Simulador's rehearsals
            )
        )
    ).one()
    return Attendance(int(counted[0]), int(counted[1]))
