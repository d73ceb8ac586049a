"""Invitation links (onboarding): someone a company admin (or the platform, when it creates a
company) named by e-mail joins through a link that is random, stored only as a digest,
expires and works once. Nobody ever sees or types another person's password.

The link is shown to whoever invited, so holding it proves nothing about the account. It sets
a password only for an account that is brand new: no password yet and no access to any other
company. Any other account accepts by typing its own password on the link's page; until then
its membership is pending and gives no access. Which of the two is decided when the link is
opened and again when it is used, so a later change cannot be raced."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.auth.models import Invitation
from domain.auth.throttle import LoginThrottle
from domain.errors import InvalidField, NotFound
from domain.tenancy.models import Company, Membership, User
from domain.tenancy.passwords import hash_password, verify_password
from domain.tenancy.tokens import digest, new_secret

LIFETIME = timedelta(days=7)
MIN_PASSWORD = 8
MAX_PASSWORD = 200


@dataclass(frozen=True)
class Pending:
    """What the set-password page shows about a valid invitation."""

    email: str
    name: str
    company_name: str
    # "set_password": a brand-new account; "log_in": one that exists, accepting with its password
    mode: Literal["set_password", "log_in"]


def now_utc() -> datetime:
    return datetime.now(UTC)


async def issue(
    session: AsyncSession,
    user_id: int,
    company_id: int,
    role: str,
    created_by: int | None,
    now: datetime | None = None,
) -> str:
    """A new invitation link's token (shown once); earlier unused ones of the same person in
    the same company stop working, so only the newest link is good."""
    moment = now or now_utc()
    await session.execute(
        update(Invitation)
        .where(
            Invitation.user_id == user_id,
            Invitation.company_id == company_id,
            Invitation.used_at.is_(None),
        )
        .values(used_at=moment)
    )
    token = new_secret()
    session.add(
        Invitation(
            token_hash=digest(token),
            user_id=user_id,
            company_id=company_id,
            role=role,
            created_by=created_by,
            expires_at=moment + LIFETIME,
        )
    )
    await session.flush()
    return token


async def pending(session: AsyncSession, token: str, now: datetime | None = None) -> Pending:
    """The invitation behind `token`; NotFound (invitation_invalid) when it is unknown,
    used or expired (all three look the same, so a guess learns nothing)."""
    row = (
        await session.execute(
            select(Invitation, User, Company.name.label("company"))
            .join(User, User.id == Invitation.user_id)
            .join(Company, Company.id == Invitation.company_id)
            .where(
                Invitation.token_hash == digest(token),
                Invitation.used_at.is_(None),
                Invitation.expires_at > (now or now_utc()),
            )
        )
    ).first()
    if row is None:
        raise NotFound("invalid, used or expired invitation", code="invitation_invalid")
    invitation, user = row[0], row[1]
    mode = await _mode(session, user, invitation.company_id)
    return Pending(email=user.email, name=user.name, company_name=row.company, mode=mode)


async def _mode(
    session: AsyncSession, user: User, company_id: int
) -> Literal["set_password", "log_in"]:
    if user.password_hash:
        return "log_in"
    elsewhere = await session.scalar(
        select(Membership.company_id).where(
            Membership.user_id == user.id,
            Membership.company_id != company_id,
            Membership.deactivated_at.is_(None),
        )
    )
    return "log_in" if elsewhere is not None else "set_password"


def check_password(password: str, confirmation: str) -> None:
    """InvalidField when the new password is too short, too long or not repeated alike."""
    if len(password) < MIN_PASSWORD or len(password) > MAX_PASSWORD:
        raise InvalidField(
            f"the password needs {MIN_PASSWORD} to {MAX_PASSWORD} characters",
            field="password",
            code="password_length",
        )
    if password != confirmation:
        raise InvalidField(
            "the passwords differ", field="password_confirmation", code="password_mismatch"
        )


async def accept(
    session: AsyncSession,
    throttle: LoginThrottle,
    address: str,
    token: str,
    password: str,
    confirmation: str,
    now: datetime | None = None,
) -> str:
    """Use the link: a brand-new account sets its password (repeated in `confirmation`); an
    existing one proves it is its owner with its current password (`confirmation` unused).
    Either way the membership becomes access and the link is spent; the e-mail is returned,
    to log in with. A wrong password spends nothing."""
    moment = now or now_utc()
    live = (
        Invitation.token_hash == digest(token),
        Invitation.used_at.is_(None),
        Invitation.expires_at > moment,
    )
    invitation = await session.scalar(select(Invitation).where(*live).with_for_update())
    user = await session.get(User, invitation.user_id, with_for_update=True) if invitation else None
    if invitation is None or user is None or not user.is_active:
        raise NotFound("invalid, used or expired invitation", code="invitation_invalid")
    # Argon2 is deliberately slow: keep it off the event loop.
    if await _mode(session, user, invitation.company_id) == "set_password":
        check_password(password, confirmation)
        user.password_hash = await asyncio.to_thread(hash_password, password)
    else:  # the link's holder may be the inviter: as throttled as the login form
        await throttle.check(user.email, address)
        if not await asyncio.to_thread(verify_password, user.password_hash, password):
            await throttle.failed(user.email, address)
            raise InvalidField("wrong password", field="password", code="invalid_credentials")
    invitation.used_at = moment
    member = await session.get(
        Membership, (user.id, invitation.company_id), with_for_update=True, populate_existing=True
    )
    if member is None:
        member = Membership(user_id=user.id, company_id=invitation.company_id)
        session.add(member)
    member.role, member.pending, member.deactivated_at = invitation.role, False, None
    # Older links of theirs to the same company stop working; other companies' stay theirs.
    await session.execute(
        update(Invitation)
        .where(
            Invitation.user_id == user.id,
            Invitation.company_id == invitation.company_id,
            Invitation.used_at.is_(None),
        )
        .values(used_at=moment)
    )
    await session.flush()
    return user.email


async def withdraw(session: AsyncSession, user_id: int, company_id: int) -> None:
    """Open links of this person to this company stop working (they were deactivated)."""
    await session.execute(
        update(Invitation)
        .where(
            Invitation.user_id == user_id,
            Invitation.company_id == company_id,
            Invitation.used_at.is_(None),
        )
        .values(used_at=now_utc())
    )
