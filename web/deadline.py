"""A deadline for panel actions that wait on an outside system (Cal.com, Whaticket).

Hypercorn drops a connection that sends nothing for WEB_READ_TIMEOUT_SECONDS (the guard
against stalled requests), and it cannot tell a slow answer of ours from a silent client: an
action still waiting on a hung Cal.com then ends in a closed connection and no message at all.
So such actions give up a couple of seconds earlier and say so in Portuguese. A booking that
Cal.com completes after we stopped waiting still arrives through its BOOKING_CREATED webhook."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

from domain.errors import ServiceUnavailable
from web.services import services

P = ParamSpec("P")
R = TypeVar("R")
MARGIN_SECONDS = 2.0  # to render the refusal before Hypercorn gives up on the connection


def within_read_timeout(handler: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    @functools.wraps(handler)
    async def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        seconds = max(1.0, services().settings.web_read_timeout_seconds - MARGIN_SECONDS)
        try:
            async with asyncio.timeout(seconds):
                return await handler(*args, **kwargs)
        except TimeoutError:
            raise ServiceUnavailable(
                f"an outside system did not answer within {seconds:g} s", code="upstream_timeout"
            ) from None

    return wrapped
