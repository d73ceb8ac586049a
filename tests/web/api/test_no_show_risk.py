"""The no-show risk through the API (issue 18, item 2): an imported history trains the
company's model on demand (POST /api/agenda/insights/retrain, a company admin's), a second
retrain over the same history trains nothing, and GET /api/agenda/appointments shows each
upcoming appointment's risk and reasons; before enough history, the published prior."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.no_shows import as_import, history
from domain.insights.models import RiskModel
from tests.support import factories
from tests.support.api import bearer
from tests.support.factories import Cast
from tests.support.reads import count


async def _upcoming(engine: AsyncEngine, company_id: int) -> datetime:
    soon = (datetime.now(UTC) + timedelta(days=2)).replace(hour=13, minute=0, microsecond=0)
    # Two newcomers: one booked 25 days ahead, one today for two days later.
    await factories.appointment(
        engine,
        company_id,
        soon,
        cal_uid="local-risk-1",
        phone="5511977770001",
        created_at=soon - timedelta(days=25),
    )
    await factories.appointment(
        engine,
        company_id,
        soon + timedelta(hours=1),
        cal_uid="local-risk-2",
        phone="5511988880000",
        created_at=datetime.now(UTC),
    )
    return soon


async def test_retrain_learns_the_imported_history_once_and_the_agenda_shows_risks(
    client: Any, engine: AsyncEngine, cast: Cast
) -> None:
    a = cast.a.company.id
    owner = await bearer(client, cast.owner, cast.password)
    body = orjson.dumps({"appointments": as_import(history(customers=150, seed=5))})
    imported = await client.post(
        "/api/agenda/import", data=body, headers=owner | {"Content-Type": "application/json"}
    )
    assert (await imported.get_json())["rejected"] == []
    soon = await _upcoming(engine, a)

    first = await (await client.post("/api/agenda/insights/retrain", headers=owner)).get_json()
    assert first["trained"] is True and first["model_version"].startswith("lr-")
    assert first["algorithm"] == "logistic" and first["scored"] == 2
    assert first["training_size"] > 500 and 0.5 < first["evaluation"]["auc"] <= 1
    again = await (await client.post("/api/agenda/insights/retrain", headers=owner)).get_json()
    assert (again["trained"], again["model_version"]) == (False, first["model_version"])
    assert await count(engine, RiskModel, tenant=a) == 1

    day = soon.date().isoformat()
    listed = await (
        await client.get(f"/api/agenda/appointments?from={day}&to={day}", headers=owner)
    ).get_json()
    far, near = listed["appointments"]
    assert 0 < near["risk"] < far["risk"] < 1
    assert far["risk_reasons"][0]["factor"] == "lead"
    assert far["risk_reasons"][0]["text"] == "marcado com 25 dias de antecedência"


async def test_before_enough_history_the_prior_scores_and_only_admins_retrain(
    client: Any, engine: AsyncEngine, cast: Cast
) -> None:
    a = cast.a.company.id
    soon = await _upcoming(engine, a)
    member = await bearer(client, cast.member, cast.password)
    assert (await client.post("/api/agenda/insights/retrain", headers=member)).status_code == 403
    outsider = await bearer(client, cast.outsider, cast.password)
    foreign = await client.post(f"/api/agenda/insights/retrain?company_id={a}", headers=outsider)
    assert foreign.status_code == 403
    owner = await bearer(client, cast.owner, cast.password)
    done = await (await client.post("/api/agenda/insights/retrain", headers=owner)).get_json()
    assert done == {
        "model_version": "prior-published-1",
        "algorithm": "prior",
        "trained": False,
        "training_size": 0,
        "scored": 2,
        "evaluation": None,
    }
    day = soon.date().isoformat()
    listed = await (
        await client.get(f"/api/agenda/appointments?from={day}&to={day}", headers=member)
    ).get_json()
    risks = [x["risk"] for x in listed["appointments"]]
    # Newcomers: 25 days ahead, the published ~30 % (raised for a first visit); 2 days
    # ahead, ~12 % raised likewise.
    assert 0.3 < risks[0] < 0.4 and 0.12 < risks[1] < 0.18
