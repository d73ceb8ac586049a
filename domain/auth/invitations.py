"""Invitation links (onboarding): someone a company admin (or the platform, when it creates a
company) named by e-mail sets their own password through a link that is random, stored only
as a digest, expires and works once. Nobody ever sees or types another person's password."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.auth.models import Invitation
from domain.errors import InvalidField, NotFound
from domain.tenancy.models import Company, User
from domain.tenancy.passwords import hash_password
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
            select(User.email, User.name, Company.name.label("company"))
            .select_from(Invitation)
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
    return Pending(email=row.email, name=row.name, company_name=row.company)


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
    session: AsyncSession, token: str, password: str, confirmation: str, now: datetime | None = None
) -> str:
    """Set the invited person's password and spend the link: their e-mail, to log in with.
    Every other open invitation of theirs stops too (the password is now set)."""
    check_password(password, confirmation)
    moment = now or now_utc()
    # One statement both checks and spends the link: two tabs cannot both use it.
    spent = await session.execute(
        update(Invitation)
        .where(
            Invitation.token_hash == digest(token),
            Invitation.used_at.is_(None),
            Invitation.expires_at > moment,
        )
        .values(used_at=moment)
        .returning(Invitation.user_id)
    )
    user_id = spent.scalar_one_or_none()
    if user_id is None:
        raise NotFound("invalid, used or expired invitation", code="invitation_invalid")
    user = await session.get(User, user_id, with_for_update=True)
    if user is None:
        raise NotFound("invalid, used or expired invitation", code="invitation_invalid")
    # Argon2 is deliberately slow: keep it off the event loop.
    user.password_hash = await asyncio.to_thread(hash_password, password)
    await session.execute(
        update(Invitation)
        .where(Invitation.user_id == user_id, Invitation.used_at.is_(None))
        .values(used_at=moment)
    )
    return user.email


async def open_invitation(session: AsyncSession, user_id: int, company_id: int) -> bool:
    """Whether this person has an unused, unexpired invitation to this company."""
    found = await session.scalar(
        select(Invitation.id).where(
            Invitation.user_id == user_id,
            Invitation.company_id == company_id,
            Invitation.used_at.is_(None),
            Invitation.expires_at > now_utc(),
        )
    )
    return found is not None
