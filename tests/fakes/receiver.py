"""A fake company endpoint that records what our outgoing webhooks POST to it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from quart import Quart, request


@dataclass
class FakeReceiver:
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    # Statuses to answer with, consumed in order; 200 afterwards.
    script: list[int] = field(default_factory=list)

    def app(self) -> Quart:
        app = Quart("fake_receiver")

        @app.post("/hooks")
        async def hook() -> Any:
            self.received.append((dict(request.headers), await request.get_data()))
            status = self.script.pop(0) if self.script else 200
            return {"ok": status < 300}, status

        return app
