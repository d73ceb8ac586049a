"""The no-show cron jobs (issue 18): the nightly retrain learns each company's history once
and scores its upcoming appointments; the hourly run scores new bookings with the model
already trained; a company without enough history is scored by the published prior."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine

from bench.no_shows import as_import, history
from domain.db import bind_tenant
from domain.insights.history_import import import_history
from domain.insights.models import AppointmentRisk, RiskModel
from domain.settings import Settings
from tasks import worker
from tasks.insights import retrain_no_show_models, score_upcoming
from tests.support import factories
from tests.support.factories import Cast
from tests.support.jobs import job_context
from tests.support.reads import count, rows


async def test_nightly_retrain_is_idempotent_and_the_hourly_run_scores_new_bookings(
    engine: AsyncEngine, settings: Settings, cast: Cast
) -> None:
    a, b = cast.a.company.id, cast.b.company.id
    async with engine.begin() as conn:
        await import_history(
            await bind_tenant(conn, a),
            list(enumerate(as_import(history(customers=150, seed=5)), 1)),
            ZoneInfo("America/Sao_Paulo"),
            datetime.now(UTC),
            "test",
        )
    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    await factories.appointment(engine, a, soon, cal_uid="local-n-1")
    await factories.appointment(engine, b, soon, cal_uid="local-n-2")
    ctx = job_context(engine, settings)

    assert await retrain_no_show_models(ctx) == {"trained": 1, "scored": 2}
    assert await retrain_no_show_models(ctx) == {"trained": 0, "scored": 2}
    assert await count(engine, RiskModel, tenant=a) == 1
    assert await count(engine, RiskModel, tenant=b) == 0
    (learned,) = await rows(engine, AppointmentRisk.model_version, tenant=a)
    (prior,) = await rows(engine, AppointmentRisk.model_version, tenant=b)
    assert learned[0].startswith("lr-") and prior[0] == "prior-published-1"

    later = await factories.appointment(engine, a, soon + timedelta(hours=2), cal_uid="local-n-3")
    assert await score_upcoming(ctx) == {"trained": 0, "scored": 3}
    versions = await rows(
        engine, AppointmentRisk.appointment_id, AppointmentRisk.model_version, tenant=a
    )
    assert (later, learned[0]) in [tuple(v) for v in versions]


def test_the_scheduler_runs_the_retrain_nightly_and_the_scoring_hourly(settings: Settings) -> None:
    jobs = worker.scheduler_settings(settings)["cron_jobs"]
    crons = {job.function.__name__: job.cron for job in jobs}
    assert crons["retrain_no_show_models"] == "30 3 * * *"
    assert crons["score_upcoming"] == "7 * * * *"
