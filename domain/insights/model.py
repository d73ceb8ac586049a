"""The no-show model (issue 18, item 2): trained per company on its own labelled history,
calibrated, deterministic (fixed random_state, unshuffled folds). CPU-bound: callers run
`train` and `score` in a thread (asyncio.to_thread), never on the event loop.

- fewer than MIN_LABELLED labelled appointments (or fewer than MIN_EACH of either outcome):
  no model of its own; the published prior (prior.py) scores its appointments;
- up to BOOSTING_FROM: logistic regression, calibrated with Platt's sigmoid (3 folds): few
  parameters, stable on a few hundred rows;
- from BOOSTING_FROM: gradient boosting (histogram trees), calibrated isotonically (3 folds),
  which can catch interactions (a long lead time mattering more for a first visit) once
  there is enough history to learn them, but only where it beats the logistic regression on
  the company's newest appointments (a lower Brier score on the holdout): on mostly additive
  effects (the synthetic history of bench/no_shows.py) it does not, and the simpler model
  stays.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from domain.insights.evaluation import Evaluation, evaluate
from domain.insights.features import (
    FACTORS,
    Features,
    Visit,
    featurize,
    label,
    reason_text,
)

MIN_LABELLED = 200
MIN_EACH = 20
BOOSTING_FROM = 3000
MAX_TRAINING = 60_000  # the newest labelled appointments a training reads (bounded CPU)
HOLDOUT = 0.2  # the newest fifth: the time-based split the evaluation is measured on
RARE = 10  # a service or professional seen fewer times is "other"
CATEGORIES = ("service", "professional")
SHORT = {"logistic": "lr", "gradient_boosting": "gb"}
TOP_REASONS = 3
MIN_WEIGHT = 0.01  # a reason must move the risk by at least a point


class Scorer(Protocol):
    """Anything that turns features into calibrated no-show probabilities."""

    version: str
    algorithm: str
    typical: Features

    def risks(self, rows: Sequence[Features]) -> np.ndarray: ...


@dataclass
class FittedModel:
    """A company's trained model, pickled into risk_models.blob."""

    version: str
    algorithm: str
    pipeline: Pipeline
    common: dict[str, set[str]]  # the service / professional values it learned
    typical: Features  # the typical appointment: each reason is a distance from it

    def risks(self, rows: Sequence[Features]) -> np.ndarray:
        prepared = [_fold_rare(row, self.common) for row in rows]
        return np.asarray(self.pipeline.predict_proba(prepared)[:, 1], dtype=float)


@dataclass(frozen=True)
class Trained:
    model: FittedModel
    evaluation: Evaluation
    training_size: int
    no_shows: int


def labelled(visits: Sequence[Visit], now: datetime) -> list[int]:
    """Indexes of the visits with a known outcome, oldest first, at most MAX_TRAINING."""
    known = [i for i, v in enumerate(visits) if label(v) is not None and v.start < now]
    known.sort(key=lambda i: visits[i].start)
    return known[-MAX_TRAINING:]


def fingerprint(visits: Sequence[Visit], now: datetime) -> str:
    """Names the labelled history: the same history, the same fingerprint (no retraining)."""
    digest = hashlib.sha256()
    for i in labelled(visits, now):
        v = visits[i]
        digest.update(f"{v.id}|{v.status}|{v.start.isoformat()}|{v.booked.isoformat()};".encode())
    return digest.hexdigest()


def enough(outcomes: Sequence[int]) -> bool:
    """Whether a company's labelled history can train a model of its own."""
    counted = Counter(outcomes)
    return len(outcomes) >= MIN_LABELLED and min(counted[0], counted[1]) >= MIN_EACH


