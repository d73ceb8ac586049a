"""A fake Cal.com on a loopback port, and the client that talks to it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from domain.integrations.calcom import CalcomClient
from tests.fakes.calcom import FakeCalcom
from tests.fakes.server import LocalServer


@pytest.fixture
async def fake_calcom() -> AsyncIterator[tuple[FakeCalcom, str]]:
    """The fake and its base URL (API v2 under /v2, v1 under /api/v1)."""
    calcom = FakeCalcom()
    async with LocalServer(calcom.app()) as url:
        yield calcom, url


@pytest.fixture
async def calcom_client() -> AsyncIterator[CalcomClient]:
    """The client with three attempts and short waits between them."""
    async with httpx.AsyncClient() as http:
        yield CalcomClient(http, attempts=3, max_wait=0.01, max_total=5.0)
