"""The API's answer to a query string or body its models refuse, in the shape of every
other API error: 422 `{error: "invalid_field", message, field}` naming the first bad field,
or 400 `{error: "invalid_json", message}` when the body is not a JSON object at all.

quart-schema raises its own exceptions (a bare 400 bad_request, no field, by default);
here they become the domain errors that web/errors.py already maps to JSON, so there is
still one place that turns an error into a response."""

from __future__ import annotations

from typing import Any

import orjson
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
    # ... and lets UnicodeDecodeError out of get_json() when the body is not UTF-8.
    bp.register_error_handler(UnicodeDecodeError, _not_utf8)
    bp.before_request(refuse_nul)


async def refuse_nul() -> None:
    """PostgreSQL cannot hold U+0000 in any text: a JSON body string carrying one is refused
    (422 naming it) before a handler passes it to a query (query arguments and form fields:
    web/validation.refuse_nul, for every request)."""
    if request.is_json and b"\\u0000" in await request.get_data():
        try:
            body = orjson.loads(await request.get_data())
        except orjson.JSONDecodeError:
            return  # not JSON: the validation says so
        where = _nul_at(body)
        if where is not None:
            raise InvalidField(f"{where or 'body'} must not contain U+0000", field=where or None)


def _nul_at(value: Any) -> str | None:
    """The dotted path of the first string (or key) holding U+0000, if any ("" the body)."""
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, str) and "\x00" in node:
            return path
        items = (
            node.items()
            if isinstance(node, dict)
            else enumerate(node)
            if isinstance(node, list)
            else ()
        )
        for key, child in items:
            if isinstance(key, str) and "\x00" in key:
                return path
            stack.append((f"{path}.{key}" if path else str(key), child))
    return None


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


async def _not_utf8(error: UnicodeDecodeError) -> Any:
    return await _answer(_not_an_object())


def _not_an_object() -> InvalidInput:
    return InvalidInput(
        "body must be a JSON object, sent as Content-Type: application/json", code="invalid_json"
    )


async def _answer(error: DomainError) -> Any:
    return await current_app.handle_user_exception(error)
