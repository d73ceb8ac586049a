"""Test data, built through the models and the domain's own functions."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.tenancy.service import NewCompany

MakeCompany = Callable[..., Awaitable[NewCompany]]


@dataclass(frozen=True)
class Cast:
    """The fixed cast of permission tests: company A's owner and member, an outsider from
    company B, and the platform admin (member of no company)."""

    a: NewCompany
    b: NewCompany
    password: str = "correct horse battery staple"
    owner: str = "owner@a.example.com"
    member: str = "member@a.example.com"
    outsider: str = "outsider@b.example.com"
    admin: str = "root@platform.example.com"


async def configure(engine: AsyncEngine, company_id: int, **settings: Any) -> None:
    """Replace the company's settings with these sections (`agenda={"local": True}`, ...)."""
    async with engine.begin() as conn:
        await conn.execute(
            text("UPDATE companies SET settings = CAST(:s AS jsonb) WHERE id = :id"),
            {"s": json.dumps(settings), "id": company_id},
        )


def gemini_at(url: str) -> dict[str, str]:
    """The `gemini` settings of a company answering through the fake Gemini at `url`."""
    return {"api_key": "k-acme", "base_url": url}


def whaticket_at(fake: Any) -> dict[str, str]:
    """The `whaticket` settings of a company sending through the fake Whaticket `fake`."""
    return {"base_url": fake.url, "token": fake.token}
