"""Serving a fake external service (a Quart app) on a loopback port inside the test loop."""

from __future__ import annotations

import asyncio
from typing import Any

from hypercorn.asyncio import serve
from hypercorn.config import Config

from scripts.embedded import free_port


class LocalServer:
    """`async with LocalServer(app) as url:` — a real HTTP server for the test's duration."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.port = free_port()
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def __aenter__(self) -> str:
        config = Config()
        config.bind = [f"127.0.0.1:{self.port}"]
        config.accesslog = None
        config.errorlog = None
        self._task = asyncio.create_task(
            serve(self.app, config, shutdown_trigger=self._stop.wait)  # type: ignore[arg-type]
        )
        for _ in range(200):  # wait until it accepts connections
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", self.port)
                writer.close()
                return self.url
            except OSError:
                await asyncio.sleep(0.02)
        raise RuntimeError("fake server did not start")

    async def __aexit__(self, *exc: object) -> None:
        self._stop.set()
        if self._task is not None:
            await self._task
