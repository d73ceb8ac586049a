"""Test data, built through the models and the domain's own functions (never SQL text):
companies on their own plan with their settings, the people of the permission cast, contacts,
conversations, messages, appointments and reminders. Each factory commits what it builds, as
the request or job that would have written it does.

Tenant rows are written through `tenant_engine` (the tables have no schema of their own)."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import DeclarativeBase

from domain.agenda.models import Appointment, Reminder
from domain.conversations.models import Contact, Conversation, Message
from domain.db import public_session, tenant_engine
from domain.tenancy.models import Company, Membership, Plan, Subscription, User
from domain.tenancy.passwords import hash_password
from domain.tenancy.service import NewCompany, create_company

PASSWORD = "correct horse battery staple"
CUSTOMER = "5511999999999"  # the number of the Whaticket fixtures and of `text_body`

MakeCompany = Callable[..., Awaitable[NewCompany]]


# --- companies ---------------------------------------------------------------------------


async def company(
    engine: AsyncEngine,
    slug: str = "acme",
    domain: str | None = None,
    secret: str | None = None,
    *,
    settings: dict[str, Any] | None = None,
    **plan: Any,
) -> NewCompany:
    """Company `slug` (name `Slug`, domain <slug>.example.com, webhook secret secret-<slug>),
    with its schema, subscribed to its own plan `plan-<slug>` whose columns `plan` sets
    (monthly_messages=..., overage=...; unlimited by default)."""
    async with public_session(engine) as session:
        tier = Plan(slug=f"plan-{slug}", name=f"Plano {slug}", **plan)
        session.add(tier)
        await session.flush()
        new = await create_company(
            session,
            name=slug.title(),
            slug=slug,
            domain=domain or f"{slug}.example.com",
            plan=tier,
            webhook_secret=secret or f"secret-{slug}",
        )
        if settings is not None:
            new.company.settings = settings
        await session.commit()
    return new


async def configure(engine: AsyncEngine, company_id: int, **settings: Any) -> None:
    """Replace the company's settings with these sections: `agenda={"local": True}`,
    `whaticket=whaticket_at(fake)`, `alert_url=...`."""
    await change_company(engine, company_id, settings=settings)


async def allow_manual_billing(engine: AsyncEngine, company_id: int) -> None:
    """The platform lets the company bill itself (provisioning's manual_billing): kept in the
    company's own billing settings, which the company cannot edit; other settings are kept."""
    async with public_session(engine) as session:
        company = await session.get(Company, company_id)
        assert company is not None
        settings = dict(company.settings or {})
    settings["billing"] = {**settings.get("billing", {}), "manual": True}
    await change_company(engine, company_id, settings=settings)


def gemini_at(url: str) -> dict[str, str]:
    """The `gemini` settings of a company answering through the fake Gemini at `url`."""
    return {"api_key": "k-acme", "base_url": url}


def whaticket_at(fake: Any, token: str | None = None) -> dict[str, str]:
    """The `whaticket` settings of a company sending through the fake Whaticket `fake` (with
    its own token, unless `token` says otherwise: "revoked-token" is refused)."""
    return {"base_url": fake.url, "token": token or fake.token}


async def change_company(engine: AsyncEngine, company_id: int, **columns: Any) -> None:
    """Set columns of the company (timezone=..., webhook_token_hash=...)."""
    await change(engine, Company, Company.id == company_id, **columns)


async def change_plan(engine: AsyncEngine, company_id: int, **columns: Any) -> None:
    """Set columns of the company's plan (monthly_messages=..., overage=...)."""
    plan = select(Subscription.plan_id).where(Subscription.company_id == company_id)
    await change(engine, Plan, Plan.id.in_(plan.scalar_subquery()), **columns)


# --- people ------------------------------------------------------------------------------


@functools.cache
def _hashed(password: str) -> str:
    # Argon2 is slow on purpose; one hash per password is enough for a test session.
    return hash_password(password)


async def user(
    engine: AsyncEngine,
    email: str,
    *,
    password: str = PASSWORD,
    platform_admin: bool = False,
    roles: dict[int, str] | None = None,
) -> int:
    """A user who logs in with `password`, with a role in each company of `roles`
    ({company_id: "company_admin" | "operator"})."""
    async with public_session(engine) as session:
        person = User(
            email=email, password_hash=_hashed(password), is_platform_admin=platform_admin
        )
        session.add(person)
        await session.flush()
        for company_id, role in (roles or {}).items():
            session.add(Membership(user_id=person.id, company_id=company_id, role=role))
        await session.commit()
        return person.id


async def join(engine: AsyncEngine, email: str, company_id: int, role: str) -> None:
    """The user of `email` gets `role` in one more company."""
    async with public_session(engine) as session:
        person = await session.scalar(select(User).where(User.email == email))
        assert person is not None, email
        session.add(Membership(user_id=person.id, company_id=company_id, role=role))
        await session.commit()


async def leave(engine: AsyncEngine, email: str, company_id: int) -> None:
    """The user of `email` is removed from the company."""
    person = select(User.id).where(User.email == email).scalar_subquery()
    async with engine.begin() as conn:
        await conn.execute(
            delete(Membership).where(
                Membership.user_id == person, Membership.company_id == company_id
            )
        )


async def deactivate(engine: AsyncEngine, email: str) -> None:
    """The user of `email` can no longer log in (nor keep using a session or token)."""
    await change(engine, User, User.email == email, is_active=False)


async def remove_user(engine: AsyncEngine, email: str) -> None:
    """The user of `email` is deleted (memberships go with it)."""
    async with engine.begin() as conn:
        await conn.execute(delete(User).where(User.email == email))


@dataclass(frozen=True)
class Cast:
    """The fixed cast of permission tests: company A's owner and member, an outsider from
    company B, and the platform admin (member of no company). All share one password."""

    a: NewCompany
    b: NewCompany
    password: str = PASSWORD
    owner: str = "owner@a.example.com"
    member: str = "member@a.example.com"
    outsider: str = "outsider@b.example.com"
    admin: str = "root@platform.example.com"


async def cast(engine: AsyncEngine) -> Cast:
    """Companies acme (A) and globex (B), and the people of the cast."""
    people = Cast(await company(engine, "acme"), await company(engine, "globex"))
    a, b = people.a.company.id, people.b.company.id
    await user(engine, people.owner, roles={a: "company_admin"})
    await user(engine, people.member, roles={a: "operator"})
    await user(engine, people.outsider, roles={b: "company_admin"})
    await user(engine, people.admin, platform_admin=True)
    return people


# --- a company's customers ---------------------------------------------------------------


async def contact(
    engine: AsyncEngine, company_id: int, phone: str = CUSTOMER, name: str | None = None
) -> int:
    """A customer of the company."""
    return await add(engine, Contact, tenant=company_id, phone=phone, name=name)


async def conversation(
    engine: AsyncEngine, company_id: int, contact_id: int, **columns: Any
) -> int:
    """A conversation with the contact (open unless `status` says otherwise)."""
    return await add(engine, Conversation, tenant=company_id, contact_id=contact_id, **columns)


async def message(
    engine: AsyncEngine,
    company_id: int,
    conversation_id: int,
    body: str,
    *,
    reply_to: int | None = None,
    **columns: Any,
) -> int:
    """A message in the conversation: from its contact, filed (inbound, processed), or with
    `reply_to` the bot's reply to one, waiting in the outbox (no Whaticket configured)."""
    talk = select(Contact.id, Contact.phone).join(
        Conversation, Conversation.contact_id == Contact.id
    )
    async with tenant_engine(engine, company_id).connect() as conn:
        who = (await conn.execute(talk.where(Conversation.id == conversation_id))).one()
    if reply_to is None:
        kind = {"direction": "inbound", "status": "processed", "processed_at": func.now()}
    else:
        kind = {
            "direction": "outbound",
            "status": "outbox",
            "source": "offline",
            "reply_to_id": reply_to,
        }
    return await add(
        engine,
        Message,
        tenant=company_id,
        conversation_id=conversation_id,
        contact_id=who.id,
        phone=who.phone,
        body=body,
        **(kind | columns),
    )


# --- agenda ------------------------------------------------------------------------------


async def appointment(
    engine: AsyncEngine,
    company_id: int,
    start: datetime,
    *,
    cal_uid: str,
    phone: str = "5511900000001",
    name: str | None = "Ana",
    status: str = "scheduled",
    source: str = "panel",
    minutes: int = 30,
    **columns: Any,
) -> int:
    """An appointment of `minutes` from `start`, as the panel (or Cal.com) would have written
    it: no reminders are planned for it."""
    return await add(
        engine,
        Appointment,
        tenant=company_id,
        cal_uid=cal_uid,
        phone=phone,
        name=name,
        start_at=start,
        end_at=start + timedelta(minutes=minutes),
        status=status,
        source=source,
        **columns,
    )


async def reminder(
    engine: AsyncEngine,
    company_id: int,
    appointment_id: int,
    kind: str,
    *,
    starts_at: datetime,
    due_at: datetime,
) -> int:
    """A reminder (or, kind "no_show", the no-show check) due about the appointment."""
    return await add(
        engine,
        Reminder,
        company_id=company_id,
        appointment_id=appointment_id,
        kind=kind,
        key=f"{kind}:{appointment_id}",
        starts_at=starts_at,
        due_at=due_at,
    )


# --- any row -----------------------------------------------------------------------------


async def add(
    engine: AsyncEngine, model: type[DeclarativeBase], *, tenant: int | None = None, **columns: Any
) -> int:
    """Insert one row of `model` (in the schema of company `tenant`): its id."""
    table = model.__table__
    async with (engine if tenant is None else tenant_engine(engine, tenant)).begin() as conn:
        return int(await conn.scalar(insert(table).values(**columns).returning(table.c.id)))


async def change(
    engine: AsyncEngine,
    model: type[DeclarativeBase],
    *where: ColumnElement[bool],
    tenant: int | None = None,
    **values: Any,
) -> None:
    """Set `values` on the rows of `model` that match `where` (in the schema of `tenant`)."""
    async with (engine if tenant is None else tenant_engine(engine, tenant)).begin() as conn:
        await conn.execute(update(model).where(*where).values(**values))
