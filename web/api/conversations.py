"""Conversations API: the handed-off list, taking a conversation over, giving it back (P7)."""

from __future__ import annotations

from quart import Blueprint, Response, jsonify
from quart_schema import validate_querystring

from domain.conversations import handoffs
from domain.db import bind_tenant
from web.api.auth import acting_company, actor, authenticated
from web.api.schemas import CompanyQuery, ConversationsQuery
from web.services import services

bp = Blueprint("conversations", __name__, url_prefix="/api/conversations")


@bp.get("")
@authenticated("operator")
@validate_querystring(ConversationsQuery)
async def list_conversations(query_args: ConversationsQuery) -> Response:
    """The latest conversations, optionally of one status, with their contact."""
    company_id = await acting_company(query_args.company_id)
    async with services().engine.connect() as conn:
        rows = await handoffs.conversations(
            await bind_tenant(conn, company_id), query_args.status, query_args.limit
        )
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
@authenticated("operator")
@validate_querystring(CompanyQuery)
async def take_over(conversation_id: int, query_args: CompanyQuery) -> Response:
    """A person takes the conversation from the bot."""
    company_id = await acting_company(query_args.company_id)
    async with services().engine.begin() as conn:
        await handoffs.take_over(await bind_tenant(conn, company_id), conversation_id, actor())
    return jsonify(id=conversation_id, status="handoff")


@bp.post("/<int:conversation_id>/release")
@authenticated("operator")
@validate_querystring(CompanyQuery)
async def release(conversation_id: int, query_args: CompanyQuery) -> Response:
    """The bot answers the conversation again."""
    company_id = await acting_company(query_args.company_id)
    async with services().engine.begin() as conn:
        await handoffs.release(await bind_tenant(conn, company_id), conversation_id, actor())
    return jsonify(id=conversation_id, status="open")
