"""Request bodies validated by pydantic models, errors naming the field."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ValidationError
from quart import request

from domain.errors import InvalidField, InvalidInput

Model = TypeVar("Model", bound=BaseModel)


async def json_body(model: type[Model]) -> Model:
    """The request's JSON body as `model`; 400 when it is not JSON, 422 naming the bad field."""
    data = await request.get_json(force=True, silent=True)
    if not isinstance(data, dict):
        raise InvalidInput("body must be a JSON object", code="invalid_json")
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or None
        raise InvalidField(f"{field}: {first['msg']}", field=field) from None


def int_arg(name: str) -> int | None:
    """An optional integer query argument; 422 naming it when it is not one."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        raise InvalidField(f"{name} must be an integer", field=name) from None
