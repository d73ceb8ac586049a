"""NLU benchmark (`make bench`): CPU time to read one customer message (issue 15, item 7).

What the pipeline does for every message before any responder runs: sanitise it, check it for
prompt injection, and analyse it (intent with calibrated confidence, the second request,
sentiment). Measured with the process's CPU clock (time.process_time), not the wall clock, over
every message of the held-out corpus, `--rounds` times, after the model was trained once
(training time is reported apart: it happens at start-up). Also scikit-learn's own
predict_proba path for comparison, which the flattened model replaces.

The last line is the figures as JSON. Aim: a few milliseconds of CPU per message.
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import asdict, dataclass

import orjson

from domain.secretary.classifier import classifier
from domain.secretary.corpus import examples
from domain.secretary.guardrails import is_injection, sanitise
from domain.secretary.nlu import analyse


@dataclass
class Figures:
    messages: int
    rounds: int
    train_seconds: float
    analyse_ms_mean: float
    analyse_ms_p95: float
    injection_ms_mean: float
    per_message_ms_mean: float  # sanitise + injection + analyse
    sklearn_predict_proba_ms_mean: float


def cpu_ms(call: object, texts: list[str], rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        for text in texts:
            started = time.process_time()
            call(text)  # type: ignore[operator]
            out.append((time.process_time() - started) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    texts = [e.text for e in examples("heldout")]
    started = time.process_time()
    model = classifier()
    trained = time.process_time() - started
    analyse(texts[0])  # warm
    analysed = cpu_ms(analyse, texts, args.rounds)
    injection = cpu_ms(is_injection, texts, args.rounds)
    whole = cpu_ms(lambda t: (is_injection(sanitise(t)), analyse(sanitise(t))), texts, 1)
    sklearn = cpu_ms(lambda t: model.intent_model.predict_proba(model.features([t])), texts, 1)
    figures = Figures(
        messages=len(texts),
        rounds=args.rounds,
        train_seconds=round(trained, 2),
        analyse_ms_mean=round(statistics.fmean(analysed), 3),
        analyse_ms_p95=round(statistics.quantiles(analysed, n=20)[-1], 3),
        injection_ms_mean=round(statistics.fmean(injection), 3),
        per_message_ms_mean=round(statistics.fmean(whole), 3),
        sklearn_predict_proba_ms_mean=round(statistics.fmean(sklearn), 3),
    )
    print(
        f"NLU over {figures.messages} held-out messages x {figures.rounds}: analyse "
        f"{figures.analyse_ms_mean} ms CPU (p95 {figures.analyse_ms_p95}), injection check "
        f"{figures.injection_ms_mean} ms, whole read {figures.per_message_ms_mean} ms; "
        f"scikit-learn's predict_proba alone {figures.sklearn_predict_proba_ms_mean} ms; "
        f"training {figures.train_seconds} s"
    )
    print(orjson.dumps(asdict(figures)).decode())


if __name__ == "__main__":
    main()
