"""Quart application factory."""

from __future__ import annotations

import re
import time
import uuid

import structlog
from quart import Quart, Response, g, request
from werkzeug.routing import IntegerConverter, Map

from domain.observability.logging import configure_logging, get_logger
from domain.security.links import safe_link
from domain.settings import Settings
from web import api, headers, hooks, openapi, panel, static_files
from web.errors import register_error_handlers
from web.services import Services
from web.validation import refuse_nul

log = get_logger("web.access")
CORRELATION_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def create_app(settings: Settings | None = None) -> Quart:
    """Build the app; pools and clients open in before_serving (no I/O here)."""
    settings = settings or Settings()
    configure_logging(settings.log_level, settings.log_json)
    app = Quart(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024  # backstop; the webhook enforces 64 KiB
    app.config["SETTINGS"] = settings

    # Every <int:...> in a path is a bigint column's id at most: a longer number names no
    # row (404), instead of overflowing the database driver (500).
    app.url_map.converters["int"] = RowId
    app.register_blueprint(hooks.bp)
    app.register_blueprint(api.bp)
    panel.install(app, settings)
    register_error_handlers(app)
    openapi.install(app)
    static_files.install(app)
    # Links from outside data (Cal.com's meeting URL) render only when http(s).
    app.jinja_env.filters["safe_url"] = safe_link
    headers.install(app, settings)

    @app.before_serving
    async def open_services() -> None:
        app.extensions["services"] = await Services.open(settings)

    @app.after_serving
    async def close_services() -> None:
        await app.extensions.pop("services").close()

    @app.before_request
    async def bind_request() -> None:
        g.started = time.perf_counter()
        presented = request.headers.get("X-Correlation-ID") or request.headers.get("X-Request-ID")
        g.correlation_id = (
            presented if presented and CORRELATION_ID.match(presented) else uuid.uuid4().hex
        )
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(correlation_id=g.correlation_id)
        await refuse_nul()  # after the ids are bound: the refusal is logged with them

    @app.after_request
    async def log_request(response: Response) -> Response:
        response.headers["X-Correlation-ID"] = g.get("correlation_id", "")
        if settings.access_log:
            log.info(
                "request",
                method=request.method,
                path=request.path,
                status=response.status_code,
                company_id=g.get("company_id"),
                duration_ms=round((time.perf_counter() - g.get("started", 0)) * 1000, 2),
            )
        return response

    return app


class RowId(IntegerConverter):
    """An id in a path: ASCII digits only (Python's \\d also takes "٣"), from 1 to the largest
    bigint, or the `max` a route sets for an integer column (`<int(max=2147483647):id>`)."""

    regex = r"[0-9]+"

    def __init__(self, url_map: Map, fixed_digits: int = 0, min: int = 1, max: int = 2**63 - 1):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=False)
