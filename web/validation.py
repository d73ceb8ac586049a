"""Request bodies validated by pydantic models, errors naming the field."""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from quart import request

from domain.errors import InvalidField, InvalidInput, PayloadTooLarge

Model = TypeVar("Model", bound=BaseModel)


async def json_body(model: type[Model]) -> Model:
    """The request's JSON body as `model`; 400 when it is not JSON, 422 naming the bad field."""
    data = await request.get_json(force=True, silent=True)
    if not isinstance(data, dict):
        raise InvalidInput("body must be a JSON object", code="invalid_json")
    try:
        return model.model_validate(data)
    except ValidationError as error:
        field, first = refused_field(error)
        raise InvalidField(f"{field or None}: {first['msg']}", field=field or None) from None


def refused_field(error: ValidationError) -> tuple[str, Any]:
    """The first field pydantic refused ("plan.slug", "" for the whole body) and its details
    (`type`, `msg`, `ctx`)."""
    first = error.errors()[0]
    return ".".join(str(part) for part in first["loc"]), first


def int_arg(name: str) -> int | None:
    """An optional integer query argument; 422 naming it when it is not one."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        raise InvalidField(f"{name} must be an integer", field=name) from None


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
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidField(f"{name} must be a date (YYYY-MM-DD)", field=name) from None
