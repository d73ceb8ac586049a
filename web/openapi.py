"""The API's OpenAPI document at /openapi.json (quart-schema), from the same pydantic models
the handlers validate with. No documentation UI is mounted: those pages load scripts from
CDNs, which this product never does; any OpenAPI viewer can read the JSON."""

from __future__ import annotations

from quart import Quart
from quart_schema import QuartSchema


def install(app: Quart) -> None:
    QuartSchema(
        app,
        openapi_path="/openapi.json",
        swagger_ui_path=None,
        redoc_ui_path=None,
        scalar_ui_path=None,
        info={
            "title": "Secretaria Virtual API",
            "version": "1",
            "description": (
                "Multi-tenant virtual secretary for WhatsApp. Send `Authorization: Bearer "
                "<access token or API key>`; a platform admin may act on any company with "
                "`?company_id=`. Errors are `{error, message[, field]}`."
            ),
        },
        security_schemes={
            "bearer": {"type": "http", "scheme": "bearer", "bearer_format": "JWT"},
            # /metrics: the METRICS_TOKEN setting (without it, loopback clients only)
            "metrics_token": {"type": "http", "scheme": "bearer"},
        },
        security=[{"bearer": []}],
    )
