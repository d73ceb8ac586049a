"""domain/auth/standing.py: an access token's user is re-checked in the database, and a
confirmation is remembered only for the few seconds it is configured for."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.auth.principal import Principal
from domain.auth.standing import Standing
from domain.errors import Unauthorized
from domain.tenancy.models import User
from tests.support import factories
from tests.support.factories import Cast


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def member(engine: AsyncEngine, cast: Cast) -> Principal:
    user_id = await factories.user(
        engine, "ana@a.example.com", roles={cast.a.company.id: "operator"}
    )
    return Principal(cast.a.company.id, "operator", user_id=user_id)


async def test_a_deactivated_user_is_refused_once_the_confirmation_is_older_than_its_ttl(
    engine: AsyncEngine, cast: Cast
) -> None:
    clock = Clock()
    standing = Standing(engine, ttl=5.0, clock=clock)
    ana = await member(engine, cast)
    await standing.confirm(ana)
    await factories.deactivate(engine, "ana@a.example.com")
    clock.now += 4.9
    await standing.confirm(ana)  # still within the few seconds the API may trust
    clock.now += 0.2
    with pytest.raises(Unauthorized) as refused:
        await standing.confirm(ana)
    assert refused.value.code == "invalid_token"


@pytest.mark.parametrize("change", ["removed", "left", "other_role", "unknown"])
async def test_a_principal_whose_user_no_longer_stands_is_refused(
    engine: AsyncEngine, cast: Cast, change: str
) -> None:
    standing = Standing(engine, ttl=5.0, clock=Clock())
    ana = await member(engine, cast)
    if change == "removed":
        await factories.remove_user(engine, "ana@a.example.com")
    elif change == "left":
        await factories.leave(engine, "ana@a.example.com", cast.a.company.id)
    elif change == "other_role":
        ana = Principal(cast.a.company.id, "company_admin", user_id=ana.user_id)
    else:
        ana = Principal(cast.a.company.id, "operator", user_id=999)
    with pytest.raises(Unauthorized):
        await standing.confirm(ana)


async def test_a_platform_admin_who_lost_the_flag_is_refused(
    engine: AsyncEngine, cast: Cast
) -> None:
    standing = Standing(engine, ttl=0.0, clock=Clock())
    admin_id = await factories.user(engine, "boss@platform.example.com", platform_admin=True)
    boss = Principal(cast.a.company.id, "platform_admin", user_id=admin_id)
    await standing.confirm(boss)
    await factories.change(engine, User, User.id == admin_id, is_platform_admin=False)
    with pytest.raises(Unauthorized):
        await standing.confirm(boss)
