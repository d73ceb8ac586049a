"""The follow-up after an appointment (G7): planned, claimed and sent exactly once.

Planning writes one row in `public.followups` when an appointment is booked or moved (from
`domain/agenda/reminders.plan`, which every booking path calls), due at its end and keyed by
appointment and start, so planning twice is a no-op. The dispatcher claims due rows with one
query on a partial index (`status = 'pending'`, by due time) under `FOR UPDATE SKIP LOCKED`,
so two schedulers never claim the same row; each row is judged against its appointment as it
is now and either waits (the company's delay, its quiet hours), is dropped (cancelled, moved,
missed, switched off) or becomes one outbound message in the same transaction.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, case, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from domain import due
from domain.agenda import reminders as agenda_reminders
from domain.agenda.models import Appointment
from domain.conversations.outbox import Outbound, insert_outbound_many
from domain.db import bind_tenant
from domain.errors import Conflict, NotFound
from domain.feedback.models import Followup
from domain.feedback.policy import FollowupPolicy, next_allowed, nps_turn, policy_for
from domain.feedback.wording import followup_text, resend_text
from domain.observability.metrics import FOLLOWUPS_SENT, metrics
from domain.secretary.config import whaticket_config
from domain.secretary.replies import first_status
from domain.settings import Settings

_followups = cast(Table, Followup.__table__)
_appointments = cast(Table, Appointment.__table__)

# A follow-up this late is no longer about the visit (the scheduler was down): skipped.
STALE = timedelta(days=1)
# Answers count this long after the question went out (or was sent again).
ANSWER_WINDOW = timedelta(days=7)
# What happened: checked in, or confirmed and over (the no-show check or Cal.com's
# MEETING_ENDED then marks it completed).
HAPPENED = ("completed", "confirmed")
# Not known to have happened (yet): a check-in or Cal.com's MEETING_ENDED may still come,
# and then a follow-up dropped for one of these reasons is brought back (`revive`).
UNSETTLED = ("pending", "scheduled")
NOT_HAPPENED = (*UNSETTLED, "no_show", "unknown")
SOURCE = "followup"


def _key(appointment_id: int, starts: datetime) -> str:
    # The instant, not its text: the same start read in any zone gives the same key.
    return f"followup:{appointment_id}:{int(starts.timestamp())}"


async def plan(
    conn: AsyncConnection,
    company_id: int,
    appointment_id: int,
    start_at: datetime,
    end_at: datetime,
    now: datetime,
) -> None:
    """The follow-up of the appointment at this start, due at its end (the company's delay
    and quiet hours are applied when it comes due, so a changed setting counts)."""
    if end_at + STALE < now:
        return  # a visit typed in days later: too late to ask how it went
    row = {
        "company_id": company_id,
        "appointment_id": appointment_id,
        "key": _key(appointment_id, start_at),
        "starts_at": start_at,
        "due_at": end_at,
    }
    await conn.execute(
        insert(_followups)
        .values(row)
        .on_conflict_do_nothing(index_elements=[_followups.c.company_id, _followups.c.key])
    )


async def hold(conn: AsyncConnection, company_id: int, appointment_id: int) -> None:
    """Lock the appointment's follow-ups before changing its attendance (the dispatcher's
    order: follow-up, then appointment): a batch judging it now finishes first, or skips it
    until this commits, so a check-in never races a drop it would have to undo."""
    await conn.execute(
        select(_followups.c.id)
        .where(
            _followups.c.company_id == company_id,
            _followups.c.appointment_id == appointment_id,
        )
        .with_for_update()
    )


async def revive(
    conn: AsyncConnection, company_id: int, appointment_id: int, start_at: datetime, now: datetime
) -> bool:
    """The appointment turned out to have happened (a late check-in, a no-show corrected to
    "Chegou", MEETING_ENDED after a confirmation) after its follow-up was dropped as not
    happened: it is pending again, due now (the dispatcher still applies the delay after the
    end and the quiet hours); one still waiting for the no-show grace to pass is due now too.
    One that was sent stays sent, so a customer is asked once. Call `hold` before changing
    the appointment."""
    revived = await conn.execute(
        update(_followups)
        .where(
            _followups.c.company_id == company_id,
            _followups.c.appointment_id == appointment_id,
            _followups.c.starts_at == start_at,
            or_(
                and_(_followups.c.status == "dropped", _followups.c.reason.in_(NOT_HAPPENED)),
                # Still waiting for the no-show grace to pass: it happened, no need to wait.
                _followups.c.status == "pending",
            ),
        )
        .values(
            status="pending",
            reason=None,
            done_at=None,
            due_at=case(
                (_followups.c.status == "dropped", now),
                else_=func.least(_followups.c.due_at, now),
            ),
        )
        .returning(_followups.c.id)
    )
    return revived.first() is not None


@dataclass(frozen=True)
class Outcome:
    action: str  # send | wait | drop | skip
    reason: str = ""
    at: datetime | None = None  # for wait: when to look again


def decide(
    followup: Any,
    appointment: Any | None,
    policy: FollowupPolicy,
    now: datetime,
    grace: timedelta = timedelta(0),
) -> Outcome:
    """What a due follow-up becomes, given its appointment as it is now. `grace`: the
    company's no-show grace, how long after the end a late check-in is still expected."""
    if appointment is None:
        return Outcome("drop", "gone")
    if appointment.start_at != followup.starts_at:
        return Outcome("drop", "moved")
    if appointment.simulated:
        return Outcome("drop", "simulated")
    if not policy.enabled:
        return Outcome("drop", "disabled")
    happened = appointment.checked_in_at is not None or appointment.status in HAPPENED
    if not happened and appointment.status in UNSETTLED:
        # The customer may still be checked in (late, or by an operator catching up) until
        # the no-show check at the end plus the grace: wait for it rather than drop.
        settled = appointment.end_at + grace
        if now < settled:
            return Outcome("wait", "attendance", settled)
    if not happened:
        # Cancelled, moved, a no-show, or never confirmed nor checked in: nothing to ask.
        return Outcome(
            "drop", appointment.status if appointment.status != "scheduled" else "unknown"
        )
    earliest = next_allowed(appointment.end_at + policy.delay, policy)
    if now - earliest > STALE:
        return Outcome("skip", "stale")
    when = next_allowed(max(earliest, followup.due_at, now), policy)
    if when > now:
        return Outcome("wait", "quiet_hours" if when > earliest else "delay", when)
    if not appointment.phone:
        return Outcome("skip", "no_phone")
    return Outcome("send")


