"""Credentials API (T5): access tokens for users, API keys for integrations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from quart import Blueprint, Response, g, jsonify, request
from quart_schema import (
    document_querystring,
    document_request,
    document_response,
    security_scheme,
)

from domain.auth import store
from domain.auth.access_tokens import issue_access_token
from domain.auth.models import ApiKey
from domain.auth.schemas import NewApiKey, TokenRequest
from domain.auth.service import create_api_key
from domain.db import public_session
from domain.errors import NotFound
from web.api.auth import acting_company, authenticated
from web.api.schemas import CompanyQuery, TokenResponse
from web.services import services
from web.validation import json_body

bp = Blueprint("credentials", __name__, url_prefix="/api")


@bp.post("/auth/token")
@security_scheme([])
@document_request(TokenRequest)
@document_response(TokenResponse)
async def token() -> Response:
    body = await json_body(TokenRequest)
    svc = services()
    settings = svc.settings
    principal = await svc.log_in(
        body.email, body.password, body.company_id, request.remote_addr or "unknown"
    )
    ttl = settings.access_token_ttl_seconds
    return jsonify(
        access_token=issue_access_token(principal, settings.signing_key, ttl),
        token_type="bearer",
        expires_in=ttl,
        company_id=principal.company_id,
        role=principal.role,
    )


@bp.get("/keys")
@document_querystring(CompanyQuery)
@authenticated("company_admin")
async def list_keys() -> Response:
    company_id = await acting_company()
    async with public_session(services().engine) as session:
        keys = await store.company_keys(session, company_id)
    return jsonify(keys=[_key_json(key) for key in keys])


@bp.post("/keys")
@document_request(NewApiKey)
@document_querystring(CompanyQuery)
@authenticated("company_admin")
async def new_key() -> tuple[Response, int]:
    body = await json_body(NewApiKey)
    company_id = await acting_company()
    async with public_session(services().engine) as session:
        issued = await create_api_key(
            session, company_id, body.name, body.role, g.principal.user_id
        )
        await session.commit()
    # The only time the key is ever shown.
    return jsonify(api_key=issued.plaintext, **_key_json(issued.key)), 201


@bp.delete("/keys/<int:key_id>")
@document_querystring(CompanyQuery)
@authenticated("company_admin")
async def revoke_key(key_id: int) -> Response:
    company_id = await acting_company()
    async with public_session(services().engine) as session:
        revoked_at = await store.revoke_key(session, company_id, key_id)
        await session.commit()
    if revoked_at is None:
        raise NotFound("no such API key")
    return jsonify(id=key_id, revoked_at=_iso(revoked_at))


def _key_json(key: ApiKey) -> dict[str, Any]:
    return {
        "id": key.id,
        "company_id": key.company_id,
        "name": key.name,
        "role": key.role,
        "prefix": key.prefix,
        "created_at": _iso(key.created_at),
        "last_used_at": _iso(key.last_used_at),
        "revoked_at": _iso(key.revoked_at),
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
