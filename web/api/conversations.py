"""Conversations API: the handed-off list, taking a conversation over, giving it back (P7)."""

from __future__ import annotations

from quart import Blueprint, Response, g, jsonify, request
from quart_schema import document_querystring

from domain.conversations import handoffs
from domain.db import bind_tenant
from domain.errors import InvalidField
from web.api.auth import acting_company, authenticated
from web.api.schemas import CompanyQuery, ConversationsQuery
from web.services import services
from web.validation import int_arg

bp = Blueprint("conversations", __name__, url_prefix="/api/conversations")
STATUSES = ("open", "handoff", "closed")


@bp.get("")
@document_querystring(ConversationsQuery)
@authenticated("operator")
async def list_conversations() -> Response:
    company_id = await acting_company()
    status = request.args.get("status") or None
    if status is not None and status not in STATUSES:
        raise InvalidField(f"status must be one of {', '.join(STATUSES)}", field="status")
    limit = min(max(int_arg("limit") or 50, 1), 500)
    async with services().engine.connect() as conn:
        rows = await handoffs.conversations(await bind_tenant(conn, company_id), status, limit)
    return jsonify(
        conversations=[
            {
                "id": row.id,
                "status": row.status,
                "handoff_reason": row.handoff_reason,
                "contact": {"id": row.contact_id, "name": row.contact_name, "phone": row.phone},
                "started_at": row.started_at.isoformat(),
                "last_message_at": row.last_message_at.isoformat(),
            }
            for row in rows
        ]
    )


@bp.post("/<int:conversation_id>/handoff")
@document_querystring(CompanyQuery)
@authenticated("operator")
async def take_over(conversation_id: int) -> Response:
    company_id = await acting_company()
    async with services().engine.begin() as conn:
        tenant = await bind_tenant(conn, company_id)
        await handoffs.take_over(tenant, conversation_id, _actor())
    return jsonify(id=conversation_id, status="handoff")


@bp.post("/<int:conversation_id>/release")
@document_querystring(CompanyQuery)
@authenticated("operator")
async def release(conversation_id: int) -> Response:
    company_id = await acting_company()
    async with services().engine.begin() as conn:
        tenant = await bind_tenant(conn, company_id)
        await handoffs.release(tenant, conversation_id, _actor())
    return jsonify(id=conversation_id, status="open")


def _actor() -> str:
    principal = g.principal
    if principal.api_key_id is not None:
        return f"api_key:{principal.api_key_id}"
    return f"user:{principal.user_id}"
