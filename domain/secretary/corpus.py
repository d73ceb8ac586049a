"""The labelled corpus the intent and sentiment classifiers learn from (issue 15).

`corpus/train_*.tsv` are for training, each written by a different writer with a different mix
of businesses, ages, regions and styles; `corpus/heldout.tsv` was written apart (its writer
never saw the others) and is never used for training or tuning: only to report accuracy
(scripts/nlu_report.py). Each line: text, intent, sentiment, a second intent or empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

CORPUS = Path(__file__).with_name("corpus")


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    sentiment: str
    second: str | None  # the other intent of a message with two
    source: str  # the file it came from: one writer


def examples(split: Literal["train", "heldout"]) -> list[Example]:
    paths = sorted(CORPUS.glob("train_*.tsv")) if split == "train" else [CORPUS / "heldout.tsv"]
    out = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            text, intent, sentiment, *rest = line.split("\t")
            second = rest[0].strip() if rest and rest[0].strip() else None
            out.append(Example(text, intent, sentiment, second, path.stem))
    return out
