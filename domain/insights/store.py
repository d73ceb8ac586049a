"""Query functions of the no-show risk (tenant schema): the history the model reads, its
versions, and the scores. The caller owns the transaction."""

from __future__ import annotations

import pickle
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.agenda.models import Appointment
from domain.insights.features import Visit
from domain.insights.model import FittedModel, Trained
from domain.insights.models import AppointmentRisk, RiskModel

_appointments = cast(Table, Appointment.__table__)
_models = cast(Table, RiskModel.__table__)
_risks = cast(Table, AppointmentRisk.__table__)
# pg_advisory_xact_lock's first key: "no-show risk" (issue 18), the second the company.
LOCK_SPACE = 18


async def lock(conn: AsyncConnection, company_id: int) -> None:
    """Serialise the company's retraining (the nightly job and a click): the second waits,
    then finds the history already learned."""
    await conn.execute(
        text("SELECT pg_advisory_xact_lock(:space, :company)"),
        {"space": LOCK_SPACE, "company": company_id},
    )


async def visits(conn: AsyncConnection) -> list[Visit]:
    """Every real appointment (not the Simulador's), live and imported alike."""
    a = _appointments.c
    rows = await conn.execute(
        select(
            a.id,
            a.phone,
            a.start_at,
            a.created_at,
            a.status,
            a.service,
            a.professional,
            a.title,
            a.confirmed_at,
            a.reminded_at,
            a.rescheduled_from_uid,
        ).where(a.simulated.is_(False), a.phone.is_not(None))
    )
    return [
        Visit(
            id=row.id,
            phone=row.phone,
            start=row.start_at,
            booked=row.created_at,
            status=row.status,
            # A Cal.com booking names its event type in the title: the service, near enough.
            service=row.service or row.title,
            professional=row.professional,
            confirmed=row.confirmed_at is not None,
            reminded=row.reminded_at is not None,
            moved=row.rescheduled_from_uid is not None,
        )
        for row in rows
    ]


async def latest_model(conn: AsyncConnection) -> Any | None:
    """The newest trained model's row (the one in use), if any."""
    query = select(_models).order_by(_models.c.id.desc()).limit(1)
    return (await conn.execute(query)).first()


def loaded(row: Any) -> FittedModel:
    # Our own training wrote this blob (never a request): unpickling it is safe.
    return cast(FittedModel, pickle.loads(row.blob))


async def add_model(conn: AsyncConnection, trained: Trained, fingerprint: str) -> None:
    await conn.execute(
        insert(_models).values(
            version=trained.model.version,
            algorithm=trained.model.algorithm,
            fingerprint=fingerprint,
            training_size=trained.training_size,
            no_shows=trained.no_shows,
            evaluation=trained.evaluation.as_json(),
            blob=pickle.dumps(trained.model, protocol=pickle.HIGHEST_PROTOCOL),
        )
    )


async def save_risks(
    conn: AsyncConnection,
    scores: Sequence[tuple[int, float, list[dict[str, Any]]]],
    version: str,
    now: datetime,
) -> None:
    """Each appointment's latest risk (appointment id, risk, reasons) by model `version`."""
    if not scores:
        return
    statement = insert(_risks).values(
        [
            {
                "appointment_id": i,
                "risk": risk,
                "reasons": reasons,
                "model_version": version,
                "scored_at": now,
            }
            for i, risk, reasons in scores
        ]
    )
    changes = {k: statement.excluded[k] for k in ("risk", "reasons", "model_version", "scored_at")}
    await conn.execute(
        statement.on_conflict_do_update(index_elements=[_risks.c.appointment_id], set_=changes)
    )


async def risks_of(conn: AsyncConnection, ids: Sequence[int]) -> dict[int, Any]:
    """The stored risk rows of these appointments, by appointment id."""
    if not ids:
        return {}
    rows = await conn.execute(select(_risks).where(_risks.c.appointment_id.in_(list(ids))))
    return {row.appointment_id: row for row in rows}
