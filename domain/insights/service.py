"""Keeping the no-show risk of every upcoming appointment fresh (issue 18, item 2): retrain
the company's model when its labelled history changed, then score its upcoming appointments
with their top reasons. Run by the nightly job, hourly without retraining (new bookings get
a risk within the hour), and on demand (POST /api/agenda/insights/retrain).

Idempotent: the same labelled history trains nothing new (its fingerprint is the model's),
and two runs of one company at once take turns on an advisory lock. The CPU-bound steps
(fingerprint, training, scoring) run in a thread, off the event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import sklearn
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.agenda.models import ACTIVE
from domain.insights import model, store
from domain.insights.features import Visit, featurize
from domain.insights.prior import PRIOR
from domain.observability.logging import get_logger

log = get_logger(__name__)


@dataclass(frozen=True)
class Refreshed:
    model_version: str
    algorithm: str
    trained: bool  # a new model was trained now
    training_size: int
    scored: int
    evaluation: dict[str, Any] | None

    def as_json(self) -> dict[str, Any]:
        return {
            "model_version": self.model_version,
            "algorithm": self.algorithm,
            "trained": self.trained,
            "training_size": self.training_size,
            "scored": self.scored,
            "evaluation": self.evaluation,
        }


async def refresh(
    conn: AsyncConnection,
    company_id: int,
    zone: ZoneInfo,
    now: datetime,
    *,
    retrain: bool = True,
) -> Refreshed:
    """Retrain if `retrain` and the history changed, then score the upcoming appointments;
    `conn` is bound to the company's schema, in the caller's transaction."""
    await store.lock(conn, company_id)
    history = await store.visits(conn)
    latest = await store.latest_model(conn)
    fingerprint = await asyncio.to_thread(_fingerprint, history, now)
    scorer: model.Scorer = PRIOR
    trained = False
    size, evaluation = 0, None
    if latest is not None and (latest.fingerprint == fingerprint or not retrain):
        scorer, size, evaluation = store.loaded(latest), latest.training_size, latest.evaluation
    elif retrain:
        stamp = now.strftime("%Y%m%dT%H%M%S")
        result = await asyncio.to_thread(model.train, history, zone, now, stamp)
        if result is not None:
            await store.add_model(conn, result, fingerprint)
            scorer, trained = result.model, True
            size, evaluation = result.training_size, result.evaluation.as_json()
            log.info("no_show_model_trained", version=scorer.version, size=size)
    upcoming = [v for v in history if v.start > now and v.status in ACTIVE]
    scores = await asyncio.to_thread(_scores, scorer, history, upcoming, zone)
    await store.save_risks(conn, scores, scorer.version, now)
    return Refreshed(scorer.version, scorer.algorithm, trained, size, len(scores), evaluation)


def _fingerprint(history: Sequence[Visit], now: datetime) -> str:
    # A new scikit-learn may not read the old pickle: it retrains instead.
    return f"{sklearn.__version__}:{model.fingerprint(history, now)}"


def _scores(
    scorer: model.Scorer, history: Sequence[Visit], upcoming: Sequence[Visit], zone: ZoneInfo
) -> list[tuple[int, float, list[dict[str, Any]]]]:
    if not upcoming:
        return []
    rows = featurize(history, zone)
    at = {id(v): i for i, v in enumerate(history)}
    chosen = [rows[at[id(v)]] for v in upcoming]
    explained = model.explain(scorer, upcoming, chosen, zone)
    return [
        (int(v.id or 0), risk, reasons)
        for v, (risk, reasons) in zip(upcoming, explained, strict=True)
    ]
