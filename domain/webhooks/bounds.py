"""Bounds on what other systems send us, applied before a value is parsed, stored or queued.

Every webhook body is decoded here: orjson's own decoder stops at 1,024 levels (measured), and
anything deeper than MAX_DEPTH is refused before a parser or the database sees it; the size is
already bounded by the endpoint (web/validation.read_body). What is kept is then bounded to
its column: free text (a name, a title) is cut to the column's length and loses NUL and other
control characters; an identifier (a message id, a booking uid, an event id) that does not fit
is refused with the field named, because a cut identifier could name someone else's record.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import Column
from sqlalchemy.orm import InstrumentedAttribute

from domain.errors import InvalidField, InvalidInput

# Real bodies nest a dozen levels at most (a Baileys message quoting another one); PostgreSQL
# and Python's own json module fail somewhere in the hundreds.
MAX_DEPTH = 64
# Control characters a stored text may keep: tab, line feed, carriage return.
_KEPT_CONTROLS = {"\t", "\n", "\r"}
_ALL_CONTROLS = frozenset({chr(c) for c in range(32)} | {"\x7f"})
_DROP_CONTROLS = str.maketrans(dict.fromkeys(_ALL_CONTROLS - _KEPT_CONTROLS))
# The times anyone may give us: PostgreSQL and Python both hold them, and no appointment,
# message or event of this product is before 2000 or after 2099.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


def column_length(attribute: InstrumentedAttribute[Any] | Column[Any]) -> int:
    """The length of a String column, read from the model so the bound follows it."""
    column = attribute if isinstance(attribute, Column) else attribute.property.columns[0]
    length = getattr(column.type, "length", None)
    if not isinstance(length, int):
        raise TypeError(f"{column} has no length")
    return length


def decode_json(body: bytes, *, max_depth: int = MAX_DEPTH, what: str = "body") -> Any:
    """The JSON value of `body`; InvalidInput (400, code invalid_json or too_deep) when it is
    empty, not JSON, or nests deeper than `max_depth` levels."""
    if not body.strip():
        raise InvalidInput(f"{what} is empty", code="invalid_json", field=_field(what))
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        if "depth limit" in str(exc):
            raise _too_deep(what, max_depth) from None
        raise InvalidInput(
            f"{what} is not valid JSON: {exc}", code="invalid_json", field=_field(what)
        ) from None
    if depth_exceeds(value, max_depth):
        raise _too_deep(what, max_depth)
    return value


def _too_deep(what: str, max_depth: int) -> InvalidInput:
    return InvalidInput(
        f"{what} nests deeper than {max_depth} levels", code="too_deep", field=_field(what)
    )


def _field(what: str) -> str | None:
    return None if what == "body" else what


def depth_exceeds(value: Any, limit: int) -> bool:
    """Whether `value` nests objects and arrays more than `limit` levels deep (iterative: a
    deep value cannot exhaust Python's stack here)."""
    stack = [(value, 1)] if isinstance(value, dict | list) else []
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def storable(value: Any) -> Any:
    """`value` as PostgreSQL's text and jsonb can hold it: without U+0000, which neither
    accepts (orjson has already refused lone surrogates)."""
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, list):
        return [storable(v) for v in value]
    if isinstance(value, dict):
        return {storable(k): storable(v) for k, v in value.items()}
    return value


def clean_text(value: str, limit: int) -> str:
    """Free text as it is kept: without control characters (tab and line breaks stay), cut to
    `limit` characters (a column's length counts characters, as Python does)."""
    return value.translate(_DROP_CONTROLS)[:limit]


def optional_text(
    value: Any, field: str, limit: int, error: type[InvalidInput] = InvalidField
) -> str | None:
    """A free-text field that may be absent: None, or a string (see clean_text); any other
    type is refused naming `field`."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise error(f"{field} must be a string", field=field)
    return clean_text(value, limit) or None


def identifier(value: Any, field: str, limit: int, error: type[InvalidInput] = InvalidField) -> str:
    """An identifier we key records by: a non-empty string of at most `limit` characters with
    no control characters; anything else is refused naming `field`."""
    if not isinstance(value, str) or not value:
        raise error(f"{field} must be a non-empty string", field=field)
    if len(value) > limit:
        raise error(f"{field} must be at most {limit} characters", field=field)
    if not _ALL_CONTROLS.isdisjoint(value):
        raise error(f"{field} must not contain control characters", field=field)
    return value


def whole_number(
    value: Any, field: str, low: int, high: int, error: type[InvalidInput] = InvalidField
) -> int | None:
    """An optional integer within [low, high] (a JSON integer, not a boolean or a float)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise error(f"{field} must be a whole number from {low} to {high}", field=field)
    return value


def in_range(moment: datetime) -> bool:
    """Whether an aware datetime is within the times this product accepts."""
    return EARLIEST <= moment < LATEST