@dataclass
class Sent:
    """One batch: the messages written (to deliver once committed) and what became of each
    claimed follow-up."""

    claimed: int = 0
    messages: list[tuple[int, int]] = field(default_factory=list)  # (company, message)
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    kinds: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def count(self) -> None:
        """Count what was sent in the metrics: by the caller, once its transaction committed."""
        for kind, sent in self.kinds.items():
            metrics.inc(FOLLOWUPS_SENT, sent, kind=kind)


class FollowupDispatcher:
    def __init__(self, companies: Any, settings: Settings) -> None:
        self._companies = companies
        self._settings = settings

    async def run(self, conn: AsyncConnection, now: datetime, limit: int) -> Sent:
        """Claim up to `limit` due follow-ups and settle them in the caller's transaction; the
        caller queues `messages` and calls `count()` once it has committed."""
        done = Sent()
        # Answered from the partial index ix_followups_due.
        claimed = list(await conn.execute(due.due_query(_followups, now, limit)))
        done.claimed = len(claimed)

        async def work(company_id: int, rows: list[Any]) -> None:
            await self._company(conn, company_id, rows, now, done)

        async def failed(company_id: int, rows: list[Any]) -> None:
            await due.settle(conn, _followups, [r.id for r in rows], "skipped", now, "error")
            done.counts["error"] += len(rows)

        await due.each_company(conn, claimed, work, failed, "followups_failed")
        return done

    async def _company(
        self, conn: AsyncConnection, company_id: int, rows: list[Any], now: datetime, done: Sent
    ) -> None:
        company = await self._companies.profile(company_id)
        if company is None:
            await due.settle(conn, _followups, [r.id for r in rows], "dropped", now, "company_gone")
            done.counts["dropped"] += len(rows)
            return
        policy = policy_for(company, self._settings)
        grace = agenda_reminders.policy_for(company, self._settings).no_show_grace
        tenant = await bind_tenant(conn, company_id)
        ids = {r.appointment_id for r in rows}
        query = select(_appointments).where(_appointments.c.id.in_(ids))
        appointments = {a.id: a for a in await tenant.execute(query)}
        sends: list[tuple[Any, Any]] = []
        for row in rows:
            outcome = decide(row, appointments.get(row.appointment_id), policy, now, grace)
            if outcome.action == "send":
                sends.append((row, appointments[row.appointment_id]))
            elif outcome.action == "wait":
                await conn.execute(
                    update(_followups).where(_followups.c.id == row.id).values(due_at=outcome.at)
                )
                done.counts["waiting"] += 1
            else:
                state = "dropped" if outcome.action == "drop" else "skipped"
                await due.settle(conn, _followups, [row.id], state, now, outcome.reason)
                done.counts[state] += 1
        if sends:
            configured = whaticket_config(company, self._settings).configured
            await _send(conn, tenant, company, policy, sends, configured, now, done)


