"""The figures of the README's "Understanding" section, recomputed: `python -m scripts.nlu_report`.

Held-out accuracy per label and the confusion matrices (rows: the label; columns: what the
secretary read), from the model trained on the training files only, and the injection
probe sets' true- and false-positive rates.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from domain.secretary.corpus import examples
from domain.secretary.injection import injection_category
from domain.secretary.nlu import INTENTS, SENTIMENTS, analyse

PROBES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "injection"


def matrix(pairs: list[tuple[str, str]], labels: tuple[str, ...]) -> str:
    counts = Counter(pairs)
    head = "| label \\ read | " + " | ".join(labels) + " | accuracy |"
    lines = [head, "|" + "---|" * (len(labels) + 2)]
    for label in labels:
        row = [counts[(label, read)] for read in labels]
        total = sum(row)
        lines.append(
            f"| {label} | "
            + " | ".join(str(n) for n in row)
            + f" | {row[labels.index(label)] / total:.0%} |"
        )
    right = sum(counts[(label, label)] for label in labels)
    lines.append(f"\nOverall: {right}/{len(pairs)} = {right / len(pairs):.1%}")
    return "\n".join(lines)


def main() -> None:
    heldout = examples("heldout")
    read = [analyse(e.text) for e in heldout]
    print(f"Held-out set: {len(heldout)} messages; training: {len(examples('train'))}\n")
    print("Intent\n")
    print(matrix([(e.intent, a.intent) for e, a in zip(heldout, read, strict=True)], INTENTS))
    print("\nSentiment\n")
    print(
        matrix([(e.sentiment, a.sentiment) for e, a in zip(heldout, read, strict=True)], SENTIMENTS)
    )
    for name in ("probes_dev.jsonl", "probes_test.jsonl"):
        rows = [json.loads(line) for line in (PROBES / name).read_text().splitlines() if line]
        attacks = [r for r in rows if r["label"] == "attack"]
        benign = [r for r in rows if r["label"] == "benign"]
        caught = sum(injection_category(r["text"]) is not None for r in attacks)
        flagged = sum(injection_category(r["text"]) is not None for r in benign)
        print(
            f"\n{name}: TPR {caught}/{len(attacks)} = {caught / len(attacks):.1%}, "
            f"FPR {flagged}/{len(benign)} = {flagged / len(benign):.1%}"
        )


if __name__ == "__main__":
    main()
