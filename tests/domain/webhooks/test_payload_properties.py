"""Properties of reading Whaticket bodies over anything a sender can post (issue 13): a body
is read, ignored or refused naming the field (InvalidInput, 400), never anything else, and
what is read fits the columns it is stored in."""

from __future__ import annotations

import json
from typing import Any

import orjson
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import InvalidInput
from domain.webhooks.bounds import EARLIEST, LATEST, MAX_DEPTH, depth_exceeds
from domain.webhooks.payloads import (
    EXTERNAL_ID_MAX,
    LID_MAX,
    PUSH_NAME_MAX,
    Ignored,
    InboundMessage,
    parse_webhook,
)
from domain.webhooks.service import decode_body
from tests.support.hostile import BOUNDED, whaticket_bodies

CONTROLS = {chr(c) for c in range(32)} - {"\t", "\n", "\r"}


@BOUNDED
@given(whaticket_bodies())
def test_any_body_is_read_ignored_or_refused_by_name(body: Any) -> None:
    try:
        read = parse_webhook(body)
    except InvalidInput as refused:
        assert refused.status == 400 and refused.message
        return
    assert isinstance(read, InboundMessage | Ignored)
    if isinstance(read, Ignored):
        return
    assert read.phone.isascii() and read.phone.isdigit() and len(read.phone) <= 15
    assert isinstance(read.text, str) and isinstance(read.kind, str) and len(read.kind) <= 32
    if read.push_name is not None:
        assert 0 < len(read.push_name) <= PUSH_NAME_MAX
        assert not CONTROLS & set(read.push_name)
    if read.external_id is not None:
        assert 0 < len(read.external_id) <= EXTERNAL_ID_MAX
        assert not CONTROLS & set(read.external_id)
    if read.lid is not None:
        assert read.lid.isascii() and read.lid.isdigit() and len(read.lid) <= LID_MAX
    if read.wa_timestamp is not None:
        assert EARLIEST.timestamp() <= read.wa_timestamp < LATEST.timestamp()


@BOUNDED
@given(st.one_of(st.binary(max_size=300), whaticket_bodies().map(lambda b: json.dumps(b).encode())))
def test_any_bytes_decode_to_a_storable_value_or_are_refused(raw: bytes) -> None:
    try:
        value = decode_body(raw)
    except InvalidInput as refused:
        assert refused.code in ("invalid_json", "too_deep")
        return
    assert not depth_exceeds(value, MAX_DEPTH)
    assert "\\u0000" not in orjson.dumps(value).decode()


@BOUNDED
@given(st.integers(1, 1500), st.sampled_from([b"[", b'{"a":']))
def test_nesting_is_refused_past_the_limit_and_only_past_it(depth: int, opener: bytes) -> None:
    closer = b"]" if opener == b"[" else b"}"
    inner = b"1" if opener != b"[" else b""
    raw = opener * depth + inner + closer * depth
    try:
        decode_body(raw)
    except InvalidInput as refused:
        assert (refused.code, depth > MAX_DEPTH) == ("too_deep", True)
        return
    assert depth <= MAX_DEPTH
