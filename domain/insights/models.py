"""No-show risk (issue 18, G6) in the tenant schema: the models trained on the company's own
history, and the latest risk of each appointment with the model that gave it and why."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Float, ForeignKey, Identity, Integer, LargeBinary, String, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import TenantBase


class RiskModel(TenantBase):
    """One training run of the company's no-show model; the newest row is the one in use.

    `fingerprint` names the labelled history it learned from, so a retrain over the same
    history (the nightly job and a click on "retreinar" the same night) trains nothing.
    `blob` is the fitted scikit-learn model, pickled: it is only ever written by our own
    training and read by our own scoring, never taken from a request.
    """

    __tablename__ = "risk_models"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    version: Mapped[str] = mapped_column(String(60), unique=True)
    algorithm: Mapped[str] = mapped_column(String(40))  # logistic | gradient_boosting
    fingerprint: Mapped[str] = mapped_column(String(120))
    training_size: Mapped[int] = mapped_column(Integer)
    no_shows: Mapped[int] = mapped_column(Integer)
    # AUC, PR-AUC, Brier and the calibration table on the newest fifth of the history
    # (a time-based split), for the Insights tab.
    evaluation: Mapped[dict[str, Any]] = mapped_column(JSONB)
    blob: Mapped[bytes] = mapped_column(LargeBinary)
    trained_at: Mapped[datetime] = mapped_column(server_default=func.now())


class AppointmentRisk(TenantBase):
    """The latest no-show risk of a future appointment: 0-1, the model version that gave it
    ("prior-…" before the company has enough history) and its top reasons."""

    __tablename__ = "appointment_risks"

    appointment_id: Mapped[int] = mapped_column(
        ForeignKey("appointments.id", ondelete="CASCADE"), primary_key=True
    )
    risk: Mapped[float] = mapped_column(Float)
    # [{"factor": "lead", "text": "marcado com 21 dias de antecedência", "weight": 0.08}, …]
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    model_version: Mapped[str] = mapped_column(String(60))
    scored_at: Mapped[datetime] = mapped_column(server_default=func.now())
