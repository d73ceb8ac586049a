"""The JSON API: programs with a bearer token (an access token or a company API key), plus
the unauthenticated probes a platform scrapes (/healthz, /metrics). Query and body models
are enforced with quart-schema, so /openapi.json documents what the code accepts; input
they refuse is answered as the API's JSON errors (errors.py)."""

from __future__ import annotations

from quart import Blueprint

from web.api import (
    agenda,
    analytics,
    conversations,
    credentials,
    errors,
    feedback,
    nlu,
    ops,
    tenants,
)

bp = Blueprint("api", __name__)
for area in (ops, credentials, analytics, conversations, agenda, feedback, nlu, tenants):
    bp.register_blueprint(area.bp)
errors.install(bp)
