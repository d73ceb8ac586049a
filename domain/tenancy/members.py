"""The people of a company (Configurações › Usuários): who they are, their role and standing,
inviting someone by e-mail, changing a role, deactivating and reactivating.

Rules that keep a company manageable: an admin cannot take away their own admin role nor
deactivate themselves, and the last active admin cannot be demoted or deactivated.

Links are shown to whoever invites (nothing is e-mailed), so a link must never let its holder
into an account that is not brand new: someone who already has an account gets access only
when they accept with their own password, and the answer to an invitation is the same whether
the e-mail had an account or not (see domain/auth/invitations.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.auth import invitations
from domain.errors import Conflict, Forbidden, InvalidField, NotFound
from domain.tenancy import store
from domain.tenancy.models import Membership, User

Role = Literal["company_admin", "operator"]
ROLES: tuple[Role, ...] = ("company_admin", "operator")
# Deliberately plain: one @, a dot in the domain, no spaces. Whether it exists is the
# invited person's to prove by opening the link.
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")


@dataclass(frozen=True)
class Member:
    user_id: int
    name: str
    email: str
    role: str
    status: Literal["active", "invited", "deactivated"]
    last_login_at: datetime | None


@dataclass(frozen=True)
class Invited:
    user_id: int
    email: str
    token: str  # the invitation link's, shown once


def clean_email(email: str) -> str:
    """The e-mail as stored (trimmed, lower case); InvalidField when it is not one."""
    cleaned = email.strip().lower()
    if len(cleaned) > 254 or not EMAIL.match(cleaned):
        raise InvalidField("not an e-mail address", field="email", code="invalid_email")
    return cleaned


def check_role(role: str) -> Role:
    for known in ROLES:
        if role == known:
            return known
    raise InvalidField("unknown role", field="role", code="invalid_role")


async def members(session: AsyncSession, company_id: int) -> list[Member]:
    """Everyone with access to the company, admins first, then by name."""
    rows = await session.execute(
        select(User, Membership)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.company_id == company_id)
        .order_by(Membership.role, User.name, User.email)
    )
    found = []
    for user, member in rows:
        status: Literal["active", "invited", "deactivated"] = "active"
        if member.pending:
            status = "invited"
        elif member.deactivated_at is not None or not user.is_active:
            status = "deactivated"
        elif not user.password_hash:
            status = "invited"
        found.append(
            Member(user.id, user.name, user.email, member.role, status, user.last_login_at)
        )
    return found


async def invite(
    session: AsyncSession,
    company_id: int,
    email: str,
    name: str,
    role: str,
    created_by: int | None,
) -> Invited:
    """Invite `email` to the company with `role`: a link shown once. A new account can use
    it to set its password; an existing one gets a pending membership that only its owner's
    password turns into access. Conflict when they already have access here."""
    address, wanted = clean_email(email), check_role(role)
    user = await store.user_by_email(session, address)
    existed = user is not None
    if user is None:
        # No password yet: an empty hash verifies nothing, so nobody can log in as them.
        user = User(email=address, name=name.strip()[:200], password_hash="")
        session.add(user)
        await session.flush()
    member = await store.membership(session, user.id, company_id)
    if member is not None and member.deactivated_at is None and user.password_hash:
        raise Conflict("this person already has access", code="already_member", field="email")
    if member is None:
        member = Membership(user_id=user.id, company_id=company_id, role=wanted)
        if existed:
            member.pending, member.deactivated_at = True, datetime.now(UTC)
        session.add(member)
        await session.flush()
    else:
        member.role = wanted
    token = await invitations.issue(session, user.id, company_id, wanted, created_by)
    return Invited(user.id, address, token)


async def change_role(
    session: AsyncSession, company_id: int, actor_id: int | None, user_id: int, role: str
) -> None:
    """A new role for someone of the company (see the module's rules)."""
    wanted = check_role(role)
    member = await _member(session, company_id, user_id)
    if member.role == wanted:
        return
    if member.role == "company_admin":
        if user_id == actor_id:
            raise Forbidden("you cannot remove your own admin role", code="own_admin_role")
        await _keep_an_admin(session, company_id, user_id)
    member.role = wanted


async def set_active(
    session: AsyncSession, company_id: int, actor_id: int | None, user_id: int, active: bool
) -> None:
    """Deactivate (their session and tokens stop at once) or reactivate someone here."""
    member = await _member(session, company_id, user_id)
    if active:
        if member.pending:  # only the person's own acceptance gives access
            raise Conflict("the invitation was not accepted yet", code="invitation_pending")
        member.deactivated_at = None
        return
    # An open link would give the access back: deactivating also withdraws the invitation,
    # and a pending membership (never accepted) is simply gone.
    await invitations.withdraw(session, user_id, company_id)
    if member.pending:
        await session.delete(member)
        return
    if member.deactivated_at is not None:
        return
    if user_id == actor_id:
        raise Forbidden("you cannot deactivate yourself", code="deactivate_self")
    if member.role == "company_admin":
        await _keep_an_admin(session, company_id, user_id)
    member.deactivated_at = datetime.now(UTC)


async def _member(session: AsyncSession, company_id: int, user_id: int) -> Membership:
    member = await session.get(
        Membership, (user_id, company_id), with_for_update=True, populate_existing=True
    )
    if member is None:
        raise NotFound("no such user in this company", code="unknown_user")
    return member


async def _keep_an_admin(session: AsyncSession, company_id: int, leaving: int) -> None:
    """Conflict unless an active admin other than `leaving` remains. The admins' rows are
    locked, so two admins demoting each other at once cannot both win."""
    admins = await session.scalars(
        select(Membership.user_id)
        .where(
            Membership.company_id == company_id,
            Membership.role == "company_admin",
            Membership.deactivated_at.is_(None),
        )
        .with_for_update()
    )
    if not [admin for admin in admins if admin != leaving]:
        raise Conflict("the company needs at least one active admin", code="last_admin")
