"""Intent and sentiment on a labelled PT-BR set (informal, typos, missing accents, emojis).

The accuracy per label is printed (pytest -s, or the README) and held to a floor, so a change
to the rules that makes the secretary understand customers worse fails here.
"""

from __future__ import annotations

from collections import Counter

import pytest

from domain.secretary.nlu import INTENTS, SENTIMENTS, analyse, normalise
from tests.support.paths import FIXTURES

ROWS = [
    line.split("\t")
    for line in (FIXTURES / "nlu" / "ptbr_labelled.tsv").read_text().splitlines()
    if line and not line.startswith("#")
]


def accuracy(kind: int) -> tuple[float, dict[str, float]]:
    hits, totals = Counter(), Counter()
    for text, intent, sentiment in ROWS:
        expected = (intent, sentiment)[kind]
        got = analyse(text)
        totals[expected] += 1
        hits[expected] += (got.intent, got.sentiment)[kind] == expected
    per_label = {label: hits[label] / totals[label] for label in totals}
    return sum(hits.values()) / len(ROWS), per_label


def test_labelled_set_is_big_and_covers_every_label() -> None:
    assert len(ROWS) >= 120
    assert {row[1] for row in ROWS} == set(INTENTS)
    assert {row[2] for row in ROWS} == set(SENTIMENTS)


def test_intent_accuracy_per_label(capsys: pytest.CaptureFixture[str]) -> None:
    overall, per_label = accuracy(0)
    with capsys.disabled():
        print(
            f"\nintent accuracy {overall:.1%} on {len(ROWS)} messages: "
            + ", ".join(f"{k} {v:.0%}" for k, v in sorted(per_label.items()))
        )
    assert overall >= 0.9
    assert min(per_label.values()) >= 0.75


def test_sentiment_accuracy_per_label(capsys: pytest.CaptureFixture[str]) -> None:
    overall, per_label = accuracy(1)
    with capsys.disabled():
        print(
            f"\nsentiment accuracy {overall:.1%}: "
            + ", ".join(f"{k} {v:.0%}" for k, v in sorted(per_label.items()))
        )
    assert overall >= 0.85
    assert min(per_label.values()) >= 0.7


@pytest.mark.parametrize(
    ("raw", "plain"),
    [("Olá, VC tá aí???", "ola , voce esta ai ? ? ?"), ("oiiiii", "oii"), ("Não", "nao")],
)
def test_normalise_folds_accents_abbreviations_and_emphasis(raw: str, plain: str) -> None:
    assert normalise(raw) == plain


def test_negation_flips_sentiment() -> None:
    assert analyse("não gostei do atendimento").sentiment == "negative"
    assert analyse("gostei muito do atendimento").sentiment == "positive"
