"""Query functions for a tenant's contacts (connection bound to its schema). The caller owns
the transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import String, Table, func, literal, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.conversations.models import Contact

_contacts = cast(Table, Contact.__table__)


async def upsert_contact(
    conn: AsyncConnection, phone: str, name: str | None, lid: str | None, seen_at: datetime
) -> int:
    """The contact of `phone`, created or refreshed (a known name or LID is never erased)."""
    values = insert(_contacts).values(phone=phone, name=name, lid=lid, last_message_at=seen_at)
    stmt = values.on_conflict_do_update(
        index_elements=[_contacts.c.phone],
        set_={
            "name": func.coalesce(values.excluded.name, _contacts.c.name),
            "lid": func.coalesce(values.excluded.lid, _contacts.c.lid),
            "last_message_at": func.greatest(_contacts.c.last_message_at, seen_at),
            "updated_at": func.now(),
        },
    ).returning(_contacts.c.id)
    return int((await conn.execute(stmt)).scalar_one())


async def contact(conn: AsyncConnection, contact_id: int, *, lock: bool = False) -> Any | None:
    """(name, profile) of a contact; `lock` holds its row until the transaction ends."""
    query = select(_contacts.c.name, _contacts.c.profile).where(_contacts.c.id == contact_id)
    return (await conn.execute(query.with_for_update() if lock else query)).first()


async def save_profile(conn: AsyncConnection, contact_id: int, profile: dict[str, Any]) -> None:
    """Replace what the secretary remembers about the contact."""
    await conn.execute(
        update(_contacts).where(_contacts.c.id == contact_id).values(profile=profile)
    )


async def remember_name(conn: AsyncConnection, phone: str, name: str) -> None:
    """The name the customer told us: kept in the profile (a later pushName never replaces
    it) and shown as the contact's name."""
    told = func.jsonb_build_object(literal("name", String), literal(name, String))
    await conn.execute(
        update(_contacts)
        .where(_contacts.c.phone == phone)
        .values(name=name, profile=_contacts.c.profile.op("||")(told))
    )
