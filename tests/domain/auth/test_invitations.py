"""Invitation links: random, kept only as a digest, expiring after 7 days, good once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.auth import invitations
from domain.auth.models import Invitation
from domain.db import public_session
from domain.errors import InvalidField, NotFound
from domain.tenancy import members
from domain.tenancy.models import User
from domain.tenancy.passwords import verify_password
from tests.support import reads
from tests.support.factories import Cast

NEW_PASSWORD = "uma senha nova e longa"


async def invite(engine: AsyncEngine, company_id: int, email: str = "ana@a.example.com") -> str:
    async with public_session(engine) as session:
        invited = await members.invite(session, company_id, email, "Ana", "operator", None)
        await session.commit()
    assert invited.token
    return invited.token


async def accept(
    engine: AsyncEngine, token: str, password: str = NEW_PASSWORD, now: datetime | None = None
) -> str:
    async with public_session(engine) as session:
        email = await invitations.accept(session, token, password, password, now)
        await session.commit()
    return email


async def test_the_link_sets_the_password_once_and_only_its_digest_is_kept(
    engine: AsyncEngine, cast: Cast
) -> None:
    token = await invite(engine, cast.a.company.id)
    stored = await reads.values(engine, Invitation.token_hash)
    assert token not in stored and len(stored[0]) == 64
    async with public_session(engine) as session:
        shown = await invitations.pending(session, token)
    assert shown.email == "ana@a.example.com" and shown.company_name == "Acme"

    assert await accept(engine, token) == "ana@a.example.com"
    hashed = await reads.value(engine, User.password_hash, where=User.email == "ana@a.example.com")
    assert verify_password(hashed, NEW_PASSWORD)
    with pytest.raises(NotFound):
        await accept(engine, token, "outra senha qualquer")  # spent


async def test_an_expired_link_sets_nothing(engine: AsyncEngine, cast: Cast) -> None:
    token = await invite(engine, cast.a.company.id)
    later = datetime.now(UTC) + invitations.LIFETIME + timedelta(minutes=1)
    with pytest.raises(NotFound):
        await accept(engine, token, now=later)
    async with public_session(engine) as session:
        with pytest.raises(NotFound):
            await invitations.pending(session, token, now=later)


async def test_a_new_link_voids_the_earlier_one(engine: AsyncEngine, cast: Cast) -> None:
    first = await invite(engine, cast.a.company.id)
    second = await invite(engine, cast.a.company.id)  # invited again before using the first
    with pytest.raises(NotFound):
        await accept(engine, first)
    assert await accept(engine, second) == "ana@a.example.com"


@pytest.mark.parametrize(
    ("password", "again", "field"),
    [("curta", "curta", "password"), (NEW_PASSWORD, "outra coisa", "password_confirmation")],
)
async def test_a_short_or_unrepeated_password_is_refused_and_the_link_kept(
    engine: AsyncEngine, cast: Cast, password: str, again: str, field: str
) -> None:
    token = await invite(engine, cast.a.company.id)
    async with public_session(engine) as session:
        with pytest.raises(InvalidField) as refused:
            await invitations.accept(session, token, password, again)
    assert refused.value.field == field
    assert await accept(engine, token) == "ana@a.example.com"  # still good
