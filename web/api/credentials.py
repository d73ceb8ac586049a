"""Credentials API (T5): access tokens for users, API keys for integrations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from quart import Blueprint, Response, g, jsonify, request
from quart_schema import (
    document_response,
    security_scheme,
    validate_querystring,
    validate_request,
)

from domain.auth import store
from domain.auth.access_tokens import issue_access_token
from domain.auth.models import ApiKey
from domain.auth.schemas import NewApiKey, TokenRequest
from domain.auth.service import create_api_key, revoke_api_key
from domain.db import public_session
from web.api.auth import acting_company, authenticated
from web.api.schemas import CompanyQuery, TokenResponse
from web.services import services

bp = Blueprint("credentials", __name__, url_prefix="/api")


@bp.post("/auth/token")
@security_scheme([])
@validate_request(TokenRequest)
@document_response(TokenResponse)
async def token(data: TokenRequest) -> Response:
    """An access token for a user's e-mail and password (and company, for several)."""
    svc = services()
    settings = svc.settings
    principal = await svc.log_in(
        data.email, data.password, data.company_id, request.remote_addr or "unknown"
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
@authenticated("company_admin")
@validate_querystring(CompanyQuery)
async def list_keys(query_args: CompanyQuery) -> Response:
    """The company's API keys, revoked ones included (never the key itself)."""
    company_id = await acting_company(query_args.company_id)
    async with public_session(services().engine) as session:
        keys = await store.company_keys(session, company_id)
    return jsonify(keys=[_key_json(key) for key in keys])


@bp.post("/keys")
@authenticated("company_admin")
@validate_querystring(CompanyQuery)
@validate_request(NewApiKey)
async def new_key(query_args: CompanyQuery, data: NewApiKey) -> tuple[Response, int]:
    """A new API key for the company; the response is the only time it is shown."""
    company_id = await acting_company(query_args.company_id)
    async with public_session(services().engine) as session:
        issued = await create_api_key(
            session, company_id, data.name, data.role, g.principal.user_id
        )
        await session.commit()
    return jsonify(api_key=issued.plaintext, **_key_json(issued.key)), 201


@bp.delete("/keys/<int(max=2147483647):key_id>")  # api_keys.id is an integer column
@authenticated("company_admin")
@validate_querystring(CompanyQuery)
async def revoke_key(key_id: int, query_args: CompanyQuery) -> Response:
    """Revoke one of the company's API keys; it stops working at once."""
    company_id = await acting_company(query_args.company_id)
    async with public_session(services().engine) as session:
        revoked_at = await revoke_api_key(session, company_id, key_id)
        await session.commit()
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
