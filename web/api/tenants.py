"""Tenants API (T2): the platform admin provisions a company in one call."""

from __future__ import annotations

from quart import Blueprint, Response, jsonify
from quart_schema import document_response, validate_request

from domain.tenancy.progress import invitation_url
from domain.tenancy.provisioning import ProvisionRequest, provision
from web.api.auth import authenticated
from web.api.schemas import ProvisionResponse
from web.services import services
from web.urls import public_base

bp = Blueprint("tenants", __name__, url_prefix="/api/tenants")


@bp.post("/provision")
@document_response(ProvisionResponse, 201)
@authenticated("platform_admin")
@validate_request(ProvisionRequest)
async def provision_tenant(data: ProvisionRequest) -> tuple[Response, int]:
    """A company ready to receive messages: plan, schema, queue, API token, webhook."""
    svc = services()
    done = await provision(svc.engine, svc.redis, svc.settings.redis_namespace, data)
    base = public_base(svc.settings)
    return (
        jsonify(
            company_id=done.company_id,
            slug=done.slug,
            domain=done.domain,
            plan=done.plan,
            schema=done.schema,
            queue=done.queue,
            # Shown once: only digests (or the HMAC key, never rendered again) are kept.
            api_token=done.api_token,
            webhook_secret=done.webhook_secret,
            webhook_url=f"{base}/webhook/whaticket",
            webhook_headers={"X-Company-Domain": done.domain},
            webhook_url_token=f"{base}/webhook/whaticket/{done.slug}/{done.url_token}",
            worker_command=f"python scripts/spawn_worker.py --company-id {done.company_id}",
            admin_email=done.admin_email,
            invitation_url=(invitation_url(base, done.invitation) if done.invitation else None),
        ),
        201,
    )
