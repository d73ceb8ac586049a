"""A fake Mercado Pago API: GET /preapproval/{id} and GET /v1/payments/{id} with a bearer token."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from quart import Quart, request


@dataclass
class FakeMercadoPago:
    token: str = "APP_USR-test-token"
    statuses: dict[str, str] = field(default_factory=dict)  # resource id -> status
    down: bool = False  # answer 500 to everything

    def app(self) -> Quart:
        app = Quart("fake_mercadopago")

        async def lookup(kind: str, resource_id: str) -> Any:
            if self.down:
                return {"message": "internal_error", "status": 500}, 500
            if request.headers.get("Authorization") != f"Bearer {self.token}":
                return {"message": "invalid_token", "status": 401}, 401
            if resource_id not in self.statuses:
                return {"message": f"{kind} not found", "status": 404}, 404
            return {"id": resource_id, "status": self.statuses[resource_id]}

        @app.get("/preapproval/<resource_id>")
        async def preapproval(resource_id: str) -> Any:
            return await lookup("preapproval", resource_id)

        @app.get("/v1/payments/<resource_id>")
        async def payment(resource_id: str) -> Any:
            return await lookup("payment", resource_id)

        return app
