"""Reading raw request input the models cannot: webhook bodies (signed over their exact
bytes) and the panel's date arguments. The JSON API validates with quart-schema instead."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import ValidationError
from quart import request

from domain.errors import InvalidField, NotFound, PayloadTooLarge
from domain.webhooks.bounds import EARLIEST, LATEST


def refused_field(error: ValidationError) -> tuple[str, Any]:
    """The first field pydantic refused ("plan.slug", "" for the whole body) and its details
    (`type`, `msg`, `ctx`)."""
    first = error.errors()[0]
    return ".".join(str(part) for part in first["loc"]), first


FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


async def refuse_nul() -> None:
    """PostgreSQL cannot hold U+0000 in any text: a path carrying one names nothing (404), a
    query argument or form field carrying one is refused (422 naming it), before any handler
    sees it. Runs before every request."""
    if any(isinstance(v, str) and "\x00" in v for v in (request.view_args or {}).values()):
        raise NotFound("no such path")
    fields = list(request.args.items(multi=True))
    if request.mimetype in FORMS:
        fields += list((await request.form).items(multi=True))
    for name, value in fields:
        if "\x00" in name or "\x00" in value:
            where = name.replace("\x00", "") or "?"
            raise InvalidField(f"{where} must not contain U+0000", field=where)


async def read_body(limit: int) -> bytes:
    """The raw body (signatures are over the exact bytes), refused past `limit` bytes even
    when the sender lies about (or omits) Content-Length."""
    if request.content_length is not None and request.content_length > limit:
        raise PayloadTooLarge(f"body is larger than {limit} bytes")
    data = bytearray()
    async for chunk in request.body:
        data += chunk
        if len(data) > limit:
            raise PayloadTooLarge(f"body is larger than {limit} bytes")
    return bytes(data)


def date_arg(name: str) -> date | None:
    """An optional YYYY-MM-DD query argument; 422 naming it when it is not a date."""
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise InvalidField(
            f"{name} must be a date (YYYY-MM-DD)", field=name, code="not_a_date"
        ) from None
    # Pages step a week or a month from it: 9999-12-31 would overflow the next one.
    if not EARLIEST.date() <= day < LATEST.date():
        raise InvalidField(
            f"{name} must be between 2000 and 2099", field=name, code="date_out_of_range"
        )
    return day
