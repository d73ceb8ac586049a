"""Properties of reading payment providers' events over anything a sender can post (issue
13): a signature is checked or refused (401), an event is read or refused naming the field
(400/422), never anything else; what is read fits the billing_events columns."""

from __future__ import annotations

import time
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from domain.billing import providers
from domain.billing.providers import EVENT_ID_MAX, KIND_MAX, Event
from domain.billing.service import BillingSecrets, read_event
from domain.errors import InvalidInput, Unauthorized
from domain.webhooks.signatures import sign, verify_signature
from tests.support.hostile import (
    BOUNDED,
    manual_bodies,
    mercadopago_bodies,
    odd_text,
    stripe_bodies,
)

SECRETS = BillingSecrets(
    stripe="whsec", mercadopago="mp", mercadopago_api=None, manual="man", manual_enabled=True
)
CONTROLS = {chr(c) for c in range(32)} | {"\x7f"}


def fits(event: Event) -> None:
    assert 0 < len(event.event_id) <= EVENT_ID_MAX and not CONTROLS & set(event.event_id)
    assert len(event.kind) <= KIND_MAX
    assert event.status in (None, *providers.STATUSES)


@BOUNDED
@given(st.one_of(stripe_bodies(), mercadopago_bodies(), manual_bodies()))
def test_any_event_body_is_read_or_refused_by_name(data: Any) -> None:
    for read in (
        providers.stripe_event,
        providers.manual_event,
        lambda d: providers.mercadopago_event(d, "123"),
    ):
        try:
            event = read(data) if isinstance(data, dict) else None
        except InvalidInput as refused:
            assert refused.status in (400, 422) and refused.message
            continue
        if event is not None:
            fits(event)


class Headers(dict[str, str]):
    """Request headers, looked up without regard to case."""

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        return next((v for k, v in self.items() if k.lower() == key.lower()), default)

    def __contains__(self, key: object) -> bool:
        return self.get(str(key)) is not None

    def __getitem__(self, key: str) -> str:
        return str(self.get(key))


@BOUNDED
@given(
    st.dictionaries(
        st.sampled_from(
            ["Stripe-Signature", "x-signature", "X-Timestamp", "X-Signature", "x-request-id"]
        ),
        odd_text,
        max_size=4,
    ),
    st.dictionaries(st.sampled_from(["data.id"]), odd_text, max_size=1),
    st.binary(max_size=200),
)
def test_any_headers_are_a_signature_checked_or_refused(
    headers: dict[str, str], query: dict[str, str], body: bytes
) -> None:
    try:
        fits(read_event(Headers(headers), query, body, SECRETS, time.time()))
    except (Unauthorized, InvalidInput):
        return


@BOUNDED
@given(manual_bodies())
def test_a_signed_manual_event_is_read_or_refused_by_name(data: Any) -> None:
    import json

    body = json.dumps(data).encode()
    stamp = str(int(time.time()))
    headers = Headers({"X-Timestamp": stamp, "X-Signature": sign("man", stamp, body)})
    try:
        fits(read_event(headers, {}, body, SECRETS, time.time()))
    except InvalidInput as refused:
        assert refused.status in (400, 422)


@BOUNDED
@given(
    st.lists(odd_text, max_size=2), st.one_of(st.none(), odd_text), st.one_of(st.none(), odd_text)
)
def test_any_signature_header_is_checked_or_refused_as_unauthorized(
    secrets: list[str], timestamp: str | None, signature: str | None
) -> None:
    try:
        verify_signature(secrets, timestamp, signature, b"{}", now=time.time())
    except Unauthorized:
        return
