"""Dispatching due reminders and no-show checks (G5, G6).

Dispatching claims due rows with one query on a partial index (`status = 'pending'`, by due
time) under `FOR UPDATE SKIP LOCKED`, so two schedulers never claim the same row. Each row is
checked against its appointment as it is now: moved or cancelled -> dropped; too close to
the start, or overtaken by a later reminder -> skipped; otherwise it becomes an outbound
message in the same transaction. A reminder is therefore one message at most, and the
delivery job sends a message once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from domain import due
from domain.agenda import attendance, store
from domain.agenda.models import Appointment, Reminder
from domain.agenda.reminders import (
    ACTIVE,
    MANUAL,
    MIN_LEAD,
    NO_SHOW,
    manual,
)
from domain.agenda.wording import no_show_text, reminder_text
from domain.conversations.outbox import Outbound, insert_outbound_many
from domain.db import bind_tenant
from domain.errors import Conflict, NotFound
from domain.observability.metrics import REMINDERS_SENT, metrics
from domain.secretary.config import whaticket_config
from domain.secretary.replies import first_status
from domain.settings import Settings

# A no-show check this late says nothing to the customer any more.
NO_SHOW_STALE = timedelta(hours=12)
_reminders = cast(Table, Reminder.__table__)
_appointments = cast(Table, Appointment.__table__)


@dataclass(frozen=True)
class Outcome:
    action: str  # send | drop | skip | no_show | attended
    reason: str = ""


def decide(reminder: Any, appointment: Any | None, now: datetime, latest_due: datetime) -> Outcome:
    """What a due reminder becomes, given its appointment as it is now. `latest_due`: the
    latest due time among the appointment's due reminders, claimed here or already settled
    elsewhere (one message is enough)."""
    if appointment is None:
        return Outcome("drop", "gone")
    if appointment.start_at != reminder.starts_at:
        return Outcome("drop", "moved")
    if appointment.simulated:  # the Simulador's: its "customer" is the operator rehearsing
        return Outcome("drop", "simulated")
    if reminder.kind == NO_SHOW:
        if appointment.created_at >= appointment.start_at:
            # Recorded after it began (a past visit typed in, a booking learned of late):
            # nobody can have missed it on our word.
            return Outcome("drop", "booked_late")
        # The check ran far too late (the scheduler was down): "we missed you" a day later
        # would be wrong whatever happened; the status still says it, without a message.
        stale = now - reminder.due_at > NO_SHOW_STALE
        if appointment.status == "no_show":  # Cal.com said so
            if stale:
                return Outcome("skip", "stale")
            return Outcome("send") if appointment.phone else Outcome("skip", "no_phone")
        if appointment.checked_in_at is not None or appointment.status == "confirmed":
            return Outcome("attended")
        if appointment.status in ("pending", "scheduled"):
            return Outcome("no_show", "stale" if stale else "")
        return Outcome("drop", appointment.status)
    if appointment.status not in ACTIVE:
        return Outcome("drop", appointment.status)
    if appointment.start_at - now < MIN_LEAD:
        return Outcome("skip", "too_late")
    if reminder.kind != MANUAL and reminder.due_at < latest_due:
        return Outcome("skip", "superseded")
    if not appointment.phone:
        return Outcome("skip", "no_phone")
    return Outcome("send")


def due_query(now: datetime, limit: int) -> Any:
    """The claim: pending reminders due by `now` (domain/due.py). Answered from the partial
    index ix_reminders_due."""
    return due.due_query(_reminders, now, limit)


@dataclass
class Dispatched:
    """One batch: the messages written (to deliver once committed) and what became of each
    claimed reminder."""

    claimed: int = 0
    messages: list[tuple[int, int]] = field(default_factory=list)  # (company, message) to send
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    sent_kinds: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    no_shows: int = 0

    def merge(self, part: Dispatched) -> None:
        self.messages += part.messages
        for key, count in part.counts.items():
            self.counts[key] += count
        for kind, count in part.sent_kinds.items():
            self.sent_kinds[kind] += count
        self.no_shows += part.no_shows

    def count(self) -> None:
        """Count what was sent in the metrics: by the caller, once its transaction committed."""
        for kind, count in self.sent_kinds.items():
            metrics.inc(REMINDERS_SENT, count, type=kind)
        if self.no_shows:
            attendance.count_no_shows(self.no_shows)


class Dispatcher:
    def __init__(self, companies: Any, settings: Settings) -> None:
        self._companies = companies
        self._settings = settings

    async def run(
        self, conn: AsyncConnection, now: datetime, limit: int, only: list[int] | None = None
    ) -> Dispatched:
        """Claim up to `limit` due reminders (or just `only`) and settle them in the caller's
        transaction; the caller queues `messages` and calls `count()` once it has committed."""
        done = Dispatched()
        query = due_query(now, limit)
        if only is not None:
            query = query.where(_reminders.c.id.in_(only))
        claimed = list(await conn.execute(query))
        done.claimed = len(claimed)

        async def work(company_id: int, reminders: list[Any]) -> None:
            part = Dispatched()
            await self._company(conn, company_id, reminders, now, part)
            done.merge(part)  # only once its savepoint held

        async def failed(company_id: int, reminders: list[Any]) -> None:
            await _settle(conn, [r.id for r in reminders], "skipped", now, "error")
            done.counts["error"] += len(reminders)

        await due.each_company(conn, claimed, work, failed, "reminders_failed")
        return done

    async def _company(
        self,
        conn: AsyncConnection,
        company_id: int,
        reminders: list[Any],
        now: datetime,
        done: Dispatched,
    ) -> None:
        company = await self._companies.profile(company_id)
        if company is None:
            await _settle(conn, [r.id for r in reminders], "dropped", now, "company_gone")
            done.counts["dropped"] += len(reminders)
            return
        tenant = await bind_tenant(conn, company_id)
        ids = {r.appointment_id for r in reminders}
        appointments = {
            row.id: row
            for row in await tenant.execute(
                select(_appointments).where(_appointments.c.id.in_(ids))
            )
        }
        latest = await _latest_due(conn, company_id, ids, now)
        configured = whaticket_config(company, self._settings).configured
        settled: dict[tuple[str, str], list[int]] = defaultdict(list)
        sends: list[tuple[Any, Any, str]] = []  # (reminder, appointment, body)
        for r in reminders:
            appointment: Any = appointments.get(r.appointment_id)
            outcome = decide(r, appointment, now, latest.get(r.appointment_id, r.due_at))
            if outcome.action in ("drop", "skip"):
                settled[
                    "dropped" if outcome.action == "drop" else "skipped", outcome.reason
                ].append(r.id)
                continue
            if outcome.action == "attended":
                await attendance.attended(tenant, appointment, now)
                settled["skipped", "attended"].append(r.id)
                done.counts["attended"] += 1
                continue
            if outcome.action == "no_show":
                if not await attendance.missed(tenant, appointment.id):
                    settled["skipped", "changed"].append(r.id)  # checked in meanwhile
                    continue
                done.no_shows += 1
                if outcome.reason or not appointment.phone:
                    settled["skipped", outcome.reason or "no_phone"].append(r.id)
                    continue
            if r.kind == NO_SHOW:
                sends.append((r, appointment, no_show_text(appointment, company)))
            else:
                sends.append((r, appointment, reminder_text(appointment, company, now)))
        for (state, reason), settled_ids in settled.items():
            await _settle(conn, settled_ids, state, now, reason)
            if reason != "attended":
                done.counts[state] += len(settled_ids)
        await self._send(conn, tenant, company_id, sends, configured, now, done)

    async def _send(
        self,
        conn: AsyncConnection,
        tenant: AsyncConnection,
        company_id: int,
        sends: list[tuple[Any, Any, str]],
        whaticket_configured: bool,
        now: datetime,
        done: Dispatched,
    ) -> None:
        """The messages of a batch in a few statements (10,000 reminders due in the same
        minute must not cost 60,000 round trips)."""
        if not sends:
            return
        # Per message, as for replies: a simulator "customer" (who may have booked from the
        # panel's simulator) is never sent anything; without Whaticket it waits in the outbox.
        statuses = [first_status(whaticket_configured, a.phone) for _, a, _ in sends]
        message_ids = await insert_outbound_many(
            tenant,
            [
                Outbound(a.phone, a.name, body, status, "reminder", f"reminder-{r.id}")
                for (r, a, body), status in zip(sends, statuses, strict=True)
            ],
            now,
        )
        await conn.execute(
            update(_reminders)
            .where(_reminders.c.id == bindparam("rid"))
            .values(status="sent", message_id=bindparam("mid"), done_at=now),
            [{"rid": r.id, "mid": m} for (r, _, _), m in zip(sends, message_ids, strict=True)],
        )
        reminded = [a.id for r, a, _ in sends if r.kind != NO_SHOW]
        if reminded:
            await tenant.execute(
                update(_appointments)
                .where(_appointments.c.id.in_(reminded))
                .values(reminded_at=now)
            )
        for r, _, _ in sends:
            if r.kind != NO_SHOW:
                done.sent_kinds[r.kind] += 1
        done.counts["sent"] += len(sends)
        done.messages += [
            (company_id, m)
            for m, status in zip(message_ids, statuses, strict=True)
            if status == "pending"
        ]


async def _latest_due(
    conn: AsyncConnection, company_id: int, appointment_ids: set[int], now: datetime
) -> dict[int, datetime]:
    """Per appointment, the latest scheduled reminder already due, wherever it was claimed
    (another scheduler's batch may hold the 1 h one while this one holds the 24 h one)."""
    rows = await conn.execute(
        select(_reminders.c.appointment_id, func.max(_reminders.c.due_at))
        .where(
            _reminders.c.company_id == company_id,
            _reminders.c.appointment_id.in_(appointment_ids),
            _reminders.c.kind.not_in((MANUAL, NO_SHOW)),
            _reminders.c.due_at <= now,
            _reminders.c.status.in_(("pending", "sent")),
        )
        .group_by(_reminders.c.appointment_id)
    )
    return {int(row[0]): row[1] for row in rows}


async def _settle(
    conn: AsyncConnection, ids: list[int], status: str, now: datetime, reason: str
) -> None:
    await due.settle(conn, _reminders, ids, status, now, reason)


async def send_now(
    conn: AsyncConnection, companies: Any, settings: Settings, company_id: int, appointment_id: int
) -> tuple[Any, Dispatched]:
    """ "Enviar lembrete agora" (panel and API): a manual reminder, settled at once in the
    caller's transaction by the same dispatcher as the scheduled ones. (the appointment, what
    the dispatch did); the caller queues `messages` and counts once committed. Raises NotFound,
    or Conflict when it is not sendable now (the caller's rollback then undoes the row)."""
    now = datetime.now(UTC)
    appointment = await store.by_id(await bind_tenant(conn, company_id), appointment_id)
    if appointment is None:
        raise NotFound("no such appointment")
    reminder_id = await manual(conn, company_id, appointment, now)
    # Not yet committed, so no scheduler can claim it first: this dispatch settles it.
    done = await Dispatcher(companies, settings).run(conn, now, 1, only=[reminder_id])
    if not done.sent_kinds:
        raise Conflict("too close to the start for a reminder", code="reminder_too_close")
    return appointment, done
