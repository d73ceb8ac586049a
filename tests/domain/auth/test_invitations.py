"""Invitation links: random, kept only as a digest, expiring after 7 days, good once; and
never a way into an account that is not brand new (the link is shown to whoever invited)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.auth import invitations
from domain.auth.models import Invitation
from domain.auth.principal import Principal
from domain.auth.throttle import LoginThrottle
from domain.db import public_session
from domain.errors import InvalidField, NotFound, RateLimited
from domain.settings import Settings
from domain.tenancy import members
from domain.tenancy.models import Membership, User
from domain.tenancy.passwords import verify_password
from domain.tenancy.service import still_holds
from tests.support import reads
from tests.support.factories import Cast

NEW_PASSWORD = "uma senha nova e longa"


async def invite(engine: AsyncEngine, company_id: int, email: str = "ana@a.example.com") -> str:
    async with public_session(engine) as session:
        invited = await members.invite(session, company_id, email, "Ana", "operator", None)
        await session.commit()
    assert invited.token
    return invited.token


@pytest.fixture
def throttle(redis: Redis, settings: Settings) -> LoginThrottle:
    return LoginThrottle(redis, settings.redis_namespace, 3, 60)


async def accept(
    engine: AsyncEngine,
    throttle: LoginThrottle,
    token: str,
    password: str = NEW_PASSWORD,
    now: datetime | None = None,
) -> str:
    async with public_session(engine) as session:
        email = await invitations.accept(
            session, throttle, "10.0.0.1", token, password, password, now
        )
        await session.commit()
    return email


async def test_the_link_sets_the_password_once_and_only_its_digest_is_kept(
    engine: AsyncEngine, cast: Cast, throttle: LoginThrottle
) -> None:
    token = await invite(engine, cast.a.company.id)
    stored = await reads.values(engine, Invitation.token_hash)
    assert token not in stored and len(stored[0]) == 64
    async with public_session(engine) as session:
        shown = await invitations.pending(session, token)
    assert shown.email == "ana@a.example.com" and shown.company_name == "Acme"

    assert await accept(engine, throttle, token) == "ana@a.example.com"
    hashed = await reads.value(engine, User.password_hash, where=User.email == "ana@a.example.com")
    assert verify_password(hashed, NEW_PASSWORD)
    with pytest.raises(NotFound):
        await accept(engine, throttle, token, "outra senha qualquer")  # spent


async def test_an_expired_link_sets_nothing(
    engine: AsyncEngine, cast: Cast, throttle: LoginThrottle
) -> None:
    token = await invite(engine, cast.a.company.id)
    later = datetime.now(UTC) + invitations.LIFETIME + timedelta(minutes=1)
    with pytest.raises(NotFound):
        await accept(engine, throttle, token, now=later)
    async with public_session(engine) as session:
        with pytest.raises(NotFound):
            await invitations.pending(session, token, now=later)


async def test_a_new_link_voids_the_earlier_one(
    engine: AsyncEngine, cast: Cast, throttle: LoginThrottle
) -> None:
    first = await invite(engine, cast.a.company.id)
    second = await invite(engine, cast.a.company.id)  # invited again before using the first
    with pytest.raises(NotFound):
        await accept(engine, throttle, first)
    assert await accept(engine, throttle, second) == "ana@a.example.com"


@pytest.mark.parametrize(
    ("password", "again", "field"),
    [("curta", "curta", "password"), (NEW_PASSWORD, "outra coisa", "password_confirmation")],
)
async def test_a_short_or_unrepeated_password_is_refused_and_the_link_kept(
    engine: AsyncEngine, cast: Cast, throttle: LoginThrottle, password: str, again: str, field: str
) -> None:
    token = await invite(engine, cast.a.company.id)
    async with public_session(engine) as session:
        with pytest.raises(InvalidField) as refused:
            await invitations.accept(session, throttle, "10.0.0.1", token, password, again)
    assert refused.value.field == field
    assert await accept(engine, throttle, token) == "ana@a.example.com"  # still good


async def _holds(engine: AsyncEngine, email: str, company_id: int) -> bool:
    """Whether `email` may act in the company now (what every request rechecks)."""
    uid = await reads.value(engine, User.id, where=User.email == email)
    async with public_session(engine) as session:
        member = await session.get(Membership, (uid, company_id))
        role = member.role if member else "operator"
        return await still_holds(session, Principal(company_id, role, uid))


async def test_a_link_to_another_company_s_not_yet_active_admin_sets_no_password(
    engine: AsyncEngine, cast: Cast, throttle: LoginThrottle
) -> None:
    """Company B's first admin has not set a password yet; company A's admin invites the same
    e-mail and holds the link: it must not set that account's password (a takeover of B)."""
    beta = await invite(engine, cast.b.company.id, "chefe@b.example.com")
    alfa = await invite(engine, cast.a.company.id, "chefe@b.example.com")
    async with public_session(engine) as session:
        assert (await invitations.pending(session, alfa)).mode == "log_in"
        assert (await invitations.pending(session, beta)).mode == "set_password"
    with pytest.raises(InvalidField):  # no password to match: nothing is set, nothing spent
        await accept(engine, throttle, alfa, "Hacked12345")
    hashed = await reads.value(
        engine, User.password_hash, where=User.email == "chefe@b.example.com"
    )
    assert hashed == ""
    assert not await _holds(engine, "chefe@b.example.com", cast.a.company.id)
    # B's own link still works for its owner, and A's access waits for the owner's password.
    assert await accept(engine, throttle, beta) == "chefe@b.example.com"
    assert await accept(engine, throttle, alfa) == "chefe@b.example.com"
    assert await _holds(engine, "chefe@b.example.com", cast.a.company.id)


