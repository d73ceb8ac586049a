"""A company's people: inviting, roles, deactivation, and the rules that keep an admin."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.auth.principal import Principal
from domain.db import public_session
from domain.errors import Conflict, Forbidden, InvalidField
from domain.tenancy import members
from domain.tenancy.models import User
from domain.tenancy.service import still_holds
from tests.support import reads
from tests.support.factories import Cast


async def user_id(engine: AsyncEngine, email: str) -> int:
    return await reads.value(engine, User.id, where=User.email == email)


async def run(engine: AsyncEngine, change: object, *args: object) -> None:
    async with public_session(engine) as session:
        await change(session, *args)  # type: ignore[operator]
        await session.commit()


async def test_someone_new_is_invited_and_listed_as_pending(
    engine: AsyncEngine, cast: Cast
) -> None:
    async with public_session(engine) as session:
        invited = await members.invite(
            session, cast.a.company.id, " Ana@A.Example.com ", "Ana", "operator", None
        )
        await session.commit()
        people = {m.email: m for m in await members.members(session, cast.a.company.id)}
    assert invited.email == "ana@a.example.com" and invited.token
    assert people["ana@a.example.com"].status == "invited"
    assert people["ana@a.example.com"].role == "operator"
    assert people[cast.owner].status == "active" and cast.outsider not in people


async def test_someone_with_an_account_elsewhere_is_pending_until_they_accept(
    engine: AsyncEngine, cast: Cast
) -> None:
    """A link like anyone's (the inviter cannot tell the account existed), but no access and
    no reactivation by the admin: only the owner's password turns it into access."""
    async with public_session(engine) as session:
        invited = await members.invite(
            session, cast.a.company.id, cast.outsider, "", "operator", None
        )
        await session.commit()
        people = {m.email: m for m in await members.members(session, cast.a.company.id)}
    assert invited.token and people[cast.outsider].status == "invited"
    with pytest.raises(Conflict) as refused:
        await run(
            engine,
            members.set_active,
            cast.a.company.id,
            None,
            await user_id(engine, cast.outsider),
            True,
        )
    assert refused.value.code == "invitation_pending"
    async with public_session(engine) as session:
        outsider = Principal(cast.a.company.id, "operator", await user_id(engine, cast.outsider))
        assert not await still_holds(session, outsider)


@pytest.mark.parametrize(("email", "role"), [("not-an-email", "operator"), ("a@b.com", "root")])
async def test_bad_email_or_role_is_a_field_error(
    engine: AsyncEngine, cast: Cast, email: str, role: str
) -> None:
    async with public_session(engine) as session:
        with pytest.raises(InvalidField):
            await members.invite(session, cast.a.company.id, email, "", role, None)


async def test_an_admin_keeps_their_own_role_and_the_last_admin_stays(
    engine: AsyncEngine, cast: Cast
) -> None:
    company, owner = cast.a.company.id, await user_id(engine, cast.owner)
    member = await user_id(engine, cast.member)
    with pytest.raises(Forbidden) as own:
        await run(engine, members.change_role, company, owner, owner, "operator")
    assert own.value.code == "own_admin_role"
    with pytest.raises(Forbidden) as itself:
        await run(engine, members.set_active, company, owner, owner, False)
    assert itself.value.code == "deactivate_self"
    # The platform admin (not a member) cannot demote the only admin either.
    with pytest.raises(Conflict) as last:
        await run(engine, members.change_role, company, None, owner, "operator")
    assert last.value.code == "last_admin"
    # With a second admin, the first may be demoted by them.
    await run(engine, members.change_role, company, owner, member, "company_admin")
    await run(engine, members.change_role, company, member, owner, "operator")
    async with public_session(engine) as session:
        roles = {m.email: m.role for m in await members.members(session, company)}
    assert roles == {cast.owner: "operator", cast.member: "company_admin"}


async def test_a_deactivated_member_stops_standing_and_can_come_back(
    engine: AsyncEngine, cast: Cast
) -> None:
    company, owner = cast.a.company.id, await user_id(engine, cast.owner)
    member = await user_id(engine, cast.member)
    principal = Principal(company, "operator", user_id=member)
    await run(engine, members.set_active, company, owner, member, False)
    async with public_session(engine) as session:
        assert not await still_holds(session, principal)
        listed = {m.email: m.status for m in await members.members(session, company)}
    assert listed[cast.member] == "deactivated"
    await run(engine, members.set_active, company, owner, member, True)
    async with public_session(engine) as session:
        assert await still_holds(session, principal)
