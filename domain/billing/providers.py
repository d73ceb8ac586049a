"""Payment providers' webhook signatures and events (T4), read into one shape.

- Stripe: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=…]`, HMAC-SHA256 of f"{t}.{raw body}" with
  the endpoint secret; the event carries the subscription's status.
- Mercado Pago: `x-signature: ts=<unix>,v1=<hex>` and `x-request-id`; HMAC-SHA256 of the
  manifest f"id:{data.id};request-id:{x-request-id};ts:{ts};" where data.id comes from the
  query string (lowercased). The notification only names the resource: its status is read
  from the API (domain/integrations/mercadopago.py).
- Manual: our own webhook signature (X-Timestamp, X-Signature) with the company's webhook
  secret, body `{"event_id", "status"}`.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import Any

from domain.billing.models import BillingEvent
from domain.errors import InvalidField, InvalidInput, Unauthorized
from domain.webhooks.bounds import column_length, identifier
from domain.webhooks.signatures import same_digest, unix_seconds

STATUSES = ("trialing", "active", "past_due", "canceled")
EVENT_ID_MAX = column_length(BillingEvent.event_id)
KIND_MAX = column_length(BillingEvent.kind)
# Mercado Pago names a resource by a number or a short code; it goes into an API path.
RESOURCE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

# Stripe subscription statuses -> ours.
STRIPE_STATUS = {
    "trialing": "trialing",
    "active": "active",
    "past_due": "past_due",
    "unpaid": "past_due",
    "incomplete": "past_due",
    "paused": "past_due",
    "canceled": "canceled",
    "incomplete_expired": "canceled",
}
# Mercado Pago preapproval (subscription) and payment statuses -> ours.
MERCADOPAGO_STATUS = {
    "authorized": "active",
    "approved": "active",
    "paused": "past_due",
    "rejected": "past_due",
    "cancelled": "canceled",
}


@dataclass(frozen=True)
class Event:
    provider: str
    event_id: str
    kind: str
    status: str | None  # the subscription status it implies; None: recorded, no change
    resource: str | None = None  # Mercado Pago: "preapproval" or "payment" to look up
    resource_id: str | None = None


def _hmac(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _pairs(header: str) -> list[tuple[str, str]]:
    return [
        (k.strip(), v.strip())
        for k, _, v in (part.partition("=") for part in header.split(","))
        if k.strip()
    ]


def _fresh(ts: str, now: float, tolerance: int) -> None:
    stamp = unix_seconds(ts)
    if stamp is None:
        raise Unauthorized("signature timestamp is not Unix seconds", code="invalid_timestamp")
    if abs(now - stamp) > tolerance:
        raise Unauthorized("signature timestamp is too old", code="stale_timestamp")


def verify_stripe(secret: str, header: str, body: bytes, now: float, tolerance: int = 300) -> None:
    pairs = _pairs(header)
    ts = next((v for k, v in pairs if k == "t"), "")
    candidates = [v for k, v in pairs if k == "v1"]
    if not ts or not candidates:
        raise Unauthorized("Stripe-Signature needs t= and v1=", code="invalid_signature")
    _fresh(ts, now, tolerance)
    expected = _hmac(secret, f"{ts}.".encode() + body)
    if not any(same_digest(expected, c) for c in candidates):
        raise Unauthorized("Stripe-Signature does not match", code="invalid_signature")


def stripe_event(data: dict[str, Any]) -> Event:
    event_id, kind = data.get("id"), data.get("type")
    inner = data.get("data")
    obj = inner.get("object") if isinstance(inner, dict) else None
    if not isinstance(event_id, str) or not isinstance(kind, str) or not isinstance(obj, dict):
        raise InvalidInput("not a Stripe event (id, type, data.object)")
    event_id = identifier(event_id, "id", EVENT_ID_MAX)
    kind = kind[:KIND_MAX]
    status: str | None = None
    if kind == "customer.subscription.deleted":
        status = "canceled"
    elif kind.startswith("customer.subscription."):
        status = STRIPE_STATUS.get(str(obj.get("status")))
    elif kind == "invoice.payment_failed":
        status = "past_due"
    elif kind in ("invoice.paid", "invoice.payment_succeeded"):
        status = "active"
    return Event("stripe", event_id, kind, status)


def verify_mercadopago(
    secret: str,
    header: str,
    request_id: str | None,
    data_id: str | None,
    now: float,
    tolerance: int = 300,
) -> None:
    pairs = dict(_pairs(header))
    ts, v1 = pairs.get("ts", ""), pairs.get("v1", "")
    if not ts or not v1 or not request_id or not data_id:
        raise Unauthorized(
            "x-signature (ts, v1), x-request-id and ?data.id= are required",
            code="invalid_signature",
        )
    _fresh(ts, now, tolerance)
    manifest = f"id:{data_id.lower()};request-id:{request_id};ts:{ts};"
    # The signed manifest is text: encoded as UTF-8 whatever a header holds.
    if not same_digest(_hmac(secret, manifest.encode()), v1):
        raise Unauthorized("x-signature does not match", code="invalid_signature")


def mercadopago_event(data: dict[str, Any], data_id: str) -> Event:
    kind = str(data.get("type") or data.get("topic") or "")
    notification = data.get("id")
    if not kind or notification is None:
        raise InvalidInput("not a Mercado Pago notification (id, type)")
    if isinstance(notification, bool) or not isinstance(notification, str | int):
        raise InvalidField("id must be a string or a number", field="id")
    event_id = identifier(str(notification), "id", EVENT_ID_MAX)
    resource = {"subscription_preapproval": "preapproval", "payment": "payment"}.get(kind)
    if resource is not None and not RESOURCE_ID.match(data_id):
        raise InvalidField("data.id must be letters, digits, - or _", field="data.id")
    action = str(data.get("action") or "")
    return Event(
        "mercadopago", event_id, f"{kind}.{action}".strip(".")[:KIND_MAX], None, resource, data_id
    )


def manual_event(data: dict[str, Any]) -> Event:
    event_id, status = data.get("event_id"), data.get("status")
    if event_id is None or event_id == "":
        raise InvalidField("event_id is required", field="event_id")
    event_id = identifier(event_id, "event_id", EVENT_ID_MAX)
    if status not in STATUSES:
        raise InvalidField(f"status must be one of {', '.join(STATUSES)}", field="status")
    return Event("manual", event_id, "manual.status", status)
