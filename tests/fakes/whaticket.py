"""A fake Whaticket following tests/fixtures/whaticket (send, login, error bodies)."""

from __future__ import annotations

import contextlib
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import jwt
from quart import Quart, request

FIXTURE_SECRET = "fixture-secret"  # what the fixtures' access tokens are signed with


@dataclass
class FakeWhaticket:
    token: str = "wt-api-token"
    email: str = "bot@clinica.example"
    password: str = "senha"
    jwt_lifetime: int = 900  # COMM: 15 minutes
    sent: list[dict[str, Any]] = field(default_factory=list)
    logins: int = 0
    # Scripted answers for the next sends: (status, json body), or None for a send that goes
    # through as usual (to fail a later one); consumed in order.
    script: list[tuple[int, Any] | None] = field(default_factory=list)
    revoked: set[str] = field(default_factory=set)

    def app(self) -> Quart:
        app = Quart("fake_whaticket")

        @app.post("/auth/login")
        async def login() -> Any:
            body = await request.get_json()
            if body != {"email": self.email, "password": self.password}:
                return {"error": "ERR_INVALID_CREDENTIALS"}, 401
            self.logins += 1
            now = int(time.time())
            claims = {
                "usarname": "Bot",
                "profile": "admin",
                "id": 1,
                "companyId": 1,
                "iat": now,
                "exp": now + self.jwt_lifetime,
                "n": self.logins,
            }
            with _short_fixture_key():
                token = jwt.encode(claims, FIXTURE_SECRET, algorithm="HS256")
            return {
                "token": token,
                "user": {
                    "id": 1,
                    "name": "Bot",
                    "email": self.email,
                    "profile": "admin",
                    "queues": [],
                },
            }

        @app.post("/api/messages/send")
        async def send() -> Any:
            auth = request.headers.get("Authorization", "")
            if not auth.startswith("Bearer "):
                return {"error": "ERR_SESSION_EXPIRED"}, 401
            if not self._valid(auth.removeprefix("Bearer ")):
                return {
                    "error": "Invalid token. We'll try to assign a new one on next request"
                }, 403
            scripted = self.script.pop(0) if self.script else None
            if scripted is not None:
                status, body = scripted
                return body, status
            payload = await request.get_json()
            self.sent.append(payload)
            return {"mensagem": "Mensagem enviada"}, 200

        return app

    def _valid(self, token: str) -> bool:
        if token == self.token:
            return True
        if token in self.revoked:
            return False
        try:
            with _short_fixture_key():
                jwt.decode(token, FIXTURE_SECRET, algorithms=["HS256"])
        except jwt.PyJWTError:
            return False
        return True


@contextlib.contextmanager
def _short_fixture_key() -> Iterator[None]:
    """The fixtures' secret is short on purpose; PyJWT's key-length warning is noise here."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jwt.warnings.InsecureKeyLengthWarning)
        yield