async def _send(
    conn: AsyncConnection,
    tenant: AsyncConnection,
    company: Any,
    policy: FollowupPolicy,
    sends: list[tuple[Any, Any]],
    whaticket_configured: bool,
    now: datetime,
    done: Sent,
) -> None:
    """The batch's messages in a few statements; every Nth of the company's asks NPS."""
    before = int(
        await conn.scalar(
            select(func.count())
            .select_from(_followups)
            .where(_followups.c.company_id == company.id, _followups.c.status == "sent")
        )
        or 0
    )
    kinds = ["nps" if nps_turn(before + n, policy.nps_every) else "csat" for n in range(len(sends))]
    statuses = [first_status(whaticket_configured, a.phone) for _, a in sends]
    message_ids = await insert_outbound_many(
        tenant,
        [
            Outbound(
                a.phone,
                a.name,
                followup_text(policy, company.name, a, kind),
                status,
                SOURCE,
                f"followup-{f.id}",
            )
            for (f, a), kind, status in zip(sends, kinds, statuses, strict=True)
        ],
        now,
    )
    await conn.execute(
        update(_followups)
        .where(_followups.c.id == bindparam("fid"))
        .values(
            status="sent",
            stage="score",
            kind=bindparam("k"),
            message_id=bindparam("mid"),
            sent_at=now,
            done_at=now,
        ),
        [
            {"fid": f.id, "k": kind, "mid": m}
            for (f, _), kind, m in zip(sends, kinds, message_ids, strict=True)
        ],
    )
    for kind in kinds:
        done.kinds[kind] += 1
    done.counts["sent"] += len(sends)
    done.messages += [
        (company.id, m)
        for m, status in zip(message_ids, statuses, strict=True)
        if status == "pending"
    ]


async def resend(
    conn: AsyncConnection, company: Any, settings: Settings, followup_id: int, now: datetime
) -> tuple[int, str]:
    """ "Reenviar follow-up": the question again to a customer who has not answered, once.
    (message id, its first status); the caller queues it once committed. NotFound, or
    Conflict when it was answered, already sent again, or its window closed."""
    row = (
        await conn.execute(
            select(_followups)
            .where(_followups.c.id == followup_id, _followups.c.company_id == company.id)
            .with_for_update()
        )
    ).first()
    if row is None or row.status != "sent":
        raise NotFound("no such follow-up")
    if row.answered_at is not None:
        raise Conflict("the customer already answered", code="followup_answered")
    if row.resent_at is not None:
        raise Conflict("this follow-up was already sent again", code="followup_resent")
    if row.sent_at < now - ANSWER_WINDOW:
        raise Conflict("the answer window has closed", code="followup_closed")
    tenant = await bind_tenant(conn, company.id)
    query = select(_appointments).where(_appointments.c.id == row.appointment_id)
    appointment = (await tenant.execute(query)).first()
    if appointment is None or not appointment.phone:
        raise Conflict("the appointment is gone", code="followup_gone")
    status = first_status(whaticket_config(company, settings).configured, appointment.phone)
    body = resend_text(company.name, appointment, row.kind or "csat")
    outbound = Outbound(
        appointment.phone, appointment.name, body, status, SOURCE, f"followup-{row.id}-again"
    )
    [message_id] = await insert_outbound_many(tenant, [outbound], now)
    await conn.execute(update(_followups).where(_followups.c.id == row.id).values(resent_at=now))
    return message_id, status
