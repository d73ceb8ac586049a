"""Domain errors and HTTP errors mapped to JSON in one place."""

from __future__ import annotations

from quart import Quart, jsonify
from werkzeug.exceptions import HTTPException

from domain.errors import DomainError, RateLimited, Unauthorized
from domain.observability.logging import get_logger

log = get_logger(__name__)


def register_error_handlers(app: Quart) -> None:
    @app.errorhandler(DomainError)
    async def domain_error(error: DomainError):  # type: ignore[no-untyped-def]
        body = {"error": error.code, "message": error.message}
        if error.field:
            body["field"] = error.field
        response = jsonify(body)
        if isinstance(error, Unauthorized):
            response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
        if isinstance(error, RateLimited):
            response.headers["Retry-After"] = str(error.retry_after)
        return response, error.status

    @app.errorhandler(HTTPException)
    async def http_error(error: HTTPException):  # type: ignore[no-untyped-def]
        code = (error.name or "error").lower().replace(" ", "_")
        return jsonify(error=code, message=error.description), error.code or 500

    @app.errorhandler(Exception)
    async def unexpected(error: Exception):  # type: ignore[no-untyped-def]
        log.exception("unhandled_error")
        return jsonify(error="internal_error", message="unexpected server error"), 500
