"""Prometheus metrics that add up across processes and hosts, through Redis.

Web and worker processes may run on different hosts with no shared filesystem, so the
multiprocess mode of prometheus_client does not apply. Instead each process counts in
memory (`inc`, `observe`: no I/O on the hot path) and a background task flushes the deltas
every second into Redis hashes with HINCRBYFLOAT, one pipeline per flush. Any web process
renders /metrics from those hashes, plus gauges it computes at scrape time. A crash loses
at most one flush interval of counts; a Redis outage keeps the deltas in memory until it
comes back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
)

_log = logging.getLogger(__name__)

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


@dataclass(frozen=True)
class Metric:
    name: str
    help: str
    kind: str  # "counter" | "histogram" | "gauge"
    labels: tuple[str, ...] = ()
    buckets: tuple[float, ...] = LATENCY_BUCKETS
    # Label sets shown at zero before anything happened (so dashboards have a series).
    initial: tuple[tuple[str, ...], ...] = ()


WEBHOOK_RECEIVED = Metric(
    "secretaria_webhook_received_total",
    "Whaticket webhook requests by outcome.",
    "counter",
    ("status",),
    initial=tuple(
        (s,) for s in ("accepted", "rejected", "ignored", "duplicate", "invalid", "too_large")
    ),
)
WEBHOOK_LATENCY = Metric(
    "secretaria_webhook_latency_seconds", "Time to answer a Whaticket webhook.", "histogram"
)
WEBHOOK_ENQUEUE_DEFERRED = Metric(
    "secretaria_webhook_enqueue_deferred_total",
    "Accepted messages stored while the queue was unreachable (the sweeper enqueues them).",
    "counter",
)
SWEEPER_REQUEUED = Metric(
    "secretaria_sweeper_requeued_total",
    "Accepted messages the sweeper found unqueued and enqueued.",
    "counter",
)
HEALTHCHECK_FAILURES = Metric(
    "secretaria_healthcheck_failures_total",
    "Failed /healthz component checks.",
    "counter",
    ("component",),
    initial=(("postgres",), ("redis",), ("worker",)),
)
TASK_LATENCY = Metric(
    "secretaria_task_latency_seconds", "Duration of worker jobs.", "histogram", ("function",)
)
TASKS_TOTAL = Metric(
    "secretaria_tasks_total",
    "Finished worker job attempts by outcome.",
    "counter",
    ("function", "status"),
)
QUEUE_SIZE = Metric(
    "secretaria_queue_size",
    "Accepted inbound messages not processed yet, per company.",
    "gauge",
    ("company_id",),
)
QUEUE_JOBS = Metric(
    "secretaria_queue_jobs", "Jobs in each SAQ queue by state.", "gauge", ("queue", "state")
)
DEAD_LETTER_SIZE = Metric(
    "secretaria_dead_letter_queue_size", "Jobs in the dead-letter queue not replayed.", "gauge"
)
WORKERS = Metric("secretaria_workers", "Live SAQ workers per queue.", "gauge", ("queue",))

WHATICKET_LATENCY = Metric(
    "secretaria_whaticket_latency_seconds", "Duration of successful Whaticket sends.", "histogram"
)
WHATICKET_ERRORS = Metric(
    "secretaria_whaticket_errors_total",
    "Failed Whaticket send attempts by kind (auth, invalid_number, temporary).",
    "counter",
    ("kind",),
    initial=(("auth",), ("invalid_number",), ("temporary",)),
)
WHATICKET_SUCCESS = Metric(
    "secretaria_whaticket_send_success_total", "Messages Whaticket accepted.", "counter"
)
WHATICKET_RETRY = Metric(
    "secretaria_whaticket_send_retry_total",
    "Whaticket sends scheduled for another try (P6).",
    "counter",
)

INJECTION_BLOCKED = Metric(
    "secretaria_llm_prompt_injection_blocked_total",
    "Customer messages caught as prompt-injection attempts and answered safely.",
    "counter",
)

LLM_LATENCY = Metric("secretaria_llm_latency_seconds", "Duration of Gemini calls.", "histogram")
LLM_ERRORS = Metric(
    "secretaria_llm_errors_total",
    "Gemini calls that gave no answer (the offline responder answered instead).",
    "counter",
)
LLM_CALLS = Metric("secretaria_llm_calls_total", "Gemini calls attempted.", "counter")
USAGE_MESSAGES = Metric(
    "secretaria_usage_messages_total", "Replies written, per company.", "counter", ("company_id",)
)
USAGE_TOKENS = Metric(
    "secretaria_usage_tokens_total", "LLM tokens used, per company.", "counter", ("company_id",)
)
APPOINTMENTS = Metric(
    "secretaria_appointments_total",
    "Appointments created, by where they were made (chat, calcom, panel, local).",
    "counter",
    ("source",),
)
APPOINTMENTS_CONFIRMED = Metric(
    "secretaria_appointments_confirmed_total", "Appointments the customer confirmed.", "counter"
)
APPOINTMENTS_CANCELLED = Metric(
    "secretaria_appointments_cancelled_total", "Appointments cancelled.", "counter"
)
APPOINTMENTS_LATENCY = Metric(
    "secretaria_appointments_latency_seconds", "Duration of Cal.com calls.", "histogram"
)
REMINDERS_SENT = Metric(
    "secretaria_appointment_reminders_sent_total",
    "Appointment reminders written for delivery, by type (24h, 1h, manual, …).",
    "counter",
    ("type",),
)
CONFIRMATIONS = Metric(
    "secretaria_appointment_confirmations_total",
    "Appointments confirmed by the customer's answer.",
    "counter",
)
RESCHEDULES = Metric(
    "secretaria_appointment_reschedules_total",
    "Appointments moved to a new time (by chat, panel or Cal.com).",
    "counter",
)
NO_SHOWS = Metric(
    "secretaria_appointment_no_show_total",
    "Appointments that became no-shows (not confirmed nor checked in, or marked by Cal.com).",
    "counter",
)
FOLLOWUPS_SENT = Metric(
    "secretaria_appointment_followups_sent_total",
    "Follow-ups after an appointment written for delivery, by question (csat, nps).",
    "counter",
    ("kind",),
    initial=(("csat",), ("nps",)),
)
FOLLOWUPS_ANSWERED = Metric(
    "secretaria_appointment_followups_answered_total",
    "Follow-ups answered with a score, by question.",
    "counter",
    ("kind",),
    initial=(("csat",), ("nps",)),
)
FOLLOWUPS_NEGATIVE = Metric(
    "secretaria_appointment_followups_negative_total",
    "Follow-up answers that were complaints (handed to a person, alert sent), by question.",
    "counter",
    ("kind",),
    initial=(("csat",), ("nps",)),
)
FEEDBACK_SCORE = Metric(
    "secretaria_appointment_feedback_score",
    "Scores given in answer to follow-ups (CSAT 1-5, NPS 0-10), by question.",
    "histogram",
    ("kind",),
    buckets=tuple(float(n) for n in range(11)),
)
USAGE_BLOCKED = Metric(
    "secretaria_usage_quota_blocked_total",
    "Customer messages the bot did not answer because the plan's quota ran out (P8).",
    "counter",
    ("company_id",),
)
USAGE_OVERAGE = Metric(
    "secretaria_usage_overage_messages_total",
    "Messages answered past the plan's quota on plans that allow overage.",
    "counter",
    ("company_id",),
)

DELIVERY_RATIO = Metric(
    "secretaria_whaticket_delivery_success_ratio",
    "Successful Whaticket send attempts over all attempts (since the counters began).",
    "gauge",
)
LLM_ERROR_RATE = Metric(
    "secretaria_llm_error_rate", "Gemini calls without an answer over all calls.", "gauge"
)

ALL: tuple[Metric, ...] = (
    WEBHOOK_RECEIVED,
    WEBHOOK_LATENCY,
    WEBHOOK_ENQUEUE_DEFERRED,
    SWEEPER_REQUEUED,
    HEALTHCHECK_FAILURES,
    TASK_LATENCY,
    TASKS_TOTAL,
    QUEUE_SIZE,
    QUEUE_JOBS,
    DEAD_LETTER_SIZE,
    WORKERS,
    WHATICKET_LATENCY,
    WHATICKET_ERRORS,
    WHATICKET_SUCCESS,
    WHATICKET_RETRY,
    INJECTION_BLOCKED,
    LLM_LATENCY,
    LLM_ERRORS,
    LLM_CALLS,
    USAGE_MESSAGES,
    USAGE_TOKENS,
    USAGE_BLOCKED,
    USAGE_OVERAGE,
    APPOINTMENTS,
    APPOINTMENTS_CONFIRMED,
    APPOINTMENTS_CANCELLED,
    APPOINTMENTS_LATENCY,
    REMINDERS_SENT,
    CONFIRMATIONS,
    RESCHEDULES,
    NO_SHOWS,
    FOLLOWUPS_SENT,
    FOLLOWUPS_ANSWERED,
    FOLLOWUPS_NEGATIVE,
    FEEDBACK_SCORE,
    DELIVERY_RATIO,
    LLM_ERROR_RATE,
)


def ratio_gauges(totals: Mapping[str, Mapping[str, float]]) -> dict[str, list[Any]]:
    """Ratios derived from the summed counters (absent until there is a first event)."""

    def total(metric: Metric) -> float:
        return sum(totals.get(metric.name, {}).values())

    gauges: dict[str, list[Any]] = {}
    sent, failed = total(WHATICKET_SUCCESS), total(WHATICKET_ERRORS)
    if sent + failed:
        gauges[DELIVERY_RATIO.name] = [((), sent / (sent + failed))]
    calls = total(LLM_CALLS)
    if calls:
        gauges[LLM_ERROR_RATE.name] = [((), total(LLM_ERRORS) / calls)]
    return gauges


def _labels_key(metric: Metric, labels: Mapping[str, Any]) -> str:
    if set(labels) != set(metric.labels):
        raise ValueError(f"{metric.name} takes labels {metric.labels}, got {sorted(labels)}")
    return orjson.dumps([str(labels[name]) for name in metric.labels]).decode()


@dataclass
class MetricsBuffer:
    """In-process deltas waiting for the next flush."""

    pending: dict[tuple[str, str], float] = field(default_factory=lambda: defaultdict(float))

    def inc(self, metric: Metric, value: float = 1.0, **labels: Any) -> None:
        self.pending[(metric.name, _labels_key(metric, labels))] += value

    def observe(self, metric: Metric, value: float, **labels: Any) -> None:
        key = _labels_key(metric, labels)
        bucket = next((b for b in metric.buckets if value <= b), math.inf)
        self.pending[(metric.name, f"{key}|{bucket}")] += 1
        self.pending[(metric.name, f"{key}|sum")] += value

    async def flush(self, redis: Any, namespace: str) -> None:
        """Move the deltas to Redis; on failure they stay here for the next try."""
        if not self.pending:
            return
        batch, self.pending = self.pending, defaultdict(float)
        try:
            async with redis.pipeline(transaction=False) as pipe:
                for (name, field_), value in batch.items():
                    pipe.hincrbyfloat(f"{namespace}:metrics:{name}", field_, value)
                await pipe.execute()
        except BaseException:
            for key, value in batch.items():
                self.pending[key] += value
            raise


metrics = MetricsBuffer()  # one per process, like prometheus_client's default registry


class MetricsFlusher:
    """Flushes `metrics` to Redis every `interval` seconds until stopped.

    Stopping waits for a flush in progress instead of cancelling it: a redis-py command
    cancelled mid-flight can leave its pooled connection out of step, and the final flush
    would then hang on it.
    """

    def __init__(self, redis: Any, namespace: str, interval: float) -> None:
        self._redis, self._namespace, self._interval = redis, namespace, interval
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        self._stopping.set()
        if self._task is not None:
            await self._task
        with contextlib.suppress(Exception):
            await metrics.flush(self._redis, self._namespace)

    async def _run(self) -> None:
        while not self._stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self._interval)
            try:
                await metrics.flush(self._redis, self._namespace)
            except Exception as exc:  # Redis down: the deltas wait in memory for the next tick
                _log.warning("metrics flush failed: %s", exc)


async def read_totals(redis: Any, namespace: str) -> dict[str, dict[str, float]]:
    """Every counter and histogram hash, summed over all processes."""
    stored = [m for m in ALL if m.kind != "gauge"]
    async with redis.pipeline(transaction=False) as pipe:
        for metric in stored:
            pipe.hgetall(f"{namespace}:metrics:{metric.name}")
        results = await pipe.execute()
    return {
        metric.name: {_text(k): float(v) for k, v in raw.items()}
        for metric, raw in zip(stored, results, strict=True)
    }


def render(
    totals: Mapping[str, Mapping[str, float]],
    gauges: Mapping[str, Iterable[tuple[Sequence[str], float]]],
) -> bytes:
    """Prometheus text exposition (with HELP and TYPE) of stored totals and live gauges."""
    families = [_family(m, totals.get(m.name, {}), gauges.get(m.name, ())) for m in ALL]
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Static(families))
    return generate_latest(registry)


def _family(metric: Metric, stored: Mapping[str, float], live: Iterable[Any]) -> Any:
    if metric.kind == "gauge":
        gauge = GaugeMetricFamily(metric.name, metric.help, labels=metric.labels)
        for labels, value in live:
            gauge.add_metric(list(labels), value)
        return gauge
    if metric.kind == "counter":
        counter = CounterMetricFamily(metric.name, metric.help, labels=metric.labels)
        values = {tuple(orjson.loads(k)): v for k, v in stored.items()}
        for labels in metric.initial:
            values.setdefault(labels, 0.0)
        if not metric.labels:
            values.setdefault((), 0.0)
        for labels, value in sorted(values.items()):
            counter.add_metric(list(labels), value)
        return counter
    return _histogram(metric, stored)


def _histogram(metric: Metric, stored: Mapping[str, float]) -> HistogramMetricFamily:
    family = HistogramMetricFamily(metric.name, metric.help, labels=metric.labels)
    series: dict[str, dict[str, float]] = defaultdict(dict)
    for key, value in stored.items():
        labels_key, _, part = key.rpartition("|")
        series[labels_key][part] = value
    for labels_key, parts in sorted(series.items()):
        cumulative, buckets = 0.0, []
        for bound in (*metric.buckets, math.inf):
            cumulative += parts.get(str(bound), 0.0)
            buckets.append(("+Inf" if bound == math.inf else str(bound), cumulative))
        family.add_metric(orjson.loads(labels_key), buckets, parts.get("sum", 0.0))
    return family


class _Static:
    def __init__(self, families: list[Any]) -> None:
        self._families = families

    def collect(self) -> list[Any]:
        return self._families


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