def train(visits: Sequence[Visit], zone: ZoneInfo, now: datetime, stamp: str) -> Trained | None:
    """The company's model (version "<lr|gb>-<stamp>") and its honest evaluation, or None when
    its history is too short (the prior scores it). Evaluated on the newest HOLDOUT after
    training on the rest, then refitted on everything for use."""
    rows = featurize(visits, zone)
    chosen = labelled(visits, now)
    outcomes = [int(label(visits[i]) or 0) for i in chosen]
    if not enough(outcomes):
        return None
    x = [rows[i] for i in chosen]
    cut = int(len(x) * (1 - HOLDOUT))
    candidates = ["logistic"] if len(x) < BOOSTING_FROM else ["logistic", "gradient_boosting"]
    evaluations = {
        name: evaluate(fit(x[:cut], outcomes[:cut], name, "holdout"), x[cut:], outcomes[cut:])
        for name in candidates
    }
    algorithm = min(candidates, key=lambda name: evaluations[name].brier)
    model = fit(x, outcomes, algorithm, f"{SHORT[algorithm]}-{stamp}")
    return Trained(model, evaluations[algorithm], len(x), sum(outcomes))


def fit(
    rows: Sequence[Features], outcomes: Sequence[int], algorithm: str, version: str
) -> FittedModel:
    """A calibrated model of `algorithm` fitted on `rows`."""
    common = _common(rows)
    prepared = [_fold_rare(row, common) for row in rows]
    estimator: Any
    if algorithm == "logistic":
        base = make_pipeline(StandardScaler(), LogisticRegression(C=0.5, max_iter=2000))
        estimator = CalibratedClassifierCV(base, method="sigmoid", cv=3)
    else:
        trees = HistGradientBoostingClassifier(
            max_iter=150,
            learning_rate=0.05,
            max_leaf_nodes=15,
            min_samples_leaf=40,
            l2_regularization=1.0,
            early_stopping=False,
            random_state=0,
        )
        estimator = CalibratedClassifierCV(trees, method="isotonic", cv=3)
    pipeline = Pipeline([("vectors", DictVectorizer(sparse=False)), ("model", estimator)])
    pipeline.fit(prepared, list(outcomes))
    return FittedModel(version, algorithm, pipeline, common, _typical(prepared))


def _common(rows: Sequence[Features]) -> dict[str, set[str]]:
    return {
        name: {v for v, n in Counter(str(r[name]) for r in rows).items() if n >= RARE}
        for name in CATEGORIES
    }


def _fold_rare(row: Features, common: dict[str, set[str]]) -> Features:
    return row | {k: (row[k] if row[k] in common[k] else "other") for k in CATEGORIES}


def _typical(rows: Sequence[Features]) -> Features:
    """The median of each number and the mode of each category."""
    typical: Features = {}
    for name in rows[0]:
        values = [r[name] for r in rows]
        if isinstance(values[0], str):
            typical[name] = Counter(str(v) for v in values).most_common(1)[0][0]
        else:
            typical[name] = float(np.median(np.asarray(values, dtype=float)))
    return typical


def explain(
    scorer: Scorer, visits: Sequence[Visit], rows: Sequence[Features], zone: ZoneInfo
) -> list[tuple[float, list[dict[str, Any]]]]:
    """Each visit's risk and its top reasons: the factors whose values, replaced by the
    typical appointment's, lower the risk the most (model-agnostic, one batch)."""
    if not rows:
        return []
    names = list(FACTORS)
    batch: list[Features] = list(rows)
    for row in rows:
        for name in names:
            batch.append(row | {f: scorer.typical[f] for f in FACTORS[name]})
    risks = scorer.risks(batch)
    base, others = risks[: len(rows)], risks[len(rows) :].reshape(len(rows), len(names))
    explained = []
    for i, (visit, row) in enumerate(zip(visits, rows, strict=True)):
        weights = sorted(
            ((float(base[i] - others[i][k]), name) for k, name in enumerate(names)), reverse=True
        )
        said = [(w, name, reason_text(name, visit, row, zone)) for w, name in weights]
        reasons = [
            {"factor": name, "text": text, "weight": round(w, 3)}
            for w, name, text in said
            if w >= MIN_WEIGHT and text is not None
        ][:TOP_REASONS]
        explained.append((round(float(base[i]), 4), reasons))
    return explained
