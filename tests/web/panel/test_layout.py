"""What every panel page shares: the tabs, and a banner when the company's subscription has
lapsed (the secretary then hands every customer to a person)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.tenancy.models import Subscription
from tests.support import factories
from tests.support.factories import Cast
from tests.support.panel import log_in


@pytest.mark.parametrize(
    ("status", "banner"),
    [("canceled", "Assinatura cancelada"), ("past_due", "Assinatura em atraso"), ("active", None)],
)
async def test_every_page_says_when_the_subscription_has_lapsed(
    client: Any, engine: AsyncEngine, cast: Cast, status: str, banner: str | None
) -> None:
    company = cast.a.company.id
    await factories.change(engine, Subscription, Subscription.company_id == company, status=status)
    await log_in(client, cast.member, cast.password)
    for tab in ("/painel/conversas", "/painel/agenda", "/painel/simulador"):
        page = await (await client.get(tab)).get_data(as_text=True)
        if banner is None:
            assert "Assinatura" not in page
        else:
            assert banner in page and "o robô não responde" in page
