"""The API's answer to a query string or body its models refuse, in the shape of every
other API error: 422 `{error: "invalid_field", message, field}` naming the first bad field,
or 400 `{error: "invalid_json", message}` when the body is not a JSON object at all.

quart-schema raises its own exceptions (a bare 400 bad_request, no field, by default);
here they become the domain errors that web/errors.py already maps to JSON, so there is
still one place that turns an error into a response."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from quart import Blueprint, current_app, request
from quart_schema.validation import QuerystringValidationError, RequestSchemaValidationError
from werkzeug.exceptions import BadRequest

from domain.errors import DomainError, InvalidField, InvalidInput
from web.validation import refused_field


def install(bp: Blueprint) -> None:
    """Answer the blueprint's refused input as the API's JSON errors."""
    bp.register_error_handler(RequestSchemaValidationError, _refused)
    # Quart raises a plain BadRequest when a JSON content type carries something that does
    # not parse (an empty body included).
    bp.register_error_handler(BadRequest, _bad_request)


async def _refused(error: RequestSchemaValidationError) -> Any:
    problem = error.validation_error
    field, first = refused_field(problem) if isinstance(problem, ValidationError) else ("", None)
    query = isinstance(error, QuerystringValidationError)
    if not query and not field:
        # The whole body was refused: not JSON, not an object, or the wrong content type.
        return await _answer(_not_an_object())
    if first is None:
        return await _answer(InvalidField(f"invalid query string: {problem}"))
    return await _answer(InvalidField(f"{field}: {first['msg']}", field=field))


async def _bad_request(error: BadRequest) -> Any:
    if request.is_json:
        return await _answer(_not_an_object())
    return await _answer(InvalidInput(error.description or "bad request", code="bad_request"))


def _not_an_object() -> InvalidInput:
    return InvalidInput(
        "body must be a JSON object, sent as Content-Type: application/json", code="invalid_json"
    )


async def _answer(error: DomainError) -> Any:
    return await current_app.handle_user_exception(error)
