"""Authentication rules: password login to a principal, company API keys."""

from __future__ import annotations

import asyncio
import functools
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.auth import store
from domain.auth.models import ApiKey
from domain.auth.principal import Principal
from domain.auth.throttle import LoginThrottle
from domain.errors import Forbidden, InvalidInput, NotFound, Unauthorized
from domain.tenancy import store as tenancy
from domain.tenancy.models import Company, Membership
from domain.tenancy.passwords import hash_password, verify_password
from domain.tenancy.tokens import digest

KEY_PREFIX = "sv_"


@functools.cache
def _dummy_hash() -> str:
    """Verified when the e-mail is unknown, so a miss costs as much as a wrong password."""
    return hash_password(secrets.token_hex(16))


async def login(
    session: AsyncSession,
    throttle: LoginThrottle,
    *,
    email: str,
    password: str,
    company_id: int | None,
    address: str,
) -> Principal:
    """The principal for these credentials in the chosen (or only) company."""
    email = email.strip().lower()
    await throttle.check(email, address)
    user = await tenancy.user_by_email(session, email)
    # Argon2 is deliberately slow: keep it off the event loop.
    valid = await asyncio.to_thread(
        verify_password, user.password_hash if user else _dummy_hash(), password
    )
    if user is None or not valid or not user.is_active:
        await throttle.failed(email, address)
        raise Unauthorized("invalid e-mail or password", code="invalid_credentials")
    await throttle.succeeded(email)
    user.last_login_at = func.now()
    roles = await _roles(session, user.id)
    if user.is_platform_admin:
        chosen = company_id if company_id is not None else _only(roles, required=False)
        if chosen is not None and await session.get(Company, chosen) is None:
            raise NotFound("no such company")
        return Principal(company_id=chosen, role="platform_admin", user_id=user.id)
    chosen = company_id if company_id is not None else _only(roles, required=True)
    if chosen not in roles:
        raise Forbidden("this user is not a member of that company", code="not_a_member")
    return Principal(company_id=chosen, role=roles[chosen], user_id=user.id)


async def _roles(session: AsyncSession, user_id: int) -> dict[int, str]:
    """The user's role in each active company where they were not deactivated."""
    rows = await session.execute(
        select(Membership.company_id, Membership.role)
        .join(Company, Company.id == Membership.company_id)
        .where(
            Membership.user_id == user_id,
            Membership.deactivated_at.is_(None),
            Company.status == "active",
        )
    )
    return {company: role for company, role in rows}


def _only(roles: dict[int, str], *, required: bool) -> int | None:
    if len(roles) == 1:
        return next(iter(roles))
    if len(roles) > 1:
        choices = ", ".join(str(c) for c in sorted(roles))
        raise InvalidInput(
            f"this user belongs to several companies: choose company_id ({choices})",
            code="company_required",
        )
    if required:
        raise Forbidden("this user belongs to no active company", code="not_a_member")
    return None


@dataclass(frozen=True)
class IssuedKey:
    key: ApiKey
    plaintext: str  # shown once, never stored


async def create_api_key(
    session: AsyncSession, company_id: int, name: str, role: str, created_by: int | None
) -> IssuedKey:
    prefix = f"{KEY_PREFIX}{secrets.token_hex(4)}"
    plaintext = f"{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey(
        company_id=company_id,
        name=name,
        role=role,
        prefix=prefix,
        key_hash=digest(plaintext),
        created_by=created_by,
    )
    session.add(key)
    await session.flush()
    await session.refresh(key)  # server defaults (created_at), loaded while we can await
    return IssuedKey(key, plaintext)


async def revoke_api_key(session: AsyncSession, company_id: int, key_id: int) -> datetime:
    """Revoke the company's key (again is fine): when it was revoked. NotFound when the
    company has no such key, whoever else might."""
    revoked_at = await store.revoke_key(session, company_id, key_id)
    if revoked_at is None:
        raise NotFound("no such API key")
    return revoked_at


def looks_like_api_key(token: str) -> bool:
    return token.startswith(KEY_PREFIX)


async def principal_for_key(session: AsyncSession, plaintext: str) -> Principal:
    key = await store.active_key_by_hash(session, digest(plaintext))
    if key is None:
        raise Unauthorized("invalid or revoked API key", code="invalid_token")
    await store.touch_key(session, key.id)
    return Principal(company_id=key.company_id, role=key.role, api_key_id=key.id)
