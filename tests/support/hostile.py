"""Hypothesis strategies for what a stranger (or a broken sender) can put in a webhook: the
recorded bodies of each sender with one to three of their fields (at any depth) replaced by
something hostile (control characters, NUL, other scripts' digits, superscripts, strings past
every column, integers past every type, wrong types, deep nesting), or any JSON value at all.
Settings that keep each property test seeded and short."""

from __future__ import annotations

import copy
import json
from functools import cache
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tests.support.paths import FIXTURES

# Seeded (the same examples every run, so CI never fails by chance) and bounded: each
# property test runs in a few seconds on the development machine.
BOUNDED = settings(
    derandomize=True,
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Strings orjson can hand us: any code point but a lone surrogate, which it refuses.
_chars = st.characters(exclude_categories=("Cs",))
ODD = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x01\x7f",
    "²",
    "١٢٣",
    "é",
    "\u200b",
    "\u200e",
    "😀",
    "9" * 30,
    "x" * 129,
    "y" * 201,
    "z" * 301,
    "-1",
    "1e3",
    "NaN",
    "[[[[",
    "@lid",
    "5511999999999@s.whatsapp.net",
    "1" * 100 + "@lid",
    "status@broadcast",
    "2026-03-10T09:00:00",
    "2026-03-10T09:00:00Z",
    "9999-12-31T23:59:59Z",
    "0001-01-01T00:00:00+00:00",
]
odd_text = st.one_of(
    st.sampled_from(ODD), st.text(_chars, max_size=40), st.text(_chars, max_size=400)
)
EDGE_INTS = [0, -1, 1, 2**31 - 1, 2**31, 2**32, 2**53, 2**63 - 1, 2**63, 2**64 - 1, -(2**63)]
odd_int = st.one_of(st.sampled_from(EDGE_INTS), st.integers(), st.integers(-(2**70), 2**70))
scalar = st.one_of(
    st.none(), st.booleans(), odd_int, st.floats(allow_nan=False, allow_infinity=False), odd_text
)
json_value = st.recursive(
    scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(odd_text, inner, max_size=4)
    ),
    max_leaves=12,
)


def nested(depth: int) -> Any:
    """Arrays nested `depth` levels deep (1: [])."""
    value: Any = []
    for _ in range(depth - 1):
        value = [value]
    return value


hostile = st.one_of(odd_text, odd_int, scalar, json_value, st.integers(1, 120).map(nested))


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in `value` a field or an item sits, at any depth."""
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return []
    found = []
    for key, child in items:
        found.append((*prefix, key))
        found.extend(_paths(child, (*prefix, key)))
    return found


def _put(body: Any, path: tuple[Any, ...], value: Any) -> None:
    """Set `value` at `path` if the path still leads somewhere (an earlier change may have
    replaced a container on it)."""
    target = body
    for part in path[:-1]:
        try:
            target = target[part]
        except (KeyError, IndexError, TypeError):
            return
    last = path[-1]
    if isinstance(target, dict) or (
        isinstance(target, list) and isinstance(last, int) and last < len(target)
    ):
        target[last] = value


def mutated(bodies: list[Any]) -> st.SearchStrategy[Any]:
    """One of `bodies` with one to three of its fields replaced by hostile values, or with a
    hostile extra field; now and then any JSON value at all."""

    @st.composite
    def build(draw: Any) -> Any:
        body = copy.deepcopy(draw(st.sampled_from(bodies)))
        places = _paths(body)
        for path in draw(st.lists(st.sampled_from(places), min_size=1, max_size=3)):
            _put(body, path, draw(hostile))
        if draw(st.booleans()) and isinstance(body, dict):
            body[draw(odd_text)] = draw(hostile)
        return body

    return st.one_of(build(), build(), build(), json_value)


@cache
def _fixtures(folder: str, prefix: str) -> list[Any]:
    return [
        json.loads(path.read_text()) for path in sorted((FIXTURES / folder).glob(f"{prefix}*.json"))
    ]


def whaticket_bodies() -> st.SearchStrategy[Any]:
    """Whaticket's recorded inbound messages, in every shape it sends, changed."""
    recorded = _fixtures("whaticket", "inbound_")
    seed = [
        {"id": "m1", "number": "5511999999999", "message": {"conversation": "oi"}},
        {"message": {"conversation": "oi"}, "ticket": {"contact": {"number": "5511999999999"}}},
    ]
    return mutated([*recorded, {"message": recorded[0]}, *seed])


def cal_bodies() -> st.SearchStrategy[Any]:
    """Cal.com's recorded deliveries, changed."""
    recorded = _fixtures("calcom", "webhook_")
    flat = {**recorded[1]["payload"], "triggerEvent": "MEETING_ENDED"}
    no_show = {
        "triggerEvent": "BOOKING_NO_SHOW_UPDATED",
        "createdAt": "2026-03-10T13:00:00Z",
        "payload": {"attendees": [{"noShow": True}], "bookingUid": "7xQk2mRZp9VbLc3NwTfYsA"},
    }
    return mutated([*recorded, flat, no_show])


MANUAL = {"event_id": "evt_manual_1", "status": "active"}


def stripe_bodies() -> st.SearchStrategy[Any]:
    return mutated(_fixtures("billing", "stripe_"))


def mercadopago_bodies() -> st.SearchStrategy[Any]:
    return mutated(_fixtures("billing", "mercadopago_"))


def manual_bodies() -> st.SearchStrategy[Any]:
    return mutated([MANUAL])
