"""How good a no-show model is on appointments it never saw (issue 18, item 3): AUC (does it
rank the missed above the attended), PR-AUC (how well it finds the minority that misses),
Brier score (are its probabilities right, lower is better) and a calibration table (per band
of predicted risk: how many, what it predicted, what happened)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, Protocol

import numpy as np
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

# Bands of predicted risk: fixed edges, so two evaluations read side by side.
BANDS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.6, 1.0)


class _Scores(Protocol):
    def risks(self, rows: Sequence[Any]) -> np.ndarray: ...


@dataclass(frozen=True)
class Band:
    low: float
    high: float
    count: int
    predicted: float | None  # mean predicted risk in the band
    observed: float | None  # share that did not come


@dataclass(frozen=True)
class Evaluation:
    size: int
    no_show_rate: float
    auc: float | None  # None when the holdout has only one outcome
    pr_auc: float | None
    brier: float
    calibration: tuple[Band, ...]

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def evaluate(model: _Scores, rows: Sequence[Any], outcomes: Sequence[int]) -> Evaluation:
    """The figures of `model` on held-out `rows` and what happened to them."""
    return measure(model.risks(rows), outcomes)


def measure(risks: np.ndarray, outcomes: Sequence[int]) -> Evaluation:
    """The figures of predicted `risks` against `outcomes` (1: did not come)."""
    y = np.asarray(outcomes, dtype=int)
    both = 0 < y.sum() < len(y)
    return Evaluation(
        size=len(y),
        no_show_rate=round(float(y.mean()), 4) if len(y) else 0.0,
        auc=round(float(roc_auc_score(y, risks)), 4) if both else None,
        pr_auc=round(float(average_precision_score(y, risks)), 4) if both else None,
        brier=round(float(brier_score_loss(y, risks)), 4) if len(y) else 0.0,
        calibration=calibration(risks, y),
    )


def calibration(risks: np.ndarray, y: np.ndarray) -> tuple[Band, ...]:
    bands = []
    for low, high in itertools.pairwise(BANDS):
        inside = (risks >= low) & ((risks < high) if high < 1 else (risks <= high))
        count = int(inside.sum())
        bands.append(
            Band(
                low,
                high,
                count,
                round(float(risks[inside].mean()), 4) if count else None,
                round(float(y[inside].mean()), 4) if count else None,
            )
        )
    return tuple(bands)
