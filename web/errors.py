"""Domain errors, HTTP errors and crashes mapped to responses in one place.

Programs (the JSON API, webhooks) get `{error, message[, field]}` JSON. People in the panel
get Portuguese, looked up by the error's code (web/panel/messages.py): for an htmx request a
small fragment, which static/panel.js shows in the page's message area (htmx swaps nothing
on a 4xx/5xx, so without it a refused action would look like nothing happened); otherwise a
whole error page with a way back."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from quart import Quart, Response, g, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from domain.errors import DomainError, RateLimited, Unauthorized
from domain.observability.logging import get_logger
from web.panel.messages import MESSAGES, for_status, message_for, title_for

log = get_logger(__name__)


def register_error_handlers(app: Quart) -> None:
    @app.errorhandler(DomainError)
    async def domain_error(error: DomainError) -> Any:
        if is_panel_request():
            response = await panel_error(error.status, message_for(error), error.field)
        else:
            body = {"error": error.code, "message": error.message}
            if error.field:
                body["field"] = error.field
            response = jsonify(body)
            response.status_code = error.status
            if isinstance(error, Unauthorized):
                response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
        if isinstance(error, RateLimited):
            response.headers["Retry-After"] = str(error.retry_after)
        return response

    @app.errorhandler(HTTPException)
    async def http_error(error: HTTPException) -> Any:
        status = error.code or 500
        if is_panel_request():
            return await panel_error(status, for_status(status))
        code = (error.name or "error").lower().replace(" ", "_")
        return jsonify(error=code, message=error.description), status

    @app.errorhandler(Exception)
    async def unexpected(error: Exception) -> Any:
        log.exception("unhandled_error")
        if is_panel_request():
            return await panel_error(500, MESSAGES["internal_error"])
        return jsonify(error="internal_error", message="unexpected server error"), 500


def is_panel_request() -> bool:
    """Whether a person in the panel (or on the home page) made this request, or a browser
    navigated here from anywhere (the panel's "baixar CSV" link to the API, a pasted URL):
    only browsers send Sec-Fetch-Mode, so programs still get their JSON."""
    path = request.path
    if path in ("/", "/painel") or path.startswith("/painel/"):
        return True
    return request.headers.get("Sec-Fetch-Mode") == "navigate"


async def panel_error(status: int, message: str, field: str | None = None) -> Response:
    """The refusal in Portuguese: the fragment htmx asked for, or the whole error page."""
    if request.headers.get("HX-Request") == "true":
        page = await render_template("panel/_error.html", message=message, field=field)
    else:
        page = await render_template(
            "error.html",
            title=title_for(status),
            message=message,
            back=_back(),
            # A crash: the operator can quote this and support finds it in the logs.
            reference=g.get("correlation_id") if status >= 500 else None,
        )
    return Response(page, status=status, content_type="text/html; charset=utf-8")


def _back() -> str:
    """Where "Voltar" goes: the panel page the person came from, else the panel's start."""
    referrer = urlsplit(request.headers.get("Referer", ""))
    ours = referrer.netloc == request.host and referrer.path.startswith("/painel")
    if ours and referrer.path != request.path:
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return "/painel"