async def test_an_existing_account_joins_only_with_its_own_password(
    engine: AsyncEngine, cast: Cast, throttle: LoginThrottle
) -> None:
    """B's outsider already has a password: A's admin gets a link like any other (the answer
    does not tell whether the account existed), but no access until the owner accepts."""
    token = await invite(engine, cast.a.company.id, cast.outsider)
    assert not await _holds(engine, cast.outsider, cast.a.company.id)
    async with public_session(engine) as session:
        assert (await invitations.pending(session, token)).mode == "log_in"
    with pytest.raises(InvalidField) as wrong:
        await accept(engine, throttle, token, "not the password")
    assert wrong.value.code == "invalid_credentials"
    assert await accept(engine, throttle, token, cast.password) == cast.outsider
    assert await _holds(engine, cast.outsider, cast.a.company.id)
    assert await _holds(engine, cast.outsider, cast.b.company.id)  # B is untouched


async def test_guessing_an_existing_account_s_password_through_a_link_is_throttled(
    engine: AsyncEngine, cast: Cast, throttle: LoginThrottle
) -> None:
    token = await invite(engine, cast.a.company.id, cast.outsider)
    for _ in range(3):
        with pytest.raises(InvalidField):
            await accept(engine, throttle, token, "guess")
    with pytest.raises(RateLimited):
        await accept(engine, throttle, token, cast.password)


async def test_an_e_mail_claimed_through_one_company_gives_no_access_to_a_new_one(
    engine: AsyncEngine, cast: Cast, throttle: LoginThrottle
) -> None:
    """A's admin invites dono@gama.example.com before company B names it its first admin: the
    claimed password does not open B, whose own link then asks for that password."""
    claimed = await invite(engine, cast.a.company.id, "dono@gama.example.com")
    await accept(engine, throttle, claimed, "senha do atacante")
    later = await invite(engine, cast.b.company.id, "dono@gama.example.com")
    assert not await _holds(engine, "dono@gama.example.com", cast.b.company.id)
    async with public_session(engine) as session:
        assert (await invitations.pending(session, later)).mode == "log_in"


async def test_deactivating_someone_invited_withdraws_the_link(
    engine: AsyncEngine, cast: Cast, throttle: LoginThrottle
) -> None:
    new = await invite(engine, cast.a.company.id)
    existing = await invite(engine, cast.a.company.id, cast.outsider)
    async with public_session(engine) as session:
        for email in ("ana@a.example.com", cast.outsider):
            uid = await session.scalar(select(User.id).where(User.email == email))
            assert uid is not None
            await members.set_active(session, cast.a.company.id, None, uid, False)
        await session.commit()
    for token in (new, existing):
        with pytest.raises(NotFound):
            await accept(engine, throttle, token, cast.password)
    assert not await _holds(engine, "ana@a.example.com", cast.a.company.id)
    assert not await _holds(engine, cast.outsider, cast.a.company.id)
